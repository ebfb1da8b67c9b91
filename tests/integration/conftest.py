"""Integration fixtures: the flows of ``demo`` recorded against the sandbox, replayed from cassettes.

Recording (``pytest --record-mode=once tests/integration``, or any mode but ``none``) starts a fresh
sandbox with a fixed seed on a fixed port for each test, because vcr matches on host and port. In
replay (the default, ``record_mode: none`` from ``tests/conftest.py``) no server runs at all: every
request, including the sandbox control call that injects a MessageMedia reply, comes from the
cassette. The flows' time-dependent inputs are pinned so the request bodies match exactly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from smsclients.redaction import redact_url

from demo.steps import Reporter, Target, inject_reply_over_http

SEED = 1
HOST = "127.0.0.1"
PORT = 18765
ROOT_URL = f"http://{HOST}:{PORT}"
# Pinned time inputs (the demo uses today / an hour ahead).
MESSAGE_START_DATE = "2026-01-01"
SCHEDULE_AT = datetime(2099, 1, 1, 9, 30, tzinfo=UTC)


# The value of a query parameter that keys a URL (a pre-signed upload or download URL's token or
# signature), wherever it appears in an answer's body; the names are the client's redaction rule.
_URL_KEY = re.compile(
    r"(?i)\b((?:[a-z0-9]+[-_])?(?:signature|sig|token|secret|password|credential|auth|key|api[-_]?key|access[-_]?key))"
    r"=[^&\"\s]+"
)


def _keyless_request(request: Any) -> Any:
    """Recorded (and matched) without the keys of pre-signed URLs."""
    request.uri = redact_url(request.uri)
    return request


def _keyless_response(response: dict[str, Any]) -> dict[str, Any]:
    """An answer handing out a pre-signed URL is recorded with its key replaced (replay then asks
    for the keyless URL, which ``_keyless_request`` makes of the recorded one too)."""
    body = response.get("body", {}).get("string")
    if isinstance(body, bytes) and _URL_KEY.search(body.decode("utf-8", "replace")):
        response["body"]["string"] = _URL_KEY.sub(r"\1=REDACTED", body.decode("utf-8")).encode("utf-8")
    return response


@pytest.fixture(scope="module")
def vcr_config(vcr_config: dict[str, Any], request: pytest.FixtureRequest) -> dict[str, Any]:
    """The suite's settings, but ``--record-mode`` on the command line wins (to record these cassettes);
    no key of a pre-signed URL is recorded."""
    mode = request.config.getoption("--record-mode") or "none"
    return {
        **vcr_config,
        "record_mode": mode,
        "before_record_request": _keyless_request,
        "before_record_response": _keyless_response,
    }


def _target() -> Target:
    from smsclients_sandbox.options import SandboxOptions
    from smsclients_sandbox.server import base_urls
    from smsclients_sandbox.surfaces import SURFACES

    defaults = SandboxOptions().credentials
    return Target(
        base_urls=base_urls(ROOT_URL),
        credentials={surface.name: defaults[surface.provider] for surface in SURFACES},
        inject_reply=inject_reply_over_http(ROOT_URL),
        message_start_date=MESSAGE_START_DATE,
        schedule_at=SCHEDULE_AT,
    )


@pytest.fixture
def target(record_mode: str, vcr_cassette_dir: str, default_cassette_name: str) -> Iterator[Target]:
    """The sandbox as the flows see it; a live one (seed 1, port 18765) only while recording."""
    cassette = os.path.join(vcr_cassette_dir, default_cassette_name + ".yaml")
    if record_mode == "none" and os.path.exists(cassette):
        yield _target()
        return
    from smsclients_sandbox import running

    with running(seed=SEED, port=PORT, host=HOST) as handle:
        assert handle.url == ROOT_URL
        yield _target()


@pytest.fixture
def step() -> Reporter:
    """A reporter that keeps the step lines (and prints them, visible with ``pytest -s``)."""
    return Reporter()
