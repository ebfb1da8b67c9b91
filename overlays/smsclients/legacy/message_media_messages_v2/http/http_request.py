"""``message_media_messages.http.http_request`` (SDK 2.x)."""

from smsclients.legacy._messagemedia.wire import HttpRequest

__all__ = ["HttpRequest"]
