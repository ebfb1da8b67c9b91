"""``message_media_messages.http.requests_client`` (SDK 1.1.0)."""

from smsclients.legacy._messagemedia.wire import RequestsClient

__all__ = ["RequestsClient"]
