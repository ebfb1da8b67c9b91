"""Flowroute callbacks: the Messages v2 flat inbound message and the v2.1 JSON:API documents.

Shapes: ``specs/flowroute-messages-v2.yaml`` and ``specs/flowroute-v2.yaml``, ``webhooks``.
"""

from __future__ import annotations

from typing import Any

from flowroute_messages_v2_client.models.flowroute_inbound_message_webhook import FlowrouteInboundMessageWebhook
from flowroute_v2_client.models.flowroute_delivery_receipt_webhook import FlowrouteDeliveryReceiptWebhook
from flowroute_v2_client.models.flowroute_message_webhook import FlowrouteMessageWebhook

from ..errors import InputError
from ._common import build, event_digest, json_object, mapping, required_text, text
from .events import InboundMessage, MessageStatus, Outcome, UnknownEvent, WebhookEvent

# No closed list of DLR statuses is documented; these word parts mark a final failure.
_FAILED_PARTS = ("undeliv", "fail", "reject", "expire", "error")


def outcome(status: str) -> Outcome:
    """``delivered`` / ``failed`` / ``pending`` for a Flowroute delivery receipt status."""
    lowered = status.strip().lower()
    if any(part in lowered for part in _FAILED_PARTS):
        return "failed"
    if lowered == "delivered":
        return "delivered"
    return "pending"


def parse(method: str, body: bytes | bytearray | memoryview | str) -> WebhookEvent:
    if method != "POST":
        raise InputError("method", "Flowroute sends callbacks as POST")
    payload = json_object(body)
    if "data" in payload:
        return _document(payload)
    if {"id", "to", "from"} <= payload.keys():
        return _flat_inbound(payload)
    raise InputError(
        "body",
        "is neither a Flowroute JSON:API callback (`data`) nor a Messages v2 inbound message (`to`, `from`, `id`)",
    )


def _flat_inbound(payload: dict[str, Any]) -> InboundMessage:
    model = build(FlowrouteInboundMessageWebhook.from_dict, payload)
    message_id = required_text(payload.get("id"), "body.id")
    return InboundMessage(
        provider="flowroute",
        message_id=message_id,
        event_id=f"flowroute:message:{message_id}",
        raw=model,
        payload=payload,
        from_=required_text(payload.get("from"), "body.from"),
        to=required_text(payload.get("to"), "body.to"),
        text=text(payload.get("body"), "body.body") or "",
    )


def _document(payload: dict[str, Any]) -> WebhookEvent:
    data = mapping(payload.get("data"), "body.data")
    kind = required_text(data.get("type"), "body.data.type")
    if kind == "delivery_receipt":
        return _receipt(payload, data)
    if kind == "message":
        attributes = mapping(data.get("attributes"), "body.data.attributes")
        if text(attributes.get("direction"), "body.data.attributes.direction") in (None, "inbound"):
            return _inbound(payload, data, attributes)
    identifier = data.get("id")
    return UnknownEvent(
        provider="flowroute",
        message_id=identifier if isinstance(identifier, str) else None,
        event_id=f"flowroute:unknown:{event_digest(payload)}",
        raw=payload,
        payload=payload,
        event_type=kind,
    )


def _inbound(payload: dict[str, Any], data: dict[str, Any], attributes: dict[str, Any]) -> InboundMessage:
    model = build(FlowrouteMessageWebhook.from_dict, payload)
    message_id = required_text(data.get("id"), "body.data.id")
    where = "body.data.attributes"
    return InboundMessage(
        provider="flowroute",
        message_id=message_id,
        event_id=f"flowroute:message:{message_id}",
        raw=model,
        payload=payload,
        from_=required_text(attributes.get("from"), f"{where}.from"),
        to=required_text(attributes.get("to"), f"{where}.to"),
        text=text(attributes.get("body"), f"{where}.body") or "",
        media_urls=_media_urls(payload, attributes),
        received_at=text(attributes.get("timestamp"), f"{where}.timestamp"),
    )


def _media_urls(payload: dict[str, Any], attributes: dict[str, Any]) -> tuple[str, ...]:
    """Media of an MMS: ``included`` resources with an ``attributes.url`` (and ``media_urls``, if sent)."""
    urls: list[str] = []
    included = payload.get("included")
    if isinstance(included, list):
        for index, item in enumerate(included):
            resource = mapping(item, f"body.included[{index}]")
            if resource.get("type") not in (None, "media"):
                continue
            url = mapping(resource.get("attributes") or {}, f"body.included[{index}].attributes").get("url")
            if url is not None:
                urls.append(text(url, f"body.included[{index}].attributes.url") or "")
    listed = attributes.get("media_urls")
    if isinstance(listed, list):
        urls.extend(text(url, f"body.data.attributes.media_urls[{i}]") or "" for i, url in enumerate(listed))
    return tuple(dict.fromkeys(url for url in urls if url))


def _receipt(payload: dict[str, Any], data: dict[str, Any]) -> MessageStatus:
    model = build(FlowrouteDeliveryReceiptWebhook.from_dict, payload)
    where = "body.data.attributes"
    attributes = mapping(data.get("attributes"), where)
    message_id = required_text(data.get("id"), "body.data.id")
    status = text(attributes.get("status"), f"{where}.status") or ""
    code = text(attributes.get("status_code"), f"{where}.status_code")
    timestamp = text(attributes.get("timestamp"), f"{where}.timestamp")
    level = attributes.get("level")
    return MessageStatus(
        provider="flowroute",
        message_id=message_id,
        event_id=f"flowroute:dlr:{message_id}:{event_digest(level, status, code, timestamp)}",
        raw=model,
        payload=payload,
        status=status,
        outcome=outcome(status),
        error_code=code,
        description=text(attributes.get("status_code_description"), f"{where}.status_code_description"),
        timestamp=timestamp,
    )
