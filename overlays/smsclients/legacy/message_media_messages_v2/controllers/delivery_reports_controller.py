"""``message_media_messages.controllers.delivery_reports_controller`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import DeliveryReportsController

__all__ = ["DeliveryReportsController"]
