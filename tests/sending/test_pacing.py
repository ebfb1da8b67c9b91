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

from .support import SENDER, messages


class FakeTime:
    """A clock that moves only when the pacer sleeps: the limits library and the pacer read it."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def fake_time(monkeypatch: pytest.MonkeyPatch) -> FakeTime:
    import limits.aio.storage.memory
    import limits.storage.memory
    import limits.storage.redis

    clock = FakeTime()
    for module in (limits.storage.memory, limits.aio.storage.memory, limits.storage.redis, pacing):
        monkeypatch.setattr(module, "time", clock)  # the module's name `time`, not the time module
    return clock


def _most_in_a_window(grants: list[float], seconds: float) -> int:
    return max(sum(1 for t in grants if start <= t < start + seconds) for start in grants)


def _plan(storage: str, account: tuple[int, int], sender: tuple[int, int] | None = None) -> pacing.PacingPlan:
    limit = RateLimit(account=account, sender=sender, storage=storage, namespace=f"t-{time.time_ns()}")
    plan = pacing_plan(limit, BANDWIDTH.rate_limits.pacing, "unused")
    assert plan is not None
    return plan


def _batch(sender: str, count: int = 1) -> list[dict[str, str]]:
    return [{"from": sender, "to": "+12064320001", "text": "x"}] * count


@pytest.mark.parametrize("storage", ["memory://", "redis"])
def test_the_pacer_never_grants_more_than_the_rate_in_any_window(
    storage: str, fake_time: FakeTime, request: pytest.FixtureRequest
) -> None:
    url = request.getfixturevalue("redis_url") if storage == "redis" else storage
    pacer = pacing.SyncPacer(_plan(url, account=(5, 1), sender=(2, 1)), sleep=fake_time.sleep)
    grants: list[float] = []
    for index in range(20):
        pacer.acquire("send_batch", _batch("+12065550100" if index % 4 else "+12065550199"))
        grants.append(fake_time.now)
    one = [t for i, t in enumerate(grants) if i % 4]  # the busy sender: at most 2 a second
    assert _most_in_a_window(one, 1.0) <= 2 and _most_in_a_window(grants, 1.0) <= 5
    assert grants[-1] - grants[0] >= 6.0  # 15 messages of one sender at 2/s need 7 windows


def test_a_batch_takes_one_turn_per_message(fake_time: FakeTime) -> None:
    pacer = pacing.SyncPacer(_plan("memory://", account=(10, 1)), sleep=fake_time.sleep)
    grants = []
    for _ in range(3):
        pacer.acquire("send_batch", _batch("+12065550100", 10))
        grants.append(fake_time.now)
    assert grants[1] - grants[0] >= 1.0 and grants[2] - grants[1] >= 1.0


def test_the_async_pacer_follows_the_same_rules(fake_time: FakeTime, redis_url: str) -> None:
    import asyncio

    for storage in ("memory://", redis_url):
        pacer = pacing.AsyncPacer(_plan(storage, account=(3, 1)), sleep=fake_time.asleep)
        grants: list[float] = []

        async def run(pacer: pacing.AsyncPacer = pacer, grants: list[float] = grants) -> None:
            for _ in range(9):
                await pacer.acquire("send", {"from": "+12065550100"})
                grants.append(fake_time.now)

        asyncio.run(run())
        assert _most_in_a_window(grants, 1.0) <= 3 and grants[-1] - grants[0] >= 2.0, storage


def _full(plan: pacing.PacingPlan) -> bool:
    """Whether the plan's account bucket has no turn left (its window is a minute: no race with time)."""
    from limits.strategies import MovingWindowRateLimiter

    limiter = MovingWindowRateLimiter(pacing._storage(plan.storage, asynchronous=False))
    assert plan.account is not None
    return limiter.get_window_stats(pacing._item(plan.account), f"{plan.namespace}:account").remaining == 0


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


def test_clients_in_threads_share_the_process_buckets() -> None:
    _, answer = _recorder()
    limit = RateLimit(account=(12, 60), namespace=f"threads-{time.time_ns()}")
    clients = [FlowrouteClient("k", "s", transport=httpx.MockTransport(answer), rate_limit=limit) for _ in range(2)]

    def send(client: FlowrouteClient) -> None:
        for _ in range(6):
            client.messages.send(to="12064320001", from_="12012673227", body="paced")

    threads = [threading.Thread(target=send, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    plan = _pacing_of(clients[0])
    for client in clients:
        client.close()
    assert _full(plan)  # 6 + 6 turns of one bucket of 12 a minute


def test_clients_on_separate_connections_share_the_redis_buckets(redis_url: str) -> None:
    _, answer = _recorder()
    limit = RateLimit(account=(3, 60), storage=redis_url, namespace=f"redis-{time.time_ns()}")
    first = FlowrouteClient("k", "s", transport=httpx.MockTransport(answer), rate_limit=limit)
    first.messages.send(to="12064320001", from_="12012673227", body="x")
    first.messages.send(to="12064320001", from_="12012673227", body="x")
    pacing._STORAGES.clear()  # the second client connects afresh, as another process or machine would
    second = FlowrouteClient("k", "s", transport=httpx.MockTransport(answer), rate_limit=limit)
    plan = _pacing_of(second)
    assert not _full(plan)
    second.messages.send(to="12064320001", from_="12012673227", body="x")
    assert _full(plan)  # the three turns of the minute were taken by both clients together
    first.close()
    second.close()
