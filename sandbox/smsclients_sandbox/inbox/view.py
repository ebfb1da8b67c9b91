"""The inbox's picture of the sandbox: conversations, callbacks, requests and settings, as JSON.

Read from the providers' stored records (nothing is kept twice): conversations are grouped by
provider, account and number pair (the account's number and the handset's); every message has
its text, media, encoding, segments, status history and the provider's ids. Callback
deliveries are attached to the conversation whose message ids they carry. Each conversation
says which control endpoint answers it as the handset; each outbound message which endpoint
ends it (``POST /_sandbox/messages/outcome``), so the page needs no provider knowledge.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from smsclients_sandbox import magic
from smsclients_sandbox.billing import is_gsm7, segments
from smsclients_sandbox.providers import flowroute_messages, messagemedia
from smsclients_sandbox.state import parse_timestamp

if TYPE_CHECKING:
    from smsclients_sandbox.app import SandboxApp

SHARED_NUMBER = "(account number)"
REQUEST_LIMIT = 150


def snapshot(app: SandboxApp) -> dict[str, Any]:
    """Everything the page shows."""
    conversations: dict[tuple[str, str, str, str], dict[str, Any]] = {}

    def add(provider: str, account: str, own: str, handset: str, message: dict[str, Any]) -> None:
        key = (provider, account, own, handset)
        conversation = conversations.get(key)
        if conversation is None:
            conversation = {
                "key": "|".join(key),
                "provider": provider,
                "account": account,
                "own": own,
                "handset": handset,
                "messages": [],
                "callbacks": [],
                "reply": _reply(provider, account, own, handset),
            }
            conversations[key] = conversation
        conversation["messages"].append(message)
        if message["direction"] == "out" and provider == "messagemedia":
            conversation["reply"]["payload"]["message_id"] = message["id"]  # replies answer the latest message

    _messagemedia(app, add)
    _flowroute(app, add)
    _bandwidth(app, add)

    ordered = sorted(conversations.values(), key=lambda c: (c["provider"], c["account"], c["own"], c["handset"]))
    unmatched: list[dict[str, Any]] = []
    for delivery in app.state.callbacks.dispatcher.deliveries():
        home = next((c for c in ordered if any(m["id"] in delivery["body"] for m in c["messages"])), None)
        (home["callbacks"] if home else unmatched).append(delivery)
    for conversation in ordered:
        conversation["messages"].sort(key=lambda m: m["sort"])
    return {
        "version": app.journal.version,
        "realistic": app.realistic,
        "faults": dataclasses.asdict(app.faults.options),
        "queued_faults": app.faults.queued,
        "clock_offset_s": app.state.clock_offset.total_seconds(),
        "stats": app.state.stats.snapshot(),
        "magic": magic.table(),
        "conversations": ordered,
        "callbacks": unmatched,
        "requests": app.journal.entries()[-REQUEST_LIMIT:],
    }


def _reply(provider: str, account: str, own: str, handset: str) -> dict[str, Any]:
    """The control call that sends a message from the handset into this conversation."""
    if provider == "flowroute":
        return {"path": "/_sandbox/flowroute/inbound", "text_field": "body", "payload": {"to": own, "from": handset}}
    if provider == "bandwidth":
        payload = {"to": own, "from": handset, "user_id": account}
        return {"path": "/_sandbox/bandwidth/inbound", "text_field": "text", "payload": payload}
    payload = {"source_number": handset}
    if own != SHARED_NUMBER:
        payload["destination_number"] = own
    return {"path": "/_sandbox/messagemedia/replies", "text_field": "content", "payload": payload}


def _message(
    provider: str,
    message_id: str,
    direction: str,
    text: str,
    sort: float,
    *,
    status: str,
    timeline: list[dict[str, Any]],
    ids: dict[str, str],
    media: list[str] | None = None,
    outcome: dict[str, Any] | None = None,
    reported: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "provider": provider,
        "id": message_id,
        "direction": direction,
        "text": text,
        "media": list(media or []),
        "encoding": "GSM-7" if is_gsm7(text) else "UCS-2",
        "segments": 0 if not text else segments(text),
        "reported": reported or {},  # what the provider's record itself says about encoding / segments
        "status": status,
        "timeline": timeline,
        "ids": ids,
        "outcome": outcome if direction == "out" else None,
        "sort": sort,
    }


def _messagemedia(app: SandboxApp, add: Any) -> None:
    store = app.state.store
    for index, doc in enumerate(store.scan(messagemedia.MESSAGES)):
        m = doc["message"]
        history = doc.get("history") or [{"status": m["status"], "at": None}]
        item = _message(
            "messagemedia",
            m["message_id"],
            "out",
            str(m.get("content", "")),
            _stamp(history[0].get("at"), index),
            status=m["status"],
            timeline=history,
            ids={"message_id": m["message_id"]},
            media=m.get("media"),
            outcome={"provider": "messagemedia", "id": m["message_id"]},
            reported={"format": m.get("format", "SMS")},
        )
        add("messagemedia", str(doc["account"]), m.get("source_number") or SHARED_NUMBER, m["destination_number"], item)
    for index, reply in enumerate(store.scan(messagemedia.REPLY_LOG)):
        account = str((reply.get("vendor_account_id") or {}).get("account_id", ""))
        at = reply.get("date_received")
        ids = {"reply_id": reply["reply_id"], **({"message_id": reply["message_id"]} if "message_id" in reply else {})}
        item = _message(
            "messagemedia",
            reply["reply_id"],
            "in",
            str(reply.get("content", "")),
            _stamp(at, index),
            status="received",
            timeline=[{"status": "received", "at": at}],
            ids=ids,
        )
        add("messagemedia", account, reply.get("destination_number") or SHARED_NUMBER, reply["source_number"], item)


def _flowroute(app: SandboxApp, add: Any) -> None:
    account = app.options.credentials["flowroute"][0]
    store = app.state.store
    records = [(d["record"], d.get("dlr_callback")) for d in store.scan(flowroute_messages.MDR2)]
    records += [(r, None) for r in store.scan(flowroute_messages.MDR1)]
    for index, (record, _) in enumerate(records):
        a = record["attributes"]
        outbound = a.get("direction") == "outbound"
        receipts = list(reversed(a.get("delivery_receipts") or []))
        timeline = [{"status": "accepted" if outbound else "received", "at": a.get("timestamp")}]
        timeline += [{"status": r["status"], "at": r.get("timestamp")} for r in receipts]
        item = _message(
            "flowroute",
            record["id"],
            "out" if outbound else "in",
            str(a.get("body", "")),
            _stamp(a.get("timestamp"), index),
            status=str(a.get("status") or ("sent" if outbound else "received")),
            timeline=timeline,
            ids={"record_id": record["id"]},
            outcome={"provider": "flowroute", "id": record["id"]} if record["id"].startswith("mdr2-") else None,
            reported={"message_encoding": a.get("message_encoding"), "amount_display": a.get("amount_display")},
        )
        own, handset = (a.get("from"), a.get("to")) if outbound else (a.get("to"), a.get("from"))
        add("flowroute", account, str(own), str(handset), item)


def _bandwidth(app: SandboxApp, add: Any) -> None:
    store = app.state.store
    for kind in sorted(store.kinds("bw.msg:")):
        user_id = kind.removeprefix("bw.msg:")
        for index, doc in enumerate(store.scan(kind)):
            m = doc["message"]
            outbound = m.get("direction") == "out"
            timeline = [{"status": m.get("state"), "at": m.get("time")}]
            if outbound and m.get("deliveryState"):
                at = doc.get("finished_at") or m.get("time")
                timeline.append({"status": f"deliveryState {m['deliveryState']}", "at": at})
            item = _message(
                "bandwidth",
                m["id"],
                "out" if outbound else "in",
                str(m.get("text") or ""),
                _stamp(m.get("time"), index),
                status=str(m.get("deliveryState") if outbound else m.get("state")),
                timeline=timeline,
                ids={"id": m["id"], "user_id": user_id},
                media=m.get("media"),
                outcome={"provider": "bandwidth", "id": m["id"], "user_id": user_id},
                reported={"segmentCount": m.get("segmentCount"), "deliveryCode": m.get("deliveryCode")},
            )
            own, handset = (m["from"], m["to"]) if outbound else (m["to"], m["from"])
            add("bandwidth", user_id, str(own), str(handset), item)


def _stamp(at: Any, index: int) -> float:
    """A sort key: the timestamp when there is one, the stored order as tie-break."""
    moment = parse_timestamp(at) if isinstance(at, str) else None
    return (moment.timestamp() if moment else 0.0) + index * 1e-6
