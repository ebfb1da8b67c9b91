"""``message_media_messages.models.confirm_replies_as_received_request`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import ConfirmRepliesAsReceivedRequest

__all__ = ["ConfirmRepliesAsReceivedRequest"]
