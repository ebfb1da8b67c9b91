"""Retries and deadlines under hostile conditions: stale signatures, crafted Retry-After, foreign failures.

* An HMAC-signed request retried after a wait is signed again (fresh ``date``, fresh signature),
  on the modern sync and async clients and the legacy drop-in.
* A crafted ``Retry-After`` date (year 99999999999, an offset past the calendar) is "no hint",
  never an OverflowError, through every client kind.
* An inner transport failing with a RuntimeError (an event loop that has gone) or an OSError is a
  typed error: DeliveryUnknownError for a send, never retried, never bare.
* Each attempt's httpx timeouts are cut to what is left of the call budget, and the attempt's
  limits are published to the network layers (:mod:`smsclients.deadlines`).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta
from typing import Any

import httpcore
import httpx
import pytest
from messagemedia_messages_v1_client.resources import NewMessageParams
from smsclients import (
    AsyncMessageMediaClient,
    AsyncRetryTransport,
    DeliveryUnknownError,
    MessageMediaClient,
    RateLimitError,
    RetryPolicy,
    RetryTransport,
    TransportError,
    parse_retry_after,
)
from smsclients.auth import MessageMediaHmacAuth, content_md5, hmac_signature
from smsclients.deadlines import AsyncDeadlineBackend, DeadlineBackend, current_limits
from smsclients.legacy import messagemedia as legacy_messagemedia
from smsclients.shortcuts import install_deadline_backend

from .test_retries import URL, Scripted, make, request

API = "https://api.example.test"
MESSAGES: list[NewMessageParams] = [{"content": "hi", "destination_number": "+61491570156"}]
SENT = {"messages": [{**MESSAGES[0], "message_id": "82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b", "status": "queued"}]}
RETRY_NOW = RetryPolicy(backoff_initial=0.0, backoff_max=0.0, jitter=False)


class TickingClock:
    """Each call is 61 seconds after the last, as if a Retry-After wait of a minute had passed."""

    def __init__(self) -> None:
        self.now = datetime(2024, 5, 1, 12, 0, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=61)
        return self.now


def _tick(http: httpx.Client | httpx.AsyncClient) -> None:
    auth = http.auth
    assert isinstance(auth, MessageMediaHmacAuth)
    auth._clock = TickingClock()


def _rate_limited_then_accepted() -> tuple[list[httpx.Request], httpx.MockTransport]:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        # A copy as it is now: a retry signs the same request object again.
        seen.append(httpx.Request(request.method, request.url, headers=request.headers, content=request.content))
        if len(seen) == 1:
            return httpx.Response(429, headers={"Retry-After": "0"}, json={"message": "slow down"})
        return httpx.Response(202, json=SENT)

    return seen, httpx.MockTransport(answer)


def _verifies(request: httpx.Request) -> bool:
    authorization = request.headers["authorization"]
    signature = authorization.rsplit('signature="', 1)[1].rstrip('"')
    expected = hmac_signature(
        "s",
        method=request.method,
        path=request.url.raw_path.decode(),
        date=request.headers["date"],
        body_md5=content_md5(request.content) if request.content else None,
    )
    return signature == expected and request.headers["x-content-md5"] == content_md5(request.content)


def _signed_afresh(seen: list[httpx.Request]) -> None:
    first, second = seen
    assert first.headers["date"] != second.headers["date"]
    assert first.headers["authorization"] != second.headers["authorization"]
    assert _verifies(first) and _verifies(second)
    assert first.content == second.content  # the same message, signed again


def test_a_retried_hmac_send_is_signed_again_sync() -> None:
    seen, transport = _rate_limited_then_accepted()
    with MessageMediaClient("k", "s", hmac=True, base_url=API, retry=RETRY_NOW, transport=transport) as client:
        _tick(client._https[0])
        client.messages.send(MESSAGES)
    _signed_afresh(seen)


def test_a_retried_hmac_send_is_signed_again_async() -> None:
    seen, transport = _rate_limited_then_accepted()

    async def run() -> None:
        async with AsyncMessageMediaClient(
            "k", "s", hmac=True, base_url=API, retry=RETRY_NOW, transport=transport
        ) as client:
            _tick(client._https[0])
            await client.messages.send(MESSAGES)

    asyncio.run(run())
    _signed_afresh(seen)


def test_a_retried_hmac_send_is_signed_again_legacy() -> None:
    seen, transport = _rate_limited_then_accepted()
    with legacy_messagemedia.MessageMediaMessagesClient(
        "k", "s", True, base_url=API, retry=RETRY_NOW, transport=transport
    ) as client:
        _tick(client._engine.client()._https[0])
        client.messages.create_send_messages({"messages": MESSAGES})
    _signed_afresh(seen)


def test_basic_auth_is_not_signed_again() -> None:
    """Nothing to refresh for Basic: no re-signing hook, no cost on the common path."""
    extensions: list[set[str]] = []
    seen, answer = _rate_limited_then_accepted()

    def recording(request: httpx.Request) -> httpx.Response:
        extensions.append(set(request.extensions))
        return answer.handle_request(request)

    transport = httpx.MockTransport(recording)
    with MessageMediaClient("k", "s", base_url=API, retry=RETRY_NOW, transport=transport) as client:
        client.messages.send(MESSAGES)
    with MessageMediaClient("k", "s", hmac=True, base_url=API, retry=RETRY_NOW, transport=transport) as client:
        client.messages.send(MESSAGES)
    assert [("smsclients.resign" in keys) for keys in extensions] == [False, False, True]
    assert seen[0].headers["authorization"] == seen[1].headers["authorization"]


# ----------------------------------------------------------------------------- Retry-After

CRAFTED = [
    "Wed, 21 Oct 99999999999 07:28:00 GMT",
    "Fri, 31 Dec 9999 23:59:59 -2359",
    "Mon, 01 Jan 0001 00:00:00 +2359",
    "Sat, 01 Jan 10000 00:00:00 GMT",
    "Thu, 01 Jan 1970 99:99:99 GMT",
    "1e400",
    "-1e400",
    "nan",
    "9" * 400,
]


@pytest.mark.parametrize("value", CRAFTED)
def test_crafted_retry_after_values_are_no_hint_or_a_number(value: str) -> None:
    seconds = parse_retry_after(value, now=datetime(2024, 1, 1, tzinfo=UTC))
    assert seconds is None or seconds >= 0


@pytest.mark.parametrize("value", CRAFTED)
def test_crafted_retry_after_through_every_client_kind(value: str) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": value}, json={"message": "slow down"})

    policy = RetryPolicy(max_retries=1, backoff_initial=0.0, backoff_max=0.0, retry_after_max=0.0)
    transport = httpx.MockTransport(answer)
    with (
        MessageMediaClient("k", "s", base_url=API, retry=policy, transport=transport) as client,
        pytest.raises(RateLimitError),
    ):
        client.messages.send(MESSAGES)

    async def run() -> None:
        async with AsyncMessageMediaClient("k", "s", base_url=API, retry=policy, transport=transport) as client:
            with pytest.raises(RateLimitError):
                await client.messages.status("82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b")

    asyncio.run(run())
    with (
        legacy_messagemedia.MessageMediaMessagesClient(
            "k", "s", base_url=API, retry=policy, transport=transport
        ) as legacy,
        pytest.raises(RateLimitError),
    ):
        legacy.replies.get_check_replies()


# ----------------------------------------------------------------------------- foreign failures


class Failing(httpx.BaseTransport, httpx.AsyncBaseTransport):
    def __init__(self, error: Exception) -> None:
        self.error = error
        self.calls = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        raise self.error

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.calls += 1
        raise self.error


@pytest.mark.parametrize("error", [RuntimeError("Event loop is closed"), OSError(104, "Connection reset by peer")])
def test_a_foreign_failure_is_typed_and_never_retried(error: Exception) -> None:
    for method, expected in (("POST", DeliveryUnknownError), ("GET", TransportError)):
        inner = Failing(error)
        transport = RetryTransport(inner, RETRY_NOW)
        with pytest.raises(expected) as caught, httpx.Client(transport=transport) as client:
            client.request(method, URL)
        assert type(caught.value) is expected and inner.calls == 1
        assert str(error) in str(caught.value)

        async_inner = Failing(error)

        async def run(inner: Failing = async_inner, method: str = method) -> None:
            async with httpx.AsyncClient(transport=AsyncRetryTransport(inner, RETRY_NOW)) as client:
                await client.request(method, URL)

        with pytest.raises(expected):
            asyncio.run(run())
        assert async_inner.calls == 1


# ----------------------------------------------------------------------------- deadlines, unit level


def test_each_attempt_is_cut_to_what_is_left_of_the_call_budget() -> None:
    inner = Scripted(503, 503, 503)
    policy = RetryPolicy(max_retries=2, jitter=False, backoff_initial=4.0, timeout=5.0, total_timeout=10.0)
    transport, clock = make(inner, policy)
    assert request(transport).status_code == 503
    # t=0: 5 s (10 left); wait 4; t=4: 5 s (6 left); the next wait (8 s) would end past the budget.
    assert [t["read"] for t in inner.timeouts] == [5.0, 5.0]
    assert clock.waits == [4.0]


def test_an_attempt_never_outlives_the_budget_left() -> None:
    inner = Scripted(503, 503)
    policy = RetryPolicy(max_retries=1, jitter=False, backoff_initial=7.0, timeout=5.0, total_timeout=10.0)
    transport, _ = make(inner, policy)
    request(transport)
    assert [t["read"] for t in inner.timeouts] == [5.0, 3.0]  # 10 - 7 left for the retry


def test_the_attempt_limits_are_published_to_the_network_layer() -> None:
    seen: list[Any] = []

    class Looking(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            seen.append(current_limits())
            return httpx.Response(200, content=b"{}")

    policy = RetryPolicy(timeout=7.0, max_response_bytes=123)
    before = time.monotonic()
    with httpx.Client(transport=RetryTransport(Looking(), policy)) as client:
        client.get(URL)
    (limits,) = seen
    assert limits.max_response_bytes == 123
    assert limits.deadline is not None and before + 7.0 <= limits.deadline <= time.monotonic() + 7.0
    assert current_limits().deadline is None  # reset after the attempt


def test_httpx_transports_get_the_deadline_backend() -> None:
    sync = httpx.HTTPTransport()
    assert install_deadline_backend(sync) and isinstance(sync._pool._network_backend, DeadlineBackend)
    assert install_deadline_backend(sync)  # idempotent
    assert not isinstance(sync._pool._network_backend.inner, DeadlineBackend)
    proxied = httpx.AsyncHTTPTransport(proxy="http://127.0.0.1:9")
    assert install_deadline_backend(proxied)
    assert isinstance(proxied._pool._network_backend, AsyncDeadlineBackend)
    assert not install_deadline_backend(httpx.MockTransport(lambda request: httpx.Response(200)))
    RetryTransport(sync2 := httpx.HTTPTransport(), RetryPolicy())
    assert isinstance(sync2._pool._network_backend, DeadlineBackend)


def test_an_expired_deadline_stops_the_network_layer_before_it_waits() -> None:
    from smsclients.deadlines import AttemptLimits, clipped, reset_limits, set_limits

    token = set_limits(AttemptLimits(deadline=time.monotonic() - 1.0))
    try:
        with pytest.raises(httpcore.ReadTimeout):
            clipped(30.0, httpcore.ReadTimeout)
    finally:
        reset_limits(token)
    token = set_limits(AttemptLimits(deadline=time.monotonic() + 2.0))
    try:
        left = clipped(30.0, httpcore.ReadTimeout)
        assert left is not None and 0 < left <= 2.0
        assert clipped(0.5, httpcore.ReadTimeout) == 0.5
    finally:
        reset_limits(token)
    assert clipped(30.0, httpcore.ReadTimeout) == 30.0  # no attempt running: unchanged


def test_async_attempts_run_in_a_cancel_scope() -> None:
    """An inner transport that ignores every timeout is still cut off at the deadline."""

    class Hanging(httpx.AsyncBaseTransport):
        calls = 0

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            Hanging.calls += 1
            await asyncio.sleep(30)
            raise AssertionError("not cancelled")

    async def run(method: str) -> None:
        transport = AsyncRetryTransport(Hanging(), RetryPolicy(max_retries=3, timeout=0.2, total_timeout=0.5))
        async with httpx.AsyncClient(transport=transport) as client:
            await client.request(method, URL)

    started = time.monotonic()
    with pytest.raises(DeliveryUnknownError):
        asyncio.run(run("POST"))
    assert Hanging.calls == 1  # a send cut off is never sent again
    with pytest.raises(TransportError):
        asyncio.run(run("GET"))
    assert time.monotonic() - started < 10.0  # both end near their 0.5 s budgets, nowhere near 30 s
