"""``message_media_messages.models.send_messages_request`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import SendMessagesRequest

__all__ = ["SendMessagesRequest"]
