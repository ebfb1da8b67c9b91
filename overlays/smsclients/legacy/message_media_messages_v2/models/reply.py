"""``message_media_messages.models.reply`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import Reply

__all__ = ["Reply"]
