"""``message_media_messages.models.format_1_enum`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import Format1Enum

__all__ = ["Format1Enum"]
