"""``message_media_messages`` (MessageMedia Messages SDK 1.1.0), mirrored."""

from smsclients.legacy.messagemedia import MessageMediaMessagesClient

__all__ = ["MessageMediaMessagesClient"]
