"""The 2.x models (``message_media_messages.models.*`` of messages-python-sdk 2.x): typed items."""

from __future__ import annotations

from typing import Any, ClassVar

from .models import (
    CancelScheduledMessageRequest,
    ConfirmDeliveryReportsAsReceivedRequest,
    ConfirmRepliesAsReceivedRequest,
    Model,
)

__all__ = [
    "CancelScheduledMessageRequest",
    "CheckDeliveryReportsResponse",
    "CheckRepliesResponse",
    "ConfirmDeliveryReportsAsReceivedRequest",
    "ConfirmDeliveryReportsAsReceivedRequest1",
    "ConfirmRepliesAsReceivedRequest",
    "ConfirmRepliesAsReceivedRequest1",
    "DeliveryReport",
    "Format1Enum",
    "FormatEnum",
    "GetMessageStatusResponse",
    "Message",
    "Reply",
    "SendMessagesRequest",
    "SendMessagesResponse",
    "SourceNumberTypeEnum",
    "Status2Enum",
    "StatusEnum",
    "VendorAccountId",
]

_MESSAGE_FIELDS = (
    "callback_url",
    "content",
    "destination_number",
    "delivery_report",
    "format",
    "message_expiry_timestamp",
    "metadata",
    "scheduled",
    "source_number",
    "source_number_type",
    "message_id",
    "status",
)


class FormatEnum:
    SMS = "SMS"
    TTS = "TTS"
    MMS = "MMS"


class Format1Enum(FormatEnum):
    pass


class SourceNumberTypeEnum:
    INTERNATIONAL = "INTERNATIONAL"
    ALPHANUMERIC = "ALPHANUMERIC"
    SHORTCODE = "SHORTCODE"


class StatusEnum:
    ENROUTE = "enroute"
    SUBMITTED = "submitted"
    DELIVERED = "delivered"
    EXPIRED = "expired"
    REJECTED = "rejected"
    UNDELIVERABLE = "undeliverable"
    QUEUED = "queued"
    PROCESSED = "processed"
    CANCELLED = "cancelled"
    SCHEDULED = "scheduled"
    FAILED = "failed"


class Status2Enum:
    ENROUTE = "enroute"
    FAILED = "failed"
    SUBMITTED = "submitted"
    DELIVERED = "delivered"
    EXPIRED = "expired"
    REJECTED = "rejected"
    UNDELIVERABLE = "undeliverable"


class VendorAccountId(Model):
    _names: ClassVar[dict[str, str]] = {"vendor_id": "vendor_id", "account_id": "account_id"}


class Message(Model):
    """One message to send (and, in answers, with ``message_id`` and ``status``)."""

    # 2.x's argument order puts content and destination_number first; delivery_report defaults to False.
    _names: ClassVar[dict[str, str]] = {
        name: name
        for name in ("content", "destination_number", "callback_url", *_MESSAGE_FIELDS[3:], "media", "subject")
    }
    _defaults: ClassVar[dict[str, Any]] = {"delivery_report": False}
    _datetimes: ClassVar[frozenset[str]] = frozenset({"message_expiry_timestamp", "scheduled"})


class GetMessageStatusResponse(Model):
    _names: ClassVar[dict[str, str]] = {name: name for name in _MESSAGE_FIELDS}
    _defaults: ClassVar[dict[str, Any]] = {"delivery_report": False}
    _datetimes: ClassVar[frozenset[str]] = frozenset({"message_expiry_timestamp", "scheduled"})


class DeliveryReport(Model):
    _names: ClassVar[dict[str, str]] = {
        name: name
        for name in (
            "callback_url",
            "date_received",
            "delay",
            "delivery_report_id",
            "message_id",
            "metadata",
            "original_text",
            "source_number",
            "status",
            "submitted_date",
            "vendor_account_id",
        )
    }
    _nested: ClassVar[dict[str, type[Model]]] = {"vendor_account_id": VendorAccountId}
    _datetimes: ClassVar[frozenset[str]] = frozenset({"date_received", "submitted_date"})


class Reply(Model):
    _names: ClassVar[dict[str, str]] = {
        name: name
        for name in (
            "callback_url",
            "content",
            "date_received",
            "destination_number",
            "message_id",
            "metadata",
            "reply_id",
            "source_number",
            "vendor_account_id",
        )
    }
    _nested: ClassVar[dict[str, type[Model]]] = {"vendor_account_id": VendorAccountId}
    _datetimes: ClassVar[frozenset[str]] = frozenset({"date_received"})


class SendMessagesRequest(Model):
    """Body of ``send_messages``: ``messages`` is a list of :class:`Message` (dicts work too)."""

    _names: ClassVar[dict[str, str]] = {"messages": "messages"}
    _nested: ClassVar[dict[str, type[Model]]] = {"messages": Message}


class SendMessagesResponse(Model):
    _names: ClassVar[dict[str, str]] = {"messages": "messages"}
    _nested: ClassVar[dict[str, type[Model]]] = {"messages": Message}


class CheckDeliveryReportsResponse(Model):
    _names: ClassVar[dict[str, str]] = {"delivery_reports": "delivery_reports"}
    _nested: ClassVar[dict[str, type[Model]]] = {"delivery_reports": DeliveryReport}


class CheckRepliesResponse(Model):
    _names: ClassVar[dict[str, str]] = {"replies": "replies"}
    _nested: ClassVar[dict[str, type[Model]]] = {"replies": Reply}


class ConfirmDeliveryReportsAsReceivedRequest1(ConfirmDeliveryReportsAsReceivedRequest):
    """2.x's second name for the same body."""


class ConfirmRepliesAsReceivedRequest1(ConfirmRepliesAsReceivedRequest):
    """2.x's second name for the same body."""
