"""``message_media_messages.controllers.base_controller`` (SDK 1.1.0)."""

from smsclients.legacy._messagemedia.engine import BaseController

__all__ = ["BaseController"]
