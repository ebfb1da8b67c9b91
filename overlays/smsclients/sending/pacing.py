"""Pacing: sends wait for their turn at the provider's documented rates instead of hitting the limit.

Opt-in per client, ``rate_limit=``:

* ``True`` -- the rates the spec documents (``x-rate-limits.pacing``), in this process's memory;
* ``"redis://host:6379/0"`` -- the same rates, kept in Redis: shared by every process and machine
  pointed at it (the ``[scale]`` extra installs ``redis``);
* a :class:`RateLimit` -- rates of your own (``account=``/``sender=`` as ``(messages, seconds)``)
  and where to keep them; ``None`` reads ``SMSCLIENTS_RATE_LIMIT`` (``on`` or a ``redis://`` URL;
  unset: no pacing).

There is one moving-window limit per account and one per sender number; a batch counts each of its
messages. The counting is the ``limits`` library's (memory or Redis storage); buckets are shared by
every thread and task of a process (one storage per URL). When the storage cannot be reached,
sending stops with :class:`PacingUnavailableError` -- never unpaced.
"""

from __future__ import annotations

import os
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ..errors import InputError, SmsClientError
from ..ratelimits import MEMORY, Pace, PacingRules, RateLimit

__all__ = ["ENVIRONMENT_VARIABLE", "AsyncPacer", "PacingUnavailableError", "RateLimit", "SyncPacer", "pacing_plan"]

ENVIRONMENT_VARIABLE = "SMSCLIENTS_RATE_LIMIT"


class PacingUnavailableError(SmsClientError):
    """The shared pacing storage (Redis) cannot be reached; nothing was sent unpaced."""


@dataclass(frozen=True)
class PacingPlan:
    """What a runtime paces: the rules (operations, message and sender places), rates, storage, names."""

    rules: PacingRules
    account: Pace | None
    sender: Pace | None
    storage: str
    namespace: str

    def __repr__(self) -> str:
        from ..redaction import redact_url  # the storage URL may carry a password

        storage = redact_url(self.storage) if self.storage != MEMORY else MEMORY
        return f"PacingPlan(account={self.account!r}, sender={self.sender!r}, storage={storage!r})"

    @property
    def max_cost(self) -> int | None:
        """The most messages one request may carry and still fit a window (None: no limit)."""
        amounts = [pace.rate for pace in (self.account, self.sender) if pace is not None]
        return min(amounts) if amounts else None

    def costs(self, operation: str, body: Any) -> list[tuple[str, Pace, int]]:
        """``(bucket, rate, messages)`` a request takes: the account's and each sender's."""
        if operation not in self.rules.operations:
            return []
        messages = body.get(self.rules.messages) if self.rules.messages and isinstance(body, Mapping) else body
        items = messages if isinstance(messages, list) else [messages]
        costs: list[tuple[str, Pace, int]] = []
        if self.account is not None:
            costs.append((f"{self.namespace}:account", self.account, len(items)))
        if self.sender is not None and self.rules.sender:
            senders = Counter(str(item.get(self.rules.sender)) for item in items if isinstance(item, Mapping))
            costs.extend((f"{self.namespace}:from:{number}", self.sender, n) for number, n in sorted(senders.items()))
        return costs


def _pace(value: tuple[int, int] | None, default: Pace | None, field: str) -> Pace | None:
    if value is None:
        return default
    if (
        not isinstance(value, tuple | list)
        or len(value) != 2
        or not all(isinstance(part, int) and not isinstance(part, bool) and part >= 1 for part in value)
    ):
        raise InputError(field, "must be (messages, seconds), two integers >= 1")
    return Pace(value[0], float(value[1]))


def pacing_plan(value: object, rules: PacingRules, namespace: str) -> PacingPlan | None:
    """The pacing a client's ``rate_limit=`` asks for (see the module docstring); None: none."""
    if value is None:
        value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip() or False
        if isinstance(value, str) and value.lower() in ("on", "true", "1", "yes"):
            value = True
        elif isinstance(value, str) and value.lower() in ("off", "false", "0", "no"):
            value = False
    if value is False:
        return None
    if value is True:
        value = RateLimit()
    elif isinstance(value, str):
        value = RateLimit(storage=value)
    if not isinstance(value, RateLimit):
        raise InputError("rate_limit", "must be True, a redis:// URL, a RateLimit or None")
    if not value.storage.startswith((MEMORY, "redis://", "rediss://", "redis+unix://")):
        raise InputError("rate_limit", "storage must be memory:// or a redis:// URL")
    account = _pace(value.account, rules.account, "rate_limit.account")
    sender = _pace(value.sender, rules.sender_number, "rate_limit.sender")
    if account is None and sender is None:
        raise InputError("rate_limit", "this provider documents no sending rate: give account= or sender=")
    for pace in (account, sender):
        if pace is not None and pace.per != int(pace.per):
            raise InputError("rate_limit", "rates are per whole seconds")
    return PacingPlan(rules, account, sender, value.storage, value.namespace or namespace)


# One storage per URL and kind in a process: every client, thread and task shares its buckets.
_STORAGES: dict[tuple[str, bool], Any] = {}
_STORAGES_LOCK = threading.Lock()


def _storage(url: str, asynchronous: bool) -> Any:
    with _STORAGES_LOCK:
        found = _STORAGES.get((url, asynchronous))
        if found is None:
            try:
                from limits.storage import storage_from_string

                if asynchronous:  # the async storages; Redis through redis-py (not coredis)
                    options = {"implementation": "redispy"} if url.startswith("redis") else {}
                    found = storage_from_string(f"async+{url}", **options)
                else:
                    found = storage_from_string(url)
            except ImportError as exc:
                raise PacingUnavailableError(
                    "pacing needs the limits library (and redis for a redis:// URL): "
                    "pip install 'sms-provider-clients[scale]'"
                ) from exc
            except Exception as exc:
                raise PacingUnavailableError(f"the pacing storage cannot be used ({type(exc).__name__})") from exc
            _STORAGES[(url, asynchronous)] = found
        return found


def _item(pace: Pace) -> Any:
    from limits import RateLimitItemPerSecond

    return RateLimitItemPerSecond(pace.rate, int(pace.per), namespace="SMSCLIENTS")


def _unavailable(exc: Exception) -> PacingUnavailableError:
    # The exception text may name the Redis URL with its password: only the type.
    error = PacingUnavailableError(f"the pacing storage cannot be reached ({type(exc).__name__}); nothing was sent")
    return error


def _turns(costs: list[tuple[str, Pace, int]]) -> Iterator[tuple[str, Pace, int]]:
    """The costs in pieces a window can hold: a batch larger than a bucket (50 messages at 1 a
    second) takes its turns one window after another instead of waiting for ever."""
    for bucket, pace, cost in costs:
        while cost > 0:
            turns = min(cost, pace.rate)
            yield bucket, pace, turns
            cost -= turns


class SyncPacer:
    """Waits (sleeping the thread) until a request fits every bucket it counts against."""

    def __init__(self, plan: PacingPlan, sleep: Callable[[float], None] = time.sleep) -> None:
        from limits.strategies import MovingWindowRateLimiter

        self.plan = plan
        self._limiter = MovingWindowRateLimiter(_storage(plan.storage, asynchronous=False))
        self._sleep = sleep

    def acquire(self, operation: str, body: Any) -> None:
        for bucket, pace, turns in _turns(self.plan.costs(operation, body)):
            item = _item(pace)
            try:
                while not self._limiter.hit(item, bucket, cost=turns):
                    reset = self._limiter.get_window_stats(item, bucket).reset_time
                    self._sleep(min(max(reset - time.time(), 0.001), pace.per))
            except SmsClientError:
                raise
            except Exception as exc:
                raise _unavailable(exc) from exc


class AsyncPacer:
    """Async twin of :class:`SyncPacer` (the ``limits.aio`` storages; anyio sleep)."""

    def __init__(self, plan: PacingPlan, sleep: Callable[[float], Awaitable[None]] | None = None) -> None:
        from limits.aio.strategies import MovingWindowRateLimiter

        self.plan = plan
        self._limiter = MovingWindowRateLimiter(_storage(plan.storage, asynchronous=True))
        if sleep is None:
            import anyio

            sleep = anyio.sleep
        self._sleep = sleep

    async def acquire(self, operation: str, body: Any) -> None:
        for bucket, pace, turns in _turns(self.plan.costs(operation, body)):
            item = _item(pace)
            try:
                while not await self._limiter.hit(item, bucket, cost=turns):
                    reset = (await self._limiter.get_window_stats(item, bucket)).reset_time
                    await self._sleep(min(max(reset - time.time(), 0.001), pace.per))
            except SmsClientError:
                raise
            except Exception as exc:
                raise _unavailable(exc) from exc
