"""``message_media_messages.models.cancel_scheduled_message_request`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import CancelScheduledMessageRequest

__all__ = ["CancelScheduledMessageRequest"]
