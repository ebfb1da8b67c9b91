"""``message_media_messages.models`` (MessageMedia Messages SDK 2.x), mirrored."""

__all__ = []
