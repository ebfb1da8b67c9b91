"""``message_media_messages.models.send_messages_request`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import SendMessagesRequest

__all__ = ["SendMessagesRequest"]
