"""Run-time control for tests of code that cannot set headers: queued faults, fault rates, the clock.

These are what the ``sms_sandbox`` fixture's ``fail_next()``, ``set_faults()`` and ``advance_clock()``
call; ``reset()`` undoes all three.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from smsclients_sandbox import SandboxHandle

from tests.fields import dig
from tests.sandbox.helpers import bw_message, mm_message

MESSAGES = "/users/u-control/messages"
ROOT = Path(__file__).resolve().parents[2]


def test_queued_faults_hit_the_next_requests_in_order(bandwidth: httpx.Client, sb: SandboxHandle) -> None:
    sb.fail_next("503", "429, retry-after=9", "none")
    assert sb.info()["queued_faults"] == 3
    assert bandwidth.post(MESSAGES, json=bw_message()).status_code == 503
    limited = bandwidth.get(MESSAGES)
    assert limited.status_code == 429 and limited.headers["retry-after"] == "9"
    assert bandwidth.post(MESSAGES, json=bw_message()).status_code == 201  # "none" takes a turn
    assert bandwidth.post(MESSAGES, json=bw_message()).status_code == 201  # the queue is empty again
    stats = sb.stats()
    assert stats["faults"]["503"] == 1 and stats["faults"]["429"] == 1 and stats["accepted_total"] == 2


def test_a_queued_reset_after_stores_the_message_and_drops_the_connection(
    bandwidth: httpx.Client, sb: SandboxHandle
) -> None:
    sb.fail_next("reset-after")
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        bandwidth.post(MESSAGES, json=bw_message("mk-00c0ffee01"))
    assert sb.stats()["markers"]["total"] == 1


def test_a_header_wins_over_the_queue(bandwidth: httpx.Client, sb: SandboxHandle) -> None:
    sb.fail_next("503")
    assert bandwidth.get(MESSAGES, headers={"X-Sandbox-Fault": "none"}).status_code == 200
    assert bandwidth.get(MESSAGES).status_code == 503


def test_rates_set_at_run_time_and_reset(bandwidth: httpx.Client, sb: SandboxHandle) -> None:
    sb.set_faults(fault_503=1.0)  # the CLI's names work too
    assert sb.info()["faults"]["rate_503"] == 1.0
    assert {bandwidth.get(MESSAGES).status_code for _ in range(3)} == {503}
    sb.set_faults()  # everything left out is off
    assert bandwidth.get(MESSAGES).status_code == 200
    sb.set_faults(rate_429=1.0)
    sb.fail_next("reset-before")
    sb.reset()  # back to the start-up faults (none), queue emptied
    assert sb.info()["queued_faults"] == 0 and sb.info()["faults"]["rate_429"] == 0.0
    assert bandwidth.get(MESSAGES).status_code == 200


@pytest.mark.parametrize(
    "payload",
    [
        {"next": ["teapot"]},
        {"next": "503"},
        {"rates": {"rate_503": 2}},
        {"rates": {"no_such_rate": 0.5}},
        {"rates": {"rate_503": "often"}},
        {"unknown": 1},
        [],
    ],
)
def test_bad_fault_requests_are_400_and_change_nothing(payload: object, sb: SandboxHandle) -> None:
    response = httpx.post(f"{sb.url}/_sandbox/faults", json=payload)
    assert response.status_code == 400 and response.json()["message"]
    info = sb.info()
    assert info["queued_faults"] == 0 and info["faults"]["rate_503"] == 0.0


def test_a_bad_entry_queues_nothing(sb: SandboxHandle) -> None:
    with pytest.raises(ValueError, match="teapot"):
        sb.fail_next("503", "teapot")
    assert sb.info()["queued_faults"] == 0


def test_advancing_the_clock_lets_a_scheduled_message_fall_due(messagemedia: httpx.Client, sb: SandboxHandle) -> None:
    in_an_hour = (datetime.now(UTC) + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    sent = messagemedia.post("/v1/messages", json={"messages": [mm_message(scheduled=in_an_hour)]}).json()
    url = f"/v1/messages/{sent['messages'][0]['message_id']}"
    assert messagemedia.get(url).json()["status"] == "scheduled"
    sb.advance_clock(30 * 60)
    assert messagemedia.get(url).json()["status"] == "scheduled"  # half an hour is not enough
    sb.advance_clock(31 * 60)
    assert messagemedia.get(url).json()["status"] in ("queued", "enroute", "delivered")
    assert sb.info()["clock_offset_s"] == 61 * 60
    sb.reset()
    assert sb.info()["clock_offset_s"] == 0


@pytest.mark.parametrize("seconds", [-1, "soon", None, True, 10**12])
def test_bad_clock_requests_are_400(seconds: object, sb: SandboxHandle) -> None:
    response = httpx.post(f"{sb.url}/_sandbox/clock", json={"advance_s": seconds})
    assert response.status_code == 400
    assert sb.info()["clock_offset_s"] == 0


def test_hmac_dates_are_checked_against_the_real_clock(sb: SandboxHandle) -> None:
    """Clients sign with the real time; a sandbox clock moved ahead must not make their signatures stale."""
    from smsclients import MessageMediaClient

    sb.advance_clock(3600)
    key, secret = sb.credentials["messagemedia-messages-v1"]
    with MessageMediaClient(key, secret, hmac=True, base_url=sb.base_urls["messagemedia-messages-v1"]) as mm:
        assert len(dig(mm.messages.send([mm_message()]), "messages")) == 1


# --- the command line --------------------------------------------------------------------------


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("clients", "overlays", "sandbox"))}
    return subprocess.run(
        [sys.executable, "-m", "smsclients_sandbox", *args], env=env, capture_output=True, text=True, timeout=60
    )


def test_a_busy_port_is_one_line_and_a_non_zero_exit() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = _cli("--port", str(port))
    assert result.returncode == 1 and result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line == f"error: cannot listen on 127.0.0.1:{port}: the port is in use (--port 0 picks a free one)"


def test_env_prints_the_clients_variables() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "smsclients_sandbox", "--port", "0", "--env", "--log-level", "warning"],
        env={**os.environ, "PYTHONPATH": str(ROOT / "sandbox")},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = dict(process.stdout.readline().strip().split("=", 1) for _ in range(10))
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert lines["FLOWROUTE_ACCESS_KEY"] == "sandbox-access-key"
    assert lines["BANDWIDTH_BASE_URL"].startswith("http://127.0.0.1:") and lines["BANDWIDTH_BASE_URL"].endswith("/v1")
    assert set(lines) == {
        f"{provider}_{name}"
        for provider, names in {
            "FLOWROUTE": ("ACCESS_KEY", "SECRET_KEY", "BASE_URL"),
            "BANDWIDTH": ("USER_ID", "API_TOKEN", "API_SECRET", "BASE_URL"),
            "MESSAGEMEDIA": ("API_KEY", "API_SECRET", "BASE_URL"),
        }.items()
        for name in names
    }
