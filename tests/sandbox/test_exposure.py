"""The sandbox does not expose itself or call out by accident.

* Binding a non-loopback address warns, clearly.
* The control API refuses what a web page could send cross-site (no JSON content type, a foreign
  ``Origin`` or ``Sec-Fetch-Site``), so a page cannot reset it or make it call a URL.
* Callbacks go to loopback hosts only unless the operator opts in; a refused one is recorded and
  never connects. "Outside" in these tests is a listener on this machine's non-loopback address.
* ``callbackTimeout`` bounds a whole attempt: a receiver that stalls or drips bytes is cut.
* Logged callback URLs carry no password.

Each test runs its own sandbox (``running``), so its callbacks and options are its own.
"""

from __future__ import annotations

import base64
import logging
import re
import socket
import threading
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from smsclients_sandbox import running
from smsclients_sandbox.callback_policy import ALLOW_EXTERNAL_ENV, is_loopback_url, redact
from smsclients_sandbox.options import SandboxOptions
from smsclients_sandbox.server import ExposedSandboxWarning, exposure_warning

from tests.sandbox.helpers import client, fr_body

WAIT = 30.0  # upper bound for background work; it takes milliseconds
BW_MESSAGES = "/users/u-1/messages"


def _outside_address() -> str | None:
    """This machine's address on its default route (a UDP connect sends nothing), if not loopback."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("198.51.100.1", 9))
        address: str = probe.getsockname()[0]
    except OSError:
        return None
    finally:
        probe.close()
    return None if address.startswith("127.") else address


class RawReceiver:
    """A TCP server on ``host`` that answers each connection with ``behaviour``; counts connections."""

    def __init__(self, host: str, behaviour: str) -> None:
        self.behaviour = behaviour
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.url = f"http://{host}:{self.sock.getsockname()[1]}"
        self.connections = 0
        self.record: list[bytes] | None = None  # the requests of "ok" connections, when set
        self.connected = threading.Event()
        self.stop = threading.Event()
        self._threads = [threading.Thread(target=self._accept, daemon=True)]
        self._threads[0].start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self.connected.set()
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                if self.behaviour == "ok":
                    request = conn.recv(65536)
                    if self.record is not None:
                        self.record.append(request)
                    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                elif self.behaviour == "drip":
                    # One byte of a never-ending header every 50 ms: each read succeeds, so only a
                    # deadline for the whole exchange ends it.
                    conn.sendall(b"HTTP/1.1 200 OK\r\n")
                    while not self.stop.wait(0.05):
                        conn.sendall(b"X")
                else:  # stall: read the request, never answer
                    conn.recv(65536)
                    self.stop.wait()
            except OSError:
                pass  # the sandbox hung up: what the timeout is for

    def close(self) -> None:
        self.stop.set()
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        for thread in self._threads:
            thread.join(WAIT)


@pytest.fixture
def outside() -> Iterator[RawReceiver]:
    address = _outside_address()
    if address is None:
        pytest.skip("this machine has no non-loopback address to stand in for an outside host")
    receiver = RawReceiver(address, "ok")
    yield receiver
    receiver.close()


def _bandwidth_send(sandbox: Any, **message: Any) -> httpx.Response:
    with client(sandbox, "bandwidth-messaging-v1") as bw:
        body = {"from": "+19195551212", "to": "+19195554444", "text": "hi", **message}
        return bw.post(BW_MESSAGES, json=body)


# ---------------------------------------------------------------------- binding


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.2", "sandbox.example.com"])
def test_a_non_loopback_bind_is_warned_about(host: str) -> None:
    message = exposure_warning(host)
    assert message is not None and host in message and "other machines" in message


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "[::1]", "localhost"])
def test_a_loopback_bind_is_not_warned_about(host: str) -> None:
    assert exposure_warning(host) is None


def test_running_on_all_interfaces_warns_and_on_loopback_does_not() -> None:
    with pytest.warns(ExposedSandboxWarning, match="0.0.0.0"), running(host="0.0.0.0") as handle:
        assert handle.info()["seed"] == 1
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with running() as handle:
            assert handle.info()["seed"] == 1


def test_the_cli_prints_the_warning(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from smsclients_sandbox import cli

    # Stop before serving: the server's run() is where the CLI would block.
    class Stop(Exception):
        pass

    def no_serve(self: Any, sockets: Any) -> None:
        raise Stop

    monkeypatch.setattr("uvicorn.Server.run", no_serve)
    with pytest.raises(Stop):
        cli.main(["--host", "0.0.0.0", "--port", "0"])
    assert "WARNING: the sandbox listens on 0.0.0.0" in capsys.readouterr().err
    with pytest.raises(Stop):
        cli.main(["--port", "0"])
    assert "WARNING" not in capsys.readouterr().err


# ---------------------------------------------------------------------- control API


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with running(seed=1) as handle:
        yield handle


@pytest.mark.parametrize(
    ("headers", "content"),
    [
        ({"Content-Type": "text/plain"}, b'{"to": "+19195551212", "from": "+19195554444"}'),
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"to=1&from=2"),
        ({"Content-Type": "multipart/form-data; boundary=x"}, b"--x--"),
        ({}, b""),
        ({"Content-Type": "application/json", "Origin": "https://evil.example"}, b"{}"),
        ({"Content-Type": "application/json", "Origin": "null"}, b"{}"),
        ({"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}, b"{}"),
        ({"Content-Type": "application/json", "Sec-Fetch-Site": "same-site"}, b"{}"),
    ],
)
def test_the_control_api_refuses_what_a_web_page_can_send(
    sandbox: Any, headers: dict[str, str], content: bytes
) -> None:
    with httpx.Client(base_url=sandbox.url, trust_env=False) as raw:
        for path in ("/_sandbox/reset", "/_sandbox/bandwidth/inbound", "/_sandbox/faults"):
            response = raw.post(path, content=content, headers=headers)
            assert response.status_code == 403, (path, response.text)
            assert "refused" in response.json()["message"] or "application/json" in response.json()["message"]
    assert sandbox.stats()["callbacks"]["submitted"] == 0


def test_a_cross_site_read_is_refused_and_same_origin_use_works(sandbox: Any) -> None:
    with httpx.Client(base_url=sandbox.url, trust_env=False) as raw:
        assert raw.get("/_sandbox/stats", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
        assert raw.get("/_sandbox/stats", headers={"Origin": "http://evil.example"}).status_code == 403
        own = {"Origin": sandbox.url, "Sec-Fetch-Site": "same-origin"}
        assert raw.get("/_sandbox/stats", headers=own).status_code == 200
        # A browser's change must come from the inbox page itself: same origin and the page's token.
        assert raw.post("/_sandbox/reset", json={}, headers=own).status_code == 403
        token = re.search(r'name="sandbox-token" content="([^"]+)"', raw.get("/").text)
        assert token is not None
        assert raw.post("/_sandbox/reset", json={}, headers={**own, "X-Sandbox-Token": token[1]}).status_code == 200
        assert raw.post("/_sandbox/reset", json={}).status_code == 200  # a script or test: no Origin at all
    sandbox.reset()  # the handle's own calls pass


# ---------------------------------------------------------------------- callback destinations


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:9/x", True),
        ("http://localhost:9/x", True),
        ("http://[::1]:9/x", True),
        ("https://user:pw@127.0.0.1/x", True),
        ("https://example.com/dlr", False),
        ("http://127.0.0.1.nip.io/x", False),
        ("http://localhost.example.com/x", False),
        ("http://10.1.2.3/x", False),
        ("ftp://127.0.0.1/x", False),
        ("not a url", False),
    ],
)
def test_which_callback_urls_are_loopback(url: str, allowed: bool) -> None:
    assert is_loopback_url(url) is allowed


def test_an_outside_callback_url_is_never_called_by_default(sandbox: Any, outside: RawReceiver) -> None:
    assert _bandwidth_send(sandbox, callbackUrl=outside.url + "/status").status_code == 201
    with client(sandbox, "flowroute-v2") as fr:
        # The README's own example, with this machine's outside address for example.com.
        put = fr.put("/v2.1/messages/dlr_callback", **fr_body({"callback_url": outside.url + "/dlr"}))
        assert put.is_success, put.text
        attributes = {"to": "12061232634", "from": "12012673227", "body": "hi"}
        sent = fr.post("/v2.1/messages", **fr_body({"data": {"type": "message", "attributes": attributes}}))
        assert sent.status_code == 202, sent.text
    assert sandbox.wait_for_callbacks(WAIT)
    deliveries = sandbox.callbacks()
    assert deliveries and all(d["state"] == "refused" for d in deliveries)
    assert all(a["error"] == "refused-non-loopback" for d in deliveries for a in d["attempts"])
    assert outside.connections == 0
    counts = sandbox.stats()["callbacks"]
    assert counts["refused"] == len(deliveries) and counts["retries"] == 0


def test_a_loopback_fallback_still_gets_a_refused_event(sandbox: Any, outside: RawReceiver) -> None:
    local = RawReceiver("127.0.0.1", "ok")
    try:
        response = _bandwidth_send(sandbox, callbackUrl=outside.url + "/x", fallbackUrl=local.url + "/fallback")
        assert response.status_code == 201
        assert sandbox.wait_for_callbacks(WAIT)
        assert [d["state"] for d in sandbox.callbacks()] == ["delivered"]
        assert local.connections == 1 and outside.connections == 0
    finally:
        local.close()


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_outside_callbacks_when_opted_in(outside: RawReceiver, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    options: dict[str, Any] = {"allow_external_callbacks": True} if how == "argument" else {}
    if how == "environment":
        monkeypatch.setenv(ALLOW_EXTERNAL_ENV, "1")
    with running(**options) as handle:
        assert _bandwidth_send(handle, callbackUrl=outside.url + "/status").status_code == 201
        assert handle.wait_for_callbacks(WAIT)
        assert [d["state"] for d in handle.callbacks()] == ["delivered"]
    assert outside.connections == 1


def test_the_opt_in_is_off_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ALLOW_EXTERNAL_ENV, raising=False)
    assert SandboxOptions().allow_external_callbacks is False
    from smsclients_sandbox import cli

    assert cli.options_from(cli.parser().parse_args([])).allow_external_callbacks is False
    assert cli.options_from(cli.parser().parse_args(["--allow-external-callbacks"])).allow_external_callbacks


# ---------------------------------------------------------------------- slow receivers


@pytest.mark.parametrize("behaviour", ["drip", "stall"])
def test_callback_timeout_cuts_a_slow_receiver(sandbox: Any, behaviour: str) -> None:
    receiver = RawReceiver("127.0.0.1", behaviour)
    try:
        response = _bandwidth_send(sandbox, callbackUrl=receiver.url + "/slow", callbackTimeout=300)
        assert response.status_code == 201
        # Without a deadline for the whole attempt, the drip keeps it alive for as long as it lasts.
        assert sandbox.wait_for_callbacks(WAIT), "the attempt was not cut at callbackTimeout"
        (delivery,) = sandbox.callbacks()
        assert delivery["state"] == "failed"
        assert [a["error"] for a in delivery["attempts"]] == ["Timeout"]
    finally:
        receiver.close()


# ---------------------------------------------------------------------- logs


def test_logged_callback_urls_carry_no_password(
    sandbox: Any, outside: RawReceiver, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there: the attempt fails and is given up (and logged)
    secret = "s3cret-pw"
    _bandwidth_send(sandbox, callbackUrl=f"http://hook:{secret}@127.0.0.1:{port}/x")
    _bandwidth_send(sandbox, callbackUrl=outside.url.replace("http://", f"http://hook:{secret}@") + "/y")
    assert sandbox.wait_for_callbacks(WAIT)
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "given up" in logged and "not sent" in logged
    assert secret not in logged and secret not in str(sandbox.callbacks())
    assert "***@127.0.0.1" in logged


def test_redact_keeps_everything_but_the_userinfo() -> None:
    assert redact("https://u:p@host:8443/a?b=1") == "https://***@host:8443/a?b=1"
    assert redact("https://host/a") == "https://host/a"


def test_a_delivered_callback_logs_no_password_and_sends_it_as_basic_auth(
    sandbox: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)  # httpx logs every request's URL at INFO
    seen: list[bytes] = []
    receiver = RawReceiver("127.0.0.1", "ok")
    receiver.record = seen
    try:
        secret = "s3cret-pw"
        callback = receiver.url.replace("http://", f"http://hook:{secret}@") + "/status"
        assert _bandwidth_send(sandbox, callbackUrl=callback).status_code == 201
        assert sandbox.wait_for_callbacks(WAIT)
        assert [d["state"] for d in sandbox.callbacks()] == ["delivered"]
    finally:
        receiver.close()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "127.0.0.1" in logged and secret not in logged
    (request,) = seen
    headers = dict(line.split(b": ", 1) for line in request.split(b"\r\n\r\n")[0].split(b"\r\n")[1:])
    expected = b"Basic " + base64.b64encode(f"hook:{secret}".encode())
    assert {name.lower(): value for name, value in headers.items()}[b"authorization"] == expected
    assert secret.encode() not in request.split(b"\r\n")[0]  # not in the request line either
