"""``message_media_messages.configuration`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import Configuration

__all__ = ["Configuration"]
