"""``message_media_messages.models.confirm_delivery_reports_as_received_request`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import ConfirmDeliveryReportsAsReceivedRequest

__all__ = ["ConfirmDeliveryReportsAsReceivedRequest"]
