"""``message_media_messages.controllers`` (MessageMedia Messages SDK 2.x), mirrored."""

__all__ = ["base_controller", "delivery_reports_controller", "messages_controller", "replies_controller"]
