"""``message_media_messages.http.http_context`` (SDK 2.x)."""

from smsclients.legacy._messagemedia.wire import HttpContext

__all__ = ["HttpContext"]
