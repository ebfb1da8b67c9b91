"""Retry rules, driven by a scripted inner transport and a fake clock (no real waiting, no network)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime

import httpx
import pytest
from smsclients import (
    AsyncRetryTransport,
    ConnectionFailedError,
    DeliveryUnknownError,
    InputError,
    RequestTimeoutError,
    RetryPolicy,
    RetryTransport,
    TransportError,
    call_options,
)
from smsclients.retries import backoff_delay, current_call_options

URL = "https://api.example.test/v1/messages"
NOW = datetime(2023, 2, 8, 3, 0, 0, tzinfo=UTC)
CANARY = "CANARY-SECRET-123"

# A step is a status, (status, headers), or an httpx exception class raised for that attempt.
Step = int | tuple[int, dict[str, str]] | type[httpx.TransportError]


class RecordingStream(httpx.SyncByteStream, httpx.AsyncByteStream):
    """Records (status, attempts so far) on close: shows a discarded response is closed before the next attempt."""

    def __init__(self, owner: Scripted, status: int) -> None:
        self._owner = owner
        self._status = status

    def __iter__(self) -> Iterator[bytes]:
        yield b"{}"

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield b"{}"

    def close(self) -> None:
        self._owner.closed.append((self._status, self._owner.calls))

    async def aclose(self) -> None:
        self.close()


class Scripted(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Plays the steps in order; the last step repeats for ever."""

    def __init__(self, *steps: Step) -> None:
        self.steps = list(steps)
        self.requests: list[httpx.Request] = []
        self.timeouts: list[dict[str, float | None]] = []
        self.closed: list[tuple[int, int]] = []

    def _play(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.timeouts.append(dict(request.extensions.get("timeout", {})))
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, type):
            raise step("scripted failure", request=request)
        status, headers = step if isinstance(step, tuple) else (step, {})
        return httpx.Response(status, headers=headers, stream=RecordingStream(self, status), request=request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._play(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self._play(request)

    @property
    def calls(self) -> int:
        return len(self.requests)


class FakeClock:
    """Monotonic clock that only moves when the transport sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.waits: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    async def async_sleep(self, seconds: float) -> None:
        self.sleep(seconds)


NO_JITTER = RetryPolicy(jitter=False)


def make(inner: Scripted, policy: RetryPolicy = NO_JITTER) -> tuple[RetryTransport, FakeClock]:
    clock = FakeClock()
    transport = RetryTransport(
        inner, policy, sleep=clock.sleep, monotonic=clock.monotonic, rng=lambda: 1.0, wall_clock=lambda: NOW
    )
    return transport, clock


def make_async(inner: Scripted, policy: RetryPolicy = NO_JITTER) -> tuple[AsyncRetryTransport, FakeClock]:
    clock = FakeClock()
    transport = AsyncRetryTransport(
        inner, policy, sleep=clock.async_sleep, monotonic=clock.monotonic, rng=lambda: 1.0, wall_clock=lambda: NOW
    )
    return transport, clock


def request(transport: RetryTransport, method: str = "GET", **kwargs: object) -> httpx.Response:
    with httpx.Client(transport=transport) as client:
        return client.request(method, URL, **kwargs)  # type: ignore[arg-type]


# --- idempotent requests --------------------------------------------------------------------


@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_get_retried_on_retryable_status(status: int) -> None:
    inner = Scripted(status, 200)
    transport, clock = make(inner)
    assert request(transport).status_code == 200
    assert inner.calls == 2
    assert clock.waits == [0.5]
    # The discarded response was closed before the second attempt; the client read and closed the last one.
    assert inner.closed == [(status, 1), (200, 2)]
    assert (transport.attempts, transport.retries) == (2, 1)


@pytest.mark.parametrize("status", [400, 401, 403, 404, 500, 501])
def test_get_not_retried_on_other_errors(status: int) -> None:
    inner = Scripted(status)
    transport, clock = make(inner)
    assert request(transport).status_code == status
    assert inner.calls == 1 and clock.waits == []


@pytest.mark.parametrize(
    "error",
    [
        httpx.ConnectError,
        httpx.ConnectTimeout,
        httpx.PoolTimeout,
        httpx.ReadTimeout,
        httpx.WriteTimeout,
        httpx.ReadError,
        httpx.WriteError,
        httpx.RemoteProtocolError,
    ],
)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_idempotent_retried_on_network_errors(error: type[httpx.TransportError], method: str) -> None:
    inner = Scripted(error, 200)
    transport, clock = make(inner)
    assert request(transport, method).status_code == 200
    assert inner.calls == 2 and clock.waits == [0.5]


@pytest.mark.parametrize(
    ("error", "raised"),
    [
        (httpx.ConnectError, ConnectionFailedError),
        (httpx.ConnectTimeout, ConnectionFailedError),
        (httpx.PoolTimeout, ConnectionFailedError),
        (httpx.ReadTimeout, RequestTimeoutError),
        (httpx.WriteTimeout, RequestTimeoutError),
        (httpx.ReadError, TransportError),
        (httpx.RemoteProtocolError, TransportError),
    ],
)
def test_get_exhausted_errors_are_converted(error: type[httpx.TransportError], raised: type[TransportError]) -> None:
    inner = Scripted(error)
    transport, _ = make(inner)
    with pytest.raises(TransportError) as info:
        request(transport)
    assert type(info.value) is raised
    assert isinstance(info.value.__cause__, error)
    assert (info.value.method, info.value.url) == ("GET", URL)
    assert inner.calls == 3  # 1 + max_retries (2)


def test_unretryable_transport_error_is_converted_once() -> None:
    inner = Scripted(httpx.UnsupportedProtocol)
    transport, _ = make(inner)
    with pytest.raises(TransportError) as info:
        request(transport)
    assert type(info.value) is TransportError
    assert inner.calls == 1


# --- non-idempotent requests ----------------------------------------------------------------


@pytest.mark.parametrize("error", [httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout])
def test_post_retried_when_never_sent(error: type[httpx.TransportError]) -> None:
    inner = Scripted(error, 202)
    transport, clock = make(inner)
    assert request(transport, "POST", content=b"{}").status_code == 202
    assert inner.calls == 2 and clock.waits == [0.5]


def test_post_retried_on_429() -> None:
    inner = Scripted((429, {"Retry-After": "2"}), 202)
    transport, clock = make(inner)
    assert request(transport, "POST", content=b"{}").status_code == 202
    assert inner.calls == 2 and clock.waits == [2.0]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_post_not_retried_on_5xx(status: int) -> None:
    inner = Scripted(status, 202)
    transport, clock = make(inner)
    assert request(transport, "POST", content=b"{}").status_code == status
    assert inner.calls == 1 and clock.waits == []


@pytest.mark.parametrize(
    "error", [httpx.ReadTimeout, httpx.WriteTimeout, httpx.ReadError, httpx.WriteError, httpx.RemoteProtocolError]
)
@pytest.mark.parametrize("method", ["POST", "PATCH"])
def test_post_not_retried_after_sending(error: type[httpx.TransportError], method: str) -> None:
    inner = Scripted(error, 202)
    transport, clock = make(inner)
    with pytest.raises(DeliveryUnknownError) as info:
        request(transport, method, content=b"{}")
    assert inner.calls == 1 and clock.waits == []
    assert isinstance(info.value.__cause__, error)
    assert "may or may not have been processed" in str(info.value)
    assert info.value.method == method


def test_post_connect_error_exhausted_is_connection_failed() -> None:
    inner = Scripted(httpx.ConnectError)
    transport, _ = make(inner)
    with pytest.raises(ConnectionFailedError):
        request(transport, "POST", content=b"{}")
    assert inner.calls == 3


# --- waits ----------------------------------------------------------------------------------


def test_retry_after_seconds_honoured() -> None:
    inner = Scripted((503, {"Retry-After": "7"}), (429, {"Retry-After": "1.5"}), 200)
    transport, clock = make(inner)
    assert request(transport).status_code == 200
    assert clock.waits == [7.0, 1.5]


def test_retry_after_http_date_honoured() -> None:
    inner = Scripted((503, {"Retry-After": "Wed, 08 Feb 2023 03:00:12 GMT"}), 200)
    transport, clock = make(inner)
    assert request(transport).status_code == 200
    assert clock.waits == [12.0]


def test_retry_after_capped() -> None:
    inner = Scripted((429, {"Retry-After": "3600"}), 200)
    transport, clock = make(inner, RetryPolicy(jitter=False, retry_after_max=5.0))
    assert request(transport).status_code == 200
    assert clock.waits == [5.0]


def test_unusable_retry_after_falls_back_to_backoff() -> None:
    inner = Scripted((503, {"Retry-After": "later"}), 200)
    transport, clock = make(inner)
    request(transport)
    assert clock.waits == [0.5]


def test_exponential_backoff_capped() -> None:
    inner = Scripted(503)
    transport, clock = make(inner, RetryPolicy(max_retries=5, jitter=False, backoff_initial=1.0, backoff_max=5.0))
    assert request(transport).status_code == 503
    assert clock.waits == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_jitter_is_between_half_and_full_backoff() -> None:
    policy = RetryPolicy(backoff_initial=2.0)
    assert backoff_delay(0, policy, rng=lambda: 0.0) == 1.0
    assert backoff_delay(0, policy, rng=lambda: 1.0) == 2.0
    assert backoff_delay(1, policy, rng=lambda: 0.5) == 3.0
    assert backoff_delay(10_000, RetryPolicy(jitter=False)) == 8.0  # huge attempt counts do not overflow


# --- limits ---------------------------------------------------------------------------------


@pytest.mark.parametrize("max_retries", [0, 1, 4])
def test_max_retries_respected(max_retries: int) -> None:
    inner = Scripted(503)
    transport, clock = make(inner, RetryPolicy(max_retries=max_retries, jitter=False))
    assert request(transport).status_code == 503
    assert inner.calls == max_retries + 1
    assert len(clock.waits) == max_retries
    # Each discarded response was closed before the next attempt.
    assert inner.closed[:-1] == [(503, n) for n in range(1, max_retries + 1)]


def test_total_timeout_stops_retrying() -> None:
    inner = Scripted(503)
    policy = RetryPolicy(max_retries=10, jitter=False, backoff_initial=2.0, backoff_max=100.0, total_timeout=7.0)
    transport, clock = make(inner, policy)
    assert request(transport).status_code == 503
    # Waits 2 (t=2), 4 (t=6); the next wait (8) would end at t=14 > 7.
    assert clock.waits == [2.0, 4.0]
    assert inner.calls == 3


def test_total_timeout_applies_to_retry_after() -> None:
    inner = Scripted((429, {"Retry-After": "30"}), 200)
    transport, clock = make(inner, RetryPolicy(jitter=False, total_timeout=10.0))
    assert request(transport).status_code == 429
    assert inner.calls == 1 and clock.waits == []


def test_counters_accumulate_across_calls() -> None:
    inner = Scripted(503, 200, 200, 502, 200)
    transport, _ = make(inner)
    with httpx.Client(transport=transport) as client:
        for _ in range(3):
            client.get(URL)
    assert (transport.attempts, transport.retries) == (5, 2)


def test_policy_validation_names_the_field() -> None:
    with pytest.raises(InputError) as info:
        RetryPolicy(max_retries=-1)
    assert info.value.field == "max_retries"
    with pytest.raises(InputError) as info:
        RetryPolicy(timeout=0)
    assert info.value.field == "timeout"


# --- call_options ---------------------------------------------------------------------------


def test_call_options_override_per_call_sync() -> None:
    inner = Scripted(503)
    transport, _ = make(inner)
    with httpx.Client(transport=transport, timeout=30.0) as client:
        with call_options(max_retries=0, timeout=1.5):
            assert client.get(URL).status_code == 503
        assert inner.calls == 1
        assert inner.timeouts[0] == {"connect": 1.5, "read": 1.5, "write": 1.5, "pool": 1.5}
        client.get(URL)  # outside the block: the policy again
    assert inner.calls == 1 + 3
    assert inner.timeouts[-1] == {"connect": 30.0, "read": 30.0, "write": 30.0, "pool": 30.0}


def test_call_options_nest_and_restore() -> None:
    assert current_call_options().max_retries is None
    with call_options(max_retries=1, timeout=2.0):
        with call_options(max_retries=5):
            options = current_call_options()
            assert (options.max_retries, options.timeout) == (5, 2.0)
        assert current_call_options().max_retries == 1
    assert current_call_options().max_retries is None


def test_call_options_idempotent_allows_retrying_a_safe_post() -> None:
    inner = Scripted(httpx.ReadTimeout, 202)
    transport, _ = make(inner)
    with call_options(idempotent=True):
        assert request(transport, "POST", content=b"{}").status_code == 202
    assert inner.calls == 2


def test_call_options_validation() -> None:
    with pytest.raises(InputError) as info, call_options(max_retries=-1):
        pass
    assert info.value.field == "max_retries"
    with pytest.raises(InputError) as info, call_options(timeout=0):
        pass
    assert info.value.field == "timeout"


# --- logging --------------------------------------------------------------------------------


def test_retries_logged_without_headers_or_query(caplog: pytest.LogCaptureFixture) -> None:
    inner = Scripted(503, 200)
    transport, _ = make(inner)
    caplog.set_level(logging.DEBUG, logger="smsclients.retries")
    with httpx.Client(transport=transport, headers={"Authorization": f"Basic {CANARY}"}) as client:
        client.get(URL + f"?token={CANARY}")
    (record,) = [r for r in caplog.records if r.name == "smsclients.retries"]
    message = record.getMessage()
    assert record.levelno == logging.INFO  # tests/core/test_logs.py covers the lines themselves
    assert f"GET {URL}:" in message and "HTTP 503" in message and "attempt 1 of 3" in message
    assert CANARY not in message


# --- async ----------------------------------------------------------------------------------


async def _async_request(transport: AsyncRetryTransport, method: str = "GET", **kwargs: object) -> httpx.Response:
    async with httpx.AsyncClient(transport=transport) as client:
        return await client.request(method, URL, **kwargs)  # type: ignore[arg-type]


def test_async_get_retried_then_succeeds() -> None:
    inner = Scripted((503, {"Retry-After": "3"}), httpx.ReadTimeout, 200)
    transport, clock = make_async(inner)
    assert asyncio.run(_async_request(transport)).status_code == 200
    assert inner.calls == 3 and clock.waits == [3.0, 1.0]
    assert inner.closed == [(503, 1), (200, 3)]
    assert (transport.attempts, transport.retries) == (3, 2)


def test_async_post_after_send_failure_is_delivery_unknown() -> None:
    inner = Scripted(httpx.ReadError, 202)
    transport, _ = make_async(inner)
    with pytest.raises(DeliveryUnknownError):
        asyncio.run(_async_request(transport, "POST", content=b"{}"))
    assert inner.calls == 1


def test_async_post_not_retried_on_503_but_on_429() -> None:
    inner = Scripted(503)
    transport, _ = make_async(inner)
    assert asyncio.run(_async_request(transport, "POST", content=b"{}")).status_code == 503
    assert inner.calls == 1
    inner = Scripted(429, 202)
    transport, _ = make_async(inner)
    assert asyncio.run(_async_request(transport, "POST", content=b"{}")).status_code == 202


def test_call_options_override_per_call_async() -> None:
    inner = Scripted(503)
    transport, _ = make_async(inner)

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=transport) as client:
            with call_options(max_retries=0, timeout=2.5):
                await client.get(URL)
            assert inner.calls == 1
            await client.get(URL)

    asyncio.run(scenario())
    assert inner.calls == 1 + 3
    assert inner.timeouts[0]["read"] == 2.5


def test_call_options_are_per_task() -> None:
    inner = Scripted(503)
    transport, _ = make_async(inner)

    async def scenario() -> None:
        async with httpx.AsyncClient(transport=transport) as client:

            async def no_retries() -> None:
                with call_options(max_retries=0):
                    await client.get(URL)

            async def defaults() -> None:
                await client.get(URL)

            await asyncio.gather(no_retries(), defaults())

    asyncio.run(scenario())
    assert inner.calls == 1 + 3
