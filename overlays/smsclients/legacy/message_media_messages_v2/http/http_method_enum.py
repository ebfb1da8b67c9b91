"""``message_media_messages.http.http_method_enum`` (SDK 2.x)."""

from smsclients.legacy._messagemedia.wire import HttpMethodEnum

__all__ = ["HttpMethodEnum"]
