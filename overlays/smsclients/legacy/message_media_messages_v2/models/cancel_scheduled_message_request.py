"""``message_media_messages.models.cancel_scheduled_message_request`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import CancelScheduledMessageRequest

__all__ = ["CancelScheduledMessageRequest"]
