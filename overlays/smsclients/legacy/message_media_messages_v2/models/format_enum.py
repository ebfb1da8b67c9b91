"""``message_media_messages.models.format_enum`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import FormatEnum

__all__ = ["FormatEnum"]
