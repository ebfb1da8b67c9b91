"""MessageMedia delivery reports and replies, POSTed as JSON.

Shapes: ``specs/messagemedia-messages-v1.yaml``, ``webhooks``.
"""

from __future__ import annotations

from typing import Any

from messagemedia_messages_v1_client.models.message_media_delivery_report_webhook import (
    MessageMediaDeliveryReportWebhook,
)
from messagemedia_messages_v1_client.models.message_media_reply_webhook import MessageMediaReplyWebhook

from ..errors import InputError
from ._common import build, event_digest, json_object, required_text, text
from .events import InboundMessage, MessageStatus, Outcome, UnknownEvent, WebhookEvent

# The documented statuses (spec: MessageMediaDeliveryReportWebhook.status); others read as pending.
DELIVERED = frozenset({"delivered"})
FAILED = frozenset({"expired", "rejected", "undeliverable", "failed", "cancelled"})


def outcome(status: str) -> Outcome:
    if status in DELIVERED:
        return "delivered"
    if status in FAILED:
        return "failed"
    return "pending"


def parse(method: str, body: bytes | bytearray | memoryview | str) -> WebhookEvent:
    if method != "POST":
        raise InputError("method", "MessageMedia sends webhooks as POST")
    payload = json_object(body)
    if "delivery_report_id" in payload:
        return _delivery_report(payload)
    if "reply_id" in payload:
        return _reply(payload)
    message_id = payload.get("message_id")
    if isinstance(message_id, str):
        return UnknownEvent(
            provider="messagemedia",
            message_id=message_id,
            event_id=f"messagemedia:unknown:{event_digest(payload)}",
            raw=payload,
            payload=payload,
        )
    raise InputError("body", "is neither a MessageMedia delivery report (`delivery_report_id`) nor a reply")


def _delivery_report(payload: dict[str, Any]) -> MessageStatus:
    model = build(MessageMediaDeliveryReportWebhook.from_dict, payload)
    report_id = required_text(payload.get("delivery_report_id"), "body.delivery_report_id")
    status = required_text(payload.get("status"), "body.status")
    return MessageStatus(
        provider="messagemedia",
        message_id=required_text(payload.get("message_id"), "body.message_id"),
        event_id=f"messagemedia:delivery_report:{report_id}",
        raw=model,
        payload=payload,
        status=status,
        outcome=outcome(status),
        # source_number of a delivery report is the destination of the original message.
        to=text(payload.get("source_number"), "body.source_number"),
        error_code=text(payload.get("error_code"), "body.error_code"),
        timestamp=text(payload.get("submitted_date"), "body.submitted_date")
        or text(payload.get("date_received"), "body.date_received"),
    )


def _reply(payload: dict[str, Any]) -> InboundMessage:
    model = build(MessageMediaReplyWebhook.from_dict, payload)
    reply_id = required_text(payload.get("reply_id"), "body.reply_id")
    return InboundMessage(
        provider="messagemedia",
        message_id=reply_id,
        event_id=f"messagemedia:reply:{reply_id}",
        raw=model,
        payload=payload,
        from_=required_text(payload.get("source_number"), "body.source_number"),
        to=text(payload.get("destination_number"), "body.destination_number"),
        text=text(payload.get("content"), "body.content") or "",
        received_at=text(payload.get("date_received"), "body.date_received"),
        in_reply_to=text(payload.get("message_id"), "body.message_id"),
    )
