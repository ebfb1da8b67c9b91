"""``message_media_messages.api_helper`` (SDK 2.x)."""

from smsclients.legacy._messagemedia.wire import APIHelper

__all__ = ["APIHelper"]
