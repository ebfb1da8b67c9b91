"""Fixtures of the Flowroute tests that run against the local sandbox (the legacy v3 controllers and demos)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from smsclients.legacy.flowroute_v3 import FlowroutenumbersandmessagingClient
from smsclients_sandbox import SandboxHandle

from .support import RecordingTransport


@pytest.fixture
def fresh_sandbox(sandbox_server: SandboxHandle) -> Iterator[SandboxHandle]:
    """The session sandbox with its state cleared; afterwards, no answer may have broken its spec."""
    sandbox_server.reset()
    yield sandbox_server
    assert sandbox_server.stats()["spec_violations"] == 0


@pytest.fixture
def sandbox_wire() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def v3(fresh_sandbox: SandboxHandle, sandbox_wire: RecordingTransport) -> Iterator[FlowroutenumbersandmessagingClient]:
    """The SDK v3 drop-in on the sandbox, recording every request it sends."""
    access_key, secret_key = fresh_sandbox.credentials["flowroute-v2"]
    with FlowroutenumbersandmessagingClient(
        access_key, secret_key, base_uri=fresh_sandbox.base_urls["flowroute-v2"], transport=sandbox_wire
    ) as client:
        yield client
