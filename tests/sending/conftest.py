"""A sandbox for the sending tests (reset per test) and the clients' environment pointing at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from smsclients_sandbox import running
from smsclients_sandbox.testing import SmsSandbox


@pytest.fixture(scope="session")
def sending_sandbox_server() -> Iterator[SmsSandbox]:
    with running(seed=7) as handle:
        yield SmsSandbox(handle)


@pytest.fixture
def sandbox(sending_sandbox_server: SmsSandbox, monkeypatch: pytest.MonkeyPatch) -> SmsSandbox:
    sending_sandbox_server.reset()
    for name, value in sending_sandbox_server.env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("SMSCLIENTS_RATE_LIMIT", raising=False)
    return sending_sandbox_server
