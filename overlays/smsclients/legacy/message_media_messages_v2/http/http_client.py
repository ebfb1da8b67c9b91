"""``message_media_messages.http.http_client`` (SDK 2.x)."""

from smsclients.legacy._messagemedia.wire import HttpClient

__all__ = ["HttpClient"]
