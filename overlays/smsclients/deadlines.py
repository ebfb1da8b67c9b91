"""Real deadlines: the per-attempt and per-call bounds hold for the whole attempt, body included.

httpx's timeouts bound each network operation, not the attempt: a server that sends the headers
and then one byte every 0.2 s never trips a 0.5 s read timeout and holds the call for as long as
it keeps dripping. The retry transports (:mod:`smsclients.retries`) therefore fix an absolute
deadline for each attempt (the attempt timeout, cut to what is left of the call's
``total_timeout``) and publish it, with the response size limit, in a context variable that the
network layers read:

* httpx's own transports (sync and async) get a network backend whose every connect, TLS
  handshake, read and write waits at most until the deadline (:class:`DeadlineBackend`), so the
  timeout is raised at the stage where it happened (a connect that ran out never sent anything);
* pyreqwest takes the remaining time as reqwest's whole-request timeout, which covers the body;
* every async transport also runs inside a cancel scope that ends shortly after the deadline
  (:func:`deadline_scope`), and the sync retry transport checks the deadline between body chunks.

The context variable is per thread and per asyncio task, so concurrent calls never see each
other's deadlines.
"""

from __future__ import annotations

import time
import typing
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, NamedTuple

from .responses import DEFAULT_MAX_RESPONSE_BYTES

__all__ = [
    "LIMITS",
    "AsyncDeadlineBackend",
    "AttemptLimits",
    "DeadlineBackend",
    "clipped",
    "current_limits",
    "deadline_scope",
    "remaining",
    "reset_limits",
    "set_limits",
]

# How long after the deadline the async cancel scope fires: the network layers' own clipped
# timeouts fire first and say which stage ran out; the scope only catches what they do not bound.
_SCOPE_GRACE = 0.1


class AttemptLimits(NamedTuple):
    """The bounds of the attempt running in this context: ``deadline`` on ``time.monotonic()``
    (None: unbounded) and the largest response body, in bytes once decoded. (A tuple: one is
    made per attempt, and a tuple is the cheapest thing to make.)"""

    deadline: float | None = None
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES


_NO_LIMITS = AttemptLimits()
# Public so the retry transports can set it without a function call per attempt.
LIMITS: ContextVar[AttemptLimits] = ContextVar("smsclients_attempt_limits", default=_NO_LIMITS)
_current = LIMITS


def current_limits() -> AttemptLimits:
    """The limits of the attempt in progress (defaults outside a retry transport)."""
    return _current.get()


def set_limits(limits: AttemptLimits) -> Token[AttemptLimits]:
    """Publish ``limits`` for the attempt about to run; pass the token to :func:`reset_limits`."""
    return _current.set(limits)


def reset_limits(token: Token[AttemptLimits]) -> None:
    _current.reset(token)


def remaining() -> float | None:
    """Seconds left before the current attempt's deadline (may be <= 0), or None without one."""
    deadline = _current.get().deadline
    return None if deadline is None else deadline - time.monotonic()


def clipped(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` cut to the time left before the deadline; raises ``expired`` once it has passed."""
    deadline = _current.get().deadline
    if deadline is None:
        return timeout
    left = deadline - time.monotonic()
    if left <= 0:
        raise expired("the attempt's deadline passed (RetryPolicy.timeout / total_timeout)")
    return left if timeout is None or left < timeout else timeout


def deadline_scope() -> AbstractAsyncContextManager[object] | None:
    """A cancel scope ending shortly after the current deadline, or None without a deadline.

    Raises TimeoutError on exit when it cancelled the block. asyncio's own ``timeout`` where the
    loop is asyncio's (uvloop included), anyio's on others (trio).
    """
    left = remaining()
    if left is None:
        return None
    delay = max(left, 0.0) + _SCOPE_GRACE
    import asyncio  # here: a sync client never pays for importing asyncio

    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return _anyio_scope(delay)
    return asyncio.timeout(delay)


@asynccontextmanager
async def _anyio_scope(delay: float) -> AsyncIterator[None]:
    import anyio  # only under trio and the like

    with anyio.fail_after(delay):
        yield


if TYPE_CHECKING:
    from .backends import AsyncDeadlineBackend, DeadlineBackend
else:

    def __getattr__(name: str) -> typing.Any:
        # The httpcore backends moved to .backends (importing httpcore waits for a transport that needs it).
        if name in ("AsyncDeadlineBackend", "DeadlineBackend"):
            from . import backends

            return getattr(backends, name)
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
