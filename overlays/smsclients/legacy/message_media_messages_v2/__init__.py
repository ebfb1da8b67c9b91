"""``message_media_messages`` (MessageMedia Messages SDK 2.x), mirrored."""

from smsclients.legacy.messagemedia_v2 import MessageMediaMessagesClient

__all__ = [
    "MessageMediaMessagesClient",
    "api_helper",
    "configuration",
    "controllers",
    "decorators",
    "exceptions",
    "http",
    "message_media_messages_client",
    "models",
]
