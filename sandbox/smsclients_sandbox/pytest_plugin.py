"""pytest plugin of sms-provider-clients: the ``sms_sandbox`` fixture, for testing code that sends SMS.

Registered through the ``pytest11`` entry point when the distribution is installed. Importing it
imports nothing of the sandbox, so pytest starts whether or not the extra ``sandbox`` is installed;
using the fixture without it fails with an ImportError that names the extra.

``sms_sandbox`` resets one session-wide sandbox (free loopback port, background thread) before each
test and sets the clients' environment variables to it, so code that builds ``FlowrouteClient()``,
``BandwidthClient()`` or ``MessageMediaClient()`` without arguments talks to the sandbox::

    def test_welcome_sms(sms_sandbox):
        send_welcome("+61491570156")                    # your code
        assert sms_sandbox.accepted("messagemedia") == 1

It is a :class:`smsclients_sandbox.testing.SmsSandbox`: ``base_urls`` and ``credentials`` per
surface, ``env``, ``stats()`` / ``accepted()``, ``inject_reply()``, ``advance()`` (MessageMedia
delivery progress), ``advance_clock()``, ``fail_next()`` / ``set_faults()`` (fault injection).
The ini option ``sms_sandbox_seed`` (default 1) seeds it.

While the fixture is active, nothing can reach a non-loopback host: a client built before the test
(at import time, with production variables in the shell) fails with
:class:`smsclients_sandbox.isolation.SandboxIsolationError` instead of sending for real.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from smsclients_sandbox.server import SandboxHandle
    from smsclients_sandbox.testing import SmsSandbox


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("sms_sandbox_seed", "seed of the sandbox behind the sms_sandbox fixture (default 1)", default="1")


@pytest.fixture(scope="session")
def sms_sandbox_server(pytestconfig: pytest.Config) -> Iterator[SandboxHandle]:
    """The session's sandbox (started on first use); tests use ``sms_sandbox``, which resets it."""
    from smsclients_sandbox import running  # raises MissingExtraError, naming the extra, without it

    with running(seed=int(pytestconfig.getini("sms_sandbox_seed"))) as handle:
        yield handle


@pytest.fixture
def sms_sandbox(sms_sandbox_server: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> SmsSandbox:
    """A freshly reset sandbox, with ``FLOWROUTE_*``, ``BANDWIDTH_*`` and ``MESSAGEMEDIA_*`` pointing at it."""
    from smsclients_sandbox.isolation import guard
    from smsclients_sandbox.testing import SmsSandbox

    sms_sandbox_server.reset()
    sandbox = SmsSandbox(sms_sandbox_server)
    for name, value in sandbox.env.items():
        monkeypatch.setenv(name, value)
    # A proxy from the shell must not carry sandbox traffic (the guard would refuse it).
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, ",".join(filter(None, ["127.0.0.1,localhost,::1", os.environ.get(name)])))
    guard(monkeypatch)  # last: setting up above may still resolve names
    return sandbox
