"""``message_media_messages.api_helper`` (SDK 1.1.0)."""

from smsclients.legacy._messagemedia.wire import APIHelper

__all__ = ["APIHelper"]
