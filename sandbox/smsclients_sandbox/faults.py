"""Fault injection: rate limits, outages, latency and connection resets on demand.

Off by default. Rates given at start are drawn from an RNG seeded by ``--seed``, so a run is
reproducible; a request may instead name its faults in the ``X-Sandbox-Fault`` header (then the
rates are not drawn for it). Faults queued through ``POST /_sandbox/faults`` (``"next"``) are
taken, one per API request, by requests without the header, before any rate is drawn; tests of
code that cannot add a header use them. Header (and queue entry) syntax, comma-separated tokens::

    429                 answer 429 with Retry-After (before auth, like a front-end limiter)
    503                 answer 503 with Retry-After
    latency=<ms>        wait this long before handling
    reset-before        drop the connection before the request is processed (nothing stored)
    reset-after         process the request (message stored, counted) then drop the connection
    stall-after=<ms>    process the request (message stored, counted) then wait before answering,
                        so a client with a shorter timeout gives up on a request that did arrive
    retry-after=<s>     Retry-After value for 429/503 (default from --retry-after, 1)
    none                no fault for this request, whatever the rates

A reset starts the HTTP response and then raises :class:`ConnectionReset` inside the ASGI app;
uvicorn then closes the socket mid-response, so the client sees a transport error
(httpx ``RemoteProtocolError``/``ReadError``), never an HTTP status.
"""

from __future__ import annotations

import logging
import random
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass

from smsclients_sandbox.options import FaultOptions

FAULT_HEADER = "x-sandbox-fault"


class ConnectionReset(Exception):
    """Raised inside the app to make the server drop the connection (expected, not a bug)."""


class FaultHeaderError(ValueError):
    """The ``X-Sandbox-Fault`` header could not be parsed."""


@dataclass(frozen=True)
class FaultPlan:
    """What to do to one request."""

    status: int | None = None
    latency_ms: int = 0
    reset_before: bool = False
    reset_after: bool = False
    retry_after_s: int = 1
    stall_after_ms: int = 0


class FaultInjector:
    """Decides the faults of each request, from its header or from the seeded rates."""

    def __init__(self, options: FaultOptions, seed: int) -> None:
        self._queued: deque[FaultPlan] = deque()
        self.set_rates(options, seed)

    def set_rates(self, options: FaultOptions, seed: int) -> None:
        """Use these rates from now on, drawn from the seed's streams afresh (queued faults stay)."""
        options.validate()
        self._options = options
        self._rng = random.Random(f"sandbox-faults:{seed}")
        # Its own stream, so adding stalls leaves the other faults of a seed where they were.
        self._stall_rng = random.Random(f"sandbox-faults-stall:{seed}")

    @property
    def options(self) -> FaultOptions:
        return self._options

    @property
    def queued(self) -> int:
        return len(self._queued)

    def queue(self, faults: Iterable[str]) -> None:
        """Add one-shot faults (header syntax) for the next requests; all parsed before any is queued."""
        plans = [parse_header(fault, self._options.retry_after_s) for fault in faults]
        self._queued.extend(plans)

    def plan(self, header: str | None) -> FaultPlan:
        if header is not None and header.strip():
            return parse_header(header, self._options.retry_after_s)
        if self._queued:
            return self._queued.popleft()
        o = self._options
        # Always draw all four numbers so that changing one rate leaves the others' sequence alone.
        draw_reset_before, draw_429, draw_503, draw_reset_after = (self._rng.random() for _ in range(4))
        draw_stall = self._stall_rng.random()
        status = None
        reset_before = draw_reset_before < o.reset_before
        if not reset_before:
            if draw_429 < o.rate_429:
                status = 429
            elif draw_503 < o.rate_503:
                status = 503
        answered = not reset_before and status is None  # the request is processed
        reset_after = answered and draw_reset_after < o.reset_after
        stall = answered and not reset_after and draw_stall < o.stall_after
        return FaultPlan(
            status=status,
            latency_ms=o.latency_ms,
            reset_before=reset_before,
            reset_after=reset_after,
            retry_after_s=o.retry_after_s,
            stall_after_ms=o.stall_ms if stall else 0,
        )


def parse_header(value: str, default_retry_after: int = 1) -> FaultPlan:
    """Parse an ``X-Sandbox-Fault`` header value (see the module docstring)."""
    status: int | None = None
    latency = stall = 0
    reset_before = reset_after = False
    retry_after = default_retry_after
    for raw in value.split(","):
        token = raw.strip().lower()
        name, _, arg = token.partition("=")
        if token in ("429", "503"):
            status = int(token)
        elif token == "reset-before":
            reset_before = True
        elif token == "reset-after":
            reset_after = True
        elif token == "none" or not token:
            continue
        elif name in ("latency", "retry-after", "stall-after") and arg.isdigit():
            if name == "latency":
                latency = int(arg)
            elif name == "stall-after":
                stall = int(arg)
            else:
                retry_after = int(arg)
        else:
            raise FaultHeaderError(f"unknown X-Sandbox-Fault token {raw.strip()!r}")
    return FaultPlan(status, latency, reset_before, reset_after, retry_after, stall)


class _DropResetTracebacks(logging.Filter):
    """Keeps uvicorn from logging every injected reset as an application crash."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        return not isinstance(exc, ConnectionReset)


_FILTER = _DropResetTracebacks()


def quiet_reset_logs() -> None:
    """Install the filter on uvicorn's error logger (idempotent)."""
    logger = logging.getLogger("uvicorn.error")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
