"""``message_media_messages.http.auth.basic_auth`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import BasicAuth

__all__ = ["BasicAuth"]
