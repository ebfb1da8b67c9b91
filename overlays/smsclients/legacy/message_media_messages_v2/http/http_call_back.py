"""``message_media_messages.http.http_call_back`` (SDK 2.x)."""

from smsclients.legacy._messagemedia.wire import HttpCallBack

__all__ = ["HttpCallBack"]
