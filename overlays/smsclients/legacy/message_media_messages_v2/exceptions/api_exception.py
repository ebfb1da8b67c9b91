"""``message_media_messages.exceptions.api_exception`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import APIException

__all__ = ["APIException"]
