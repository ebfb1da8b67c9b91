"""``message_media_messages.controllers.messages_controller`` (SDK 1.1.0)."""

from smsclients.legacy.messagemedia import MessagesController

__all__ = ["MessagesController"]
