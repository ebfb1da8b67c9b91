"""Pacing: token buckets per account and per sender, in memory or shared through Redis (the limits library)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from smsclients import BandwidthClient, FlowrouteClient, InputError
from smsclients.bandwidth import BANDWIDTH
from smsclients.ratelimits import Pace, RateLimit
from smsclients.sending import pacing
from smsclients.sending.pacing import PacingUnavailableError, pacing_plan
from smsclients_sandbox.testing import SmsSandbox

from .support import FLOWROUTE_SENDER, SENDER, messages


def _recorder() -> tuple[list[float], Callable[[httpx.Request], httpx.Response]]:
    times: list[float] = []
    lock = threading.Lock()

    def answer(request: httpx.Request) -> httpx.Response:
        with lock:
            times.append(time.monotonic())
        body = {
            "data": {
                "type": "message",
                "id": "mdr2-1",
                "links": {"self": "https://api.flowroute.com/v2.1/messages/mdr2-1"},
            }
        }
        return httpx.Response(202, json=body)

    return times, answer


def _most_in_any_second(times: list[float]) -> int:
    """The most requests seen within 0.8 s: the times are taken at the transport, a few ms after the
    pacer let each go, so a full second could count the next window's first requests by noise."""
    ordered = sorted(times)
    return max(sum(1 for t in ordered if start <= t < start + 0.8) for start in ordered)


def test_a_batch_counts_each_message_against_the_account_and_each_sender() -> None:
    plan = pacing_plan(True, BANDWIDTH.rate_limits.pacing, "bandwidth:x")
    assert plan is not None and plan.max_cost == 1
    body = [{"from": "+1", "to": "+2"}, {"from": "+1", "to": "+3"}, {"from": "+4", "to": "+5"}]
    costs = {bucket: cost for bucket, _, cost in plan.costs("send_batch", body)}
    assert costs == {"bandwidth:x:account": 3, "bandwidth:x:from:+1": 2, "bandwidth:x:from:+4": 1}
    assert plan.costs("list", None) == []
    custom = pacing_plan(RateLimit(account=(10, 1)), BANDWIDTH.rate_limits.pacing, "n")
    assert custom is not None and custom.account == Pace(10, 1.0)


def test_pacing_is_opt_in_and_read_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = BANDWIDTH.rate_limits.pacing
    monkeypatch.delenv(pacing.ENVIRONMENT_VARIABLE, raising=False)
    assert pacing_plan(None, rules, "n") is None
    monkeypatch.setenv(pacing.ENVIRONMENT_VARIABLE, "on")
    plan = pacing_plan(None, rules, "n")
    assert plan is not None and plan.storage == "memory://"
    monkeypatch.setenv(pacing.ENVIRONMENT_VARIABLE, "redis://127.0.0.1:1/0")
    plan = pacing_plan(None, rules, "n")
    assert plan is not None and plan.storage.startswith("redis://")


@pytest.mark.parametrize(
    "value",
    ["ftp://x", 3, RateLimit(account=(0, 1)), RateLimit(account=(1, 0)), RateLimit(sender=(1,))],  # type: ignore[arg-type]
)
def test_bad_pacing_settings_are_input_errors(value: object) -> None:
    with pytest.raises(InputError):
        pacing_plan(value, BANDWIDTH.rate_limits.pacing, "n")


def test_a_provider_without_documented_rates_needs_them_given() -> None:
    from smsclients.messagemedia import MESSAGEMEDIA

    with pytest.raises(InputError, match="documents no sending rate"):
        pacing_plan(True, MESSAGEMEDIA.rate_limits.pacing, "n")
    assert pacing_plan(RateLimit(account=(3, 1)), MESSAGEMEDIA.rate_limits.pacing, "n") is not None


def test_sends_are_paced_in_memory_across_threads() -> None:
    times, answer = _recorder()
    limit = RateLimit(account=(4, 1), namespace=f"memory-test-{time.time_ns()}")
    clients = [FlowrouteClient("k", "s", transport=httpx.MockTransport(answer), rate_limit=limit) for _ in range(2)]

    def send(client: FlowrouteClient) -> None:
        for index in range(6):
            client.messages.send(to=f"1206432{index:04d}", from_=FLOWROUTE_SENDER[1:], body="paced")

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for client in clients:
        client.close()
    assert len(times) == 12 and _most_in_any_second(times) <= 4


def test_sends_are_paced_through_redis_by_separate_connections(redis_url: str) -> None:
    import redis

    times, answer = _recorder()
    limit = RateLimit(account=(3, 1), storage=redis_url, namespace=f"redis-test-{time.time_ns()}")
    first = FlowrouteClient("k", "s", transport=httpx.MockTransport(answer), rate_limit=limit)
    pacing._STORAGES.clear()  # the second client connects afresh, as another process would
    second = FlowrouteClient("k", "s", transport=httpx.MockTransport(answer), rate_limit=limit)
    threads = [
        threading.Thread(
            target=lambda c=client: [c.messages.send(to="12064320001", from_="12012673227", body="x") for _ in range(5)]
        )
        for client in (first, second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    first.close()
    second.close()
    assert len(times) == 10 and _most_in_any_second(times) <= 3
    keys = redis.Redis.from_url(redis_url).keys(f"*{limit.namespace}*")
    assert keys  # the buckets live in Redis


def test_send_many_batches_shrink_to_what_a_window_allows(sandbox: SmsSandbox) -> None:
    with BandwidthClient(rate_limit=RateLimit(account=(25, 1), sender=(25, 1))) as bw:
        results = list(bw.messages.send_many(messages(60), from_=SENDER))
    assert all(result.ok for result in results) and sandbox.accepted("bandwidth") == 60


def test_an_unreachable_redis_stops_sending_and_the_run_resumes(
    sandbox: SmsSandbox, tmp_path: Path, closed_port: int
) -> None:
    outbox = str(tmp_path / "c.sqlite")
    down = RateLimit(account=(50, 1), sender=(50, 1), storage=f"redis://127.0.0.1:{closed_port}/0")
    with BandwidthClient(rate_limit=down) as bw, pytest.raises(PacingUnavailableError) as caught:
        list(bw.messages.send_many(messages(30), from_=SENDER, outbox=outbox))
    assert str(closed_port) not in str(caught.value) or "redis://" not in str(caught.value)
    assert sandbox.accepted("bandwidth") == 0  # never sent unpaced
    with BandwidthClient(rate_limit=RateLimit(account=(50, 1), sender=(50, 1))) as bw:
        results = list(bw.messages.send_many(messages(30), from_=SENDER, outbox=outbox))
    assert all(result.ok for result in results) and sandbox.accepted("bandwidth") == 30


def test_async_sends_are_paced_in_memory_and_through_redis(redis_url: str) -> None:
    import asyncio

    from smsclients import AsyncFlowrouteClient

    for storage in ("memory://", redis_url):
        times, answer = _recorder()
        limit = RateLimit(account=(3, 1), storage=storage, namespace=f"async-{time.time_ns()}")

        async def main(limit: RateLimit = limit, answer: Callable[[httpx.Request], httpx.Response] = answer) -> None:
            async with AsyncFlowrouteClient("k", "s", transport=httpx.MockTransport(answer), rate_limit=limit) as fr:
                sends = [fr.messages.send(to="12064320001", from_="12012673227", body="x") for _ in range(7)]
                await asyncio.gather(*sends)

        asyncio.run(main())
        assert len(times) == 7 and _most_in_any_second(times) <= 3, storage


def _pacing_of(client: Any) -> Any:
    return client.messages._runtime.pacing  # the core runtime's plan (the generated protocol does not name it)


def test_a_client_paces_when_the_environment_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(pacing.ENVIRONMENT_VARIABLE, "on")
    with FlowrouteClient("k", "s") as paced:
        plan = _pacing_of(paced)
        assert plan is not None and plan.account == Pace(5, 1.0)  # the spec's documented rate
    with FlowrouteClient("k", "s", rate_limit=False) as unpaced:
        assert _pacing_of(unpaced) is None
    monkeypatch.delenv(pacing.ENVIRONMENT_VARIABLE)
    with BandwidthClient("u-1", "t", "s") as default:
        assert _pacing_of(default) is None  # opt-in


def test_a_redis_password_never_shows_in_a_repr() -> None:
    from smsclients.sending.redis_outbox import RedisOutbox

    limit = RateLimit(account=(1, 1), storage="redis://:s3cr3t-pw@127.0.0.1:6379/0")
    plan = pacing_plan(limit, BANDWIDTH.rate_limits.pacing, "n")
    outbox = RedisOutbox("redis://:s3cr3t-pw@127.0.0.1:6379/0?campaign=c")
    for value in (limit, plan, outbox):
        assert "s3cr3t-pw" not in repr(value)
    outbox.close()
