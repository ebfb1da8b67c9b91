"""``message_media_messages.message_media_messages_client`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import MessageMediaMessagesClient

__all__ = ["MessageMediaMessagesClient"]
