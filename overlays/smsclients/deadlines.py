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

import ssl
import time
import typing
from collections.abc import AsyncIterator, Iterable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from contextvars import ContextVar, Token
from typing import NamedTuple

import httpcore

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


# --------------------------------------------------------------------------------------------------
# httpcore network backends whose every wait ends at the deadline


class _DeadlineStream(httpcore.NetworkStream):
    __slots__ = ("_stream",)

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, clipped(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, clipped(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._stream.start_tls(ssl_context, server_hostname, clipped(timeout, httpcore.ConnectTimeout))
        )

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """Wraps an httpcore sync backend so each of its waits ends at the current attempt's deadline."""

    def __init__(self, inner: httpcore.NetworkBackend) -> None:
        self.inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.NetworkStream:
        wait = clipped(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self.inner.connect_tcp(host, port, wait, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.NetworkStream:
        wait = clipped(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self.inner.connect_unix_socket(path, wait, socket_options))

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class _AsyncDeadlineStream(httpcore.AsyncNetworkStream):
    __slots__ = ("_stream",)

    def __init__(self, stream: httpcore.AsyncNetworkStream) -> None:
        self._stream = stream

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return await self._stream.read(max_bytes, clipped(timeout, httpcore.ReadTimeout))

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._stream.write(buffer, clipped(timeout, httpcore.WriteTimeout))

    async def aclose(self) -> None:
        await self._stream.aclose()

    async def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.AsyncNetworkStream:
        wait = clipped(timeout, httpcore.ConnectTimeout)
        return _AsyncDeadlineStream(await self._stream.start_tls(ssl_context, server_hostname, wait))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class AsyncDeadlineBackend(httpcore.AsyncNetworkBackend):
    """Async twin of :class:`DeadlineBackend`."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self.inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        wait = clipped(timeout, httpcore.ConnectTimeout)
        return _AsyncDeadlineStream(await self.inner.connect_tcp(host, port, wait, local_address, socket_options))

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        wait = clipped(timeout, httpcore.ConnectTimeout)
        return _AsyncDeadlineStream(await self.inner.connect_unix_socket(path, wait, socket_options))

    async def sleep(self, seconds: float) -> None:
        await self.inner.sleep(seconds)
