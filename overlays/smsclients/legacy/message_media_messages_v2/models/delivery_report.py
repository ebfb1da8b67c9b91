"""``message_media_messages.models.delivery_report`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import DeliveryReport

__all__ = ["DeliveryReport"]
