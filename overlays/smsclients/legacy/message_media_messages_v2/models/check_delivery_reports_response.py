"""``message_media_messages.models.check_delivery_reports_response`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import CheckDeliveryReportsResponse

__all__ = ["CheckDeliveryReportsResponse"]
