"""``message_media_messages.controllers.base_controller`` (SDK 2.x)."""

from smsclients.legacy._messagemedia.engine import BaseController

__all__ = ["BaseController"]
