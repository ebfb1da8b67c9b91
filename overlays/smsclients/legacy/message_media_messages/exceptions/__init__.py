"""``message_media_messages.exceptions`` (MessageMedia Messages SDK 1.1.0), mirrored."""

__all__ = ["api_exception"]
