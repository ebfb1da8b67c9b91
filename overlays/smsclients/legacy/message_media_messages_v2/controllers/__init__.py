"""``message_media_messages.controllers`` (MessageMedia Messages SDK 2.x), mirrored."""

__all__ = []
