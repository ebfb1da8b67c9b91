"""``message_media_messages.models.confirm_replies_as_received_request`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import ConfirmRepliesAsReceivedRequest

__all__ = ["ConfirmRepliesAsReceivedRequest"]
