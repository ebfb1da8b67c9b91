"""``message_media_messages.controllers.delivery_reports_controller`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import DeliveryReportsController

__all__ = ["DeliveryReportsController"]
