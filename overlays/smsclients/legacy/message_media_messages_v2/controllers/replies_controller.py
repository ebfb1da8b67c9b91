"""``message_media_messages.controllers.replies_controller`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import RepliesController

__all__ = ["RepliesController"]
