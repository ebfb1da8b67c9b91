"""``message_media_messages`` of the MessageMedia Messages SDK 1.1.0, mirrored for one-line import changes."""

from smsclients.legacy.messagemedia import MessageMediaMessagesClient

__all__ = ['MessageMediaMessagesClient']
