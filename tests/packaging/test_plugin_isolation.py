"""``sms_sandbox`` keeps a test on loopback: clients built before the test cannot reach production.

A user's module builds its clients at import time (the README's keep-alive advice leads there) from
production-like variables in the shell. Its tests use ``sms_sandbox``. The fixture cannot redirect
those clients, so every request they make must fail with a clear error, and nothing may leave.

"Production" here is a TCP listener on this machine's non-loopback address (when it has one): a
leaked request would show up there as an accepted connection, whatever happened after it.
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from smsclients_sandbox.isolation import SandboxIsolationError, is_loopback

PLUGIN = "smsclients_sandbox.pytest_plugin"
ROOT = Path(__file__).resolve().parents[2]

USER_MODULE = """
import os

import httpx
from smsclients import FlowrouteClient, MessageMediaClient
from smsclients.legacy.messagemedia import MessageMediaMessagesClient
from smsclients.transports import fast_transport

PRODUCTION = os.environ["PRODUCTION_URL"]

# Built at import time, as the keep-alive advice suggests, from the production variables.
FLOWROUTE = FlowrouteClient()
MESSAGEMEDIA = MessageMediaClient()
LEGACY = MessageMediaMessagesClient(
    os.environ["MESSAGEMEDIA_API_KEY"], os.environ["MESSAGEMEDIA_API_SECRET"], base_url=PRODUCTION
)
FAST = FlowrouteClient(transport=fast_transport("pyreqwest"))
OWN = httpx.Client(base_url=PRODUCTION, verify=False)
"""

USER_TESTS = """
import asyncio
import os
import socket

import httpx
import pytest
from smsclients import FlowrouteClient
from smsclients_sandbox.isolation import SandboxIsolationError

import myapp

BLOCKED = "sms_sandbox fixture is active"


def test_a_modern_client_built_at_import(sms_sandbox):
    with pytest.raises(SandboxIsolationError, match=BLOCKED):
        myapp.FLOWROUTE.messages.send(to="12066418000", from_="12012673227", body="hello")
    with pytest.raises(SandboxIsolationError, match=BLOCKED):
        myapp.MESSAGEMEDIA.messages.send([{"content": "hi", "destination_number": "+61491570156"}])
    assert sms_sandbox.accepted() == 0


def test_a_legacy_drop_in_built_at_import(sms_sandbox):
    body = {"messages": [{"content": "hi", "destination_number": "+61491570156"}]}
    with pytest.raises(SandboxIsolationError, match=BLOCKED):
        myapp.LEGACY.messages.create_send_messages(body)


def test_a_fast_transport_built_at_import(sms_sandbox):
    with pytest.raises(SandboxIsolationError, match=BLOCKED):
        myapp.FAST.messages.send(to="12066418000", from_="12012673227", body="hello")


def test_the_users_own_httpx_clients(sms_sandbox):
    with pytest.raises(SandboxIsolationError, match=BLOCKED):
        myapp.OWN.get("/anything")

    async def call():
        async with httpx.AsyncClient(verify=False) as client:
            await client.get(os.environ["PRODUCTION_URL"])

    with pytest.raises(SandboxIsolationError, match=BLOCKED):
        asyncio.run(call())


def test_plain_sockets_and_name_lookups(sms_sandbox):
    host, port = os.environ["PRODUCTION_ADDRESS"].rsplit(":", 1)
    with pytest.raises(SandboxIsolationError, match=BLOCKED):
        socket.create_connection((host, int(port)))
    with pytest.raises(SandboxIsolationError, match=BLOCKED):
        socket.getaddrinfo("api.flowroute.com", 443)


def test_a_client_built_in_the_test_reaches_the_sandbox(sms_sandbox):
    with FlowrouteClient() as fr:
        fr.messages.send(to="12066418000", from_="12012673227", body="hello")
    assert sms_sandbox.accepted("flowroute") == 1


def test_without_the_fixture_nothing_is_patched():
    assert socket.getaddrinfo.__module__ == "socket"
    assert not hasattr(httpx.HTTPTransport.handle_request, "__wrapped__")
"""


def _outside_address() -> str | None:
    """This machine's address on its default route (no packet is sent), if it is not loopback."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("198.51.100.1", 9))  # TEST-NET-2; UDP connect sends nothing
        address: str = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if is_loopback(address) else address


class Listener:
    """Counts the TCP connections accepted on ``host``; stands in for the production API."""

    def __init__(self, host: str) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.address = f"{host}:{self.sock.getsockname()[1]}"
        self.accepted = 0
        self.seen = threading.Event()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return  # closed
            self.accepted += 1
            self.seen.set()
            conn.close()

    def close(self) -> None:
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        self._thread.join(30)


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> Iterator[Listener | None]:
    host = _outside_address()
    listener = Listener(host) if host else None
    address = listener.address if listener else "203.0.113.1:443"  # TEST-NET-3: never routed
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(str(ROOT / p) for p in ("clients", "overlays", "sandbox")))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("PRODUCTION_ADDRESS", address)
    monkeypatch.setenv("PRODUCTION_URL", f"https://{address}")
    for name, value in {
        "FLOWROUTE_ACCESS_KEY": "prod-access",
        "FLOWROUTE_SECRET_KEY": "prod-secret",
        "FLOWROUTE_BASE_URL": f"https://{address}",
        "MESSAGEMEDIA_API_KEY": "prod-key",
        "MESSAGEMEDIA_API_SECRET": "prod-secret",
        "MESSAGEMEDIA_BASE_URL": f"https://{address}",
    }.items():
        monkeypatch.setenv(name, value)
    try:
        yield listener
    finally:
        if listener:
            listener.close()


def test_clients_built_at_import_time_cannot_leave_loopback(
    pytester: pytest.Pytester, production: Listener | None
) -> None:
    if production is not None:
        # The listener does see a connection that is made (so zero below means something).
        host, port = production.address.rsplit(":", 1)
        socket.create_connection((host, int(port))).close()
        assert production.seen.wait(30)
        assert production.accepted == 1
        production.accepted = 0
    pytester.makepyfile(myapp=USER_MODULE, test_myapp=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", PLUGIN, "-q", timeout=120)
    result.assert_outcomes(passed=7)
    if production is not None:
        assert production.accepted == 0


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("localhost", True),
        ("LOCALHOST.", True),
        ("localhost.example.com", False),
        ("api.flowroute.com", False),
        ("10.0.0.1", False),
        ("192.0.2.2", False),
        ("::ffff:8.8.8.8", False),
        ("2001:db8::1", False),
        ("", False),
    ],
)
def test_what_counts_as_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_the_error_is_not_a_transport_failure() -> None:
    # Retry rules and error mappings treat OSError/RuntimeError/httpx errors as "may have been sent".
    assert not issubclass(SandboxIsolationError, OSError | RuntimeError)
