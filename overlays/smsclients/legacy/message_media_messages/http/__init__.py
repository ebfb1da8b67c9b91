"""``message_media_messages.http`` (MessageMedia Messages SDK 1.1.0), mirrored."""

__all__ = [
    "auth",
    "http_call_back",
    "http_client",
    "http_context",
    "http_method_enum",
    "http_request",
    "http_response",
    "requests_client",
]
