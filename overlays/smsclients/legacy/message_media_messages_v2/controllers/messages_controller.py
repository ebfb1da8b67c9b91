"""``message_media_messages.controllers.messages_controller`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import MessagesController

__all__ = ["MessagesController"]
