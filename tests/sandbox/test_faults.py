"""Fault injection: statuses, Retry-After, resets before/after processing, stalls, seeded rates."""

from __future__ import annotations

import httpx
import pytest
from smsclients_sandbox import SandboxHandle, running
from smsclients_sandbox.faults import FaultHeaderError, FaultPlan, parse_header
from smsclients_sandbox.options import FaultOptions

from tests.sandbox.helpers import bw_message, client, mm_message

MESSAGES = "/users/u-faults/messages"


def test_429_has_retry_after_and_the_provider_error_shape(bandwidth: httpx.Client, sb: SandboxHandle) -> None:
    response = bandwidth.post(MESSAGES, json=bw_message(), headers={"X-Sandbox-Fault": "429"})
    assert response.status_code == 429
    assert response.headers["retry-after"] == "1"
    assert response.json()["code"] == "rate-limit-exceeded"
    slow_down = bandwidth.post(MESSAGES, json=bw_message(), headers={"X-Sandbox-Fault": "429, retry-after=7"})
    assert slow_down.headers["retry-after"] == "7"
    with client(sb, "flowroute-v2") as flowroute:
        limited = flowroute.get("/v2/routes", headers={"X-Sandbox-Fault": "429"})
        assert limited.status_code == 429 and limited.json()["errors"][0]["status"] == 429
    assert bandwidth.get(MESSAGES).json() == []
    stats = sb.stats()
    assert stats["faults"]["429"] == 3 and stats["accepted_total"] == 0


def test_503(messagemedia: httpx.Client, sb: SandboxHandle) -> None:
    response = messagemedia.post("/v1/messages", json={"messages": [mm_message()]}, headers={"X-Sandbox-Fault": "503"})
    assert response.status_code == 503 and "retry-after" in response.headers
    assert response.json()["message"]
    assert sb.stats()["faults"]["503"] == 1 and sb.stats()["accepted_total"] == 0


def test_reset_before_stores_nothing(bandwidth: httpx.Client, sb: SandboxHandle) -> None:
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        bandwidth.post(MESSAGES, json=bw_message("mk-0000beef0"), headers={"X-Sandbox-Fault": "reset-before"})
    assert bandwidth.get(MESSAGES).json() == []
    stats = sb.stats()
    assert stats["accepted_total"] == 0 and stats["markers"]["total"] == 0
    assert stats["faults"]["reset-before"] == 1


def test_reset_after_stores_the_message_and_counts_it(bandwidth: httpx.Client, sb: SandboxHandle) -> None:
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        bandwidth.post(MESSAGES, json=bw_message("retry me mk-0000beef1"), headers={"X-Sandbox-Fault": "reset-after"})
    assert [m["text"] for m in bandwidth.get(MESSAGES).json()] == ["retry me mk-0000beef1"]
    # A naive client retries: the sandbox now holds the message twice and says so.
    assert bandwidth.post(MESSAGES, json=bw_message("retry me mk-0000beef1")).status_code == 201
    stats = sb.stats()
    assert stats["accepted"]["bandwidth-messaging-v1"] == 2
    assert stats["duplicates"] == ["mk-0000beef1"]
    assert stats["faults"]["reset-after"] == 1


def test_stall_after_stores_the_message_past_a_short_timeout(bandwidth: httpx.Client, sb: SandboxHandle) -> None:
    with pytest.raises(httpx.ReadTimeout):
        bandwidth.post(
            MESSAGES,
            json=bw_message("stalled mk-0000beef2"),
            headers={"X-Sandbox-Fault": "stall-after=1500"},
            timeout=0.3,
        )
    # The client gave up, but the message was processed before the answer was held back.
    assert [m["text"] for m in bandwidth.get(MESSAGES).json()] == ["stalled mk-0000beef2"]
    stats = sb.stats()
    assert stats["accepted_total"] == 1 and stats["faults"]["stall-after"] == 1


def test_stall_after_answers_a_patient_client(bandwidth: httpx.Client, sb: SandboxHandle) -> None:
    response = bandwidth.get(MESSAGES, headers={"X-Sandbox-Fault": "stall-after=10"})
    assert response.status_code == 200
    assert sb.stats()["faults"]["stall-after"] == 1


def test_latency_header_is_counted(bandwidth: httpx.Client, sb: SandboxHandle) -> None:
    response = bandwidth.get(MESSAGES, headers={"X-Sandbox-Fault": "latency=5"})
    assert response.status_code == 200
    assert sb.stats()["faults"]["latency"] == 1


def test_bad_fault_header_is_a_400(bandwidth: httpx.Client) -> None:
    response = bandwidth.get(MESSAGES, headers={"X-Sandbox-Fault": "explode"})
    assert response.status_code == 400 and "explode" in response.text


def test_header_syntax() -> None:
    assert parse_header("429") == FaultPlan(status=429)
    assert parse_header(" latency=50 , reset-after ") == FaultPlan(latency_ms=50, reset_after=True)
    assert parse_header("503,retry-after=3", 1) == FaultPlan(status=503, retry_after_s=3)
    assert parse_header("stall-after=900") == FaultPlan(stall_after_ms=900)
    assert parse_header("none") == FaultPlan()
    with pytest.raises(FaultHeaderError):
        parse_header("latency=fast")


def _statuses(seed: int) -> list[int]:
    with running(seed=seed, rate_429=0.3, rate_503=0.2) as sb, client(sb, "bandwidth-messaging-v1") as c:
        statuses = [c.get(MESSAGES).status_code for _ in range(30)]
        assert c.get(MESSAGES, headers={"X-Sandbox-Fault": "none"}).status_code == 200
        return statuses


def test_fault_rates_are_seeded_and_reproducible() -> None:
    first, again, other = _statuses(5), _statuses(5), _statuses(6)
    assert first == again
    assert first != other
    assert {200, 429, 503} <= set(first)


def test_fault_options_are_checked() -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        FaultOptions(rate_429=1.5).validate()
    with pytest.raises(ValueError, match="between 0 and 1"):
        FaultOptions(stall_after=-0.1).validate()
    with pytest.raises(ValueError, match="must not be negative"):
        FaultOptions(stall_ms=-1).validate()


def test_cli_names_and_reset_replay_the_same_faults() -> None:
    with running(seed=5, fault_429=0.3, fault_503=0.2) as sb, client(sb, "bandwidth-messaging-v1") as c:
        first = [c.get(MESSAGES).status_code for _ in range(30)]
        sb.reset()
        again = [c.get(MESSAGES).status_code for _ in range(30)]
    assert first == again == _statuses(5)


def test_start_up_reset_after_rate() -> None:
    with running(seed=1, fault_reset_after=1.0) as sb, client(sb, "bandwidth-messaging-v1") as c:
        for _ in range(3):
            with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
                c.post(MESSAGES, json=bw_message())
        stats = sb.stats()
    assert stats["accepted_total"] == 3 and stats["faults"]["reset-after"] == 3


def test_stall_rate_draws_its_own_stream() -> None:
    """Adding stalls leaves the 429/503 sequence of a seed unchanged, so earlier figures stay comparable."""
    with (
        running(seed=5, fault_429=0.3, fault_503=0.2, fault_stall_after=0.5, stall_ms=1) as sb,
        client(sb, "bandwidth-messaging-v1") as c,
    ):
        statuses = [c.get(MESSAGES).status_code for _ in range(30)]
        stalls = sb.stats()["faults"]["stall-after"]
    assert statuses == _statuses(5)
    # Only requests that got no other fault can stall; about half of those did.
    assert 0 < stalls < statuses.count(200)
