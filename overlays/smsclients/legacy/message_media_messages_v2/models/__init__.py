"""``message_media_messages.models`` (MessageMedia Messages SDK 2.x), mirrored."""

__all__ = [
    "cancel_scheduled_message_request",
    "check_delivery_reports_response",
    "check_replies_response",
    "confirm_delivery_reports_as_received_request",
    "confirm_delivery_reports_as_received_request_1",
    "confirm_replies_as_received_request",
    "confirm_replies_as_received_request_1",
    "delivery_report",
    "format_1_enum",
    "format_enum",
    "get_message_status_response",
    "message",
    "reply",
    "send_messages_request",
    "send_messages_response",
    "source_number_type_enum",
    "status_2_enum",
    "status_enum",
    "vendor_account_id",
]
