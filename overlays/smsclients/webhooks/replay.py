"""Remembering signed webhook requests, so each one is handled once even when replayed concurrently."""

from __future__ import annotations

import threading
from typing import Literal

__all__ = ["DEFAULT_MAX_CLOCK_SKEW", "Claim", "ReplayCache"]

DEFAULT_MAX_CLOCK_SKEW = 300.0
"""Seconds a signed webhook's ``Date`` may be away from this server's clock (either way)."""

Claim = Literal["claimed", "in_progress", "accepted"]


class ReplayCache:
    """Remembers signed requests for ``ttl`` seconds: those being handled (claimed) and those handled.

    The receivers :meth:`claim` a request before calling the handler, so a copy arriving while the
    first is still being handled is refused instead of handled twice; they :meth:`accept` it once the
    handler succeeded and :meth:`release` it when it failed, so the provider's redelivery gets through.
    A replay outside the window fails the clock-skew check instead (its ``Date`` is signed), so
    ``ttl`` should be at least twice the allowed skew. Thread-safe; bounded by ``max_entries``
    (oldest dropped first).
    """

    def __init__(self, ttl: float = 2 * DEFAULT_MAX_CLOCK_SKEW, max_entries: int = 100_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._accepted: dict[bytes, float] = {}
        self._claimed: dict[bytes, float] = {}
        self._lock = threading.Lock()

    def contains(self, key: bytes, now: float) -> bool:
        """True if ``key`` is being handled or was handled, and has not expired."""
        with self._lock:
            self._expire(now)
            return key in self._accepted or key in self._claimed

    def seen_before(self, key: bytes, now: float) -> bool:
        """True if ``key`` is known and has not expired; otherwise remember it as handled and return False."""
        with self._lock:
            self._expire(now)
            if key in self._accepted or key in self._claimed:
                return True
            self._remember(self._accepted, key, now)
            return False

    def claim(self, key: bytes, now: float) -> Claim:
        """Take ``key`` for handling (``"claimed"``), unless it is being handled (``"in_progress"``)
        or was handled (``"accepted"``); the check and the claim are one step."""
        with self._lock:
            self._expire(now)
            if key in self._accepted:
                return "accepted"
            if key in self._claimed:
                return "in_progress"
            self._remember(self._claimed, key, now)
            return "claimed"

    def accept(self, key: bytes, now: float) -> None:
        """The claimed request was handled: refuse it from now on (for ``ttl`` seconds)."""
        with self._lock:
            self._claimed.pop(key, None)
            self._accepted.pop(key, None)  # re-inserted last, so it is dropped last
            self._remember(self._accepted, key, now)

    def release(self, key: bytes) -> None:
        """The claimed request was not handled: a redelivery of it may be handled."""
        with self._lock:
            self._claimed.pop(key, None)

    def _remember(self, table: dict[bytes, float], key: bytes, now: float) -> None:
        while self._accepted and len(self._accepted) + len(self._claimed) >= self.max_entries:
            del self._accepted[next(iter(self._accepted))]
        while self._claimed and len(self._claimed) >= self.max_entries:
            del self._claimed[next(iter(self._claimed))]
        table[key] = now + self.ttl

    def _expire(self, now: float) -> None:
        # Entries are added in time order with the same ttl, so the expired ones are at the front.
        for table in (self._accepted, self._claimed):
            while table:
                oldest = next(iter(table))
                if table[oldest] > now:
                    break
                del table[oldest]
