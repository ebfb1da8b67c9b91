"""``message_media_messages.models.confirm_delivery_reports_as_received_request_11`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import ConfirmDeliveryReportsAsReceivedRequest11

__all__ = ["ConfirmDeliveryReportsAsReceivedRequest11"]
