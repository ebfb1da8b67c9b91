"""Shared pytest configuration: how every cassette in the suite is recorded and replayed."""

from __future__ import annotations

import sys
from typing import Any

import pytest

# Credentials and per-request signatures never reach a cassette file.
SCRUBBED_REQUEST_HEADERS = ["authorization", "proxy-authorization", "cookie", "x-api-key"]


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    """pytest-recording settings: replay only (CI has no network), strict request matching."""
    return {
        "record_mode": "none",
        "filter_headers": SCRUBBED_REQUEST_HEADERS,
        "match_on": ["method", "scheme", "host", "port", "path", "query", "body"],
        "decode_compressed_response": True,
    }


@pytest.fixture(scope="session")
def sandbox_server() -> Any:
    """The local provider sandbox on a free loopback port, shared by every test of the session.

    Yields a ``sandbox.SandboxHandle``. Tests that need a clean slate call
    ``sandbox_server.reset()``; ``.base_urls`` and ``.credentials`` give what a client needs
    (see the ``sandbox`` package docstring).
    """
    from sandbox import running

    with running(seed=1) as handle:
        yield handle


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The fuzz suite's example counts per surface, when it ran."""
    fuzz = sys.modules.get("tests.reliability.test_fuzz")
    counts = getattr(fuzz, "EXAMPLES_RUN", None)
    if counts:
        total = ", ".join(f"{surface} {count:,}" for surface, count in sorted(counts.items()))
        terminalreporter.write_line(f"fuzz examples run (max {fuzz.EXAMPLES} per test): {total}")  # type: ignore[union-attr]
