"""``message_media_messages.models.vendor_account_id`` (SDK 2.x)."""

from smsclients.legacy.messagemedia_v2 import VendorAccountId

__all__ = ["VendorAccountId"]
