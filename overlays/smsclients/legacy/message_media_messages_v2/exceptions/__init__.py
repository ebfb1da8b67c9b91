"""``message_media_messages.exceptions`` (MessageMedia Messages SDK 2.x), mirrored."""

__all__ = []
