"""``message_media_messages.http.http_response`` (SDK 1.1.0)."""

from smsclients.legacy._messagemedia.wire import HttpResponse

__all__ = ["HttpResponse"]
