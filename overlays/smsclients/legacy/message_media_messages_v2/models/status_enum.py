"""``message_media_messages.models.status_enum`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import StatusEnum

__all__ = ["StatusEnum"]
