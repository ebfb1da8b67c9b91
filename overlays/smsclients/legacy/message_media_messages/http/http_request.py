"""``message_media_messages.http.http_request`` (SDK 1.1.0)."""

from smsclients.legacy._messagemedia.wire import HttpRequest

__all__ = ["HttpRequest"]
