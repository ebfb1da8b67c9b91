"""``message_media_messages.models.check_replies_response`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import CheckRepliesResponse

__all__ = ["CheckRepliesResponse"]
