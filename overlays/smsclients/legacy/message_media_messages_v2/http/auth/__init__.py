"""``message_media_messages.http.auth`` (MessageMedia Messages SDK 2.x), mirrored."""

__all__ = ["auth_manager"]
