"""``message_media_messages.message_media_messages_client`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import MessageMediaMessagesClient

__all__ = ["MessageMediaMessagesClient"]
