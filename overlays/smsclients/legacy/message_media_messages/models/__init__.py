"""``message_media_messages.models`` of the MessageMedia Messages SDK 1.1.0, mirrored for one-line import changes."""

__all__ = []
