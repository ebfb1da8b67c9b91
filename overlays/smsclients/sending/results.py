"""One result per message of ``send_many``, in input order."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import SmsClientError
from .messages import OutgoingMessage

__all__ = ["ACCEPTED", "ELSEWHERE", "FAILED", "SKIPPED", "UNKNOWN", "RecordedError", "SendResult"]

ACCEPTED, FAILED, UNKNOWN, ELSEWHERE = "accepted", "failed", "unknown", "elsewhere"
SKIPPED = "skipped"  # the recipient is on the opt-out list: never sent (the outbox keeps it so)


class RecordedError(SmsClientError):
    """A failure an earlier run recorded in the outbox (its type, status and code as they were)."""

    def __init__(self, record: Mapping[str, Any]) -> None:
        self.type_name = str(record.get("type", "SmsClientError"))
        self.status_code = record.get("status_code")
        self.code = record.get("code")
        super().__init__(f"{self.type_name}: {record.get('message', '')}")


@dataclass(frozen=True)
class SendResult:
    """What became of one message.

    ``state``: ``accepted`` (``message_id`` is the provider's id), ``failed`` (``error`` is the typed
    error; nothing was sent, or the provider refused it), ``unknown`` (``error`` is a
    DeliveryUnknownError with the ``evidence``; it was never sent again blindly), ``skipped``
    (``error`` is an :class:`~smsclients.optouts.OptedOutError`: the recipient opted out of the
    sender, checked against ``send_many``'s ``optouts=`` list; nothing was sent, and a re-run with
    the same outbox never sends it) or ``elsewhere`` (another worker sharing the outbox holds it).
    ``resumed``: settled by an earlier run.
    """

    index: int
    message: OutgoingMessage | None
    state: str
    message_id: str | None = None
    error: SmsClientError | None = None
    resumed: bool = False
    evidence: str | None = None

    @property
    def ok(self) -> bool:
        return self.state == ACCEPTED
