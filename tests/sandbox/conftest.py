"""Fixtures of the sandbox tests: one shared sandbox, reset before each test."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from smsclients_sandbox import SandboxHandle

from tests.sandbox.helpers import client


@pytest.fixture
def sb(sandbox_server: SandboxHandle) -> Iterator[SandboxHandle]:
    """The session sandbox with all state and stats cleared.

    Afterwards it checks that no response of the test violated its spec: the sandbox validates
    every response it sends, so each flow test doubles as a contract test of its happy paths.
    """
    sandbox_server.reset()
    yield sandbox_server
    assert sandbox_server.stats()["spec_violations"] == 0


@pytest.fixture
def flowroute(sb: SandboxHandle) -> Iterator[httpx.Client]:
    with client(sb, "flowroute-v2") as c:
        yield c


@pytest.fixture
def flowroute_v2(sb: SandboxHandle) -> Iterator[httpx.Client]:
    with client(sb, "flowroute-messages-v2") as c:
        yield c


@pytest.fixture
def bandwidth(sb: SandboxHandle) -> Iterator[httpx.Client]:
    with client(sb, "bandwidth-messaging-v1") as c:
        yield c


@pytest.fixture
def messagemedia(sb: SandboxHandle) -> Iterator[httpx.Client]:
    with client(sb, "messagemedia-messages-v1") as c:
        yield c
