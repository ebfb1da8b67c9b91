"""``message_media_messages.controllers`` (MessageMedia Messages SDK 1.1.0), mirrored."""

__all__ = ["base_controller", "delivery_reports_controller", "messages_controller", "replies_controller"]
