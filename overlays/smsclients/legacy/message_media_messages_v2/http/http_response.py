"""``message_media_messages.http.http_response`` (SDK 2.x)."""

from smsclients.legacy._messagemedia.wire import HttpResponse

__all__ = ["HttpResponse"]
