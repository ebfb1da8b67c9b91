"""Bandwidth Catapult Messaging v1: messages stored per user id, single and batch send, paging.

A single send answers 201 with an empty body and the message URL in ``Location``; a batch
answers 202 with one result per item, each item validated on its own (a bad item gets an error
object, the others are still sent). Lists page with ``Link: <…>; rel="next"``, whose URL carries
an opaque-looking cursor (``sortKeyGT`` ascending / ``sortKeyLT`` descending) like BW-docs.
A redacted message keeps its record (state, times, media) with an empty ``text``.

Every message is charged to the account (:mod:`.bandwidth_account`). An MMS may name media
uploaded to this sandbox (``…/users/{userId}/media/{name}``): a name that is not stored is
refused. Events without a URL of their own go to the application of the number
(:mod:`.bandwidth_numbers`): an outgoing message's to its ``from`` number's application, an
inbound one to its ``to`` number's; an inbound message with nowhere to go is filed as an error.

A handset that texted STOP (or a synonym) to a number gets no more messages from it: a send is
accepted and the message ends ``error``/``not-delivered`` with delivery code 775, "Rejected due to
user opt out" (BW-docs; :mod:`smsclients_sandbox.optouts`); START, UNSTOP or YES reverses that.

A message to a magic number (:mod:`smsclients_sandbox.magic`) fails with its error (in a batch, that item only),
ends ``not-delivered`` or stays ``waiting`` until its delay has passed (settled when it is read);
:meth:`Bandwidth.finish` ends one at once (the inbox's buttons).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote, urlencode

from smsclients_sandbox import errors, magic
from smsclients_sandbox.billing import segments
from smsclients_sandbox.optouts import BANDWIDTH_OPTED_OUT, BandwidthOptOuts
from smsclients_sandbox.providers.bandwidth_account import BandwidthAccount
from smsclients_sandbox.providers.bandwidth_numbers import BandwidthNumbers
from smsclients_sandbox.state import State, iso_z, parse_timestamp
from smsclients_sandbox.surfaces import BANDWIDTH_V1, Surface
from smsclients_sandbox.validation import SpecValidator
from smsclients_sandbox.wire import Call, Operation, ProviderError, Reply

FILTERS = ("from", "to", "fromDateTime", "toDateTime", "direction", "state", "deliveryState")
DEFAULT_SIZE = 25
MAX_SIZE = 1000
MAX_BATCH = 50


def _kind(user_id: str) -> str:
    return f"bw.msg:{user_id}"


class Bandwidth:
    """Handlers of ``bandwidth-messaging-v1.yaml``."""

    def __init__(
        self,
        state: State,
        surface: Surface,
        schemas: SpecValidator,
        account: BandwidthAccount,
        numbers: BandwidthNumbers,
    ) -> None:
        self.state = state
        self.surface = surface
        self.schemas = schemas
        self.account = account
        self.numbers = numbers

    def operations(self) -> list[Operation]:
        s = self.surface
        return [
            Operation(s, "GET", "/users/{userId}/messages", "list_messages", self.list_messages),
            Operation(s, "POST", "/users/{userId}/messages", "send_messages", self.send, lenient_body=is_batch),
            Operation(s, "GET", "/users/{userId}/messages/{messageId}", "get_message", self.get_message),
            Operation(s, "PATCH", "/users/{userId}/messages/{messageId}", "redact_message", self.redact),
        ]

    def _messages_url(self, call: Call) -> str:
        """Absolute URL of the user's messages; the user id is percent-encoded (headers are ASCII)."""
        return f"{call.base_url}/users/{quote(call.path_params['userId'], safe='')}/messages"

    def _url(self, call: Call, message_id: str) -> str:
        return f"{self._messages_url(call)}/{quote(message_id, safe='')}"

    def _missing_media(self, call: Call, item: dict[str, Any]) -> str | None:
        """The first media URL naming this user's sandbox media that is not stored, else None."""
        prefix = self.account.media_url(call, "")
        for url in item.get("media") or []:
            if isinstance(url, str) and url.startswith(prefix):
                name = unquote(url[len(prefix) :])
                if not self.account.has_media(call.path_params["userId"], name):
                    return name
        return None

    def _routing(self, user_id: str, number: str) -> dict[str, Any]:
        """Callback settings from the application ``number`` is attached to (empty without one)."""
        application = self.numbers.application_of(user_id, number)
        if application is None:
            return {}
        routing = {
            "applicationId": application["id"],
            "callbackUrl": application.get("incomingMessageUrl"),
            "fallbackUrl": application.get("incomingMessageFallbackUrl"),
            "callbackHttpMethod": application.get("callbackHttpMethod"),
            "callbackTimeout": application.get("incomingMessageUrlCallbackTimeout"),
        }
        return {key: value for key, value in routing.items() if value is not None}

    def _store(self, call: Call, item: dict[str, Any]) -> str:
        missing = self._missing_media(call, item)
        if missing is not None:
            raise ProviderError(400, f"The media {missing} could not be found", kind="media-not-found")
        message_id, message = self._new_message(item, "out", "sent")
        message.update(
            {
                "receiptRequested": item.get("receiptRequested") or "none",
                **DELIVERY_STATES[magic.outcome(item.get("to")) or "delivered"],
                "skipMMSCarrierValidation": True,
            }
        )
        for key in ("callbackUrl", "callbackTimeout", "fallbackUrl", "tag"):
            if item.get(key) is not None:
                message[key] = item[key]
        user_id = call.path_params["userId"]
        if BandwidthOptOuts(self.state, user_id).blocked(message["from"], message["to"]):
            message.update(BANDWIDTH_OPTED_OUT)  # accepted, then rejected: the handset opted out
        uri = self._url(call, message_id)
        due = self.state.now().timestamp() + magic.DELAY_S if message["deliveryState"] == "waiting" else None
        callback = {k: item[k] for k in CALLBACK_FIELDS if item.get(k) is not None}
        self._save(user_id, message, uri=uri, due=due, callback=callback)
        self.state.stats.accepted(
            self.surface.name, item.get("text"), None if message["media"] else message["segmentCount"]
        )
        product = "mms-out" if message["media"] else "sms-out"
        self.account.charge(user_id, product, number=message["from"], resourceId=message_id)
        # The message's own callback settings win; else its number's application receives the events.
        own = {key: item[key] for key in ("callbackUrl", "callbackHttpMethod") if item.get(key) is not None}
        routing = {**self._routing(user_id, message["from"]), **own} if not own.get("callbackUrl") else own
        routing = {k: v for k, v in routing.items() if k != "applicationId"}
        self.state.callbacks.bandwidth_sent({**message, **routing}, uri)
        return message_id

    def _new_message(self, item: dict[str, Any], direction: str, state: str) -> tuple[str, dict[str, Any]]:
        message_id = f"m-{self.state.ids.alnum('bw', 13)}"
        text = item.get("text")
        message: dict[str, Any] = {
            "id": message_id,
            "messageId": message_id,
            "from": item["from"],
            "to": item["to"],
            "direction": direction,
            "state": state,
            "time": iso_z(self.state.now(), 0),
            "media": list(item.get("media") or []),
            "segmentCount": 1 if item.get("media") else segments(text or ""),
        }
        if isinstance(text, str):
            message["text"] = text
        return message_id, message

    def _save(
        self,
        user_id: str,
        message: dict[str, Any],
        *,
        uri: str = "",
        due: float | None = None,
        callback: dict[str, Any] | None = None,
    ) -> None:
        doc = {"seq": self.state.ids.sequence(f"bw:{user_id}"), "at": self.state.now().timestamp(), "message": message}
        if uri:
            doc |= {"uri": uri, "due": due, "callback": callback or {}}
        self.state.store.put(_kind(user_id), message["id"], doc)

    def _settled(self, user_id: str, doc: dict[str, Any]) -> dict[str, Any]:
        """A delayed message whose delay has passed is delivered now (with its receipt callback)."""
        due = doc.get("due")
        if due is not None and self.state.now().timestamp() >= float(due):
            return self._finish(user_id, doc, "delivered")
        return doc

    def finish(self, user_id: str, message_id: str, delivered: bool) -> dict[str, Any]:
        """End an outbound message now: ``delivered`` or ``not-delivered``, with its receipt callback."""
        doc = self.state.store.get(_kind(user_id), message_id)
        if doc is None or doc["message"].get("direction") != "out":
            raise ProviderError(404, f"Message {message_id} not found", kind="message-not-found")
        return dict(self._finish(user_id, doc, "delivered" if delivered else "undeliverable")["message"])

    def _finish(self, user_id: str, doc: dict[str, Any], outcome: magic.Outcome) -> dict[str, Any]:
        doc["message"].update(DELIVERY_STATES[outcome])
        doc["due"] = None
        doc.setdefault("finished_at", iso_z(self.state.now(), 0))
        self.state.store.put(_kind(user_id), doc["message"]["id"], doc)
        if doc["message"].get("receiptRequested") == "all":
            message = {**doc["message"], **(doc.get("callback") or {})}
            self.state.callbacks.bandwidth_receipt(message, str(doc.get("uri") or ""))
        return doc

    def inject_inbound(self, payload: Any, base_url: str) -> dict[str, Any]:
        """A message from the network to one of the user's numbers, sent to the callback URL (sandbox hook).

        ``payload``: ``{to, from, text?, media?, user_id?, callback_url?, callback_http_method?}``.
        """
        if not isinstance(payload, dict):
            raise ProviderError(400, "The request body must be a JSON object")
        for key in ("to", "from"):
            if not isinstance(payload.get(key), str) or not payload[key]:
                raise ProviderError(400, f"{key} is required", kind="blank-property")
        if not isinstance(payload.get("text", ""), str) or not all(
            isinstance(url, str) for url in payload.get("media") or []
        ):
            raise ProviderError(400, "text must be a string and media a list of URLs", kind="invalid-property")
        user_id = str(payload.get("user_id") or "u-sandbox")
        message_id, message = self._new_message(payload, "in", "received")
        BandwidthOptOuts(self.state, user_id).inbound(message["to"], message["from"], payload.get("text"))
        routing = self._routing(user_id, message["to"])
        if "applicationId" in routing:
            message["applicationId"] = routing["applicationId"]
        self._save(user_id, message)
        self.account.charge(
            user_id, "mms-in" if message["media"] else "sms-in", number=message["to"], resourceId=message_id
        )
        uri = f"{base_url}/users/{quote(user_id, safe='')}/messages/{quote(message_id, safe='')}"
        explicit = payload.get("callback_url") or routing.get("callbackUrl")
        settings = {
            **routing,
            "callbackHttpMethod": payload.get("callback_http_method") or routing.get("callbackHttpMethod"),
        }
        if payload.get("callback_url"):
            settings.pop("fallbackUrl", None)  # a URL given with the injection replaces the application's
        url = self.state.callbacks.bandwidth_received({**message, **settings}, uri, explicit=explicit)
        if url is None:
            number = message["to"]
            details = {"number": number, "messageId": message_id}
            self.account.record_error(
                user_id, "no-application-for-number", f"No application is configured for number {number}", details
            )
        return {"message": message, "user_id": user_id, "callback": url is not None}

    def send(self, call: Call) -> Reply:
        if isinstance(call.body, list):
            return self._send_batch(call, call.body)
        if not isinstance(call.body, dict):
            raise ProviderError(400, "The request body must be a message object or an array of them")
        errors = self.schemas.schema_errors("SendMessageRequest", call.body)
        if errors:
            raise ProviderError(400, "The message is invalid:", kind=_code(call.body), details=errors)
        message_id = self._store(call, call.body)
        return Reply(201, headers={"Location": self._url(call, message_id)}, empty=True)

    def _send_batch(self, call: Call, items: list[Any]) -> Reply:
        if not 1 <= len(items) <= MAX_BATCH:
            raise ProviderError(400, f"A batch holds 1 to {MAX_BATCH} messages, got {len(items)}")
        results: list[dict[str, Any]] = []
        for item in items:
            errors = self.schemas.schema_errors("SendMessageRequest", item)
            case = magic.error_case(item.get("to")) if isinstance(item, dict) and not errors else None
            if case is not None:
                results.append({"result": "error", "error": _magic_error(item["to"], case)})
            elif errors:
                results.append(
                    {
                        "result": "error",
                        "error": {
                            "category": "bad-request",
                            "code": _code(item),
                            "message": "; ".join(errors),
                            "details": [],
                        },
                    }
                )
            else:
                results.append({"result": "accepted", "location": self._url(call, self._store(call, item))})
        return Reply(202, results)

    def get_message(self, call: Call) -> Reply:
        doc = self.state.store.get(_kind(call.path_params["userId"]), call.path_params["messageId"])
        if doc is None:
            raise ProviderError(404, f"Message {call.path_params['messageId']} not found", kind="message-not-found")
        return Reply(200, self._settled(call.path_params["userId"], doc)["message"])

    def redact(self, call: Call) -> Reply:
        """Empty the message's text; the record (and everything else in it) stays (BW-docs)."""
        kind, message_id = _kind(call.path_params["userId"]), call.path_params["messageId"]
        doc = self.state.store.get(kind, message_id)
        if doc is None:
            raise ProviderError(404, f"Message {message_id} not found", kind="message-not-found")
        if call.body != {"text": ""}:
            raise ProviderError(400, 'The body must be exactly {"text": ""}', kind="invalid-request")
        doc["message"]["text"] = ""
        self.state.store.put(kind, message_id, doc)
        return Reply(200, empty=True)

    def list_messages(self, call: Call) -> Reply:
        q = call.query
        size = _size(q.get("size"))
        order = q.get("sortOrder") or "asc"
        if order not in ("asc", "desc"):
            raise ProviderError(400, "sortOrder must be asc or desc")
        low = _bound(q.get("fromDateTime"), "fromDateTime")
        high = _bound(q.get("toDateTime"), "toDateTime")
        cursor_param = "sortKeyGT" if order == "asc" else "sortKeyLT"
        cursor = _cursor(q.get(cursor_param))
        user_id = call.path_params["userId"]
        docs = [self._settled(user_id, d) for d in self.state.store.scan(_kind(user_id))]
        if order == "desc":
            docs.reverse()
        selected = []
        for doc in docs:
            message = doc["message"]
            seq = int(doc["seq"])
            if cursor is not None and (seq <= cursor if order == "asc" else seq >= cursor):
                continue
            if any(q.get(f) is not None and message.get(f) != q.get(f) for f in ("from", "to", "direction", "state")):
                continue
            if q.get("deliveryState") is not None and message.get("deliveryState") != q.get("deliveryState"):
                continue
            if (low is not None and doc["at"] < low) or (high is not None and doc["at"] > high):
                continue
            selected.append(doc)
            if len(selected) > size:
                break
        page, more = selected[:size], len(selected) > size
        headers = {}
        if more:
            params = [(f, q[f]) for f in FILTERS if q.get(f) is not None]
            params += [("sortOrder", order), ("size", str(size)), (cursor_param, str(page[-1]["seq"]))]
            url = f"{self._messages_url(call)}?{urlencode(params)}"
            headers["Link"] = f'<{url}>; rel="next"'
        return Reply(200, [d["message"] for d in page], headers=headers)


# What an outbound message's delivery fields are for each outcome (deliveryCode values: the spec).
DELIVERY_STATES: dict[magic.Outcome, dict[str, Any]] = {
    "delivered": {
        "deliveryState": "delivered",
        "deliveryCode": 0,
        "deliveryDescription": "Message delivered to carrier",
    },
    "undeliverable": {
        "deliveryState": "not-delivered",
        "deliveryCode": 720,
        "deliveryDescription": "Invalid destination",
    },
    "delayed": {"deliveryState": "waiting", "deliveryCode": 0, "deliveryDescription": "Waiting for delivery"},
}
CALLBACK_FIELDS = ("callbackUrl", "callbackHttpMethod", "callbackTimeout", "fallbackUrl")


def _magic_error(number: str, case: magic.ErrorCase) -> dict[str, Any]:
    """A batch item's error object for a magic error number (the single send's body, as an item)."""
    body = errors.render(BANDWIDTH_V1, magic.provider_error(BANDWIDTH_V1, case, number)).body
    return {"category": body["category"], "code": body["code"], "message": body["message"], "details": []}


def is_batch(body: Any) -> bool:
    """A well-formed batch: its items are validated one by one in the handler."""
    return isinstance(body, list) and 1 <= len(body) <= MAX_BATCH and all(isinstance(i, dict) for i in body)


def _code(item: Any) -> str:
    """Bandwidth's code for an invalid message: ``blank-property`` when a required field is missing."""
    if isinstance(item, dict) and any(not str(item.get(k) or "").strip() for k in ("from", "to")):
        return "blank-property"
    return "invalid-property"


def _size(raw: str | None) -> int:
    if raw is None:
        return DEFAULT_SIZE
    try:
        size = int(raw)
    except ValueError as exc:
        raise ProviderError(400, "size must be an integer") from exc
    if not 1 <= size <= MAX_SIZE:
        raise ProviderError(400, f"size must be between 1 and {MAX_SIZE}")
    return size


def _bound(raw: str | None, name: str) -> float | None:
    if raw is None:
        return None
    moment = parse_timestamp(raw)
    if moment is None:
        raise ProviderError(400, f"{name} is not a valid date-time")
    return moment.timestamp()


def _cursor(raw: str | None) -> int | None:
    if raw is None:
        return None
    try:
        return int(raw)
    except ValueError as exc:
        raise ProviderError(400, "invalid paging cursor") from exc
