"""``message_media_messages.controllers`` of the MessageMedia Messages SDK 1.1.0, mirrored for one-line import changes."""

__all__ = []
