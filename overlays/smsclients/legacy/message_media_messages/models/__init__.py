"""``message_media_messages.models`` (MessageMedia Messages SDK 1.1.0), mirrored."""

__all__ = []
