"""``message_media_messages`` of the MessageMedia Messages SDK 2.x, mirrored for one-line import changes."""

from smsclients.legacy.messagemedia_v2 import MessageMediaMessagesClient

__all__ = ['MessageMediaMessagesClient']
