"""The log lines of the retry layer, and SMSCLIENTS_LOG.

Retries are logged at INFO (what failed, attempt n of m, the wait), give-ups at WARNING, both under
the ``smsclients`` logger and without query strings, user info, headers or bodies.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from smsclients import (
    BandwidthClient,
    ConnectionFailedError,
    DeliveryUnknownError,
    FlowrouteClient,
    NotFoundError,
    RateLimitError,
    RetryPolicy,
    ServerError,
)
from smsclients.logs import ENV_VARIABLE, configure_from_environment

ROOT = Path(__file__).resolve().parents[2]
CANARY = "CANARY-SECRET-4711"
FAST = RetryPolicy(max_retries=2, backoff_initial=0.0, jitter=False, retry_after_max=0.0)
MDR1 = "mdr1-e3672cb28a9d422a9671945c9bc4eb9a"


class Script(httpx.BaseTransport):
    """Answers each request with the next step: a status or an httpx exception class (the last repeats)."""

    def __init__(self, *steps: int | type[httpx.TransportError]) -> None:
        self.steps = list(steps)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        step = self.steps.pop(0) if len(self.steps) > 1 else self.steps[0]
        if isinstance(step, int):
            return httpx.Response(step, json={"message": "x"}, headers={"Retry-After": "0"} if step == 429 else {})
        raise step("simulated", request=request)


@pytest.fixture
def records(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="smsclients")
    return caplog


def _ours(caplog: pytest.LogCaptureFixture) -> list[tuple[int, str]]:
    return [(r.levelno, r.getMessage()) for r in caplog.records if r.name.startswith("smsclients")]


def _bandwidth(transport: httpx.BaseTransport) -> BandwidthClient:
    return BandwidthClient("u-1", "token", CANARY, transport=transport, retry=FAST)


def test_each_retry_at_info_and_the_give_up_at_warning(records: pytest.LogCaptureFixture) -> None:
    with _bandwidth(Script(503)) as bw, pytest.raises(ServerError):
        bw.messages.get("m-abc123")
    url = "https://api.catapult.inetwork.com/v1/users/u-1/messages/m-abc123"
    assert _ours(records) == [
        (logging.INFO, f"retrying GET {url}: attempt 1 of 3 failed (HTTP 503), next attempt in 0.000s"),
        (logging.INFO, f"retrying GET {url}: attempt 2 of 3 failed (HTTP 503), next attempt in 0.000s"),
        (logging.WARNING, f"giving up on GET {url} after attempt 3 of 3: HTTP 503"),
    ]
    assert all(r.name == "smsclients.retries" for r in records.records if r.name.startswith("smsclients"))


def test_the_wait_is_the_one_taken(records: pytest.LogCaptureFixture) -> None:
    policy = RetryPolicy(max_retries=1, backoff_initial=0.01, jitter=False)
    # Only the log matters; the scripted 200 body parses (a message whose fields are all left out).
    with BandwidthClient("u-1", "t", "s", transport=Script(httpx.ConnectError, 200), retry=policy) as bw:
        bw.messages.get("m-abc123")
    ((level, message),) = _ours(records)
    assert level == logging.INFO and message.endswith("attempt 1 of 2 failed (ConnectError), next attempt in 0.010s")


def test_a_send_that_may_have_arrived_gives_up_at_once(records: pytest.LogCaptureFixture) -> None:
    with _bandwidth(Script(httpx.ReadError)) as bw, pytest.raises(DeliveryUnknownError):
        bw.messages.send(from_="+19195551212", to="+19195554444", text="hi")
    assert _ours(records) == [
        (
            logging.WARNING,
            "giving up on POST https://api.catapult.inetwork.com/v1/users/u-1/messages after attempt 1 of 3: ReadError",
        )
    ]


def test_per_call_retries_change_the_count(records: pytest.LogCaptureFixture) -> None:
    with _bandwidth(Script(429)) as bw, pytest.raises(RateLimitError):
        bw.messages.send(from_="+19195551212", to="+19195554444", text="hi", max_retries=1)
    levels = [level for level, _ in _ours(records)]
    assert levels == [logging.INFO, logging.WARNING]
    assert "attempt 2 of 2: HTTP 429" in _ours(records)[-1][1]


def test_no_line_for_a_success_or_a_plain_api_error(records: pytest.LogCaptureFixture) -> None:
    with _bandwidth(Script(404)) as bw, pytest.raises(NotFoundError):
        bw.messages.get("m-abc123")
    assert _ours(records) == []


def test_lines_carry_no_query_user_info_or_credentials(records: pytest.LogCaptureFixture) -> None:
    with _bandwidth(Script(httpx.ConnectError)) as bw, pytest.raises(ConnectionFailedError):
        list(bw.messages.iter(from_="+19195551212", extra_query={"token": CANARY}))
    lines = _ours(records)
    assert len(lines) == 3
    for _, message in lines:
        assert CANARY not in message and "?" not in message and "token" not in message
        assert "https://api.catapult.inetwork.com/v1/users/u-1/messages" in message


def test_flowroute_through_the_sandbox_logs_an_injected_fault(
    sandbox_server: Any, records: pytest.LogCaptureFixture
) -> None:
    sandbox_server.reset()
    sandbox_server.fail_next("503")
    key, secret = sandbox_server.credentials["flowroute-messages-v2"]
    base_url = sandbox_server.base_urls["flowroute-v2"]
    with FlowrouteClient(key, secret, base_url=base_url, retry=FAST) as fr, pytest.raises(NotFoundError):
        fr.messages_v2.get(MDR1)  # retried once (503), then the sandbox's own 404
    ((level, message),) = _ours(records)
    assert level == logging.INFO
    assert message.startswith(f"retrying GET {base_url}/v2/messages/{MDR1}: attempt 1 of 3 failed (HTTP 503)")


# --- SMSCLIENTS_LOG ----------------------------------------------------------------------------


@pytest.fixture
def restore_loggers() -> Iterator[None]:
    saved = {
        name: (logging.getLogger(name).level, list(logging.getLogger(name).handlers))
        for name in ("smsclients", "httpx")
    }
    yield
    for name, (level, handlers) in saved.items():
        logger = logging.getLogger(name)
        logger.setLevel(level)
        logger.handlers[:] = handlers


@pytest.mark.parametrize(
    ("value", "level"), [("info", logging.INFO), ("DEBUG", logging.DEBUG), (" debug ", logging.DEBUG)]
)
def test_the_variable_installs_one_stderr_handler(value: str, level: int, restore_loggers: None) -> None:
    handler = configure_from_environment({ENV_VARIABLE: value})
    assert isinstance(handler, logging.StreamHandler) and handler.stream is sys.stderr
    again = configure_from_environment({ENV_VARIABLE: value})
    for name in ("smsclients", "httpx"):
        logger = logging.getLogger(name)
        assert logger.level == level
        assert [h for h in logger.handlers if h is handler] == [handler]  # once, however often it runs
    assert again is handler


@pytest.mark.parametrize("value", ["", "verbose", "1"])
def test_other_values_install_nothing(value: str, restore_loggers: None) -> None:
    before = list(logging.getLogger("smsclients").handlers)
    assert configure_from_environment({ENV_VARIABLE: value}) is None
    assert logging.getLogger("smsclients").handlers == before


def _run_with(env_value: str | None) -> subprocess.CompletedProcess[str]:
    code = (
        "import httpx, smsclients\n"
        "from smsclients import BandwidthClient, RetryPolicy\n"
        "t = httpx.MockTransport(lambda r: httpx.Response(503))\n"
        "bw = BandwidthClient('u-1', 't', 's', transport=t, retry=RetryPolicy(max_retries=1, backoff_initial=0))\n"
        "try:\n    bw.messages.get('m-abc123')\nexcept smsclients.ServerError:\n    pass\n"
    )
    env = {k: v for k, v in os.environ.items() if k != ENV_VARIABLE}
    env["PYTHONPATH"] = os.pathsep.join(str(ROOT / p) for p in ("clients", "overlays"))
    if env_value is not None:
        env[ENV_VARIABLE] = env_value
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True)


def test_at_import_the_variable_turns_on_the_lines_on_stderr() -> None:
    quiet = _run_with(None)
    assert quiet.stderr == "" and quiet.stdout == ""
    loud = _run_with("info")
    lines = loud.stderr.splitlines()
    assert any(" INFO smsclients.retries: retrying GET " in line and "attempt 1 of 2" in line for line in lines)
    assert any(" WARNING smsclients.retries: giving up on GET " in line for line in lines)
    assert any(" INFO httpx: HTTP Request: GET " in line for line in lines)
