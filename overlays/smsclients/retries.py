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
import random
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import httpx

from .auth import RESIGN_EXTENSION
from .deadlines import LIMITS, AttemptLimits, deadline_scope
from .errors import (
    IDEMPOTENT_METHODS,
    ConnectionFailedError,
    DeliveryUnknownError,
    ErrorBodyParser,
    InputError,
    MalformedResponseError,
    RequestTimeoutError,
    SmsClientError,
    TransportError,
    parse_retry_after,
)
from .logs import log_give_up, log_retry
from .ratelimits import DEFAULT_RATE_LIMITS, RateLimits, error_code
from .responses import DEFAULT_MAX_RESPONSE_BYTES, malformed_response
from .shortcuts import aread_limited, install_deadline_backend, read_limited
from .validation import seconds

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
    "undecodable",
    "unexpected_failure",
]

logger = logging.getLogger("smsclients.retries")

# Statuses that mean "try again later"; only a rate limit (429, or what the provider's spec names)
# also proves a POST was not processed.
RETRY_STATUSES = frozenset({429, 502, 503, 504})

# 2**n beyond this only overflows; backoff_max caps the wait long before.
_MAX_BACKOFF_EXPONENT = 62


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try, and how long and how much to wait for.

    ``timeout`` bounds each attempt from the start of its connection to the last byte of its
    response body; ``total_timeout`` bounds the whole call, retries and waits included: no retry
    is started whose wait would end past it, and the attempt running when it ends is cut off
    there (None: no call budget, only the attempt timeouts). A send cut off after it left the
    client raises DeliveryUnknownError, never a second send. ``max_response_bytes`` is the most a
    response body may hold once decoded; a larger one is MalformedResponseError. Durations are
    seconds, at most a day (``validation.MAX_SECONDS``).
    """

    max_retries: int = 2
    backoff_initial: float = 0.5
    backoff_max: float = 8.0
    jitter: bool = True
    retry_after_max: float = 60.0
    timeout: float = 30.0
    total_timeout: float | None = 120.0
    max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES

    def __post_init__(self) -> None:
        # Reported as InputError like any other bad argument, naming the field; types first, so a
        # str or None here is never a bare TypeError later.
        _count("max_retries", self.max_retries, minimum=0)
        for name in ("backoff_initial", "backoff_max", "retry_after_max"):
            seconds(name, getattr(self, name), allow_zero=True)
        seconds("timeout", self.timeout)
        if self.total_timeout is not None:
            seconds("total_timeout", self.total_timeout)
        if not isinstance(self.jitter, bool):
            raise InputError("jitter", "must be True or False")
        _count("max_response_bytes", self.max_response_bytes, minimum=1)


def _count(field: str, value: object, *, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(field, "must be an integer")
    if value < minimum:
        raise InputError(field, f"must be >= {minimum}")


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
    if max_retries is not None:
        _count("max_retries", max_retries, minimum=0)
    if timeout is not None:
        seconds("timeout", timeout)
    if idempotent is not None and not isinstance(idempotent, bool):
        raise InputError("idempotent", "must be True, False or None")
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
    rate_limited: bool | None = None,
    wait_hint: float | None = None,
) -> RetryDecision:
    """Decide about a response: retry a rate limit always, 502/503/504 only when idempotent; honour
    the server's hint of when to come back.

    ``rate_limited`` says whether the provider's rules (:mod:`smsclients.ratelimits`) read the
    answer as "too fast" (None: only a 429 is); such a request was refused before it was accepted,
    so even a send is repeated. ``wait_hint`` is the wait those rules read from the headers (else
    ``Retry-After`` is read here). The wait is capped by ``retry_after_max``, and a retry whose wait
    would end past the call's deadline (``total_timeout``) is not started. A 5xx to a POST is
    returned as is: the server may have done the work before failing.
    """
    reason = f"HTTP {status_code}"
    limited = status_code == 429 if rate_limited is None else rate_limited
    if limited:
        reason = f"HTTP {status_code} (rate limited)"
    elif status_code not in RETRY_STATUSES or not idempotent or status_code == 429:
        return RetryDecision(False, 0.0, reason)
    hinted = wait_hint if wait_hint is not None else parse_retry_after(retry_after, now=now)
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


def undecodable(
    exc: httpx.DecodingError, *, status_code: int | None = None, method: str | None = None
) -> MalformedResponseError:
    """A response arrived but cannot be decoded (e.g. a corrupt gzip body): never retried, since the
    server answered, so the request was processed (for an accepted send the error says so)."""
    problem = f"the response could not be decoded ({type(exc).__name__}: {exc})"
    return malformed_response(problem, status_code=status_code, method=method)


def unexpected_failure(exc: Exception, *, method: str, url: str | httpx.URL, idempotent: bool) -> SmsClientError:
    """The typed error for a transport that failed with something other than an httpx error (e.g. a
    RuntimeError from an event loop that has gone, an OSError from a third-party transport).

    Nobody can tell how far the request got, so it is not retried, and a send is DeliveryUnknownError.
    """
    detail = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    if not idempotent:
        return DeliveryUnknownError(
            f"the transport failed ({detail}); the request may or may not have been processed, and it "
            "was not retried so that it cannot be processed twice",
            method=method,
            url=url,
        )
    return TransportError(f"the transport failed ({detail})", method=method, url=url)


_PHASES = ("connect", "read", "write", "pool")
_DEADLINE_PASSED = "the attempt's deadline passed (RetryPolicy.timeout / total_timeout)"
_FINAL = RetryDecision(False, 0.0, "final response")
# Exceptions from an inner transport that are failures of the exchange rather than of this package:
# a closed event loop (RuntimeError), a raw socket error from a third-party transport (OSError).
_FOREIGN_FAILURES = (RuntimeError, OSError)


class _RetryCore:
    """State and bookkeeping shared by the sync and async transports (everything but I/O)."""

    def __init__(
        self,
        policy: RetryPolicy,
        rng: Callable[[], float],
        monotonic: Callable[[], float],
        wall_clock: Callable[[], datetime] | None,
        rate_limits: RateLimits,
        parse_error: ErrorBodyParser | None,
    ) -> None:
        self._policy = policy
        self._rate_limits = rate_limits
        self._parse_error = parse_error
        # Answers worth a second look: the retry statuses and every status the provider's rules name.
        self._watched = RETRY_STATUSES | rate_limits.statuses
        self._rng = rng
        self._monotonic = monotonic
        self._wall_clock = wall_clock if wall_clock is not None else (lambda: datetime.now(UTC))
        self._lock = threading.Lock()
        self._last_phases: tuple[object, float, dict[str, float | None]] = (None, 0.0, {})
        self.attempts = 0  # requests handed to the inner transport
        self.retries = 0  # of those, repeats

    @property
    def policy(self) -> RetryPolicy:
        return self._policy

    def _phases(self, current: object, override: float | None, seconds: float) -> dict[str, float | None]:
        """httpx's per-phase timeouts for an attempt of ``seconds``: the client's, cut to that.

        The client's setting is one dict shared by its requests and the length mostly the same, so
        the last answer is kept (transports only read the extension, never change it).
        """
        cached = self._last_phases
        if cached[0] is current and cached[1] == seconds and current is not None and override is None:
            return cached[2]
        if override is None and isinstance(current, dict):
            phases = {phase: seconds if cap is None or cap > seconds else cap for phase, cap in current.items()}
            self._last_phases = (current, seconds, phases)
        else:
            phases = dict.fromkeys(_PHASES, seconds)
        return phases

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

    def begin_attempt(self) -> AttemptLimits:
        """Count the attempt, sign it afresh if it is a retry, and return its limits.

        The attempt may take the per-call or policy timeout, cut to what is left of
        ``total_timeout``: both are deadlines for everything up to the last body byte
        (:mod:`smsclients.deadlines`). httpx's per-phase timeouts are cut to the same length.
        """
        policy = self._policy
        seconds = self._options.timeout if self._options.timeout is not None else policy.timeout
        if policy.total_timeout is not None:
            left = policy.total_timeout - self._elapsed()
            if left < seconds:
                seconds = left if left > 0.0 else 0.0
        request = self._request
        request.extensions["timeout"] = self._core._phases(self._client_timeout, self._options.timeout, seconds)
        if self._retries_done:
            # A signature covers the date: a retry after a wait (Retry-After, up to a minute) is signed again.
            resign = request.extensions.get(RESIGN_EXTENSION)
            if resign is not None:
                resign(request)
        with self._core._lock:
            self._core.attempts += 1
        return AttemptLimits(time.monotonic() + seconds, policy.max_response_bytes)

    def needs_body(self, response: httpx.Response) -> bool:
        """Whether the answer is a rate limit only with some error codes (Bandwidth's 403), so the
        body must be read before deciding."""
        status = response.status_code
        return status in self._core._watched and self._core._rate_limits.needs_code(status)

    def after_response(self, response: httpx.Response) -> RetryDecision:
        status = response.status_code
        if status not in self._core._watched:  # nearly every response: nothing to weigh
            return _FINAL
        rules, now = self._core._rate_limits, self._core._wall_clock()
        code = None
        if self._core._parse_error is not None and rules.needs_code(status):
            code = error_code(response, self._core._parse_error)
        limited = rules.matches(status, code) or status == 429
        return self._record(
            decide_for_response(
                status_code=status,
                retry_after=response.headers.get("retry-after"),
                idempotent=self._idempotent,
                retries_done=self._retries_done,
                elapsed=self._elapsed(),
                policy=self._policy,
                rng=self._core._rng,
                now=now,
                rate_limited=limited,
                wait_hint=rules.wait(response.headers, now) if limited else None,
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

    def unexpected(self, exc: Exception) -> SmsClientError:
        return unexpected_failure(exc, method=self._request.method, url=self._request.url, idempotent=self._idempotent)

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

    ``sleep``, ``rng``, ``monotonic`` and ``wall_clock`` are injectable so tests need no real waiting
    (``monotonic`` drives the retry budget; attempt deadlines always run on the real clock). An
    httpx ``HTTPTransport`` given as ``inner`` gets the deadline-enforcing network backend.
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
        rate_limits: RateLimits = DEFAULT_RATE_LIMITS,
        parse_error: ErrorBodyParser | None = None,
    ) -> None:
        super().__init__(policy, rng, monotonic, wall_clock, rate_limits, parse_error)
        self._inner = inner
        self._sleep = sleep
        install_deadline_backend(inner)

    @property
    def inner(self) -> httpx.BaseTransport:
        return self._inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        call = self._start(request)
        while True:
            limits = call.begin_attempt()
            token = LIMITS.set(limits)
            response: httpx.Response | None = None
            try:
                response = self._inner.handle_request(request)
                if call.needs_body(response):  # the error code tells a rate limit from a refusal
                    read_limited(response, limits.max_response_bytes, limits.deadline, request)
                decision = call.after_response(response)
                if not decision.retry:
                    # Read the body here, inside the retry rules and the attempt's limits: a
                    # connection that drops mid-body (headers sent, body cut) is a transport
                    # failure like any other, not a bare httpx error raised later by the client.
                    read_limited(response, limits.max_response_bytes, limits.deadline, request)
                    return response
            except httpx.DecodingError as exc:
                status = response.status_code if response is not None else None
                raise undecodable(exc, status_code=status, method=request.method) from exc
            except httpx.TransportError as exc:
                decision = call.after_error(exc)
                if not decision.retry:
                    raise call.error_for(exc) from exc
            except SmsClientError:
                raise
            except _FOREIGN_FAILURES as exc:
                raise call.unexpected(exc) from exc
            else:
                assert response is not None
                response.close()  # frees the connection; the body of a response we discard is not needed
            finally:
                LIMITS.reset(token)
            self._sleep(decision.wait)

    def close(self) -> None:
        self._inner.close()


class AsyncRetryTransport(_RetryCore, httpx.AsyncBaseTransport):
    """Async twin of :class:`RetryTransport`; ``sleep`` defaults to ``anyio.sleep`` (asyncio and trio).

    Each attempt also runs in a cancel scope that ends just after its deadline, so no inner
    transport can hold it longer (:func:`smsclients.deadlines.deadline_scope`).
    """

    def __init__(
        self,
        inner: httpx.AsyncBaseTransport,
        policy: RetryPolicy,
        *,
        sleep: Callable[[float], Awaitable[None]] | None = None,
        rng: Callable[[], float] = random.random,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], datetime] | None = None,
        rate_limits: RateLimits = DEFAULT_RATE_LIMITS,
        parse_error: ErrorBodyParser | None = None,
    ) -> None:
        super().__init__(policy, rng, monotonic, wall_clock, rate_limits, parse_error)
        self._inner = inner
        if sleep is None:
            import anyio  # here, not at the top: only async clients need it, and it costs a cold import 4 ms

            sleep = anyio.sleep
        self._sleep = sleep
        install_deadline_backend(inner)

    @property
    def inner(self) -> httpx.AsyncBaseTransport:
        return self._inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        call = self._start(request)
        while True:
            limits = call.begin_attempt()
            token = LIMITS.set(limits)
            response: httpx.Response | None = None
            try:
                response, decision = await self._attempt(request, call, limits)
                if not decision.retry:
                    return response
            except httpx.DecodingError as exc:
                status = response.status_code if response is not None else None
                raise undecodable(exc, status_code=status, method=request.method) from exc
            except httpx.TransportError as exc:
                decision = call.after_error(exc)
                if not decision.retry:
                    raise call.error_for(exc) from exc
            except SmsClientError:
                raise
            except _FOREIGN_FAILURES as exc:
                raise call.unexpected(exc) from exc
            else:
                assert response is not None
                await response.aclose()
            finally:
                LIMITS.reset(token)
            await self._sleep(decision.wait)

    async def _attempt(
        self, request: httpx.Request, call: _Call, limits: AttemptLimits
    ) -> tuple[httpx.Response, RetryDecision]:
        """One attempt inside its cancel scope; a cancelled one is a timeout like the network's own."""
        scope = deadline_scope()
        try:
            async with scope if scope is not None else nullcontext():
                response = await self._inner.handle_async_request(request)
                if call.needs_body(response):  # the error code tells a rate limit from a refusal
                    await aread_limited(response, limits.max_response_bytes, limits.deadline, request)
                decision = call.after_response(response)
                if not decision.retry:
                    # See RetryTransport: a body cut short is a transport failure.
                    await aread_limited(response, limits.max_response_bytes, limits.deadline, request)
                return response, decision
        except TimeoutError as exc:
            raise httpx.ReadTimeout(_DEADLINE_PASSED, request=request) from exc

    async def aclose(self) -> None:
        await self._inner.aclose()
