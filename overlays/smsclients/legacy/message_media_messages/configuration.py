"""``message_media_messages.configuration`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import Configuration

__all__ = ["Configuration"]
