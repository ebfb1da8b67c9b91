"""``message_media_messages.models.source_number_type_enum`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import SourceNumberTypeEnum

__all__ = ["SourceNumberTypeEnum"]
