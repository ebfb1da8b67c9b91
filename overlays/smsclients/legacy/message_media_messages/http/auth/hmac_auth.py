"""``message_media_messages.http.auth.hmac_auth`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import HmacAuth

__all__ = ["HmacAuth"]
