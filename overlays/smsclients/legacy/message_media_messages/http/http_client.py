"""``message_media_messages.http.http_client`` (SDK 1.1.0)."""

from smsclients.legacy._messagemedia.wire import HttpClient

__all__ = ["HttpClient"]
