"""The pyreqwest transports (extra ``fast``) behave like httpx's own where our retry rules depend on it.

Against a loopback server: bodies and headers arrive intact, redirects are returned rather than
followed (reqwest follows them by default, which would re-send a message elsewhere), and
failures surface as the httpx exceptions the retry rules classify, so a send whose outcome is
unknown still raises DeliveryUnknownError and a refused connection is still retried.
"""

from __future__ import annotations

import asyncio
import gzip
import http.server
import socket
import struct
import threading
from collections.abc import Iterator
from typing import ClassVar

import httpx
import pytest
from smsclients import (
    AsyncFlowrouteClient,
    ConnectionFailedError,
    DeliveryUnknownError,
    FlowrouteClient,
    MalformedResponseError,
    RetryPolicy,
    shortcuts,
)
from smsclients.retries import AsyncRetryTransport, RetryTransport
from smsclients.transports import AsyncPyreqwestTransport, PyreqwestTransport, fast_async_transport, fast_transport

from .loopback import accept_each

pytest.importorskip("pyreqwest")  # in the dev set; the extra is optional for users


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen: ClassVar[list[tuple[str, str, dict[str, str], bytes]]] = []
    # /slow: set when its request has arrived; the answer is held until `release` is set (no sleep).
    arrived: ClassVar[threading.Event] = threading.Event()
    release: ClassVar[threading.Event] = threading.Event()

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        _Handler.seen.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
        if self.path.startswith("/redirect"):
            self.send_response(307)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path.startswith("/slow"):
            _Handler.arrived.set()
            _Handler.release.wait(60)  # held past the client's timeout, until the test is done
        if self.path.startswith("/badgzip"):
            self.send_response(202)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", "12")
            self.end_headers()
            self.wfile.write(b"not gzip at all"[:12])
            return
        if self.path.startswith("/latin1-header"):
            self.send_response(202)
            self.send_header("X-Name", "caf\u00e9")  # sent as the single byte 0xE9 (latin-1)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path.startswith(("/gzip", "/identity")):
            gzipped = self.path.startswith("/gzip")
            body = gzip.compress(b'{"echo": true}') if gzipped else b'{"echo": true}'
            self.send_response(202)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip" if gzipped else "identity")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        payload = b'{"echo": true}'
        self.send_response(202)
        self.send_header("Content-Type", "application/json")
        self.send_header("X-Multi", "a")
        self.send_header("X-Multi", "b")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_request_and_response_arrive_intact(server: str) -> None:
    _Handler.seen.clear()
    transport = PyreqwestTransport()
    try:
        request = httpx.Request("POST", f"{server}/echo?q=1", content=b'{"a": "\xc3\xa9"}', headers={"X-Key": "v"})
        response = transport.handle_request(request)
        assert not response.is_stream_consumed  # like httpx's own transports; the client reads it
        response.read()
    finally:
        transport.close()
    method, path, headers, body = _Handler.seen[-1]
    assert (method, path, body, headers["x-key"]) == ("POST", "/echo?q=1", b'{"a": "\xc3\xa9"}', "v")
    assert response.status_code == 202
    assert response.json() == {"echo": True}
    assert response.headers.get_list("x-multi") == ["a", "b"]
    assert response.request is request
    assert response.http_version == "HTTP/1.1"


def test_bodies_are_buffered_without_changing_what_callers_see(server: str) -> None:
    """A body that needs no decoding skips httpx's decoder chain (``shortcuts.buffered_response``);
    one whose Content-Encoding reqwest left in place still goes through it. Either way content,
    json(), iter_bytes() and iter_raw() give what httpx's own transports give."""
    assert shortcuts._BODIES_SUPPORTED  # the pinned httpx supports the shortcut, so it is what runs here

    async def via_async(url: str) -> httpx.Response:
        transport = AsyncPyreqwestTransport()
        try:
            return await transport.handle_async_request(httpx.Request("GET", url))
        finally:
            await transport.aclose()

    def via_sync(url: str) -> httpx.Response:
        transport = PyreqwestTransport()
        try:
            return transport.handle_request(httpx.Request("GET", url))
        finally:
            transport.close()

    # reqwest decodes gzip itself (and drops the header); "identity" it passes on for httpx to handle.
    for path, buffered in (("/echo", True), ("/gzip", True), ("/identity", False)):
        for fetch in (via_sync, lambda url: asyncio.run(via_async(url))):
            streamed = fetch(server + path)  # streamed raw, as a caller of client.stream() would
            assert not streamed.is_stream_consumed
            assert b"".join(streamed.iter_raw()) == b'{"echo": true}'
            response = fetch(server + path)
            assert hasattr(response, "_content") is buffered, path
            response.read()
            assert response.content == b'{"echo": true}'
            assert response.json() == {"echo": True}
            assert b"".join(response.iter_bytes()) == b'{"echo": true}'


def test_redirects_are_returned_not_followed(server: str) -> None:
    _Handler.seen.clear()
    transport = PyreqwestTransport()
    try:
        response = transport.handle_request(httpx.Request("POST", f"{server}/redirect", content=b"msg"))
    finally:
        transport.close()
    assert response.status_code == 307
    assert [path for _, path, _, _ in _Handler.seen] == ["/redirect"]


def test_async_redirects_are_returned_not_followed(server: str) -> None:
    _Handler.seen.clear()

    async def run() -> int:
        transport = AsyncPyreqwestTransport()
        try:
            request = httpx.Request("POST", f"{server}/redirect", content=b"msg")
            return (await transport.handle_async_request(request)).status_code
        finally:
            await transport.aclose()

    assert asyncio.run(run()) == 307
    assert [path for _, path, _, _ in _Handler.seen] == ["/redirect"]


def test_refused_connection_is_a_connect_error_and_is_retried() -> None:
    port = _closed_port()
    policy = RetryPolicy(max_retries=2, backoff_initial=0.0, backoff_max=0.0, timeout=2.0)
    with FlowrouteClient(
        "k", "s", base_url=f"http://127.0.0.1:{port}", retry=policy, transport=PyreqwestTransport()
    ) as client:
        with pytest.raises(ConnectionFailedError):
            client.messages.send(to="12065551234", from_="12012673227", body="hi")
        retrying = client._https[0]._transport
        assert isinstance(retrying, RetryTransport)
        assert retrying.attempts == 3  # a send that never connected is safe to repeat


def test_timeout_after_the_send_left_is_delivery_unknown(server: str) -> None:
    _Handler.seen.clear()
    _Handler.arrived.clear()
    _Handler.release.clear()
    # The server holds the answer until released, so the client's timeout (2 s: loopback connects
    # and writes far within it even on a loaded machine) can only trip while waiting for the answer.
    policy = RetryPolicy(max_retries=3, timeout=2.0)
    try:
        with (
            FlowrouteClient(
                "k", "s", base_url=f"{server}/slow", retry=policy, transport=PyreqwestTransport()
            ) as client,
            pytest.raises(DeliveryUnknownError),
        ):
            client.messages.send(to="12065551234", from_="12012673227", body="hi")
        # The client gave up; the server thread records the request on its own schedule.
        assert _Handler.arrived.wait(30)
        assert len(_Handler.seen) == 1  # not sent again
    finally:
        _Handler.release.set()


@pytest.fixture
def resetting_server() -> Iterator[tuple[str, list[bytes]]]:
    """Reads each request, then resets the connection: the server got the message, the client no answer."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    received: list[bytes] = []

    def reset(conn: socket.socket) -> None:
        received.append(conn.recv(65536))
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))  # RST, not FIN
        conn.close()

    accept_each(listener, reset)
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", received
    listener.close()


RESET_POLICY = RetryPolicy(max_retries=3, backoff_initial=0.0, backoff_max=0.0, timeout=2.0)


@pytest.mark.parametrize("kind", ["httpx", "pyreqwest"])
def test_reset_after_the_send_arrived_is_delivery_unknown(kind: str, resetting_server: tuple[str, list[bytes]]) -> None:
    base, received = resetting_server
    with (
        FlowrouteClient("k", "s", base_url=base, retry=RESET_POLICY, transport=fast_transport(kind)) as client,
        pytest.raises(DeliveryUnknownError),
    ):
        client.messages.send(to="12065551234", from_="12012673227", body="hi")
    assert len(received) == 1 and received[0].startswith(b"POST /v2.1/messages")


@pytest.mark.parametrize("kind", ["httpx", "pyreqwest", "aiohttp", "asyncio"])
def test_async_reset_after_the_send_arrived_is_delivery_unknown(
    kind: str, resetting_server: tuple[str, list[bytes]]
) -> None:
    base, received = resetting_server

    async def run() -> None:
        transport = fast_async_transport(kind)
        async with AsyncFlowrouteClient("k", "s", base_url=base, retry=RESET_POLICY, transport=transport) as client:
            with pytest.raises(DeliveryUnknownError):
                await client.messages.send(to="12065551234", from_="12012673227", body="hi")

    asyncio.run(run())
    assert len(received) == 1


@pytest.mark.parametrize("kind", ["httpx", "pyreqwest"])
def test_an_undecodable_body_is_a_malformed_response_not_a_resend(kind: str, server: str) -> None:
    _Handler.seen.clear()
    with (
        FlowrouteClient(
            "k", "s", base_url=f"{server}/badgzip", retry=RESET_POLICY, transport=fast_transport(kind)
        ) as c,
        pytest.raises(MalformedResponseError, match="could not be decoded"),
    ):
        c.messages.send(to="12065551234", from_="12012673227", body="hi")
    assert len(_Handler.seen) == 1


@pytest.mark.parametrize("kind", ["httpx", "pyreqwest", "aiohttp", "asyncio"])
def test_async_undecodable_body_is_a_malformed_response(kind: str, server: str) -> None:
    _Handler.seen.clear()

    async def run() -> None:
        transport = fast_async_transport(kind)
        url = f"{server}/badgzip"
        async with AsyncFlowrouteClient("k", "s", base_url=url, retry=RESET_POLICY, transport=transport) as client:
            with pytest.raises(MalformedResponseError):
                await client.messages.send(to="12065551234", from_="12012673227", body="hi")

    asyncio.run(run())
    assert len(_Handler.seen) == 1


def test_a_header_pyreqwest_cannot_decode_is_a_malformed_response_not_a_resend(server: str) -> None:
    """reqwest refuses a non-ASCII header value when asked for it as text (a bare ValueError before)."""
    _Handler.seen.clear()
    url = f"{server}/latin1-header"
    with (
        FlowrouteClient("k", "s", base_url=url, retry=RESET_POLICY, transport=fast_transport("pyreqwest")) as c,
        pytest.raises(MalformedResponseError, match="could not be decoded"),
    ):
        c.messages.send(to="12065551234", from_="12012673227", body="hi")

    async def run() -> None:
        transport = fast_async_transport("pyreqwest")
        async with AsyncFlowrouteClient("k", "s", base_url=url, retry=RESET_POLICY, transport=transport) as client:
            with pytest.raises(MalformedResponseError, match="could not be decoded"):
                await client.messages.send(to="12065551234", from_="12012673227", body="hi")

    asyncio.run(run())
    assert len(_Handler.seen) == 2  # one send each, never repeated


@pytest.mark.parametrize("kind", ["httpx", "pyreqwest", "aiohttp", "asyncio"])
def test_async_refused_connection_is_retried(kind: str) -> None:
    """The connect stage is recognised on every async transport, so a send that never left is retried."""
    base = f"http://127.0.0.1:{_closed_port()}"

    async def run() -> int:
        async with AsyncFlowrouteClient(
            "k", "s", base_url=base, retry=RESET_POLICY, transport=fast_async_transport(kind)
        ) as client:
            with pytest.raises(ConnectionFailedError):
                await client.messages.send(to="12065551234", from_="12012673227", body="hi")
            retrying = client._https[0]._transport
            assert isinstance(retrying, AsyncRetryTransport)
            return retrying.attempts

    assert asyncio.run(run()) == 4  # RESET_POLICY allows 3 retries
