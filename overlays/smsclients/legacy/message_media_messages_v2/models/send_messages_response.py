"""``message_media_messages.models.send_messages_response`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import SendMessagesResponse

__all__ = ["SendMessagesResponse"]
