"""``message_media_messages.http.auth`` of the MessageMedia Messages SDK 1.1.0, mirrored for one-line import changes."""

__all__ = []
