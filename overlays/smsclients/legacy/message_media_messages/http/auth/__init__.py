"""``message_media_messages.http.auth`` (MessageMedia Messages SDK 1.1.0), mirrored."""

__all__ = ["basic_auth", "hmac_auth"]
