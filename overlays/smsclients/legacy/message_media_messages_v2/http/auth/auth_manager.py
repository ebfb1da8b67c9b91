"""``message_media_messages.http.auth.auth_manager`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import AuthManager

__all__ = ["AuthManager"]
