"""``message_media_messages.http`` (MessageMedia Messages SDK 2.x), mirrored."""

__all__ = []
