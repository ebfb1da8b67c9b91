"""The typed events :func:`smsclients.webhooks.parse_event` returns.

Every event has ``provider``, ``kind``, ``message_id``, ``event_id`` (a stable key for
deduplication: providers retry, so the same event can arrive twice), ``raw`` (the model generated
from the spec's webhook schema, see ``specs/*.yaml`` ``webhooks``) and ``payload`` (the parsed JSON
object, or the query parameters of a GET callback).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from ..sending.keywords import Keyword, classify_keyword

__all__ = [
    "EventKind",
    "InboundMessage",
    "Keyword",
    "MessageStatus",
    "Outcome",
    "Provider",
    "UnknownEvent",
    "WebhookEvent",
]

Provider = Literal["flowroute", "bandwidth", "messagemedia"]
EventKind = Literal["inbound_message", "message_status", "unknown"]
Outcome = Literal["delivered", "failed", "pending"]


@dataclass(frozen=True, kw_only=True)
class WebhookEvent:
    """What every event carries."""

    provider: Provider
    kind: EventKind
    message_id: str | None
    """The provider's id of the message the event is about (None if the payload has none)."""
    event_id: str
    """Stable across redeliveries of the same event and distinct between events: keep the ids you
    have handled and skip repeats (see docs/guides/webhooks.md, "Deduplicating")."""
    raw: Any = field(repr=False, compare=False)
    """The generated model of the payload (or the payload itself for an unparsed unknown event)."""
    payload: Mapping[str, Any] = field(repr=False, compare=False)
    """The parsed JSON object (or the query parameters of a GET callback)."""


@dataclass(frozen=True, kw_only=True)
class InboundMessage(WebhookEvent):
    """An SMS or MMS that arrived at one of your numbers (a Flowroute inbound message, a Bandwidth
    ``direction: in`` event, a MessageMedia reply)."""

    kind: EventKind = field(default="inbound_message", init=False)
    from_: str
    to: str | None
    """The number the message was sent to (None where the payload does not say: a MessageMedia
    reply to a message sent without a source number)."""
    text: str
    media_urls: tuple[str, ...] = ()
    received_at: str | None = None
    in_reply_to: str | None = None
    """The id of the message this one answers (MessageMedia replies)."""
    keyword: Keyword | None = field(default=None, init=False)
    """``"stop"``, ``"start"`` or ``"help"`` when the text is one of the carriers' standard keywords
    (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT; START, UNSTOP, YES; HELP, INFO: the whole text, any
    case, surrounding spaces ignored), else None. Honour STOP before the next send: see
    ``smsclients.optouts`` (docs/guides/before-you-send.md)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "keyword", classify_keyword(self.text))


@dataclass(frozen=True, kw_only=True)
class MessageStatus(WebhookEvent):
    """A status change of a message you sent (a delivery receipt / report).

    ``status`` is the provider's own value, unchanged; ``outcome`` reads it as ``delivered``,
    ``failed`` or ``pending`` (still on its way, or a value we do not know yet).
    """

    kind: EventKind = field(default="message_status", init=False)
    status: str
    outcome: Outcome
    to: str | None = None
    from_: str | None = None
    error_code: str | None = None
    description: str | None = None
    timestamp: str | None = None

    @property
    def delivered(self) -> bool:
        return self.outcome == "delivered"

    @property
    def failed(self) -> bool:
        return self.outcome == "failed"

    @property
    def pending(self) -> bool:
        return self.outcome == "pending"


@dataclass(frozen=True, kw_only=True)
class UnknownEvent(WebhookEvent):
    """A well-formed callback of a type this package does not know (a new event type, an outbound
    MDR, a voice event): passed through rather than refused."""

    kind: EventKind = field(default="unknown", init=False)
    event_type: str | None = None
    """The provider's name for the event type, where the payload has one."""
