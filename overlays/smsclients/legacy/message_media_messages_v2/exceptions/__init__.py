"""``message_media_messages.exceptions`` (MessageMedia Messages SDK 2.x), mirrored."""

__all__ = ["api_exception", "send_messages_400_response_exception"]
