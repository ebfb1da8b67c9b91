"""The error a failed webhook check raises."""

from __future__ import annotations

from typing import Literal

from ..errors import SmsClientError

__all__ = ["VerificationCheck", "WebhookVerificationError"]

VerificationCheck = Literal[
    "signature_headers",
    "cipher_type",
    "digest_type",
    "key_id",
    "date",
    "clock_skew",
    "signature",
    "replay",
    "replay_in_progress",
    "source_address",
    "basic_auth",
]


class WebhookVerificationError(SmsClientError):
    """A webhook request did not pass a verification check; ``check`` names which one.

    The message says what was wrong in general terms and never repeats a credential, a signature
    or a header value, so it is safe to log.
    """

    def __init__(self, check: VerificationCheck, reason: str) -> None:
        super().__init__(f"webhook verification failed ({check}): {reason}")
        self.check: VerificationCheck = check
        self.reason = reason

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.check!r}, {self.reason!r})"
