"""``message_media_messages.http.http_context`` (SDK 1.1.0)."""

from smsclients.legacy._messagemedia.wire import HttpContext

__all__ = ["HttpContext"]
