"""``message_media_messages.models.confirm_replies_as_received_request_1`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import ConfirmRepliesAsReceivedRequest1

__all__ = ["ConfirmRepliesAsReceivedRequest1"]
