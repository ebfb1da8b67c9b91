"""``message_media_messages.http.requests_client`` (SDK 2.x)."""

from smsclients.legacy._messagemedia.wire import RequestsClient

__all__ = ["RequestsClient"]
