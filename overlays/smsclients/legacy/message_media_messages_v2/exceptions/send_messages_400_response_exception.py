"""``message_media_messages.exceptions.send_messages_400_response_exception`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import SendMessages400ResponseException

__all__ = ["SendMessages400ResponseException"]
