"""``message_media_messages`` (MessageMedia Messages SDK 1.1.0), mirrored."""

from smsclients.legacy.messagemedia import MessageMediaMessagesClient

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
