"""``message_media_messages.models.message`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import Message

__all__ = ["Message"]
