"""``message_media_messages.models.status_2_enum`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import Status2Enum

__all__ = ["Status2Enum"]
