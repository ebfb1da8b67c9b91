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
    for realistic in (False, True):
        with running(seed=1, realistic=realistic) as handle:
            sandbox = SmsSandbox(handle)
            env = sandbox.env
            url = f"{env['BANDWIDTH_BASE_URL']}/users/u-sandbox/messages"
            auth = (env["BANDWIDTH_API_TOKEN"], env["BANDWIDTH_API_SECRET"])
            answers = [httpx.post(url, json=_bw(), auth=auth) for _ in range(14)]
            statuses = [answer.status_code for answer in answers]
            if realistic:
                refused = [answer for answer in answers if answer.status_code == 403]
                assert refused and all(answer.json()["code"] == "message-rate-limit" for answer in refused)
                assert sandbox.stats()["rate_limited"] == len(refused)
                assert sandbox.accepted("bandwidth") == 14 - len(refused)
            else:
                assert statuses == [201] * 14 and sandbox.stats()["rate_limited"] == 0
