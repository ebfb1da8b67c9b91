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
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A redis-server of the tests' own, on a free loopback port in a temp dir; stopped afterwards.

    Without redis-server the shared-state tests skip, except in CI (``CI=true``), where they fail:
    ``.ci/run`` installs it.
    """
    import os
    import shutil
    import socket
    import subprocess
    import time

    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("redis-server is not installed (.ci/run installs Debian's redis-server)")
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    directory = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--dir",
            str(directory),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import redis

        client = redis.Redis(host="127.0.0.1", port=port)
        deadline = time.monotonic() + 60
        while True:  # polling until it answers, with a generous limit
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.fixture
def closed_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends: nothing listens there
