"""The outbox in Redis: workers on several "machines" (separate connections) share one campaign."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from smsclients import BandwidthClient, RetryPolicy
from smsclients.sending.redis_outbox import OutboxUnavailableError, RedisOutbox
from smsclients.sending.results import SendResult
from smsclients_sandbox.testing import SmsSandbox

from .support import SENDER, messages


def _campaign(redis_url: str) -> str:
    return f"{redis_url}?campaign=test-{uuid.uuid4().hex[:8]}"


def test_two_machines_share_one_redis_outbox_and_send_each_message_once(sandbox: SmsSandbox, redis_url: str) -> None:
    outbox = _campaign(redis_url)
    rows = messages(240)
    results: dict[str, list[SendResult]] = {}

    def machine(name: str) -> None:
        with BandwidthClient() as bw:
            results[name] = list(bw.messages.send_many(rows, from_=SENDER, outbox=outbox, batch_size=8))

    threads = [threading.Thread(target=machine, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sandbox.accepted("bandwidth") == 240 and sandbox.stats()["duplicates"] == []
    for index in range(240):
        states = {results[name][index].state for name in results}
        assert "accepted" in states and states <= {"accepted", "elsewhere"}, (index, states)
    store = RedisOutbox(outbox)
    assert store.counts()["accepted"] == 240
    store.close()


def test_a_rerun_resumes_from_redis_and_reconciles_a_lost_answer(sandbox: SmsSandbox, redis_url: str) -> None:
    outbox = _campaign(redis_url)
    rows = messages(12)
    sandbox.fail_next("reset-after")
    with BandwidthClient(retry=RetryPolicy(max_retries=0)) as bw:
        first = list(bw.messages.send_many(rows, from_=SENDER, outbox=outbox, concurrency=1, batch_size=6))
        again = list(bw.messages.send_many(rows, from_=SENDER, outbox=outbox))
    assert [result.state for result in first].count("unknown") == 6
    assert all(result.ok for result in again)
    assert sandbox.accepted("bandwidth") == 12 and sandbox.stats()["duplicates"] == []


def test_an_unreachable_redis_outbox_is_a_typed_error_before_anything_is_sent(
    sandbox: SmsSandbox, closed_port: int
) -> None:
    with BandwidthClient() as bw, pytest.raises(OutboxUnavailableError) as caught:
        list(bw.messages.send_many(messages(3), from_=SENDER, outbox=f"redis://127.0.0.1:{closed_port}/0?campaign=x"))
    assert "redis://" not in str(caught.value)
    assert sandbox.accepted("bandwidth") == 0


def test_a_redis_outbox_needs_a_campaign_name(tmp_path: Path) -> None:
    from smsclients import InputError

    with pytest.raises(InputError, match="campaign"):
        RedisOutbox("redis://127.0.0.1:1/0")
