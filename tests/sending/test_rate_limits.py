"""Rate limits as the providers define them (spec x-rate-limits): which answers, which waits, which retries."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import httpx
import pytest
from smsclients import AsyncRetryTransport, PermissionDeniedError, RetryPolicy, RetryTransport
from smsclients.bandwidth import BANDWIDTH, BandwidthClient
from smsclients.bandwidth import parse_error_body as bandwidth_errors
from smsclients.errors import RateLimitError, api_error_from_response
from smsclients.flowroute import FLOWROUTE
from smsclients.ratelimits import DEFAULT_RATE_LIMITS, RateLimits, RateLimitSpecError

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
URL = "https://api.catapult.inetwork.com/v1/users/u-1/messages"
RATE_CODES = ("message-rate-limit", "message-rate-limit-overall", "message-rate-limit-per-tn", "multi-message-limit")


def _bandwidth_error(status: int, code: str, headers: dict[str, str] | None = None) -> httpx.Response:
    body = {"category": "limit", "code": code, "message": "You can send 1 messages per 1 seconds"}
    request = httpx.Request("POST", URL)
    return httpx.Response(status, json=body, headers=headers or {}, request=request)


class Script:
    """An inner transport answering from a list; records the requests it saw."""

    def __init__(self, *answers: httpx.Response) -> None:
        self.answers = list(answers)
        self.seen = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        answer = self.answers[min(self.seen, len(self.answers) - 1)]
        self.seen += 1
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)


def _transport(script: Script, waits: list[float], policy: RetryPolicy | None = None) -> RetryTransport:
    return RetryTransport(
        httpx.MockTransport(script),
        policy or RetryPolicy(max_retries=3, total_timeout=None),
        sleep=waits.append,
        wall_clock=lambda: NOW,
        rate_limits=BANDWIDTH.rate_limits,
        parse_error=bandwidth_errors,
    )


def test_the_specs_carry_their_rate_limits_to_the_runtime() -> None:
    rules = BANDWIDTH.rate_limits
    assert rules.statuses == {403, 429}
    assert all(rules.matches(403, code) for code in RATE_CODES)
    assert not rules.matches(403, "forbidden") and not rules.matches(403, None)
    assert rules.matches(429, None)
    assert rules.pacing.account is not None and rules.pacing.sender_number is not None
    assert {"send", "send_batch", "send_request"} <= rules.pacing.operations
    assert FLOWROUTE.rate_limits.pacing.account is not None and FLOWROUTE.rate_limits.pacing.account.rate == 5


@pytest.mark.parametrize("code", RATE_CODES)
def test_a_bandwidth_403_with_a_rate_limit_code_is_a_rate_limit_error(code: str) -> None:
    error = api_error_from_response(
        _bandwidth_error(403, code, {"Retry-After": "7"}),
        provider="bandwidth",
        parse_body=bandwidth_errors,
        rate_limits=BANDWIDTH.rate_limits,
    )
    assert isinstance(error, RateLimitError) and error.status_code == 403 and error.code == code
    assert error.retry_after == 7.0


def test_a_bandwidth_403_with_another_code_stays_permission_denied() -> None:
    error = api_error_from_response(
        _bandwidth_error(403, "forbidden"),
        provider="bandwidth",
        parse_body=bandwidth_errors,
        rate_limits=BANDWIDTH.rate_limits,
    )
    assert type(error) is PermissionDeniedError


@pytest.mark.parametrize("code", RATE_CODES)
def test_a_send_refused_as_too_fast_is_sent_again_after_the_hinted_wait(code: str) -> None:
    reset_ms = int((NOW.timestamp() + 2.5) * 1000)
    script = Script(_bandwidth_error(403, code, {"X-RateLimit-Reset": str(reset_ms)}), httpx.Response(201))
    waits: list[float] = []
    with httpx.Client(transport=_transport(script, waits)) as client:
        assert client.post(URL, json={}).status_code == 201
    assert script.seen == 2 and waits == [pytest.approx(2.5)]


def test_a_post_refused_for_another_reason_is_not_sent_again() -> None:
    script = Script(_bandwidth_error(403, "forbidden"), httpx.Response(201))
    waits: list[float] = []
    with httpx.Client(transport=_transport(script, waits)) as client:
        assert client.post(URL, json={}).status_code == 403
    assert script.seen == 1 and waits == []


@pytest.mark.parametrize(
    ("headers", "wait"),
    [
        ({"Retry-After": "3"}, 3.0),
        ({"Retry-After": "Fri, 02 Jan 2026 03:04:09 GMT"}, 4.0),
        ({"X-RateLimit-Reset": str(int(NOW.timestamp() * 1000) + 1500)}, 1.5),
        ({"X-RateLimit-Reset": str(int(NOW.timestamp() * 1000) - 9000)}, 0.0),  # in the past: now
        ({"Retry-After": "2", "X-RateLimit-Reset": str(int(NOW.timestamp() * 1000) + 9000)}, 9.0),  # the later
        ({"Retry-After": "12", "X-RateLimit-Reset": str(int(NOW.timestamp() * 1000) + 9000)}, 12.0),
        ({"Retry-After": "soon", "X-RateLimit-Reset": str(int(NOW.timestamp() * 1000) + 1000)}, 1.0),
    ],
)
def test_both_headers_set_the_wait(headers: dict[str, str], wait: float) -> None:
    assert BANDWIDTH.rate_limits.wait(httpx.Headers(headers), NOW) == pytest.approx(wait)
    script = Script(_bandwidth_error(429, "rate-limit-exceeded", headers), httpx.Response(200))
    waits: list[float] = []
    with httpx.Client(transport=_transport(script, waits)) as client:
        assert client.get(URL).status_code == 200
    assert waits == [pytest.approx(wait)]


@pytest.mark.parametrize("value", ["", "x", "-5", "nan", "inf", "1e400"])
def test_an_unreadable_reset_header_is_no_hint(value: str) -> None:
    assert BANDWIDTH.rate_limits.wait(httpx.Headers({"X-RateLimit-Reset": value}), NOW) is None


def test_a_wait_past_the_calls_deadline_is_not_started_and_the_error_carries_the_hint() -> None:
    reset_ms = int((NOW.timestamp() + 50) * 1000)
    script = Script(_bandwidth_error(403, "message-rate-limit", {"X-RateLimit-Reset": str(reset_ms)}))
    waits: list[float] = []
    policy = RetryPolicy(max_retries=3, total_timeout=10.0, retry_after_max=60.0)
    with httpx.Client(transport=_transport(script, waits, policy)) as client:
        assert client.post(URL, json={}).status_code == 403
    assert waits == [] and script.seen == 1


def test_a_client_raises_rate_limit_error_for_the_403_with_the_wait() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        reset = int((datetime.now(UTC).timestamp() + 600) * 1000)
        body = {"category": "limit", "code": "message-rate-limit-per-tn", "message": "too fast"}
        return httpx.Response(403, json=body, headers={"X-RateLimit-Reset": str(reset)})

    policy = RetryPolicy(max_retries=2, total_timeout=5.0)
    transport = httpx.MockTransport(answer)
    with (
        BandwidthClient("u-1", "t", "s", transport=transport, retry=policy) as bw,
        pytest.raises(RateLimitError) as caught,
    ):
        bw.messages.send(from_="+19195551212", to="+19195551213", text="hi")
    assert caught.value.status_code == 403 and caught.value.code == "message-rate-limit-per-tn"
    assert caught.value.retry_after is not None and 590 < caught.value.retry_after <= 600


def test_async_transport_reads_the_body_before_deciding() -> None:
    script = Script(_bandwidth_error(403, "message-rate-limit", {"Retry-After": "1"}), httpx.Response(201))
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async def main() -> int:
        transport = AsyncRetryTransport(
            httpx.MockTransport(script),
            RetryPolicy(max_retries=2, total_timeout=None),
            sleep=sleep,
            wall_clock=lambda: NOW,
            rate_limits=BANDWIDTH.rate_limits,
            parse_error=bandwidth_errors,
        )
        async with httpx.AsyncClient(transport=transport) as client:
            return (await client.post(URL, json={})).status_code

    assert asyncio.run(main()) == 201 and waits == [1.0]


def test_without_the_extension_only_429_and_retry_after_count() -> None:
    assert RateLimits.from_extensions({}) is DEFAULT_RATE_LIMITS
    assert DEFAULT_RATE_LIMITS.statuses == {429} and not DEFAULT_RATE_LIMITS.matches(403, "message-rate-limit")


@pytest.mark.parametrize(
    "raw",
    [
        {"signals": [{"codes": ["x"]}]},
        {"retry-headers": [{"name": "X", "format": "fortnights"}]},
        {"pacing": {"account": {"rate": 0}}},
        {"pacing": {"account": {"rate": 1, "per": -1}}},
    ],
)
def test_a_malformed_extension_is_a_clear_error(raw: dict[str, object]) -> None:
    with pytest.raises(RateLimitSpecError):
        RateLimits.from_extensions({"x-rate-limits": json.loads(json.dumps(raw))})


def test_the_legacy_bandwidth_drop_in_retries_then_raises_its_own_exception_that_is_a_rate_limit() -> None:
    from smsclients.legacy import bandwidth

    seen: list[int] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(1)
        body = {"category": "limit", "code": "message-rate-limit", "message": "too fast"}
        return httpx.Response(403, json=body, headers={"Retry-After": "0"})

    client = bandwidth.client(
        "messaging", "u-1", "t", "s", transport=httpx.MockTransport(answer), retry=RetryPolicy(max_retries=2)
    )
    with pytest.raises(bandwidth.BandwidthMessageAPIException) as caught:
        client.send_message(from_="+12065550100", to="+12064320001", text="hi")
    assert isinstance(caught.value, RateLimitError) and caught.value.code == "message-rate-limit"
    assert len(seen) == 3  # refused before accepted: sent again within the retry policy
