"""``message_media_messages.models.check_replies_response`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import CheckRepliesResponse

__all__ = ["CheckRepliesResponse"]
