"""``message_media_messages.models.send_messages_response`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import SendMessagesResponse

__all__ = ["SendMessagesResponse"]
