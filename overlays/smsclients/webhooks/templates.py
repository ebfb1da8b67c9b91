"""MessageMedia webhooks with payload templates, read into typed events.

A webhook registered with MessageMedia's Webhooks Management API (``mm.webhooks.create``) carries a
``template``: the payload MessageMedia sends, written by the integrator over the parameters of
the template table in ``specs/messagemedia-messages-v1.yaml`` (``create_webhook``): ``$mtId``,
``$drId``, ``$status``, ``$statusCode``, ``$sourceAddress``, ... So the body has no fixed shape.
Given the template (or a mapping of fields to body paths), :func:`parse_templated` reads it
backwards: which body field holds which parameter, and from those the same typed events as the
standard payloads. Without one, any well-formed body (JSON, a form or XML; a JSON value that is not
an object under ``value``) is an ``UnknownEvent`` with the parsed body in ``raw``, never an error:
MessageMedia retries a webhook that is not answered with a 2xx, so refusing a body it will send
again helps nobody. Account webhooks use the method they were registered with, so any method is
read.

::

    template = WebhookTemplate('{"id": "$mtId", "status": "$status", "code": "$statusCode"}')
    event = parse_event("messagemedia", method="POST", headers=headers, body=body, template=template)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from ..errors import InputError
from . import _messagemedia
from ._common import (
    MAX_DEPTH,
    HeaderItems,
    body_bytes,
    event_digest,
    header_items,
    json_object,
    json_value,
    query_fields,
    text,
)
from .events import InboundMessage, MessageStatus, UnknownEvent, WebhookEvent

__all__ = ["PARAMETERS", "STATUS_BY_CODE", "WebhookTemplate", "parse_templated"]

# Template parameters (the table in the spec's `create_webhook`) -> the field of the standard
# payloads (MessageMediaDeliveryReportWebhook / MessageMediaReplyWebhook) they fill.
PARAMETERS: Final[Mapping[str, str]] = {
    "type": "type",
    "mtId": "message_id",
    "messageId": "message_id",
    "drId": "delivery_report_id",
    "reportId": "delivery_report_id",
    "moId": "reply_id",
    "replyId": "reply_id",
    "accountId": "account_id",
    "vendorId": "vendor_id",
    "submittedTimestamp": "submitted_date",
    "receivedTimestamp": "date_received",
    "status": "status",
    "statusCode": "error_code",
    "metadata": "metadata",
    "sourceAddress": "source_number",
    "destinationAddress": "destination_number",
    "mtContent": "original_text",
    "messageContent": "original_text",
    "moContent": "content",
    "replyContent": "content",
    "retryCount": "retry_count",
    "billingUnits": "billing_units",
    "attachments": "attachments",
}
FIELDS: Final = frozenset(PARAMETERS.values())

# A delivery report with `$statusCode` but no `$status`: the status each documented code belongs to
# (the spec's status code list, `create_webhook`). Codes not listed read as pending.
STATUS_BY_CODE: Final[Mapping[str, str]] = {
    **dict.fromkeys(("101", "102", "151"), "enroute"),
    **dict.fromkeys(("200", "210", "211", "212", "213"), "submitted"),
    **dict.fromkeys(("220", "221"), "delivered"),
    **dict.fromkeys(("320", "401"), "expired"),
    **dict.fromkeys(("301", "302", "303", "304", "305", "402", "403", "405"), "rejected"),
    **dict.fromkeys(("330", "331", "332", "333", "400", "410", "411", "412", "413", "414"), "failed"),
}

# One Velocity reference, alone in a value: `$x`, `$!x`, `${x}`, `$!{x}`, or an escape of one
# (`$esc.json($!mtContent)`); the captured name is the parameter.
_REFERENCE = re.compile(r"\s*\$!?\{?(?:esc\.\w+\(\s*\$!?\{?)?([A-Za-z][A-Za-z0-9_]*)\}?(?:\s*\))?\}?\s*")
_XML_ELEMENT = re.compile(r"<([A-Za-z_][\w.-]*)(?:\s[^>]*)?>\s*([^<]*?)\s*</\1\s*>")
_UNRENDERED = re.compile(r"\A\$!?\{?[A-Za-z]")  # a reference left as written starts the value
MAX_TEMPLATE_CHARS: Final = 100_000


@dataclass(frozen=True)
class WebhookTemplate:
    """Where each field of an event is in the body of a templated webhook.

    ``WebhookTemplate(template)`` takes the template text as registered (JSON, XML, or a form
    ``a=$x&b=$y``); ``WebhookTemplate.from_mapping({...})`` takes the places yourself: keys are
    fields of the standard payloads (``message_id``, ``status``, ``error_code``, ...) or template
    parameters (``mtId``, ``$statusCode``), values are paths into the body (``"id"``,
    ``"report.status"``). ``fields`` is the result: field -> path.
    """

    fields: Mapping[str, str]

    def __init__(self, template: str) -> None:
        if not isinstance(template, str) or not template.strip():
            raise InputError("template", "must be the webhook's template text")
        if len(template) > MAX_TEMPLATE_CHARS:
            raise InputError("template", f"is longer than {MAX_TEMPLATE_CHARS} characters")
        found = _json_places(template) if template.lstrip()[:1] in "{[" else {}
        if not found and template.lstrip().startswith("<"):
            found = _xml_places(template)
        if not found and "=" in template:
            found = _form_places(template)
        if not found:
            raise InputError("template", "names no template parameter ($mtId, $status, ...) in a field of its own")
        object.__setattr__(self, "fields", found)

    @classmethod
    def from_mapping(cls, places: Mapping[str, str]) -> WebhookTemplate:
        """A template given as ``{field or parameter: path in the body}``."""
        if not isinstance(places, Mapping) or not places:
            raise InputError("template", "must map event fields to paths in the body")
        fields: dict[str, str] = {}
        for key, path in places.items():
            name = key.lstrip("$!{").rstrip("}") if isinstance(key, str) else ""
            field = PARAMETERS.get(name, name)
            if field not in FIELDS:
                raise InputError(f"template.{key}", f"is neither a field ({', '.join(sorted(FIELDS))}) nor a parameter")
            if not isinstance(path, str) or not path:
                raise InputError(f"template.{key}", "must be a path in the body, e.g. 'id' or 'report.status'")
            fields[field] = path
        template = cls.__new__(cls)
        object.__setattr__(template, "fields", fields)
        return template

    @classmethod
    def of(cls, value: WebhookTemplate | str | Mapping[str, str]) -> WebhookTemplate:
        """The template as :func:`~smsclients.webhooks.parse_event` accepts it."""
        if isinstance(value, WebhookTemplate):
            return value
        if isinstance(value, str):
            return cls(value)
        if isinstance(value, Mapping):
            return cls.from_mapping(value)
        raise InputError("template", "must be the template text, a mapping of fields to paths, or a WebhookTemplate")


def parse_templated(
    method: str,
    headers: HeaderItems,
    body: bytes | bytearray | memoryview | str,
    template: WebhookTemplate | str | Mapping[str, str] | None,
) -> WebhookEvent:
    """A MessageMedia webhook: standard, templated (``template`` given), or unknown but well-formed."""
    if template is None:
        payload = _payload(headers, body)
        if "delivery_report_id" in payload or "reply_id" in payload:
            # An account webhook is sent with the method it was registered with (`create_webhook`
            # takes any), so only the body decides; the standard parser is for POSTed bodies.
            return _messagemedia.parse("POST", body)
        return _unknown(payload, payload, message_id=payload.get("message_id"))
    places = WebhookTemplate.of(template)
    payload = _payload(headers, body)
    values = {field: _value(payload, path) for field, path in places.fields.items()}
    values = {field: value for field, value in values.items() if value is not None}
    # $retryCount changes between attempts of one event: never part of its identity.
    identity = {k: v for k, v in values.items() if k != "retry_count"}
    reply_id = _text(values, "reply_id")
    if reply_id is not None or ("content" in values and "delivery_report_id" not in values):
        return _inbound(values, payload, reply_id, identity)
    if any(key in values for key in ("delivery_report_id", "status", "error_code")):
        return _status(values, payload, identity)
    return _unknown(payload, identity, message_id=values.get("message_id"))


# ---------------------------------------------------------------------- events


def _status(values: dict[str, Any], payload: dict[str, Any], identity: dict[str, Any]) -> MessageStatus:
    code = _text(values, "error_code")
    status = _text(values, "status") or STATUS_BY_CODE.get(code or "") or "unknown"
    report_id = _text(values, "delivery_report_id")
    return MessageStatus(
        provider="messagemedia",
        message_id=_text(values, "message_id"),
        event_id=f"messagemedia:delivery_report:{report_id}"
        if report_id
        else f"messagemedia:templated:{event_digest(identity)}",
        raw=payload,
        payload=payload,
        status=status,
        outcome=_messagemedia.outcome(status),
        to=_text(values, "source_number"),  # a report's source is the original message's destination
        error_code=code,
        timestamp=_text(values, "submitted_date") or _text(values, "date_received"),
    )


def _inbound(
    values: dict[str, Any], payload: dict[str, Any], reply_id: str | None, identity: dict[str, Any]
) -> WebhookEvent:
    sender = _text(values, "source_number")
    if sender is None:
        return _unknown(payload, identity, message_id=values.get("message_id"))
    return InboundMessage(
        provider="messagemedia",
        message_id=reply_id,
        event_id=f"messagemedia:reply:{reply_id}" if reply_id else f"messagemedia:templated:{event_digest(identity)}",
        raw=payload,
        payload=payload,
        from_=sender,
        to=_text(values, "destination_number"),
        text=_text(values, "content") or "",
        received_at=_text(values, "date_received"),
        in_reply_to=_text(values, "message_id"),
    )


def _unknown(payload: dict[str, Any], identity: Mapping[str, Any], *, message_id: Any) -> UnknownEvent:
    return UnknownEvent(
        provider="messagemedia",
        message_id=message_id if isinstance(message_id, str) and message_id else None,
        event_id=f"messagemedia:unknown:{event_digest(identity)}",
        raw=payload,
        payload=payload,
    )


def _text(values: Mapping[str, Any], field: str) -> str | None:
    value = values.get(field)
    if isinstance(value, dict | list):
        raise InputError(f"body ({field})", "must be a string")
    return text(value, f"body ({field})")


# ---------------------------------------------------------------------- the body


def _payload(headers: HeaderItems, body: bytes | bytearray | memoryview | str) -> dict[str, Any]:
    """The body as a mapping, read as its Content-Type says (JSON, a form, XML), else by its first byte."""
    data = body_bytes(body)
    content_type = next((v for k, v in header_items(headers) if k == "content-type"), "").lower()
    start = data.lstrip()[:1]
    if "json" in content_type or (not content_type and start in (b"{", b"[")):
        return _json(data)
    if "xml" in content_type or start == b"<":
        return _xml(data)
    if "form" in content_type or b"=" in data:
        try:
            return query_fields(data.decode("utf-8"))
        except UnicodeDecodeError as exc:
            raise InputError("body", "is not UTF-8") from exc
    return json_object(data)  # names the problem: empty, or not a format MessageMedia sends


def _json(data: bytes) -> dict[str, Any]:
    """A JSON object as it is; any other JSON value (a template may render an array) under ``value``."""
    value = json_value(data)
    return value if isinstance(value, dict) else {"value": value}


def _xml(data: bytes) -> dict[str, Any]:
    """Leaf elements by tag (the first of each), nested ones under their parent's tag."""
    import xml.etree.ElementTree as ElementTree  # only MessageMedia XML templates need it

    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise InputError("body", "XML with a document type is not accepted")  # no entity expansion, ever
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        raise InputError("body", "is not well-formed XML") from exc

    def read(element: Any, depth: int) -> Any:
        children = list(element)
        if not children:
            return (element.text or "").strip()
        if depth >= MAX_DEPTH:  # refused, not a RecursionError
            raise InputError("body", f"nests deeper than {MAX_DEPTH} levels")
        found: dict[str, Any] = {}
        for child in children:
            found.setdefault(child.tag, read(child, depth + 1))
        return found

    value = read(root, 0)
    return value if isinstance(value, dict) else {root.tag: value}


def _value(payload: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path; for XML and forms also the first element of that name anywhere."""
    current: Any = payload
    for part in path.split("."):
        if not isinstance(current, Mapping) or part not in current:
            current = _anywhere(payload, path.rsplit(".", 1)[-1])
            break
        current = current[part]
    if isinstance(current, str) and (not current.strip() or _UNRENDERED.search(current)):
        return None  # a parameter this event does not have: empty ($!x) or left as written ($x)
    return current


def _anywhere(value: Any, name: str, depth: int = 0) -> Any:
    if not isinstance(value, Mapping) or depth > 32:
        return None
    if name in value:
        return value[name]
    for item in value.values():
        found = _anywhere(item, name, depth + 1)
        if found is not None:
            return found
    return None


# ---------------------------------------------------------------------- reading a template


def _parameter(value: str) -> str | None:
    found = _REFERENCE.fullmatch(value)
    if found is None:
        return None
    return PARAMETERS.get(found.group(1))


def _json_places(template: str) -> dict[str, str]:
    """Field -> dotted path of the values that are one parameter, in a JSON template with directives."""
    places: dict[str, str] = {}
    path: list[str | None] = []
    key: str | None = None
    i, n = 0, len(template)
    while i < n:
        char = template[i]
        if char == '"':
            end = _string_end(template, i)
            value = template[i + 1 : end]
            i = end + 1
            j = i
            while j < n and template[j] in " \t\r\n":
                j += 1
            if j < n and template[j] == ":":
                key, i = value, j + 1
                continue
            if key is not None:
                _record(places, _parameter(value), path, key)
                key = None
            continue
        if char in "{[":
            close = _matching(template, i)
            inner = template[i:close]
            if key is not None and ("$metadata" in inner or "$attachments" in inner):
                field = "metadata" if "$metadata" in inner else "attachments"
                _record(places, field, path, key)
                key, i = None, close + 1
                continue
            path.append(key)
            key = None
        elif char in "}]":
            if path:
                path.pop()
            key = None
        elif char == "$" and key is not None:
            end = i + 1
            while end < n and (template[end].isalnum() or template[end] in "_!{}.()$"):
                end += 1
            _record(places, _parameter(template[i:end]), path, key)
            key, i = None, end
            continue
        elif char == "#":
            i = _directive_end(template, i)
            continue
        elif char == ",":
            key = None
        i += 1
    return places


def _record(places: dict[str, str], field: str | None, path: list[str | None], key: str) -> None:
    if field is not None and field not in places:
        places[field] = ".".join([part for part in path if part is not None] + [key])


def _string_end(text_: str, start: int) -> int:
    i = start + 1
    while i < len(text_):
        if text_[i] == "\\":
            i += 2
            continue
        if text_[i] == '"':
            return i
        i += 1
    return len(text_)


def _matching(text_: str, start: int) -> int:
    """The index of the bracket closing the one at ``start`` (strings skipped)."""
    depth, i = 0, start
    while i < len(text_):
        char = text_[i]
        if char == '"':
            i = _string_end(text_, i)
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return len(text_)


def _directive_end(text_: str, start: int) -> int:
    """Past a Velocity directive: ``#end``, ``#else``, or ``#if( ... )`` with its parentheses."""
    i = start + 1
    while i < len(text_) and (text_[i].isalpha() or text_[i] in "{}"):
        i += 1
    j = i
    while j < len(text_) and text_[j] == " ":
        j += 1
    if j < len(text_) and text_[j] == "(":
        depth = 0
        while j < len(text_):
            if text_[j] == "(":
                depth += 1
            elif text_[j] == ")":
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        return j
    return i


def _xml_places(template: str) -> dict[str, str]:
    places: dict[str, str] = {}
    for name, value in _XML_ELEMENT.findall(template):
        field = _parameter(value)
        if field is not None:
            places.setdefault(field, name)
    return places


def _form_places(template: str) -> dict[str, str]:
    places: dict[str, str] = {}
    for pair in template.split("&"):
        name, _, value = pair.partition("=")
        field = _parameter(value)
        if field is not None and name.strip():
            places.setdefault(field, name.strip())
    return places
