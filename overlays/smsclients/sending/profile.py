"""What a provider tells ``send_many`` (its glue fills one in; the core knows no provider).

The single and batch method names and the batch size come from the spec (``x-bulk``); the glue
says how a message becomes arguments, how answers read, and how to find out, after a crash,
whether a message whose answer was lost reached the provider (:class:`Reconciler`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import SmsClientError

if TYPE_CHECKING:  # the glue imports this module with the client: keep it light
    from .messages import OutgoingMessage
    from .outbox import Row

__all__ = ["BulkProfile", "Reconciler", "keyword_options"]

# The per-call options every generated method takes: not message options.
_CALL_OPTIONS = frozenset({"self", "timeout", "max_retries", "extra_headers", "extra_query", "extra_body"})


def keyword_options(method: Callable[..., Any], *neutral: str) -> frozenset[str]:
    """The keyword arguments of a generated send method that a message may carry as options
    (all but the per-call options and the ``neutral`` ones send_many fills in itself)."""
    import inspect

    names = set(inspect.signature(method).parameters) - _CALL_OPTIONS - set(neutral)
    return frozenset(names)


@dataclass(frozen=True)
class Reconciler:
    """How to look a message up at the provider without its id.

    ``queries(rows, since, until)`` gives the keyword arguments of the lazy list method ``method``
    for the rows to look up (their attempts fall between ``since`` and ``until``, epoch seconds);
    ``item_key(item)`` and ``row_key(row)`` give the keys that match a listed message to a row
    (a tag the campaign set, or to/from/text); ``item_id(item)`` the listed message's id.
    ``conclusive``: a message not listed was never accepted, so it may be sent again. ``method``
    may also return a list (or, async, an awaitable of one), e.g. a check of delivery reports.
    """

    method: str
    queries: Callable[[Sequence[Row], float, float], list[dict[str, Any]]]
    item_key: Callable[[Any], str | None]
    row_key: Callable[[Row], str]
    item_id: Callable[[Any], str | None]
    conclusive: bool = True
    where: str = ""  # what was searched, for the evidence of a message left unknown
    # The resource ``method`` is on, from the bulk resource (None: the bulk resource itself).
    source: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class BulkProfile:
    """A provider's bulk sending: see the module docstring."""

    provider: str
    single: str | None
    batch: str | None
    max_batch: int
    single_args: Callable[[OutgoingMessage, str], dict[str, Any]]
    single_id: Callable[[Any], str]
    batch_item: Callable[[OutgoingMessage, str], dict[str, Any]] | None = None
    batch_results: Callable[[Any, int], list[str | SmsClientError]] | None = None
    reconciler: Reconciler | None = None
    options: frozenset[str] | None = None  # the provider options a message may carry (None: any)
    unknown_hint: str = "look the message up at the provider before sending it again"

    @classmethod
    def from_extensions(cls, extensions: Mapping[str, Any], **glue: Any) -> BulkProfile:
        """The profile: method names and batch size from the spec's ``x-bulk``, the rest from the glue."""
        bulk = extensions.get("x-bulk") or {}
        batch = bulk.get("batch")
        return cls(single=bulk.get("single"), batch=batch, max_batch=int(bulk.get("max", 1)) if batch else 1, **glue)
