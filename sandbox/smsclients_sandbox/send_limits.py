"""Realistic mode's send-rate limits: too many messages too fast are refused as the providers do.

Documented defaults: Bandwidth 1 message per second per account and per sending number, "calculated
as the average over 10 seconds" (BW-docs rateLimits/messageRateLimits.md), refused with 403
``message-rate-limit``; Flowroute 5 SMS per second per account (FR-docs "SMS Limitations"), refused
with 429 (and ``Retry-After``). MessageMedia documents none. Each rate is averaged over
``AVERAGE_S`` seconds (plus one second of burst, which network jitter alone can produce), so a
sender paced at the documented rate is never refused. A refused message is not stored.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from smsclients_sandbox.wire import ProviderError

__all__ = ["SendLimits"]

AVERAGE_S = 10.0
# operation id -> (per-account rate, per-number rate) in messages per second.
RATES: dict[tuple[str, str], tuple[float | None, float | None]] = {
    ("bandwidth", "send_messages"): (1.0, 1.0),
    ("flowroute", "send_message"): (5.0, None),
}


def _messages(provider: str, body: Any) -> list[Any]:
    if provider == "bandwidth":
        return body if isinstance(body, list) else [body]
    return [body]


def _sender(provider: str, message: Any) -> str:
    if provider == "bandwidth" and isinstance(message, dict):
        return str(message.get("from"))
    return ""


class SendLimits:
    """Moving windows of accepted sends per account and per number; thread-safe."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, rates: dict[Any, Any] | None = None) -> None:
        self._clock = clock
        self._rates = RATES if rates is None else rates
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self.refused = 0

    def reset(self) -> None:
        with self._lock:
            self._seen.clear()
            self.refused = 0

    def check(self, provider: str, operation_id: str, user: str, body: Any) -> None:
        """Count a send, or raise the provider's rate-limit error (nothing counted then)."""
        rates = self._rates.get((provider, operation_id))
        if rates is None:
            return
        account_rate, number_rate = rates
        messages = _messages(provider, body)
        now = self._clock()
        buckets: list[tuple[str, float, int]] = []
        if account_rate is not None:
            buckets.append((f"{provider}:{user}", account_rate, len(messages)))
        if number_rate is not None:
            counts: dict[str, int] = {}
            for message in messages:
                counts[_sender(provider, message)] = counts.get(_sender(provider, message), 0) + 1
            buckets.extend((f"{provider}:{user}:{number}", number_rate, n) for number, n in counts.items())
        with self._lock:
            for name, rate, cost in buckets:
                seen = self._seen.setdefault(name, deque())
                while seen and seen[0] <= now - AVERAGE_S:
                    seen.popleft()
                if len(seen) + cost > rate * (AVERAGE_S + 1.0):
                    self.refused += 1
                    raise _refusal(provider, rate, len(seen) / AVERAGE_S, per_number=":" in name[len(provider) + 1 :])
            for name, _, cost in buckets:
                self._seen[name].extend([now] * cost)


def _refusal(provider: str, rate: float, observed: float, *, per_number: bool) -> ProviderError:
    if provider == "bandwidth":
        code = "message-rate-limit-per-tn" if per_number else "message-rate-limit"
        text = (
            f"You can send {rate:g} messages per 1 seconds, calculated as the average over "
            f"{AVERAGE_S:g} seconds. Your rate is: {observed:.2f}"
        )
        return ProviderError(403, text, kind=code)
    return ProviderError(429, f"Too many requests: {rate:g} SMS per second", title="TooManyRequests")
