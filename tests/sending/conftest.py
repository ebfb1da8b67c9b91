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


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A redis-server of the tests' own, on a free loopback port in a temp dir; stopped afterwards.

    Without redis-server the shared-state tests skip, except in CI (``CI=true``), where they fail:
    ``.ci/run`` installs it.
    """
    import os

    from bench.redis_server import RedisMissing, redis_server

    try:
        with redis_server() as url:
            yield url
    except RedisMissing as exc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{exc}; .ci/run installs Debian's redis-server")
        pytest.skip(str(exc))


@pytest.fixture
def closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends: nothing listens there
