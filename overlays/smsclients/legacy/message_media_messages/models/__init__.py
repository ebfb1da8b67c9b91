"""``message_media_messages.models`` (MessageMedia Messages SDK 1.1.0), mirrored."""

__all__ = [
    "cancel_scheduled_message_request",
    "check_delivery_reports_response",
    "check_replies_response",
    "confirm_delivery_reports_as_received_request",
    "confirm_delivery_reports_as_received_request_11",
    "confirm_replies_as_received_request",
    "confirm_replies_as_received_request_8",
    "send_messages_request",
    "send_messages_response",
]
