"""Realistic mode's send-rate limits: Bandwidth 403 message-rate-limit, Flowroute 429, averaged over 10 s."""

from __future__ import annotations

import httpx
import pytest
from smsclients_sandbox import running
from smsclients_sandbox.send_limits import SendLimits
from smsclients_sandbox.testing import SmsSandbox
from smsclients_sandbox.wire import ProviderError


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _bw(sender: str = "+12065550100") -> dict[str, str]:
    return {"from": sender, "to": "+12064320001", "text": "x"}


def test_bandwidth_allows_the_documented_rate_averaged_over_ten_seconds() -> None:
    clock = Clock()
    limits = SendLimits(clock)
    for _ in range(11):  # 1/s over 10 s, plus one second of burst
        limits.check("bandwidth", "send_messages", "u", _bw())
    with pytest.raises(ProviderError) as caught:
        limits.check("bandwidth", "send_messages", "u", _bw())
    assert caught.value.status == 403 and caught.value.kind == "message-rate-limit"
    clock.now += 10.0  # the window has moved on
    limits.check("bandwidth", "send_messages", "u", _bw())
    assert limits.refused == 1


def test_bandwidth_counts_each_message_of_a_batch_and_each_sender() -> None:
    limits = SendLimits(Clock(), rates={("bandwidth", "send_messages"): (100.0, 1.0)})
    limits.check("bandwidth", "send_messages", "u", [_bw("+12065550100")] * 11)
    with pytest.raises(ProviderError) as caught:
        limits.check("bandwidth", "send_messages", "u", [_bw("+12065550100")])
    assert caught.value.kind == "message-rate-limit-per-tn"
    limits.check("bandwidth", "send_messages", "u", [_bw("+12065550199")] * 11)  # another number, same account


def test_flowroute_refuses_with_429_and_other_operations_are_not_limited() -> None:
    limits = SendLimits(Clock())
    for _ in range(55):
        limits.check("flowroute", "send_message", "k", {})
    with pytest.raises(ProviderError) as caught:
        limits.check("flowroute", "send_message", "k", {})
    assert caught.value.status == 429
    for _ in range(100):
        limits.check("flowroute", "list_messages", "k", None)
        limits.check("messagemedia", "send_messages", "k", {})


def test_only_realistic_mode_refuses_a_burst() -> None:
    # One batch of 14 messages: more than a 1-a-second account takes in its 10 s (+1 s) window.
    for realistic in (False, True):
        with running(seed=1, realistic=realistic) as handle:
            sandbox = SmsSandbox(handle)
            env = sandbox.env
            url = f"{env['BANDWIDTH_BASE_URL']}/users/u-sandbox/messages"
            auth = (env["BANDWIDTH_API_TOKEN"], env["BANDWIDTH_API_SECRET"])
            answer = httpx.post(url, json=[_bw()] * 14, auth=auth)
            if realistic:
                assert answer.status_code == 403 and answer.json()["code"] == "message-rate-limit"
                assert sandbox.stats()["rate_limited"] == 1 and sandbox.accepted("bandwidth") == 0
            else:
                assert answer.status_code in (200, 202) and sandbox.stats()["rate_limited"] == 0
                assert sandbox.accepted("bandwidth") == 14
