"""``message_media_messages.models.confirm_delivery_reports_as_received_request`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import ConfirmDeliveryReportsAsReceivedRequest

__all__ = ["ConfirmDeliveryReportsAsReceivedRequest"]
