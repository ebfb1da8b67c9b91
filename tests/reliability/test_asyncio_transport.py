"""The default async transport (HTTP/1.1 on the asyncio loop, smsclients.asyncio_transport) on the wire.

The suites that run on every transport (hostile servers, faults, TLS, resets, redirects) cover it
too; these are the HTTP/1.1 cases it handles itself: framing of every kind (length, chunked, to the
end of the connection, HEAD, 1xx), keep-alive and when not to reuse a connection, what would split
a request line, a head without end, answers that are not HTTP, timeouts, cancellation, TLS.
Each server is scripted on a raw socket, so the test decides exactly what the client receives.
"""

from __future__ import annotations

import asyncio
import contextlib
import select
import socket
import ssl
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import Any, cast

import httpx
import pytest
from flowroute_v2_client.models import AcceptedMessage
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from smsclients import AsyncFlowrouteClient, DeliveryUnknownError, MalformedResponseError, RetryPolicy
from smsclients.asyncio_transport import MAX_HEADER_BYTES, AsyncioTransport
from smsclients.retries import AsyncRetryTransport

from .loopback import Received, accept_each, canned, loopback, read_head, respond, server_tls

NO_RETRY = RetryPolicy(max_retries=0, timeout=5.0)


def _run(body: Callable[[AsyncioTransport], Awaitable[Any]], loop: str = "asyncio") -> Any:
    """``body`` with a fresh transport, on asyncio's own loop or on uvloop's (the application's choice)."""

    async def main() -> Any:
        transport = AsyncioTransport()
        try:
            return await body(transport)
        finally:
            await transport.aclose()

    if loop == "uvloop":
        import uvloop  # in the dev set

        return uvloop.run(main())
    return asyncio.run(main())


LOOPS = ["asyncio", "uvloop"]


async def _get(transport: AsyncioTransport, url: str, method: str = "GET", **kwargs: Any) -> httpx.Response:
    # Not closed here: closing an httpx client closes its transport, and _run closes that.
    return await httpx.AsyncClient(transport=transport).request(method, url, **kwargs)


class RawServer:
    """Accepts connections; for each, reads one request head (and a Content-Length body) and hands
    the socket to ``script``, which writes whatever the test wants; ``heads`` keeps what arrived."""

    def __init__(self, script: Callable[[socket.socket, bytes], None]) -> None:
        self.script = script
        self.heads: list[bytes] = []
        self.bodies: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        accept_each(self._listener, self._one)

    def _one(self, conn: socket.socket) -> None:
        with conn:
            read = read_head(conn)
            if read is None:
                return
            head, rest = read
            self.heads.append(head)
            if b"transfer-encoding: chunked" in head.lower():
                while not rest.endswith(b"0\r\n\r\n"):
                    rest += conn.recv(65536)
            else:
                length = next(
                    (
                        int(line.split(b":")[1])
                        for line in head.lower().split(b"\r\n")
                        if line.startswith(b"content-length:")
                    ),
                    0,
                )
                while len(rest) < length:
                    rest += conn.recv(65536)
            self.bodies.append(rest)
            with contextlib.suppress(OSError):
                self.script(conn, head)

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def raw() -> Iterator[Callable[[Callable[[socket.socket, bytes], None]], RawServer]]:
    servers: list[RawServer] = []

    def start(script: Callable[[socket.socket, bytes], None]) -> RawServer:
        servers.append(RawServer(script))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def _sends(data: bytes, *, then_close: bool = True) -> Callable[[socket.socket, bytes], None]:
    def script(conn: socket.socket, head: bytes) -> None:
        conn.sendall(data)
        if then_close:
            conn.shutdown(socket.SHUT_WR)

    return script


# ----------------------------------------------------------------------------- framing


@pytest.mark.parametrize(
    ("answer", "body"),
    [
        (b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", b"hello"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n", b"hello"),
        (b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nhello", b"hello"),  # to the end of the connection
        (b"HTTP/1.0 200 OK\r\n\r\nhello", b"hello"),
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", b"hello"),
        (b"HTTP/1.1 204 No Content\r\n\r\n", b""),
    ],
    ids=["length", "chunked", "until-close", "http-1.0", "informational-first", "no-content"],
)
@pytest.mark.parametrize("loop", LOOPS)
def test_every_framing_of_an_answer_is_read_whole(raw: Any, answer: bytes, body: bytes, loop: str) -> None:
    server = raw(_sends(answer))
    response = _run(lambda transport: _get(transport, server.url + "/x"), loop)
    assert response.status_code in (200, 204)
    assert response.content == body


def test_a_head_request_does_not_wait_for_the_length_it_announces(raw: Any) -> None:
    server = raw(_sends(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n", then_close=False))
    response = _run(lambda transport: _get(transport, server.url + "/x", "HEAD", timeout=5.0))
    assert response.status_code == 200 and response.content == b""
    assert response.headers["content-length"] == "1000"


def test_the_answer_is_given_as_it_came(raw: Any) -> None:
    answer = b"HTTP/1.1 202 Accepted Here\r\nX-Multi: a\r\nx-multi: b\r\nX-Name: caf\xe9\r\nContent-Length: 2\r\n\r\n{}"
    server = raw(_sends(answer))
    response = _run(lambda transport: _get(transport, server.url + "/a%2Fb?q=x%20y", "POST", content=b"body"))
    assert response.status_code == 202
    assert response.reason_phrase == "Accepted Here"
    assert response.http_version == "HTTP/1.1"
    assert response.headers.get_list("x-multi") == ["a", "b"]
    assert response.headers.raw[2] == (b"X-Name", b"caf\xe9")  # bytes kept; httpx decodes them as it always does
    assert response.json() == {}
    request_line = server.heads[0].split(b"\r\n")[0]
    assert request_line == b"POST /a%2Fb?q=x%20y HTTP/1.1"  # the target exactly as httpx encoded it
    assert server.bodies == [b"body"]


def test_a_streamed_body_goes_out_chunked(raw: Any) -> None:
    server = raw(_sends(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))

    async def parts() -> Any:
        for part in (b"one,", b"", b"two"):
            yield part

    response = _run(lambda transport: _get(transport, server.url + "/up", "POST", content=parts()))
    assert response.status_code == 200
    assert b"transfer-encoding: chunked" in server.heads[0].lower()
    assert server.bodies == [b"4\r\none,\r\n3\r\ntwo\r\n0\r\n\r\n"]


# ----------------------------------------------------------------------------- keep-alive


@pytest.mark.parametrize("loop", LOOPS)
def test_one_connection_is_kept_for_sequential_requests(loop: str) -> None:
    with loopback(canned) as server:

        async def three(transport: AsyncioTransport) -> list[int]:
            return [
                (await _get(transport, server.url + "/v2.1/messages", "POST", content=b"{}")).status_code
                for _ in range(3)
            ]

        assert _run(three, loop) == [202, 202, 202]
        assert server.connections == 1


def test_a_connection_the_server_closes_is_not_reused() -> None:
    """``Connection: close``, or a close after the answer: the next request opens a new connection."""

    def closing(conn: socket.socket, request: Received) -> bool:
        respond(conn, 200, [("Connection", "close")] if request.target == "/said" else [], b"{}")
        return request.target != "/said" and request.target != "/silent"

    with loopback(closing) as server:

        async def run(transport: AsyncioTransport) -> list[int]:
            statuses = [(await _get(transport, server.url + "/said")).status_code]
            statuses.append((await _get(transport, server.url + "/silent")).status_code)
            # The close may reach the loop after the answer: wait (a hang guard) until it has.
            for _ in range(500):
                idle = [c for connections in transport._idle.values() for c in connections]
                if not idle or not idle[0].reusable(0.0 + idle[0].idle_since):
                    break
                await asyncio.sleep(0.01)
            statuses.append((await _get(transport, server.url + "/kept")).status_code)
            return statuses

        assert _run(run) == [200, 200, 200]
        assert server.connections == 3


def test_an_answer_nobody_asked_for_spoils_the_connection(raw: Any) -> None:
    """Bytes after the answer (a second answer, garbage): the connection is not reused."""
    server = raw(_sends(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}HTTP/1.1 200 OK\r\n", then_close=False))

    async def twice(transport: AsyncioTransport) -> int:
        await _get(transport, server.url + "/one")
        await _get(transport, server.url + "/two")
        return len(server.heads)

    assert _run(twice) == 2  # each request on a connection of its own


# ----------------------------------------------------------------------------- what cannot be written


@pytest.mark.parametrize(
    "headers",
    [{"X-Bad": "a\r\nX-Injected: 1"}, {"X-Bad": "a\nb"}, {"X-Bad": "a\x00b"}, {"Bad Name": "x"}],
    ids=["crlf", "lf", "nul", "space-in-name"],
)
def test_a_header_that_would_split_the_request_is_refused_before_connecting(raw: Any, headers: dict[str, str]) -> None:
    server = raw(_sends(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))

    async def send(transport: AsyncioTransport) -> None:
        request = httpx.Request("GET", server.url + "/x", headers=headers)
        await transport.handle_async_request(request)

    with pytest.raises(httpx.LocalProtocolError, match="cannot send the header"):
        _run(send)
    assert server.heads == []


# ----------------------------------------------------------------------------- hostile answers


@pytest.mark.parametrize(
    "answer",
    [
        b"this is not HTTP\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",  # cut short
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",  # a chunk cut short
        b"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n{}",  # two lengths
        b"",  # closed without a word
    ],
    ids=["not-http", "short-body", "short-chunk", "two-lengths", "silent-close"],
)
@pytest.mark.parametrize("loop", LOOPS)
def test_a_broken_answer_to_a_send_is_delivery_unknown(raw: Any, answer: bytes, loop: str) -> None:
    """The request left: whatever came back, the send is reported unknown and not repeated."""
    server = raw(_sends(answer))

    async def send(transport: AsyncioTransport) -> None:
        retry = RetryPolicy(max_retries=2)
        async with AsyncFlowrouteClient("k", "s", base_url=server.url, retry=retry, transport=transport) as client:
            await client.messages.send(to="12065551234", from_="12012673227", body="hi")

    with pytest.raises(DeliveryUnknownError):
        _run(send, loop)
    assert len(server.heads) == 1


def test_a_head_without_end_is_refused_at_the_limit(raw: Any) -> None:
    def endless(conn: socket.socket, head: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        line = b"X-Filler: " + b"a" * 1000 + b"\r\n"
        for _ in range(4 * MAX_HEADER_BYTES // len(line)):
            conn.sendall(line)

    server = raw(endless)
    with pytest.raises(httpx.RemoteProtocolError, match="head is larger than"):
        _run(lambda transport: _get(transport, server.url + "/x", timeout=10.0))


def test_a_body_past_the_limit_is_refused_before_it_is_all_read(raw: Any) -> None:
    size = 64 * 1024 * 1024

    def huge(conn: socket.socket, head: bytes) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % size)
        piece = b" " * 65536
        for _ in range(size // len(piece)):
            conn.sendall(piece)

    server = raw(huge)

    async def read() -> None:
        async with AsyncFlowrouteClient(
            "k", "s", base_url=server.url, retry=RetryPolicy(max_retries=0, max_response_bytes=100_000)
        ) as client:
            await client.routes.list()

    with pytest.raises(MalformedResponseError, match="larger than 100,000 bytes"):
        asyncio.run(read())


# ----------------------------------------------------------------------------- time and cancellation


@pytest.mark.parametrize("loop", LOOPS)
def test_no_answer_is_a_read_timeout(raw: Any, loop: str) -> None:
    release = threading.Event()
    server = raw(lambda conn, head: release.wait(30) and None)
    try:
        with pytest.raises(httpx.ReadTimeout):
            _run(lambda transport: _get(transport, server.url + "/x", timeout=httpx.Timeout(5.0, read=0.3)), loop)
    finally:
        release.set()


def test_a_cancelled_request_does_not_leave_its_connection_for_the_next(raw: Any) -> None:
    arrived = threading.Event()
    release = threading.Event()

    def slow_first(conn: socket.socket, head: bytes) -> None:
        if b"/slow" in head:
            arrived.set()
            release.wait(30)
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")

    server = raw(slow_first)

    async def run(transport: AsyncioTransport) -> bytes:
        task = asyncio.ensure_future(_get(transport, server.url + "/slow"))
        while not arrived.is_set():
            await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert not transport._idle.get((b"http", "127.0.0.1", int(server.url.rsplit(":", 1)[1]), None))
        return (await _get(transport, server.url + "/next")).content

    try:
        assert _run(run) == b"ok"
    finally:
        release.set()
    assert len(server.heads) == 2


def test_a_refused_connection_is_a_connect_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(httpx.ConnectError):
        _run(lambda transport: _get(transport, f"http://127.0.0.1:{port}/x"))


# ----------------------------------------------------------------------------- TLS


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, list[int]]]:
    """A keep-alive HTTPS server on loopback with a certificate for localhost (TLS 1.3, so it sends
    session tickets after the handshake), that certificate's file, and its count of handshakes."""
    made = server_tls(tmp_path_factory.mktemp("tls"))
    if made is None:
        pytest.skip("openssl is not installed: cannot make a certificate")
    context, cert = made
    listener = socket.create_server(("127.0.0.1", 0))
    handshakes = [0]

    def serve(conn: socket.socket) -> None:
        try:
            with context.wrap_socket(conn, server_side=True) as tls:
                handshakes[0] += 1
                buffer = b""
                while (read := read_head(tls, buffer)) is not None:
                    buffer = read[1]
                    tls.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecure")
        except (OSError, ssl.SSLError):
            pass  # refused handshakes are part of the test

    accept_each(listener, serve)
    yield f"https://localhost:{listener.getsockname()[1]}", cert, handshakes
    listener.close()


@pytest.mark.parametrize("loop", LOOPS)
def test_tls_is_verified_and_works_with_a_trusted_certificate(
    tls_server: tuple[str, Path, list[int]], loop: str
) -> None:
    url, cert, handshakes = tls_server
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        _run(lambda transport: _get(transport, url + "/x"), loop)

    async def trusted(transport: AsyncioTransport) -> list[bytes]:
        trusting = AsyncioTransport(verify=ssl.create_default_context(cafile=str(cert)))
        try:
            return [(await _get(trusting, url + "/x")).content for _ in range(3)]
        finally:
            await trusting.aclose()

    before = handshakes[0]
    assert _run(trusted, loop) == [b"secure"] * 3
    assert handshakes[0] - before == 1  # one TLS connection, kept alive for all three


def test_verify_takes_only_what_it_can_mean() -> None:
    from smsclients import InputError

    with pytest.raises(InputError, match="verify"):
        AsyncioTransport(verify="yes")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- other event loops


def test_under_trio_the_default_async_client_sends_through_httpx() -> None:
    """asyncio's Protocols cannot run on trio: there, each request goes through httpx's own transport."""
    import trio  # in the dev set
    from smsclients.pooling import PartitionedAsyncTransport

    with loopback(canned) as server:

        async def main() -> tuple[str, int, object]:
            async with AsyncFlowrouteClient("k", "s", base_url=server.url, retry=NO_RETRY) as client:
                sent = await client.messages.send(to="12065551234", from_="12012673227", body="hi")
                many = client.messages.send_many(
                    ({"to": "12065551234", "text": f"m{i}"} for i in range(12)), from_="12012673227", concurrency=4
                )
                accepted = sum([result.ok async for result in many])
                inner = cast(AsyncRetryTransport, client._https[0]._transport).inner
                return str(cast(AcceptedMessage, sent.data).id), accepted, cast(AsyncioTransport, inner)._elsewhere

        message_id, accepted, elsewhere = trio.run(main)
    assert message_id.startswith("mdr2-") and accepted == 12
    assert isinstance(elsewhere, PartitionedAsyncTransport)
    assert len(server.sends()) == 13


# ----------------------------------------------------------------------------- found in review


def test_endless_informational_answers_are_refused_at_the_head_cap(raw: Any) -> None:
    """1xx heads count towards one cap: a server cannot keep a request waiting on 100 Continue."""

    def endless(conn: socket.socket, head: bytes) -> None:
        for _ in range(4 * MAX_HEADER_BYTES // 40):
            conn.sendall(b"HTTP/1.1 100 Continue\r\nX-Pad: " + b"a" * 10 + b"\r\n\r\n")

    server = raw(endless)
    with pytest.raises(httpx.RemoteProtocolError, match="head is larger than"):
        _run(lambda transport: _get(transport, server.url + "/x", timeout=30.0))


def test_a_connection_closed_while_idle_is_not_reused_even_before_the_loop_has_seen_it() -> None:
    """The server closed the idle connection, its FIN is in our socket, and the loop has not run
    since: the socket is checked before reuse, so the request goes out on a new connection."""
    closed = threading.Event()

    def close_after(conn: socket.socket, request: Received) -> bool:
        respond(conn, 200, [], b"{}")  # keep-alive announced, then closed anyway
        return False

    with loopback(close_after) as server:

        async def run(transport: AsyncioTransport) -> int:
            await _get(transport, server.url + "/first")
            (connection,) = [c for connections in transport._idle.values() for c in connections]
            assert connection.transport is not None
            sock = connection.transport.get_extra_info("socket")
            for _ in range(1000):  # wait (a hang guard) for the FIN, without letting the loop run
                if select.select([sock.fileno()], [], [], 0.01)[0]:
                    break
            closed.set()
            return (await _get(transport, server.url + "/second")).status_code

        assert _run(run) == 200
        assert closed.is_set() and server.connections == 2


def test_the_host_goes_out_as_ascii_for_the_connection_and_the_tls_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """An internationalised host name is connected to, and named to TLS, in its IDNA (xn--) form."""
    seen: list[tuple[object, ...]] = []

    async def record(self: object, factory: object, host: str, port: int, **kwargs: Any) -> Any:
        seen.append((host, port, kwargs.get("server_hostname")))
        raise OSError("no network in this test")

    monkeypatch.setattr(asyncio.BaseEventLoop, "create_connection", record)
    with pytest.raises(httpx.ConnectError):
        _run(lambda transport: _get(transport, "https://bücher.example/x"))
    assert seen == [("xn--bcher-kva.example", 443, "xn--bcher-kva.example")]


# ----------------------------------------------------------------------------- any answer at all

_WELL_FORMED = [
    b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n",
    b"HTTP/1.0 200 OK\r\n\r\nabc",
]
_PIECES = [b"\r\n", b"\n", b"\x00", b":", b" ", b"chunked", b"Content-Length: 99\r\n", b"-1", b"\r\n\r\n", b"\xff"]


@st.composite
def _answers(draw: st.DrawFn) -> bytes:
    """A well-formed answer with bytes deleted, inserted or cut off: what a broken server sends."""
    answer = bytearray(draw(st.sampled_from(_WELL_FORMED)))
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(answer)))
        edit = draw(st.sampled_from(["delete", "byte", "piece", "cut"]))
        if edit == "delete" and answer:
            del answer[min(at, len(answer) - 1)]
        elif edit == "byte":
            answer[at:at] = bytes([draw(st.integers(0, 255))])
        elif edit == "piece":
            answer[at:at] = draw(st.sampled_from(_PIECES))
        else:
            answer = answer[:at]
    return bytes(answer)


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answer=_answers())
def test_any_answer_ends_in_a_response_or_a_typed_error(raw: Any, answer: bytes) -> None:
    """Whatever comes back, the caller gets a response or an httpx transport error, within the
    read timeout: never another exception, never a wait without end."""
    server = raw(_sends(answer))

    async def once(transport: AsyncioTransport) -> object:
        request = httpx.Request("GET", server.url + "/x", extensions={"timeout": {"connect": 5.0, "read": 5.0}})
        try:
            return await asyncio.wait_for(transport.handle_async_request(request), 30)
        except httpx.TransportError as error:
            return error

    outcome = _run(once)
    assert isinstance(outcome, httpx.Response | httpx.TransportError), repr(outcome)
    if isinstance(outcome, httpx.TransportError):
        assert not isinstance(outcome, httpx.ConnectError | httpx.ConnectTimeout)  # the request had left


def test_a_request_line_that_cannot_be_sent_is_refused_without_echoing_it(raw: Any) -> None:
    server = raw(_sends(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))

    async def send(transport: AsyncioTransport) -> None:
        # httpx refuses control characters in a URL itself; a method it passes as given.
        request = httpx.Request("GET /x?token=s3cret", server.url + "/x", params={"token": "s3cret"})
        await transport.handle_async_request(request)

    with pytest.raises(httpx.LocalProtocolError, match="cannot send the request line") as raised:
        _run(send)
    assert "s3cret" not in str(raised.value)
    assert server.heads == []
