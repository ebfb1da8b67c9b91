"""``message_media_messages.models.confirm_replies_as_received_request_8`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import ConfirmRepliesAsReceivedRequest8

__all__ = ["ConfirmRepliesAsReceivedRequest8"]
