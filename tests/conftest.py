"""Shared pytest configuration: how every cassette in the suite is recorded and replayed."""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import Any

import pytest

# pytester runs the sms_sandbox plugin and the documents' worked examples in tests/packaging/.
pytest_plugins = ["pytester"]

# Credentials and per-request signatures never reach a cassette file.
SCRUBBED_REQUEST_HEADERS = ["authorization", "proxy-authorization", "cookie", "x-api-key"]


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    """pytest-recording settings: replay only (CI has no network), strict request matching."""
    return {
        "record_mode": "none",
        "filter_headers": SCRUBBED_REQUEST_HEADERS,
        "match_on": ["method", "scheme", "host", "port", "path", "query", "json_body"],
        "decode_compressed_response": True,
    }


def _json_or_bytes(body: Any) -> Any:
    raw = body.encode() if isinstance(body, str) else (body or b"")
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def json_body(r1: Any, r2: Any) -> None:
    """Bodies match when they are the same JSON value (key order is not meaningful), else the same bytes."""
    if _json_or_bytes(r1.body) != _json_or_bytes(r2.body):
        raise AssertionError("body differs")


def pytest_recording_configure(config: Any, vcr: Any) -> None:
    vcr.register_matcher("json_body", json_body)


@pytest.fixture(scope="session")
def sandbox_server() -> Any:
    """The local provider sandbox on a free loopback port, shared by every test of the session.

    Yields a ``sandbox.SandboxHandle``. Tests that need a clean slate call
    ``sandbox_server.reset()``; ``.base_urls`` and ``.credentials`` give what a client needs
    (see the ``sandbox`` package docstring).
    """
    from smsclients_sandbox import running

    with running(seed=1) as handle:
        yield handle


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The fuzz suite's example counts, per kind of fuzzing and per API surface, when it ran."""
    fuzz = sys.modules.get("tests.reliability.test_fuzz")
    counts: Counter[tuple[str, str]] | None = getattr(fuzz, "EXAMPLES_RUN", None)
    if not counts:
        return
    budget = getattr(fuzz, "PER_SURFACE", 0)
    limit = f"{budget:,} per surface" if budget else f"at most {getattr(fuzz, 'EXAMPLES', 0)} per test"
    kinds: Counter[str] = Counter()
    for (kind, _surface), count in counts.items():
        kinds[kind] += count
    totals = ", ".join(f"{kind} {count:,}" for kind, count in sorted(kinds.items()))
    terminalreporter.write_line(f"fuzz examples run ({limit}): {totals}")
    if budget:
        for (kind, surface), count in sorted(counts.items()):
            terminalreporter.write_line(f"  {kind:<18} {surface:<34} {count:>8,}")
