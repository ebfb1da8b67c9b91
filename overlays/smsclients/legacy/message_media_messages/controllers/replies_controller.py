"""``message_media_messages.controllers.replies_controller`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import RepliesController

__all__ = ["RepliesController"]
