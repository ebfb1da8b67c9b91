"""Flowroute Messages v2 (``mdr1-`` records) and Messages v2.1 (``mdr2-`` records).

Messages are accepted only from a number on the account (403 otherwise, as FR-lib documents).
v2.1 records carry delivery receipts: the sandbox "delivers" every message at once and records
the receipts a carrier would send (SMSC submit, carrier buffered, delivered), so look-ups show
the complete, final record. Message sets (v2 and v2.1) list newest first, paged with
``links.next``. A v2.1 send may use either documented body: the JSON:API wrapper
(``{"data": {"type": "message", "attributes": {...}}}``) or the flat attributes object; a
message's own ``dlr_callback`` is kept with its record (``dlr_callback(record_id)``).
A v2.1 message to a magic outcome number (:mod:`smsclients_sandbox.magic`) ends ``undelivered``,
or stays ``message buffered`` until its delay has passed (settled when it is looked up or
listed); :meth:`FlowrouteMessages.finish` ends one at once (the inbox's buttons).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from smsclients_sandbox import magic
from smsclients_sandbox.billing import is_gsm7, segments
from smsclients_sandbox.optouts import FLOWROUTE_OPTED_OUT_CODE, FlowrouteOptOuts
from smsclients_sandbox.providers.flowroute_numbers import FlowrouteAccount
from smsclients_sandbox.providers.jsonapi import page_links, paging, window, with_limit
from smsclients_sandbox.state import State, iso_z, parse_timestamp
from smsclients_sandbox.surfaces import Surface
from smsclients_sandbox.wire import Call, Operation, ProviderError, Reply, dig

MDR1 = "fr.mdr1"
MDR2 = "fr.mdr2"
SMS_NANODOLLARS = 4_000_000
MMS_NANODOLLARS = 20_000_000
TOLL_FREE_PREFIXES = ("1800", "1833", "1844", "1855", "1866", "1877", "1888")


def encoding(text: str | None) -> int:
    """0 for GSM-7 text (the default alphabet), 8 (UCS-2) otherwise."""
    return 0 if is_gsm7(text or "") else 8


def amount_display(nanodollars: int) -> str:
    return f"${nanodollars / 1e9:.4f}"


class FlowrouteMessages:
    """Handlers of Messages v2 (its own spec) and Messages v2.1 (in ``flowroute-v2.yaml``)."""

    def __init__(self, state: State, v2: Surface, v21: Surface, account: FlowrouteAccount) -> None:
        self.state = state
        self.v2 = v2
        self.v21 = v21
        self.account = account
        self.optouts = FlowrouteOptOuts(state)

    def operations(self) -> list[Operation]:
        return [
            Operation(self.v2, "POST", "/messages", "send_message", self.send_v2),
            Operation(self.v2, "GET", "/messages", "list_messages", self.list_v2),
            Operation(self.v2, "GET", "/messages/{record_id}", "get_message", self.get_v2),
            Operation(self.v21, "POST", "/v2.1/messages", "send_message", self.send_v21),
            Operation(self.v21, "GET", "/v2.1/messages", "list_messages", self.list_v21),
            Operation(self.v21, "GET", "/v2.1/messages/{id}", "get_message", self.get_v21),
        ]

    def _check_sender(self, sender: Any, to: Any) -> None:
        if not isinstance(to, str) or not to:
            raise ProviderError(422, "to is required")
        if not isinstance(sender, str) or not self.account.owns(sender):
            raise ProviderError(403, f"{sender} is not an SMS-enabled number on this account")
        if self.optouts.blocked(sender, to):  # FR-support-stop: the handset texted STOP to this number
            raise ProviderError(
                400,
                f"Error code {FLOWROUTE_OPTED_OUT_CODE}: Message accepted by the SMSC but the phone rejected the"
                f" message ({to} texted STOP to {sender})",
                title="Client Error",
            )

    # ------------------------------------------------------------------ v2
    def send_v2(self, call: Call) -> Reply:
        to, sender, text = dig(call.body, "to"), dig(call.body, "from"), dig(call.body, "body")
        self._check_sender(sender, to)
        if not isinstance(text, str) or not text:
            raise ProviderError(422, "body is required")
        record_id = f"mdr1-{self.state.ids.hex('mdr1')}"
        billed = segments(text)
        amount = SMS_NANODOLLARS * billed
        record = {
            "type": "message",
            "id": record_id,
            "attributes": {
                "body": text,
                "direction": "outbound",
                "amount_nanodollars": amount,
                "message_encoding": encoding(text),
                "timestamp": self.state.now().isoformat(),
                "has_mms": False,
                "to": to,
                "amount_display": amount_display(amount),
                "from": sender,
                "callback_url": None,
                "message_type": "toll-free" if str(sender).startswith(TOLL_FREE_PREFIXES) else "long-code",
            },
        }
        self.state.store.put(MDR1, record_id, record)
        self.state.stats.accepted(self.v2.name, text, billed)
        return Reply(202, {"data": {"id": record_id}})

    def list_v2(self, call: Call) -> Reply:
        limit, offset = paging(call, 10, None)
        window_bounds = _date_window(call)
        records: list[dict[str, Any]] = []
        if window_bounds is not None:
            low, high = window_bounds
            for record in reversed(self.state.store.scan(MDR1)):
                moment = parse_timestamp(str(record["attributes"]["timestamp"]))
                if moment is not None and low <= moment.timestamp() <= high:
                    records.append(record)
        params = _date_params(call, limit)
        links = page_links(call, "/messages", params, offset=offset, limit=limit, total=len(records), with_self=False)
        return Reply(200, {"data": window(records, offset, limit), "links": links})

    def dlr_callback(self, record_id: str) -> str | None:
        """The ``dlr_callback`` a v2.1 message was sent with, if any (for the webhook sender)."""
        doc = self.state.store.get(MDR2, record_id)
        return None if doc is None else doc.get("dlr_callback")

    def get_v2(self, call: Call) -> Reply:
        record = self.state.store.get(MDR1, call.path_params["record_id"])
        if record is None:
            raise ProviderError(404, f"No message detail record {call.path_params['record_id']}")
        return Reply(200, {"data": record})

    # ------------------------------------------------------------------ v2.1
    def send_v21(self, call: Call) -> Reply:
        attributes = dig(call.body, "data", "attributes")
        if attributes is None and isinstance(call.body, dict) and "data" not in call.body:
            attributes = call.body  # the flat form (FR-spec `Message`, FR-docs "Send an SMS")
        if not isinstance(attributes, dict):
            raise ProviderError(422, "data.attributes is required")
        to, sender = attributes.get("to"), attributes.get("from")
        self._check_sender(sender, to)
        text = attributes.get("body") or ""
        media = attributes.get("media_urls") or []
        is_mms = attributes.get("is_mms") is True
        if media and not is_mms:
            raise ProviderError(422, "is_mms must be true when media_urls is given")
        if is_mms and not media:
            raise ProviderError(422, "an MMS needs at least one media_urls entry")
        if not text and not media:
            raise ProviderError(422, "body is required for an SMS")
        now = self.state.now()
        record_id = f"mdr2-{self.state.ids.hex('mdr2')}"
        billed = None if is_mms else segments(text or "")
        amount = MMS_NANODOLLARS if billed is None else SMS_NANODOLLARS * billed
        outcome = magic.outcome(to)
        receipts = _receipts(now)
        if outcome is not None and outcome != "delivered":
            receipts = [_final_receipt(now, "undelivered" if outcome == "undeliverable" else "buffered"), receipts[-1]]
        record: dict[str, Any] = {
            "type": "message",
            "id": record_id,
            "attributes": {
                "body": text,
                "status": receipts[0]["status"],
                "direction": "outbound",
                "amount_nanodollars": amount,
                "to": to,
                "message_encoding": encoding(text),
                "timestamp": iso_z(now, 2),
                "delivery_receipts": receipts,
                "amount_display": amount_display(amount),
                "from": sender,
                "is_mms": is_mms,
                "message_type": "toll-free" if str(sender).startswith(TOLL_FREE_PREFIXES) else "longcode",
            },
        }
        if media:
            record["relationships"] = {
                "media": {"data": [{"type": "media", "id": f"{record_id}-{i}"} for i in range(len(media))]}
            }
        url = f"{call.base_url}/v2.1/messages/{record_id}"
        doc = {"at": now.timestamp(), "record": record, "dlr_callback": attributes.get("dlr_callback"), "url": url}
        if outcome == "delayed":
            doc["due"] = now.timestamp() + magic.DELAY_S
        self.state.store.put(MDR2, record_id, doc)
        self.state.stats.accepted(self.v21.name, text, billed)
        self.state.callbacks.flowroute_sent(record, attributes.get("dlr_callback"), url)
        return Reply(202, {"data": {"type": "message", "id": record_id, "links": {"self": url}}})

    def list_v21(self, call: Call) -> Reply:
        limit, offset = paging(call, 10, None)
        window_bounds = _date_window(call)
        records: list[dict[str, Any]] = []
        if window_bounds is not None:
            low, high = window_bounds
            docs = [self._settled(d) for d in reversed(self.state.store.scan(MDR2))]
            records = [d["record"] for d in docs if low <= float(d["at"]) <= high]
        params = _date_params(call, limit)
        links = page_links(
            call, "/v2.1/messages", params, offset=offset, limit=limit, total=len(records), with_self=False
        )
        return Reply(200, {"data": window(records, offset, limit), "links": links})

    def inject_inbound(self, payload: Any) -> dict[str, Any]:
        """A message received by an account number, sent to its callback URL (sandbox hook).

        ``payload``: ``{to, from, body?, media_urls?, callback_url?, format?}``; ``format`` is
        ``v2.1`` (JSON:API document, the default) or ``v2`` (the Messages v2 era's flat object).
        """
        if not isinstance(payload, dict):
            raise ProviderError(400, "The request body must be a JSON object")
        to, sender, text = payload.get("to"), payload.get("from"), payload.get("body") or ""
        media = payload.get("media_urls") or []
        if not isinstance(to, str) or not self.account.owns(to):
            raise ProviderError(404, f"{to} is not a number on this account")
        if not isinstance(sender, str) or not sender or not isinstance(text, str):
            raise ProviderError(422, "from is required and body must be a string")
        if not isinstance(media, list) or not all(isinstance(url, str) for url in media):
            raise ProviderError(422, "media_urls must be a list of URLs")
        flat = payload.get("format") == "v2"
        if flat and media:
            raise ProviderError(422, "Messages v2 carried SMS only")
        self.optouts.inbound(to, sender, text)  # blocked or unblocked even without a callback URL
        now = self.state.now()
        kind = "mdr1" if flat else "mdr2"
        record_id = f"{kind}-{self.state.ids.hex(kind)}"
        attributes: dict[str, Any] = {
            "body": text,
            "direction": "inbound",
            "amount_nanodollars": MMS_NANODOLLARS if media else SMS_NANODOLLARS * segments(text or ""),
            "message_encoding": encoding(text),
            "to": to,
            "from": sender,
        }
        attributes["amount_display"] = amount_display(attributes["amount_nanodollars"])
        toll_free = to.startswith(TOLL_FREE_PREFIXES)
        if flat:
            attributes |= {"timestamp": now.isoformat(), "has_mms": False, "callback_url": None}
            attributes["message_type"] = "toll-free" if toll_free else "long-code"
            record = {"type": "message", "id": record_id, "attributes": attributes}
            self.state.store.put(MDR1, record_id, record)
        else:
            attributes |= {
                "status": "delivered",
                "timestamp": iso_z(now, 2),
                "delivery_receipts": [],
                "is_mms": bool(media),
            }
            attributes["message_type"] = "toll-free" if toll_free else "longcode"
            record = {"type": "message", "id": record_id, "attributes": attributes}
            self.state.store.put(MDR2, record_id, {"at": now.timestamp(), "record": record})
        url = self.state.callbacks.flowroute_received(record, media, explicit=payload.get("callback_url"), flat=flat)
        return {"record": record, "callback": url is not None}

    def get_v21(self, call: Call) -> Reply:
        doc = self.state.store.get(MDR2, call.path_params["id"])
        if doc is None:
            raise ProviderError(404, f"No message detail record {call.path_params['id']}")
        return Reply(200, {"data": self._settled(doc)["record"]})

    def _settled(self, doc: dict[str, Any]) -> dict[str, Any]:
        """A delayed message whose delay has passed is delivered now (with its receipt callback)."""
        due = doc.get("due")
        if due is not None and self.state.now().timestamp() >= float(due):
            return self._finish(doc, "delivered")
        return doc

    def finish(self, record_id: str, delivered: bool) -> dict[str, Any]:
        """End an outbound v2.1 message now: delivered or undelivered, with its receipt callback."""
        doc = self.state.store.get(MDR2, record_id)
        if doc is None or doc["record"]["attributes"].get("direction") != "outbound":
            raise ProviderError(404, f"No outbound message detail record {record_id}")
        return dict(self._finish(doc, "delivered" if delivered else "undelivered")["record"])

    def _finish(self, doc: dict[str, Any], status: str) -> dict[str, Any]:
        now = self.state.now()
        receipt = _receipts(now)[0] if status == "delivered" else _final_receipt(now, "undelivered")
        attributes = doc["record"]["attributes"]
        attributes["status"] = receipt["status"]
        attributes["delivery_receipts"] = [receipt, *attributes.get("delivery_receipts", [])]
        doc.pop("due", None)
        self.state.store.put(MDR2, doc["record"]["id"], doc)
        latest = {**doc["record"], "attributes": {**attributes, "delivery_receipts": [receipt]}}
        self.state.callbacks.flowroute_sent(latest, doc.get("dlr_callback"), str(doc.get("url") or ""))
        return doc


def _date_window(call: Call) -> tuple[float, float] | None:
    """``(start, end)`` timestamps of a message-set query; None for an impossible calendar date."""
    raw_start, raw_end = call.query.get("start_date"), call.query.get("end_date")
    if not raw_start:
        raise ProviderError(422, "start_date is required")
    start = parse_timestamp(raw_start)
    end = parse_timestamp(raw_end) if raw_end else datetime.max.replace(tzinfo=UTC)
    if end is not None and raw_end and "T" not in raw_end.upper() and " " not in raw_end.strip():
        end += timedelta(days=1) - timedelta(microseconds=1)  # a bare end date covers that whole day
    if start is None or end is None:
        return None
    return start.timestamp(), end.timestamp()


def _date_params(call: Call, limit: int) -> list[tuple[str, str]]:
    """The echoed query of a message-set page: limit, start_date, end_date (when given)."""
    params = [*with_limit([], limit), ("start_date", call.query["start_date"])]
    if call.query.get("end_date"):
        params.append(("end_date", call.query["end_date"]))
    return params


def _final_receipt(now: datetime, kind: str) -> dict[str, Any]:
    """The receipt of a message that is still buffered at the carrier, or that the carrier could not deliver."""
    if kind == "buffered":
        return {
            "status": "message buffered",
            "status_code": 1003,
            "status_code_description": "Message accepted by Carrier",
            "timestamp": iso_z(now, 2),
            "level": 2,
        }
    return {
        "status": "undelivered",
        "status_code": 1007,
        "status_code_description": "Message could not be delivered to handset",
        "timestamp": iso_z(now, 2),
        "level": 2,
    }


def _receipts(now: datetime) -> list[dict[str, Any]]:
    """The receipts of a delivered message, newest first (as in S001's example)."""
    stamp = iso_z(now, 2)
    return [
        {
            "status": "delivered",
            "status_code": None,
            "status_code_description": "Message delivered to handset",
            "timestamp": stamp,
            "level": 2,
        },
        {
            "status": "message buffered",
            "status_code": 1003,
            "status_code_description": "Message accepted by Carrier",
            "timestamp": stamp,
            "level": 2,
        },
        {
            "status": "smsc submit",
            "status_code": None,
            "status_code_description": "Message has been sent",
            "timestamp": stamp,
            "level": 1,
        },
    ]
