"""``message_media_messages.exceptions.api_exception`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import APIException

__all__ = ["APIException"]
