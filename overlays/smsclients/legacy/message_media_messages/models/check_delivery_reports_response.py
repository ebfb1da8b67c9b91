"""``message_media_messages.models.check_delivery_reports_response`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import CheckDeliveryReportsResponse

__all__ = ["CheckDeliveryReportsResponse"]
