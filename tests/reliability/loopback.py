"""A raw HTTP/1.1 server on 127.0.0.1 for hostile-server tests, and every surface that can talk to it.

:class:`Loopback` parses just enough HTTP (request line, headers, Content-Length), keeps each
connection alive for the next request, records every request as it arrived on the wire, and lets
the test decide how to answer: canned provider answers (those of ``bench.rawserver``), a body
dripped one byte at a time, a huge or gzip-bombed body, any status and headers.

:func:`sends` and :func:`reads` give one callable per client surface (modern sync, legacy, and
the async clients through :func:`run_async`) on a chosen transport, each making one send or one
read against a :class:`Loopback`, so a property can be checked on every surface at once.
"""

from __future__ import annotations

import asyncio
import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from smsclients import (
    AsyncBandwidthClient,
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    BandwidthClient,
    FlowrouteClient,
    MessageMediaClient,
    RetryPolicy,
)
from smsclients.legacy import bandwidth as legacy_bandwidth
from smsclients.legacy import flowroute_messaging, flowroute_v3
from smsclients.legacy import messagemedia as legacy_messagemedia
from smsclients.transports import DEFAULT_ASYNC_KIND, fast_async_transport, fast_transport

from bench.rawserver import _answer


@dataclass
class Received:
    """One request as it arrived: the request line's parts, headers (lower-cased names), body."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes


Answer = Callable[[socket.socket, Received], bool]
"""Writes the answer to a request; returns whether the connection stays open for the next one."""


def accept_each(listener: socket.socket, handle: Callable[[socket.socket], None]) -> None:
    """Until ``listener`` is closed, hand each connection it accepts to ``handle`` on a thread of its own."""

    def accept() -> None:
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=handle, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()


def server_tls(directory: Path) -> tuple[ssl.SSLContext, Path] | None:
    """A TLS server context with a new self-signed certificate for localhost (and 127.0.0.1), and
    that certificate's file (for a client to trust), made by openssl in ``directory``; None where
    openssl is not installed."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = directory / "cert.pem", directory / "key.pem"
    subject = ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"]
    files = ["-keyout", str(key), "-out", str(cert)]
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", *subject, *files],
        check=True,
        capture_output=True,
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context, cert


def read_head(conn: socket.socket, buffer: bytes = b"") -> tuple[bytes, bytes] | None:
    """A request head read from ``conn`` (after what ``buffer`` holds already) and the bytes after
    it; None if the connection ends first."""
    while b"\r\n\r\n" not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        buffer += chunk
    head, rest = buffer.split(b"\r\n\r\n", 1)
    return head, rest


class Loopback:
    """A threaded raw HTTP/1.1 server; ``received`` lists every request, ``url`` is its root."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.received: list[Received] = []
        self.connections = 0  # accepted so far
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        accept_each(self._listener, self._counted)

    def sends(self) -> list[Received]:
        return [request for request in self.received if request.method in ("POST", "PATCH")]

    def close(self) -> None:
        self._listener.close()

    def _counted(self, conn: socket.socket) -> None:
        self.connections += 1
        self._connection(conn)

    def _connection(self, conn: socket.socket) -> None:
        buffer = b""
        with conn:
            try:
                while True:
                    read = read_head(conn, buffer)
                    if read is None:
                        return
                    head, buffer = read
                    lines = head.decode("latin-1").split("\r\n")
                    method, target, _ = lines[0].split(" ", 2)
                    headers = {}
                    for line in lines[1:]:
                        name, _, value = line.partition(":")
                        headers[name.strip().lower()] = value.strip()
                    length = int(headers.get("content-length") or 0)
                    while len(buffer) < length:
                        chunk = conn.recv(65536)
                        if not chunk:
                            return
                        buffer += chunk
                    body, buffer = buffer[:length], buffer[length:]
                    request = Received(method, target, headers, body)
                    self.received.append(request)
                    if not self.answer(conn, request):
                        return
            except OSError:
                return


@contextmanager
def loopback(answer: Answer) -> Iterator[Loopback]:
    server = Loopback(answer)
    try:
        yield server
    finally:
        server.close()


def respond(conn: socket.socket, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
    head = [f"HTTP/1.1 {status} X"] + [f"{name}: {value}" for name, value in headers]
    if not any(name.lower() == "content-length" for name, _ in headers):
        head.append(f"Content-Length: {len(body)}")
    conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1") + body)


def canned(conn: socket.socket, request: Received) -> bool:
    """The providers' answers to a send (bench.rawserver's), 404 to anything else; keep-alive."""
    status, headers, body = _answer(request.method.encode(), request.target.encode(), request.body, "127.0.0.1")
    respond(conn, status, headers, body)
    return True


def dripping(head: bytes, *, byte_by_byte_head: bool = False, every: float = 0.2, most: float = 30.0) -> Answer:
    """Send ``head`` (at once, or one byte every ``every`` s), then one body byte every ``every`` s."""

    def answer(conn: socket.socket, request: Received) -> bool:
        ends = time.monotonic() + most
        if byte_by_byte_head:
            for byte in head:
                conn.sendall(bytes([byte]))
                time.sleep(every)
                if time.monotonic() > ends:
                    return False
        else:
            conn.sendall(head)
        while time.monotonic() < ends:
            conn.sendall(b" ")
            time.sleep(every)
        return False

    return answer


DRIP_BODY = dripping(b"HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
DRIP_HEAD = dripping(b"HTTP/1.1 202 Accepted\r\nX-Slow: " + b"a" * 1000, byte_by_byte_head=True)


def big_body(size: int, *, gzipped: bool = False, status: int = 200) -> Answer:
    """A JSON-looking body of ``size`` bytes once decoded; gzipped, it is a few hundred times smaller."""
    decoded = b"[" + b" " * (size - 2) + b"]"
    sent = gzip.compress(decoded, compresslevel=9) if gzipped else decoded
    headers = [("Content-Type", "application/json")]
    if gzipped:
        headers.append(("Content-Encoding", "gzip"))

    def answer(conn: socket.socket, request: Received) -> bool:
        respond(conn, status, headers, sent)
        return False

    return answer


# ----------------------------------------------------------------------------- surfaces

FR_TO, FR_FROM = "12065551234", "12012673227"
BW_FROM, BW_TO = "+19195551212", "+19195554444"
MM_TO = "+61491570156"
MM_ID = "82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b"
FR_MDR2 = "mdr2-39cadeace66e11e7aff806cd7f24ba2d"
FR_MDR1 = "mdr1-0d436467ea1fb01d15c8be83a909013c"

Call = Callable[[], object]
AsyncCall = Callable[[], Awaitable[object]]


def _sync_transport(kind: str) -> httpx.BaseTransport | None:
    return None if kind == "httpx" else fast_transport(kind)


def _async_transport(kind: str) -> httpx.AsyncBaseTransport | None:
    # The default kind through transport=None, so the default install's path is the one tested.
    return None if kind == DEFAULT_ASYNC_KIND else fast_async_transport(kind)


def sync_clients(root: str, kind: str, policy: RetryPolicy) -> dict[str, Any]:
    """Every sync surface (modern and legacy) against ``root``, on one kind of transport."""
    t = _sync_transport
    return {
        "FlowrouteClient": FlowrouteClient("k", "s", base_url=root, retry=policy, transport=t(kind)),
        "BandwidthClient": BandwidthClient("u-1", "t", "s", base_url=root + "/v1", retry=policy, transport=t(kind)),
        "MessageMediaClient": MessageMediaClient("k", "s", hmac=True, base_url=root, retry=policy, transport=t(kind)),
        "legacy.flowroute_v3": flowroute_v3.FlowroutenumbersandmessagingClient(
            "k", "s", base_uri=root, retry=policy, transport=t(kind)
        ),
        "legacy.flowroute_messaging": flowroute_messaging.APIController(
            "k", "s", base_uri=root + "/v2", retry=policy, transport=t(kind)
        ),
        "legacy.bandwidth": legacy_bandwidth.Client(
            "u-1", "t", "s", api_endpoint=root, retry=policy, transport=t(kind)
        ),
        "legacy.messagemedia": legacy_messagemedia.MessageMediaMessagesClient(
            "k", "s", True, base_url=root, retry=policy, transport=t(kind)
        ),
    }


def sync_send(name: str, client: Any) -> Call:
    """One send on the surface ``name`` (a POST that is not safe to repeat)."""
    v3_body = {"data": {"type": "message", "attributes": {"to": FR_TO, "from": FR_FROM, "body": "hi"}}}
    calls: dict[str, Call] = {
        "FlowrouteClient": lambda: client.messages.send(to=FR_TO, from_=FR_FROM, body="hi"),
        "BandwidthClient": lambda: client.messages.send(from_=BW_FROM, to=BW_TO, text="hi"),
        "MessageMediaClient": lambda: client.messages.send([{"content": "hi", "destination_number": MM_TO}]),
        "legacy.flowroute_v3": lambda: client.messages.send_a_message(v3_body),
        "legacy.flowroute_messaging": lambda: client.create_message(
            flowroute_messaging.Message(to=FR_TO, from_=FR_FROM, content="hi")
        ),
        "legacy.bandwidth": lambda: client.send_message(BW_FROM, BW_TO, "hi"),
        "legacy.messagemedia": lambda: client.messages.create_send_messages(
            {"messages": [{"content": "hi", "destination_number": MM_TO}]}
        ),
    }
    return calls[name]


def sync_read(name: str, client: Any) -> Call:
    """One read on the surface ``name`` (a GET, safe to repeat)."""
    calls: dict[str, Call] = {
        "FlowrouteClient": lambda: client.messages.get(FR_MDR2),
        "BandwidthClient": lambda: client.messages.get("m-abc"),
        "MessageMediaClient": lambda: client.messages.status(MM_ID),
        "legacy.flowroute_v3": lambda: client.messages.look_up_a_message_detail_record(FR_MDR2),
        "legacy.flowroute_messaging": lambda: client.get_message_lookup(FR_MDR1),
        "legacy.bandwidth": lambda: client.get_message("m-abc"),
        "legacy.messagemedia": lambda: client.messages.get_message_status(MM_ID),
    }
    return calls[name]


SYNC_SURFACES = (
    "FlowrouteClient",
    "BandwidthClient",
    "MessageMediaClient",
    "legacy.flowroute_v3",
    "legacy.flowroute_messaging",
    "legacy.bandwidth",
    "legacy.messagemedia",
)
ASYNC_SURFACES = ("AsyncFlowrouteClient", "AsyncBandwidthClient", "AsyncMessageMediaClient")


def async_client(name: str, root: str, kind: str, policy: RetryPolicy) -> Any:
    """An async client (created outside any event loop, as an application would at import time)."""
    if name == "AsyncFlowrouteClient":
        return AsyncFlowrouteClient("k", "s", base_url=root, retry=policy, transport=_async_transport(kind))
    if name == "AsyncBandwidthClient":
        return AsyncBandwidthClient(
            "u-1", "t", "s", base_url=root + "/v1", retry=policy, transport=_async_transport(kind)
        )
    return AsyncMessageMediaClient("k", "s", hmac=True, base_url=root, retry=policy, transport=_async_transport(kind))


def async_send(name: str, client: Any) -> AsyncCall:
    calls: dict[str, AsyncCall] = {
        "AsyncFlowrouteClient": lambda: client.messages.send(to=FR_TO, from_=FR_FROM, body="hi"),
        "AsyncBandwidthClient": lambda: client.messages.send(from_=BW_FROM, to=BW_TO, text="hi"),
        "AsyncMessageMediaClient": lambda: client.messages.send([{"content": "hi", "destination_number": MM_TO}]),
    }
    return calls[name]


def async_read(name: str, client: Any) -> AsyncCall:
    calls: dict[str, AsyncCall] = {
        "AsyncFlowrouteClient": lambda: client.messages.get(FR_MDR2),
        "AsyncBandwidthClient": lambda: client.messages.get("m-abc"),
        "AsyncMessageMediaClient": lambda: client.messages.status(MM_ID),
    }
    return calls[name]


def run_async(call: AsyncCall) -> object:
    """Run one async call in its own event loop (``asyncio.run``), as a script or a test would."""

    async def run() -> object:
        return await call()

    return asyncio.run(run())


def close_async(client: Any) -> None:
    asyncio.run(client.aclose())
