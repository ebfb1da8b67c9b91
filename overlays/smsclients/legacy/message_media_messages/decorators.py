"""``message_media_messages.decorators`` (SDK 1.1.0)."""

from smsclients.legacy._messagemedia.wire import LazyProperty, lazy_property

__all__ = ["LazyProperty", "lazy_property"]
