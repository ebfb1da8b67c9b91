"""MessageMedia management APIs: webhooks, lookups, the opt-out list and signature keys.

* **Webhooks** (``/v1/webhooks/messages``) are kept per account with their templates. Every
  delivery report (``<STATUS>_DR``) and reply (``RECEIVED_SMS``, ``RECEIVED_MMS`` with
  attachments) is rendered through the template of each webhook registered for its event
  (Velocity, as MessageMedia's, with the parameters of MM-docs' table) and delivered with the
  webhook's method, headers and encoding, signed like every MessageMedia webhook. The sandbox
  raises no ``OPT_OUT_SMS`` of its own.
* **Number authorisation**: numbers on the account's blacklist are never delivered to: a send is
  accepted and its message ends ``rejected`` (a delivery report with error code 302, "Destination
  address blocked"), as MM-docs describe.
* **Lookups** answer from :data:`LOOKUPS`, a fixed table of number prefixes.
* **Signature keys**: each created key is a real RSA key pair; enabling one makes the sandbox sign
  with it (the sandbox's own key again once none is enabled).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from typing import Any, Final
from urllib.parse import urlencode

import airspeed  # type: ignore[import-untyped]

from smsclients_sandbox.optouts import keyword
from smsclients_sandbox.providers.messagemedia import MessageMedia
from smsclients_sandbox.signing import new_key_pair
from smsclients_sandbox.state import State, iso_z
from smsclients_sandbox.surfaces import Surface
from smsclients_sandbox.webhook_payloads import MESSAGEMEDIA_ERROR_CODES
from smsclients_sandbox.wire import Call, Operation, ProviderError, Reply, dig

log = logging.getLogger("sandbox")

WEBHOOKS: Final = "mm.webhook"
BLOCKED: Final = "mm.blocked"
KEYS: Final = "mm.sigkey"
PAGE: Final = 100
CONTENT_TYPES: Final = {
    "JSON": "application/json",
    "FORM_ENCODED": "application/x-www-form-urlencoded",
    "XML": "application/xml",
}

# (prefix, country_code, type, carrier): the first matching prefix answers. The AU landline
# carrier's name is the one the lookups SDK's own test expects.
LOOKUPS: Final = (
    ("+614", "AU", "mobile", "Telstra"),
    ("+61", "AU", "landline", "AU Landline Carrier"),
    ("+642", "NZ", "mobile", "Spark"),
    ("+64", "NZ", "landline", "Chorus"),
    ("+447", "GB", "mobile", "Vodafone UK"),
    ("+44", "GB", "landline", "BT"),
    ("+1", "US", "mobile", "Sandbox Wireless"),
)
# What rendering a template that Velocity cannot evaluate may raise (airspeed's errors, or Python's
# from a method called on a value).
RENDER_ERRORS: Final = (
    airspeed.TemplateError,
    TypeError,
    ValueError,
    AttributeError,
    KeyError,
    IndexError,
    RecursionError,
)


class MessageMediaManagement:
    """Handlers of the management operations of ``messagemedia-messages-v1.yaml``."""

    def __init__(self, state: State, surface: Surface, messages: MessageMedia) -> None:
        self.state = state
        self.surface = surface
        messages.blocked = self.is_blocked
        messages.listeners.append(self.deliver)
        messages.listeners.append(self.opt_out)

    def operations(self) -> list[Operation]:
        s = self.surface
        return [
            Operation(s, "POST", "/v1/webhooks/messages", "create_webhook", self.create_webhook),
            Operation(s, "GET", "/v1/webhooks/messages", "list_webhooks", self.list_webhooks),
            Operation(s, "PATCH", "/v1/webhooks/messages/{webhookId}", "update_webhook", self.update_webhook),
            Operation(s, "DELETE", "/v1/webhooks/messages/{webhookId}", "delete_webhook", self.delete_webhook),
            Operation(s, "GET", "/v1/lookups/phone/{phone_number}", "lookup_phone_number", self.lookup),
            Operation(s, "GET", "/v1/number_authorisation/mt/blacklist", "list_blocked_numbers", self.list_blocked),
            Operation(s, "POST", "/v1/number_authorisation/mt/blacklist", "block_numbers", self.block),
            Operation(s, "DELETE", "/v1/number_authorisation/mt/blacklist/{number}", "unblock_number", self.unblock),
            Operation(
                s, "GET", "/v1/number_authorisation/is_authorised/{numbers}", "check_numbers_authorised", self.check
            ),
            Operation(s, "POST", "/v1/iam/signature_keys", "create_signature_key", self.create_key),
            Operation(s, "GET", "/v1/iam/signature_keys", "list_signature_keys", self.list_keys),
            Operation(s, "GET", "/v1/iam/signature_keys/enabled", "get_enabled_signature_key", self.enabled_key),
            Operation(s, "PATCH", "/v1/iam/signature_keys/enabled", "enable_signature_key", self.enable_key),
            Operation(s, "DELETE", "/v1/iam/signature_keys/enabled", "disable_signature_key", self.disable_key),
            Operation(s, "GET", "/v1/iam/signature_keys/{key_id}", "get_signature_key", self.get_key),
            Operation(s, "DELETE", "/v1/iam/signature_keys/{key_id}", "delete_signature_key", self.delete_key),
        ]

    # ------------------------------------------------------------------ webhooks
    def create_webhook(self, call: Call) -> Reply:
        account = _account(call)
        body = dict(call.body or {})
        _check_webhook(body)
        for other in self._webhooks(account):
            if other["url"] == body.get("url") and other["method"] == body.get("method"):
                raise ProviderError(409, "A webhook with the given url and method already exists.")
        webhook = {"id": self.state.ids.uuid(WEBHOOKS), **body}
        self.state.store.put(WEBHOOKS, webhook["id"], {"account": account, "webhook": webhook})
        return Reply(201, webhook)

    def list_webhooks(self, call: Call) -> Reply:
        page = _integer(call.query.get("page"), 0)
        size = _integer(call.query.get("page_size"), PAGE)
        hooks = self._webhooks(_account(call))
        return Reply(200, {"page": page, "pageSize": size, "pageData": hooks[page * size : (page + 1) * size]})

    def update_webhook(self, call: Call) -> Reply:
        doc = self._webhook(call)
        updated = {**doc["webhook"], **dict(call.body or {})}
        _check_webhook(updated)
        doc["webhook"] = updated
        self.state.store.put(WEBHOOKS, updated["id"], doc)
        return Reply(200, updated)

    def delete_webhook(self, call: Call) -> Reply:
        doc = self._webhook(call)
        self.state.store.delete(WEBHOOKS, doc["webhook"]["id"])
        return Reply(204, empty=True)

    def _webhooks(self, account: str) -> list[dict[str, Any]]:
        return [d["webhook"] for d in self.state.store.scan(WEBHOOKS) if d["account"] == account]

    def _webhook(self, call: Call) -> dict[str, Any]:
        doc = self.state.store.get(WEBHOOKS, call.path_params["webhookId"].lower())
        if doc is None or doc["account"] != _account(call):
            raise ProviderError(404, "Resource not found.")
        return doc

    def deliver(self, kind: str, item: dict[str, Any], doc: dict[str, Any]) -> None:
        """Send an event through every webhook of its account that listens for it."""
        account = str(doc.get("account"))
        events = _events(kind, item)
        context = _context(kind, item, doc.get("message") or {}, account)
        for webhook in self._webhooks(account):
            for event in events:
                if event in webhook.get("events", ()):
                    self._send(webhook, event, context)

    def _send(self, webhook: dict[str, Any], event: str, context: dict[str, Any]) -> None:
        encoding = str(webhook.get("encoding", "JSON"))
        try:
            rendered = airspeed.Template(webhook["template"]).merge(context)
        except RENDER_ERRORS as exc:  # checked on create, but a template may still fail on data
            log.warning("MessageMedia webhook %s: its template failed (%s); nothing sent", webhook.get("id"), exc)
            return
        self.state.callbacks.messagemedia_templated(
            event,
            str(webhook.get("method", "POST")),
            str(webhook["url"]),
            rendered.encode("utf-8"),
            CONTENT_TYPES.get(encoding, "application/json"),
            dict(webhook.get("headers") or {}),
            read_timeout_ms=webhook.get("read_timeout"),
            retries=webhook.get("retries"),
            retry_delay_s=webhook.get("retry_delay"),
        )

    # ------------------------------------------------------------------ lookups
    def lookup(self, call: Call) -> Reply:
        number = call.path_params["phone_number"]
        found = next((row for row in LOOKUPS if number.startswith(row[0])), None)
        if found is None or not 8 <= len(number) <= 16:
            raise ProviderError(404, "Number was invalid")
        options = {o for o in str(call.query.get("options") or "").split(",") if o}
        answer: dict[str, Any] = {"country_code": found[1], "phone_number": number}
        if "type" in options:
            answer["type"] = found[2]
        if "carrier" in options:
            answer["carrier"] = {"name": found[3]}
        return Reply(200, answer)

    # ------------------------------------------------------------------ number authorisation
    def opt_out(self, kind: str, item: dict[str, Any], doc: dict[str, Any]) -> None:
        """MM-docs: a reply that is an opt-out keyword adds its sender to the account's blacklist
        (an opt-in keyword takes it off again)."""
        found = keyword(item.get("content")) if kind == "MO" else None
        number, account = str(item.get("source_number", "")), str(doc.get("account"))
        if found == "out":
            self._add_blocked(account, [number])
        elif found == "in":
            self.state.store.delete(BLOCKED, _blocked_key(account, number))

    def is_blocked(self, account: str, number: str) -> bool:
        return self.state.store.get(BLOCKED, _blocked_key(account, number)) is not None

    def _add_blocked(self, account: str, numbers: Iterable[str]) -> bool:
        added = False
        for number in numbers:
            if not self.is_blocked(account, number):
                self.state.store.put(BLOCKED, _blocked_key(account, number), {"account": account, "number": number})
                added = True
        return added

    def list_blocked(self, call: Call) -> Reply:
        account = _account(call)
        numbers = [d["number"] for d in self.state.store.scan(BLOCKED) if d["account"] == account]
        start = _integer(call.query.get("token"), 0)
        answer: dict[str, Any] = {
            "uri": "/v1/number_authorisation/mt/blacklist",
            "numbers": numbers[start : start + PAGE],
        }
        if start + PAGE < len(numbers):
            token = str(start + PAGE)
            answer["pagination"] = {"page": token, "next_uri": f"/v1/number_authorisation/mt/blacklist?token={token}"}
        return Reply(200, answer)

    def block(self, call: Call) -> Reply:
        numbers = [str(n) for n in dig(call.body, "numbers") or []]
        added = self._add_blocked(_account(call), numbers)
        return Reply(201 if added else 200, {"uri": "/v1/number_authorisation/mt/blacklist", "numbers": numbers})

    def unblock(self, call: Call) -> Reply:
        if not self.state.store.delete(BLOCKED, _blocked_key(_account(call), call.path_params["number"])):
            raise ProviderError(404, "Resource not found.")
        return Reply(200, empty=True)

    def check(self, call: Call) -> Reply:
        account, raw = _account(call), call.path_params["numbers"]
        numbers = [{"number": n, "authorised": not self.is_blocked(account, n)} for n in raw.split(",")]
        return Reply(200, {"uri": f"/v1/number_authorisation/is_authorised/{raw}", "numbers": numbers})

    # ------------------------------------------------------------------ signature keys
    def create_key(self, call: Call) -> Reply:
        private_pem, public_key = new_key_pair()
        key_id = self.state.ids.uuid(KEYS)
        key: dict[str, Any] = {
            "key_id": key_id,
            "public_key": public_key,
            "cipher": str(dig(call.body, "cipher")),
            "digest": str(dig(call.body, "digest")),
            "created": iso_z(self.state.now()),
            "enabled": False,
        }
        self.state.store.put(KEYS, key_id, {"account": _account(call), "key": key, "private": private_pem})
        return Reply(201, key)

    def list_keys(self, call: Call) -> Reply:
        page = _integer(call.query.get("page"), 0)
        size = max(_integer(call.query.get("page_size"), PAGE), 1)
        keys = [_public(d) for d in self._keys(_account(call))]
        return Reply(200, keys[page * size : (page + 1) * size])

    def get_key(self, call: Call) -> Reply:
        return Reply(200, _public(self._key(call, call.path_params["key_id"])))

    def delete_key(self, call: Call) -> Reply:
        doc = self._key(call, call.path_params["key_id"])
        self.state.store.delete(KEYS, doc["key"]["key_id"])
        if doc["key"]["enabled"]:
            self.state.callbacks.signer.disable()
        return Reply(200, empty=True)

    def enabled_key(self, call: Call) -> Reply:
        for doc in self._keys(_account(call)):
            if doc["key"]["enabled"]:
                return Reply(200, _public(doc))
        raise ProviderError(404, "Currently no key is enabled")

    def enable_key(self, call: Call) -> Reply:
        chosen = self._key(call, str(dig(call.body, "key_id")))
        for doc in self._keys(_account(call)):  # one key at a time: enabling one disables the others
            doc["key"]["enabled"] = doc["key"]["key_id"] == chosen["key"]["key_id"]
            self.state.store.put(KEYS, doc["key"]["key_id"], doc)
        self.state.callbacks.signer.enable(chosen["key"]["key_id"], chosen["private"], chosen["key"]["digest"])
        return Reply(200, {**_public(chosen), "enabled": True})

    def disable_key(self, call: Call) -> Reply:
        for doc in self._keys(_account(call)):
            if doc["key"]["enabled"]:
                doc["key"]["enabled"] = False
                self.state.store.put(KEYS, doc["key"]["key_id"], doc)
        self.state.callbacks.signer.disable()
        return Reply(204, empty=True)

    def _keys(self, account: str) -> list[dict[str, Any]]:
        return [d for d in self.state.store.scan(KEYS) if d["account"] == account]

    def _key(self, call: Call, key_id: str) -> dict[str, Any]:
        doc = self.state.store.get(KEYS, key_id.lower())
        if doc is None or doc["account"] != _account(call):
            raise ProviderError(404, "Entity not found")
        return doc


# ---------------------------------------------------------------------- helpers


def _account(call: Call) -> str:
    return call.headers.get("account") or call.user


def _integer(value: str | None, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ProviderError(400, "Bad Request", details=[f"{value!r} is not a valid page value"]) from None
    if number < 0:
        raise ProviderError(400, "Bad Request", details=["page property value is invalid"])
    return number


def _blocked_key(account: str, number: str) -> str:
    return f"{account}\n{number}"


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    """A key as get and list answer it: without the public key (MM-docs' examples)."""
    return {k: v for k, v in doc["key"].items() if k != "public_key"}


def _check_webhook(body: dict[str, Any]) -> None:
    """What the schema cannot say: a template Velocity can read, no Content-Type header."""
    problems = []
    if any(str(name).lower() == "content-type" for name in body.get("headers") or {}):
        problems.append("headers: must not include Content-Type")
    try:
        airspeed.Template(str(body.get("template", ""))).merge({})
    except RENDER_ERRORS as exc:
        problems.append(f"template: {str(exc).splitlines()[0]}")
    if problems:
        raise ProviderError(400, "Something went wrong. Please try again later.", details=problems)


def _events(kind: str, item: dict[str, Any]) -> list[str]:
    if kind == "DR":
        return [f"{str(item.get('status', '')).upper()}_DR"]
    return ["RECEIVED_MMS" if item.get("attachments") else "RECEIVED_SMS"]


class _Escape:
    """``$esc.json(...)``: a value escaped for a JSON string (Velocity's EscapeTool)."""

    def json(self, value: Any) -> str:
        return json.dumps("" if value is None else str(value), ensure_ascii=False)[1:-1]

    def xml(self, value: Any) -> str:
        text = "" if value is None else str(value)
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")

    def url(self, value: Any) -> str:
        return urlencode({"": "" if value is None else str(value)})[1:]


class _Metadata:
    """``$metadata``: Java-map methods over the message's metadata."""

    def __init__(self, values: dict[str, Any]) -> None:
        self._values = values

    def get(self, key: str) -> Any:
        return self._values.get(key)

    def keySet(self) -> list[str]:
        return list(self._values)

    def entrySet(self) -> list[dict[str, Any]]:
        return [{"key": k, "value": v} for k, v in self._values.items()]

    def isEmpty(self) -> bool:
        return not self._values


def _context(kind: str, item: dict[str, Any], message: dict[str, Any], account: str) -> dict[str, Any]:
    """The template parameters of MM-docs' table (Create webhook, "Template Parameters")."""
    metadata = item.get("metadata") or message.get("metadata") or {}
    context: dict[str, Any] = {
        "type": "SMS",
        "mtId": item.get("message_id"),
        "messageId": item.get("message_id"),
        "accountId": account,
        "vendorId": "MessageMedia",
        "submittedTimestamp": item.get("submitted_date") or item.get("date_received"),
        "receivedTimestamp": item.get("date_received"),
        "metadata": _Metadata(dict(metadata)),
        "sourceAddress": item.get("source_number"),
        "mtContent": item.get("original_text") or message.get("content"),
        "messageContent": item.get("original_text") or message.get("content"),
        "retryCount": 0,
        "esc": _Escape(),
    }
    if kind == "DR":
        code = MESSAGEMEDIA_ERROR_CODES.get(str(item.get("status")), "200")
        context.update(
            drId=item.get("delivery_report_id"),
            reportId=item.get("delivery_report_id"),
            status=item.get("status"),
            statusCode=code,
            billingUnits=1,
        )
    else:
        context.update(
            moId=item.get("reply_id"),
            replyId=item.get("reply_id"),
            destinationAddress=item.get("destination_number"),
            moContent=item.get("content"),
            replyContent=item.get("content"),
            attachments=item.get("attachments"),
        )
    return context
