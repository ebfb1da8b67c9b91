"""Retrying at the transport layer, without ever sending a message twice.

The transports wrap the real httpx transport, so retries are invisible to the generated code and
the auth flow runs once per call. What may be retried depends on whether repeating the request is
harmless:

* idempotent methods (GET, PUT, DELETE, ...) are retried on any connection failure, timeout, and
  on 429/502/503/504;
* POST/PATCH (send a message, buy a number) only when the server certainly did not process the
  request: the connection was never made, or the server answered 429. If the request left the
  client and the connection then failed, the outcome is unknown and :class:`DeliveryUnknownError`
  is raised instead of a retry.

The decisions are pure functions (:func:`decide_for_response`, :func:`decide_for_error`,
:func:`final_error`) shared by the sync and async transports, which only differ in how they
call the inner transport and sleep.
"""

from __future__ import annotations

import enum
import logging
import math
import random
import threading
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import httpx

from .errors import (
    ConnectionFailedError,
    DeliveryUnknownError,
    InputError,
    MalformedResponseError,
    RequestTimeoutError,
    SmsClientError,
    TransportError,
    parse_retry_after,
)
from .logs import log_give_up, log_retry

__all__ = [
    "IDEMPOTENT_METHODS",
    "RETRY_STATUSES",
    "AsyncRetryTransport",
    "CallOptions",
    "FailureKind",
    "RetryDecision",
    "RetryPolicy",
    "RetryTransport",
    "backoff_delay",
    "call_options",
    "classify_error",
    "current_call_options",
    "decide_for_error",
    "decide_for_response",
    "final_error",
]

logger = logging.getLogger("smsclients.retries")

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})  # POST and PATCH are not

# Statuses that mean "try again later"; only 429 also proves a POST was not processed.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
_RETRY_STATUSES_NOT_IDEMPOTENT = frozenset({429})

# 2**n beyond this only overflows; backoff_max caps the wait long before.
_MAX_BACKOFF_EXPONENT = 62


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try.

    ``timeout`` is the httpx timeout of each attempt. ``total_timeout`` is the budget for the whole
    call: no retry is started whose wait would end past it (a running attempt is not cut short).
    """

    max_retries: int = 2
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    jitter: bool = True
    retry_after_max: float = 60.0
    timeout: float = 30.0
    total_timeout: float | None = 120.0

    def __post_init__(self) -> None:
        # Reported as InputError like any other bad argument, naming the field.
        if self.max_retries < 0:
            raise InputError("max_retries", "must be >= 0")
        for name in ("backoff_initial", "backoff_max", "retry_after_max"):
            value = getattr(self, name)
            if not (math.isfinite(value) and value >= 0):
                raise InputError(name, "must be a finite number >= 0")
        if not (math.isfinite(self.timeout) and self.timeout > 0):
            raise InputError("timeout", "must be a finite number > 0")
        if self.total_timeout is not None and not self.total_timeout > 0:
            raise InputError("total_timeout", "must be > 0 or None")


@dataclass(frozen=True)
class CallOptions:
    """Per-call overrides set by :func:`call_options`; None means "use the policy"."""

    max_retries: int | None = None
    timeout: float | None = None
    idempotent: bool | None = None  # force retry classification, e.g. for a POST that is safe to repeat


_NO_OPTIONS = CallOptions()
_call_options: ContextVar[CallOptions | None] = ContextVar("smsclients_call_options", default=None)


def current_call_options() -> CallOptions:
    """The overrides in effect for the current thread / task."""
    return _call_options.get() or _NO_OPTIONS


_NO_OVERRIDE: AbstractContextManager[None] = nullcontext()


def call_options(
    *, max_retries: int | None = None, timeout: float | None = None, idempotent: bool | None = None
) -> AbstractContextManager[None]:
    """Override the retry policy for the calls made inside the ``with`` block.

    A ContextVar carries the values to the transports, so it works for sync code, threads and asyncio
    tasks alike without threading parameters through the generated code. ``timeout`` replaces the
    per-attempt timeout (the total budget still applies); ``idempotent=True`` lets a POST that is safe
    to repeat (e.g. confirming delivery reports) be retried like a GET. Nested blocks inherit the
    outer values they do not override. Bad values raise InputError here, before the block runs.
    """
    if max_retries is None and timeout is None and idempotent is None:
        return _NO_OVERRIDE  # the facades pass their optional arguments through on every call
    # Types first: a str here would otherwise end in a bare TypeError from the comparison.
    if max_retries is not None and (
        isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0
    ):
        raise InputError("max_retries", "must be >= 0")
    if timeout is not None and (
        isinstance(timeout, bool)
        or not isinstance(timeout, int | float)
        or not (math.isfinite(timeout) and timeout > 0)
    ):
        raise InputError("timeout", "must be a finite number > 0")
    outer = current_call_options()
    return _overriding(
        CallOptions(
            max_retries=outer.max_retries if max_retries is None else max_retries,
            timeout=outer.timeout if timeout is None else timeout,
            idempotent=outer.idempotent if idempotent is None else idempotent,
        )
    )


@contextmanager
def _overriding(options: CallOptions) -> Iterator[None]:
    token = _call_options.set(options)
    try:
        yield
    finally:
        _call_options.reset(token)


class FailureKind(enum.Enum):
    """Where a transport error happened, which decides whether the server may have seen the request."""

    CONNECT = "connect"  # never reached the server
    TIMEOUT = "timeout"  # read/write timeout after the request started to leave
    BROKEN = "broken"  # read/write/protocol error after the request started to leave
    OTHER = "other"  # not a network failure we know how to retry (proxy, unsupported scheme, ...)


def classify_error(exc: httpx.TransportError) -> FailureKind:
    """Map an httpx transport exception to a :class:`FailureKind`."""
    # ConnectTimeout and PoolTimeout are TimeoutExceptions: test for the connect family first.
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return FailureKind.CONNECT
    if isinstance(exc, httpx.TimeoutException):
        return FailureKind.TIMEOUT
    if isinstance(exc, httpx.ReadError | httpx.WriteError | httpx.CloseError | httpx.RemoteProtocolError):
        return FailureKind.BROKEN
    return FailureKind.OTHER


@dataclass(frozen=True)
class RetryDecision:
    """Whether to try again, after how many seconds, and why (for the log)."""

    retry: bool
    wait: float
    reason: str


def is_idempotent(method: str, override: bool | None = None) -> bool:
    """Whether repeating ``method`` is harmless; ``override`` (from call_options) wins."""
    return override if override is not None else method.upper() in IDEMPOTENT_METHODS


def backoff_delay(retries_done: int, policy: RetryPolicy, rng: Callable[[], float] = random.random) -> float:
    """Exponential backoff ``initial * 2**n`` capped at ``backoff_max``; with jitter, 50-100% of that.

    Jitter spreads the retries of many clients that failed together so they do not return together.
    """
    base = min(policy.backoff_max, policy.backoff_initial * 2.0 ** min(retries_done, _MAX_BACKOFF_EXPONENT))
    return base * (0.5 + 0.5 * rng()) if policy.jitter else base


def _allowed(wait: float, retries_done: int, elapsed: float, policy: RetryPolicy) -> bool:
    if retries_done >= policy.max_retries:
        return False
    # Do not start a wait that would end past the total budget: the caller would time out anyway.
    return policy.total_timeout is None or elapsed + wait < policy.total_timeout


def decide_for_response(
    *,
    status_code: int,
    retry_after: str | None,
    idempotent: bool,
    retries_done: int,
    elapsed: float,
    policy: RetryPolicy,
    rng: Callable[[], float] = random.random,
    now: datetime | None = None,
) -> RetryDecision:
    """Decide about a response: retry 429 always, 502/503/504 only when idempotent; honour Retry-After.

    A 5xx to a POST is returned as is: the server may have done the work before failing.
    """
    reason = f"HTTP {status_code}"
    retryable = RETRY_STATUSES if idempotent else _RETRY_STATUSES_NOT_IDEMPOTENT
    if status_code not in retryable:
        return RetryDecision(False, 0.0, reason)
    hinted = parse_retry_after(retry_after, now=now)
    wait = min(hinted, policy.retry_after_max) if hinted is not None else backoff_delay(retries_done, policy, rng)
    return RetryDecision(_allowed(wait, retries_done, elapsed, policy), wait, reason)


def decide_for_error(
    exc: httpx.TransportError,
    *,
    idempotent: bool,
    retries_done: int,
    elapsed: float,
    policy: RetryPolicy,
    rng: Callable[[], float] = random.random,
) -> RetryDecision:
    """Decide about a transport exception.

    Connect failures are always retried (nothing was sent); failures after sending only when idempotent.
    """
    kind = classify_error(exc)
    reason = type(exc).__name__
    if kind is FailureKind.OTHER or (kind is not FailureKind.CONNECT and not idempotent):
        return RetryDecision(False, 0.0, reason)
    wait = backoff_delay(retries_done, policy, rng)
    return RetryDecision(_allowed(wait, retries_done, elapsed, policy), wait, reason)


def final_error(exc: httpx.TransportError, *, method: str, url: str | httpx.URL, idempotent: bool) -> SmsClientError:
    """The exception to raise (``from exc``) when a transport error is not, or no longer, retried."""
    kind = classify_error(exc)
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if kind is FailureKind.CONNECT:
        message = f"could not reach the server, the request was not sent ({detail})"
        return ConnectionFailedError(message, method=method, url=url)
    if kind is not FailureKind.OTHER and not idempotent:
        return DeliveryUnknownError(
            f"the connection failed after the request was sent ({detail}); it may or may not have been "
            "processed, and it was not retried so that it cannot be processed twice",
            method=method,
            url=url,
        )
    if kind is FailureKind.TIMEOUT:
        return RequestTimeoutError(f"the request timed out ({detail})", method=method, url=url)
    return TransportError(f"the request failed ({detail})", method=method, url=url)


def undecodable(exc: httpx.DecodingError) -> MalformedResponseError:
    """A response arrived but cannot be decoded (e.g. a corrupt gzip body): never retried, since the
    server answered, so the request was processed."""
    return MalformedResponseError(f"the response could not be decoded ({type(exc).__name__}: {exc})")


def _attempt_timeout(
    current: Mapping[str, float | None] | None, override: float | None, policy_timeout: float
) -> dict[str, float | None]:
    """httpx's per-request timeout extension for one attempt: call override > client setting > policy."""
    if override is not None:
        return dict.fromkeys(("connect", "read", "write", "pool"), override)
    if current is not None:
        return dict(current)
    return dict.fromkeys(("connect", "read", "write", "pool"), policy_timeout)


_FINAL = RetryDecision(False, 0.0, "final response")


class _RetryCore:
    """State and bookkeeping shared by the sync and async transports (everything but I/O)."""

    def __init__(
        self,
        policy: RetryPolicy,
        rng: Callable[[], float],
        monotonic: Callable[[], float],
        wall_clock: Callable[[], datetime] | None,
    ) -> None:
        self._policy = policy
        self._rng = rng
        self._monotonic = monotonic
        self._wall_clock = wall_clock if wall_clock is not None else (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self.attempts = 0  # requests handed to the inner transport
        self.retries = 0  # of those, repeats

    @property
    def policy(self) -> RetryPolicy:
        return self._policy

    def _start(self, request: httpx.Request) -> _Call:
        options = current_call_options()
        policy = self._policy
        if options.max_retries is not None:
            policy = replace(policy, max_retries=options.max_retries)
        return _Call(self, request, policy, options, self._monotonic())


class _Call:
    """One logical request through a retry transport: attempt bookkeeping and decisions."""

    def __init__(
        self, core: _RetryCore, request: httpx.Request, policy: RetryPolicy, options: CallOptions, started: float
    ) -> None:
        self._core = core
        self._request = request
        self._policy = policy
        self._options = options
        self._started = started
        self._client_timeout = request.extensions.get("timeout")
        self._idempotent = is_idempotent(request.method, options.idempotent)
        self._retries_done = 0

    def _elapsed(self) -> float:
        return self._core._monotonic() - self._started

    def begin_attempt(self) -> None:
        """Set this attempt's timeout and count it.

        Attempts are not shortened to fit ``total_timeout``: a POST cut short would end in
        DeliveryUnknownError, so the budget only stops new attempts (it can overrun by one attempt).
        """
        self._request.extensions["timeout"] = _attempt_timeout(
            self._client_timeout, self._options.timeout, self._policy.timeout
        )
        with self._core._lock:
            self._core.attempts += 1

    def after_response(self, response: httpx.Response) -> RetryDecision:
        if response.status_code not in RETRY_STATUSES:  # nearly every response: nothing to weigh
            return _FINAL
        return self._record(
            decide_for_response(
                status_code=response.status_code,
                retry_after=response.headers.get("retry-after"),
                idempotent=self._idempotent,
                retries_done=self._retries_done,
                elapsed=self._elapsed(),
                policy=self._policy,
                rng=self._core._rng,
                now=self._core._wall_clock(),
            )
        )

    def after_error(self, exc: httpx.TransportError) -> RetryDecision:
        return self._record(
            decide_for_error(
                exc,
                idempotent=self._idempotent,
                retries_done=self._retries_done,
                elapsed=self._elapsed(),
                policy=self._policy,
                rng=self._core._rng,
            )
        )

    def error_for(self, exc: httpx.TransportError) -> SmsClientError:
        return final_error(exc, method=self._request.method, url=self._request.url, idempotent=self._idempotent)

    def _record(self, decision: RetryDecision) -> RetryDecision:
        attempt, attempts = self._retries_done + 1, self._policy.max_retries + 1
        if decision.retry:
            self._retries_done += 1
            with self._core._lock:
                self._core.retries += 1
            log_retry(self._request, attempt, attempts, decision.reason, decision.wait)
        else:
            log_give_up(self._request, attempt, attempts, decision.reason)
        return decision


class RetryTransport(_RetryCore, httpx.BaseTransport):
    """Sync transport that retries ``inner`` by the module's rules; counters ``attempts``/``retries``.

    ``sleep``, ``rng``, ``monotonic`` and ``wall_clock`` are injectable so tests need no real waiting.
    """

    def __init__(
        self,
        inner: httpx.BaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(policy, rng, monotonic, wall_clock)
        self._inner = inner
        self._sleep = sleep

    @property
    def inner(self) -> httpx.BaseTransport:
        return self._inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        call = self._start(request)
        while True:
            call.begin_attempt()
            try:
                response = self._inner.handle_request(request)
                decision = call.after_response(response)
                if not decision.retry:
                    # Read the body here, inside the retry rules: a connection that drops mid-body
                    # (headers sent, body cut) is a transport failure like any other, not a bare
                    # httpx error raised later by the client.
                    response.read()
                    return response
            except httpx.DecodingError as exc:
                raise undecodable(exc) from exc
            except httpx.TransportError as exc:
                decision = call.after_error(exc)
                if not decision.retry:
                    raise call.error_for(exc) from exc
            else:
                response.close()  # frees the connection; the body of a response we discard is not needed
            self._sleep(decision.wait)

    def close(self) -> None:
        self._inner.close()


class AsyncRetryTransport(_RetryCore, httpx.AsyncBaseTransport):
    """Async twin of :class:`RetryTransport`; ``sleep`` defaults to ``anyio.sleep`` (asyncio and trio)."""

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        rng: Callable[[], float] = random.random,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(policy, rng, monotonic, wall_clock)
        self._inner = inner
        if sleep is None:
            import anyio  # here, not at the top: only async clients need it, and it costs a cold import 4 ms

            sleep = anyio.sleep
        self._sleep = sleep

    @property
    def inner(self) -> httpx.AsyncBaseTransport:
        return self._inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        call = self._start(request)
        while True:
            call.begin_attempt()
            try:
                response = await self._inner.handle_async_request(request)
                decision = call.after_response(response)
                if not decision.retry:
                    await response.aread()  # see RetryTransport: a body cut short is a transport failure
                    return response
            except httpx.DecodingError as exc:
                raise undecodable(exc) from exc
            except httpx.TransportError as exc:
                decision = call.after_error(exc)
                if not decision.retry:
                    raise call.error_for(exc) from exc
            else:
                await response.aclose()
            await self._sleep(decision.wait)

    async def aclose(self) -> None:
        await self._inner.aclose()
