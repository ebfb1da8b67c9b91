"""``message_media_messages.models.get_message_status_response`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import GetMessageStatusResponse

__all__ = ["GetMessageStatusResponse"]
