"""``message_media_messages.controllers`` of the MessageMedia Messages SDK 2.x, mirrored for one-line import changes."""

__all__ = []
