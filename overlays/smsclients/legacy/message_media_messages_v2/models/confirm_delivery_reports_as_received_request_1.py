"""``message_media_messages.models.confirm_delivery_reports_as_received_request_1`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import ConfirmDeliveryReportsAsReceivedRequest1

__all__ = ["ConfirmDeliveryReportsAsReceivedRequest1"]
