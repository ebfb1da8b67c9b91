"""``message_media_messages.http.http_method_enum`` (SDK 1.1.0)."""

from smsclients.legacy._messagemedia.wire import HttpMethodEnum

__all__ = ["HttpMethodEnum"]
