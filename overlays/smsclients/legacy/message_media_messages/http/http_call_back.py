"""``message_media_messages.http.http_call_back`` (SDK 1.1.0)."""

from smsclients.legacy._messagemedia.wire import HttpCallBack

__all__ = ["HttpCallBack"]
