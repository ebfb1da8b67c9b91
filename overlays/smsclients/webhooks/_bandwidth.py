"""Bandwidth Catapult message events, POSTed as JSON or sent as GET query parameters.

Shape: ``specs/bandwidth-messaging-v1.yaml``, ``webhooks`` (``BandwidthMessageEvent``).
"""

from __future__ import annotations

from typing import Any

from bandwidth_messaging_v1_client.models.bandwidth_message_event import BandwidthMessageEvent

from ..errors import InputError
from ._common import build, event_digest, json_object, query_fields, required_text, text
from .events import InboundMessage, MessageStatus, Outcome, UnknownEvent, WebhookEvent

MESSAGE_EVENTS = ("sms", "mms")


def outcome(state: str | None, delivery_state: str | None) -> Outcome:
    """``deliveryState`` decides when present (``delivered`` / ``not-delivered``); state ``error`` is a failure."""
    if delivery_state == "delivered":
        return "delivered"
    if delivery_state == "not-delivered" or state == "error":
        return "failed"
    return "pending"


def parse(method: str, body: bytes | bytearray | memoryview | str, query: str | bytes) -> WebhookEvent:
    empty_body = not (body.strip() if isinstance(body, str) else bytes(body).strip())
    if method == "GET" or (method == "POST" and empty_body and query):
        where = "query"
        payload = query_fields(query, lists=("media",))
    elif method == "POST":
        where = "body"
        payload = json_object(body)
    else:
        raise InputError("method", "Bandwidth sends message events as POST (JSON) or GET (query parameters)")
    event_type = required_text(payload.get("eventType"), f"{where}.eventType")
    if "media" in payload:
        payload["media"] = list(_media(payload["media"], f"{where}.media"))
    model = build(BandwidthMessageEvent.from_dict, payload, where)
    message_id = text(payload.get("messageId"), f"{where}.messageId")
    direction = text(payload.get("direction"), f"{where}.direction")
    if event_type not in MESSAGE_EVENTS or direction not in ("in", "out"):
        return UnknownEvent(
            provider="bandwidth",
            message_id=message_id,
            event_id=f"bandwidth:unknown:{event_digest(payload)}",
            raw=model,
            payload=payload,
            event_type=event_type,
        )
    if direction == "in":
        return InboundMessage(
            provider="bandwidth",
            message_id=message_id,
            event_id=f"bandwidth:message:{message_id or event_digest(payload)}",
            raw=model,
            payload=payload,
            from_=required_text(payload.get("from"), f"{where}.from"),
            to=required_text(payload.get("to"), f"{where}.to"),
            text=text(payload.get("text"), f"{where}.text") or "",
            media_urls=tuple(payload.get("media", ())),
            received_at=text(payload.get("time"), f"{where}.time"),
        )
    state = text(payload.get("state"), f"{where}.state")
    delivery_state = text(payload.get("deliveryState"), f"{where}.deliveryState")
    code = text(payload.get("deliveryCode"), f"{where}.deliveryCode")
    return MessageStatus(
        provider="bandwidth",
        message_id=message_id,
        # Bandwidth sends no event id: a message's events differ in state, delivery state and code.
        event_id=f"bandwidth:status:{event_digest(message_id or payload, event_type, state, delivery_state, code)}",
        raw=model,
        payload=payload,
        status=delivery_state or state or "",
        outcome=outcome(state, delivery_state),
        to=text(payload.get("to"), f"{where}.to"),
        from_=text(payload.get("from"), f"{where}.from"),
        error_code=code,
        description=text(payload.get("deliveryDescription"), f"{where}.deliveryDescription"),
        timestamp=text(payload.get("time"), f"{where}.time"),
    )


def _media(value: Any, field: str) -> tuple[str, ...]:
    """A JSON list of URLs, repeated query values, or the documents' GET form ``[url1, url2]``."""
    items = value if isinstance(value, list) else [value]
    urls: list[str] = []
    for index, item in enumerate(items):
        entry = text(item, f"{field}[{index}]") or ""
        stripped = entry.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            urls.extend(part.strip() for part in stripped[1:-1].split(","))
        else:
            urls.append(stripped)
    return tuple(url for url in urls if url)
