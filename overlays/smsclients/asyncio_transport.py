"""The default async transport: HTTP/1.1 on the running asyncio event loop, parsed by httptools.

Why not a library's whole client (measured, docs/guides/performance.md "Fast by default"): with 64
sends in flight at 50 ms, what decides the rate is how late each answer reaches the task waiting
for it. pyreqwest does its I/O on a Tokio thread, and each answer crosses back to the loop's
thread: on a busy CPU that costs about 2 ms a request, a ceiling of 95 % of the bound before any
of our code runs. aiohttp and httpcore stay on the loop but spend several loop turns and 200-400 µs
of CPU on each request, and h11's pure-Python parsing about 150 µs. Here an answer's bytes go from
the socket (an asyncio Protocol) straight into httptools (MagicStack's binding of llhttp, Node.js's
HTTP/1.1 parser; uvicorn's) and wake the waiting task in the same loop turn.

What this module holds is the glue: writing the request (httpx has built and checked it; the
request line and header names and values are checked again for what would split them), a keep-alive
pool per origin, and the guarantees every transport of this package keeps:

* errors are classified by where they happened: only a failed connect (or TLS handshake) is
  ``httpx.ConnectError``/``ConnectTimeout``, "never sent"; anything after the request started to
  leave is a read or protocol error, so a send is never repeated on a guess;
* each wait is bounded by the phase's httpx timeout cut to the attempt's deadline
  (:mod:`smsclients.deadlines`), so a dripping server cannot hold a call;
* a body is refused as soon as it grows past the attempt's size limit, a response head past
  ``MAX_HEADER_BYTES``;
* redirects are returned, never followed; the request target goes out exactly as httpx encoded
  (and the HMAC signer signed) it; TLS is verified unless ``verify=False``;
* connections belong to the loop that opened them; from a new loop the transport opens new ones
  (:class:`~smsclients.lifecycle.LoopBinding`). Not on asyncio (trio), each request goes through
  httpx's own transport (:class:`~smsclients.pooling.PartitionedAsyncTransport`), which runs there.

Each request in flight has a connection of its own (no cap, as with pyreqwest): bound a bulk
send's concurrency in the application (``send_many(concurrency=)`` does).
"""

from __future__ import annotations

import asyncio
import math
import re
import select
import ssl
import time
from typing import Any, Final, cast

import httpx

from .deadlines import clipped, current_limits
from .errors import InputError
from .lifecycle import LoopBinding, LoopEnd
from .responses import too_large_body
from .shortcuts import buffered_response

__all__ = ["KEEPALIVE_EXPIRY", "MAX_HEADER_BYTES", "MAX_IDLE_PER_ORIGIN", "AsyncioTransport"]

# An idle connection older than this is closed rather than reused (httpx's own default): servers
# close idle connections after a while, and a request written into one that is closing fails.
KEEPALIVE_EXPIRY: Final = 5.0
# Idle connections kept per origin; more are closed as they come back (httpx's max_connections).
MAX_IDLE_PER_ORIGIN: Final = 100
# The largest response head read (httpcore's limit): a server streaming endless headers gets a
# protocol error, not our memory.
MAX_HEADER_BYTES: Final = 100 * 1024

# RFC 9110 token (method, header name); what would end a header line early or smuggle another one;
# a request target is visible ASCII (httpx percent-encodes the rest).
_TOKEN: Final = re.compile(rb"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_LINE_BREAK: Final = re.compile(rb"[\r\n\x00]")
_TARGET: Final = re.compile(rb"[\x21-\x7e]+")

_Origin = tuple[bytes, str, int | None, Any]


def _head(request: httpx.Request) -> bytes:
    """The request line and headers as httpx built them, checked for anything that would split them."""
    method = request.method.encode("ascii", "replace")
    target = request.url.raw_path
    if not _TOKEN.fullmatch(method) or not _TARGET.fullmatch(target):
        # Not echoed: a target can carry query values the application would not want in a log.
        raise httpx.LocalProtocolError(
            "cannot send the request line: the method is not a token or the target has a space or control character",
            request=request,
        )
    parts = [method, b" ", target, b" HTTP/1.1\r\n"]
    for name, value in request.headers.raw:
        if not _TOKEN.fullmatch(name) or _LINE_BREAK.search(value):
            raise httpx.LocalProtocolError(f"cannot send the header {name!r}", request=request)
        parts += (name, b": ", value, b"\r\n")
    parts.append(b"\r\n")
    return b"".join(parts)


def _chunked(request: httpx.Request) -> bool:
    return any(value.strip().lower() == "chunked" for value in request.headers.get_list("transfer-encoding"))


def _readable(transport: asyncio.Transport) -> bool:
    """Whether an idle connection has bytes or its end waiting that the loop has not handled yet.

    A server that closed an idle connection a moment ago has sent its FIN already: a request
    written into that connection would be lost, and a send reported unknown (as httpcore, we check
    the socket before reuse; what is still on its way cannot be seen).
    """
    sock = transport.get_extra_info("socket")
    if sock is None:
        return False
    try:
        readable, _, _ = select.select([sock.fileno()], [], [], 0)
    except (OSError, ValueError):  # closed under us
        return True
    return bool(readable)


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection and the exchange in progress on it.

    Bytes from the loop go into the parser, whose callbacks collect the answer; the waiting request
    gets a future, resolved with None (answered) or the error, in the loop turn the bytes came in.
    """

    __slots__ = (
        "_answer",
        "_body_size",
        "_deadline",
        "_done",
        "_head_done",
        "_head_only",
        "_head_size",
        "_headers",
        "_last",
        "_limit",
        "_pieces",
        "_read_timeout",
        "_reason",
        "_timer",
        "idle_since",
        "loop",
        "parser",
        "transport",
        "usable",
    )

    def __init__(self, loop: asyncio.AbstractEventLoop, parser_class: Any) -> None:
        self.loop = loop
        self.parser = parser_class(self)
        self.transport: asyncio.Transport | None = None
        self.usable = True  # False once anything makes it unfit for another request
        self.idle_since = 0.0
        self._answer: asyncio.Future[BaseException | None] | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._reset_answer()

    def _reset_answer(self) -> None:
        self._reason = b""
        self._headers: list[tuple[bytes, bytes]] = []
        self._pieces: list[bytes] = []
        self._body_size = 0
        self._head_size = 0
        self._head_done = False
        self._done = False

    # ------------------------------------------------------------------------------ the exchange

    def begin(
        self, limit: int, read_timeout: float | None, deadline: float | None, head_only: bool
    ) -> asyncio.Future[BaseException | None]:
        """Expect an answer: to be read within ``limit`` body bytes, ``read_timeout`` between
        reads and by ``deadline`` (``time.monotonic()``); ``head_only`` for HEAD (no body follows)."""
        self._reset_answer()
        self._limit, self._head_only = limit, head_only
        self._answer = answer = self.loop.create_future()
        self._read_timeout = read_timeout
        now = self.loop.time()
        self._last = now
        self._deadline = None if deadline is None else now + (deadline - time.monotonic())
        if read_timeout is not None or deadline is not None:
            self._timer = self.loop.call_at(self._due(), self._check_time)
        return answer

    def _due(self) -> float:
        due = math.inf if self._read_timeout is None else self._last + self._read_timeout
        return due if self._deadline is None else min(due, self._deadline)

    def _check_time(self) -> None:
        due = self._due()
        if self.loop.time() >= due:
            self._timer = None
            self._fail(httpx.ReadTimeout("no answer within the read timeout or the attempt's deadline"))
        else:  # bytes came in since the timer was set: wait the rest
            self._timer = self.loop.call_at(due, self._check_time)

    def _settle(self, outcome: BaseException | None) -> None:
        timer, self._timer = self._timer, None
        if timer is not None:
            timer.cancel()
        answer = self._answer
        if answer is not None and not answer.done():
            answer.set_result(outcome)

    def _fail(self, error: BaseException) -> None:
        self.usable = False
        self._settle(error)
        self.close()

    def response(self, request: httpx.Request) -> httpx.Response:
        extensions = {"http_version": b"HTTP/" + self.parser.get_http_version().encode(), "reason_phrase": self._reason}
        return buffered_response(
            self.parser.get_status_code(), self._headers, b"".join(self._pieces), request, extensions
        )

    # ------------------------------------------------------------------------------ asyncio.Protocol

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # A socket transport (uvloop's are not subclasses of asyncio.Transport, but behave as one).
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        answer = self._answer
        if answer is None or answer.done():  # bytes nobody asked for: never trusted again
            self.usable = False
            return
        self._last = self.loop.time()
        try:
            self.parser.feed_data(data)
        except Exception as exc:  # httptools' parse errors, an upgrade, or an error from our callbacks
            self.usable = False
            if not answer.done():
                self._fail(httpx.RemoteProtocolError(f"the answer is not valid HTTP/1.1: {exc}"))
            return
        if not self._head_done:
            self._head_size += len(data)
            if self._head_size > MAX_HEADER_BYTES:
                self._fail(httpx.RemoteProtocolError(f"the answer's head is larger than {MAX_HEADER_BYTES:,} bytes"))

    def eof_received(self) -> bool:
        self._ended(None)
        return False  # let asyncio close our side too

    def connection_lost(self, exc: Exception | None) -> None:
        self._ended(exc)

    def _ended(self, exc: BaseException | None) -> None:
        self.usable = False
        if self._answer is None or self._answer.done():
            return
        if self._head_done and not self._framed():
            self._finish()  # no length and not chunked: the body ran to the end of the connection
            return
        message = "the server closed the connection before the answer ended"
        broken = (
            httpx.ReadError(f"{message}: {exc}") if isinstance(exc, OSError) else httpx.RemoteProtocolError(message)
        )
        self._fail(broken)

    def _framed(self) -> bool:
        return any(name.lower() in (b"content-length", b"transfer-encoding") for name, _ in self._headers)

    # ------------------------------------------------------------------------------ httptools' callbacks

    def on_message_begin(self) -> None:
        if self._done:  # a second answer to one request: the connection is out of step
            self.usable = False

    def on_status(self, reason: bytes) -> None:
        self._reason += reason

    def on_header(self, name: bytes, value: bytes) -> None:
        self._headers.append((bytes(name), bytes(value)))

    def on_headers_complete(self) -> None:
        self._head_done = True
        if self._head_only and self.parser.get_status_code() >= 200:
            self.usable = False  # the parser would take what follows for a body
            self._finish()

    def on_body(self, body: bytes) -> None:
        if self._done:
            return
        self._body_size += len(body)
        if self._body_size > self._limit:
            status = self.parser.get_status_code()
            self._fail(too_large_body(self._limit, status_code=status, method=None))
            return
        self._pieces.append(bytes(body))

    def on_message_complete(self) -> None:
        if self._done:
            return
        if self.parser.get_status_code() < 200:  # 1xx: the answer follows; heads count towards one cap
            head_size = self._head_size
            self._reset_answer()
            self._head_size = head_size
            return
        self._finish()

    def _finish(self) -> None:
        self._done = True
        if not self.parser.should_keep_alive():
            self.usable = False
        self._settle(None)

    # ------------------------------------------------------------------------------ pool

    def reusable(self, now: float) -> bool:
        transport = self.transport
        return (
            self.usable
            and transport is not None
            and not transport.is_closing()
            and now - self.idle_since < KEEPALIVE_EXPIRY
            and not _readable(transport)
        )

    def close(self) -> None:
        """Drop the connection now (its state is unknown, or it is not wanted)."""
        self.usable = False
        transport = self.transport
        if transport is not None and not self.loop.is_closed():
            transport.abort()


class AsyncioTransport(httpx.AsyncBaseTransport):
    """An httpx async transport doing HTTP/1.1 on the running asyncio loop (see the module's docstring).

    ``verify``: True (the default), False (no certificate checks, as httpx's ``verify=False``) or an
    :class:`ssl.SSLContext` to use as it is.
    """

    def __init__(self, *, verify: bool | ssl.SSLContext = True) -> None:
        if not isinstance(verify, bool | ssl.SSLContext):
            raise InputError("verify", "must be True, False or an ssl.SSLContext")
        from .transports import _load

        self._parser_class = _load("httptools", "HttpResponseParser", "asyncio")
        self.verify = verify
        self._ssl_context: ssl.SSLContext | None = verify if isinstance(verify, ssl.SSLContext) else None
        self._idle: dict[_Origin, list[_Connection]] = {}
        self._in_flight = 0
        self._binding = LoopBinding()
        self._end = LoopEnd(self._loop_ended)  # closes the idle connections before their loop closes
        self._elsewhere: httpx.AsyncBaseTransport | None = None  # for event loops other than asyncio's

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # trio (through anyio): nothing here can run there
            return await self._other_loops().handle_async_request(request)
        if self._binding.moved(lambda: self._in_flight > 0):
            self._close_idle()
        await self._end.watch()
        head = _head(request)  # before any connection: a request that cannot be written is not sent
        url = request.url
        # The host as sent (IDNA-encoded ASCII), for the connection and the TLS server name alike.
        origin = (url.raw_scheme, url.raw_host.decode("ascii"), url.port, request.extensions.get("sni_hostname"))
        timeouts = request.extensions.get("timeout") or {}
        limits = current_limits()
        self._in_flight += 1
        try:
            connection = self._reuse(origin) or await self._connect(loop, origin, timeouts.get("connect"), request)
            try:
                # A deadline already past: nothing was written, so "never sent" (retry rules: connect stage).
                read_timeout = clipped(timeouts.get("read"), httpx.PoolTimeout)
                answer = connection.begin(
                    limits.max_response_bytes, read_timeout, limits.deadline, request.method == "HEAD"
                )
                await self._write(connection, request, head)
                error = await answer
            except BaseException:
                connection.close()  # half a request or half an answer: its state is unknown
                raise
            if error is not None:
                if isinstance(error, httpx.RequestError):
                    error.request = request
                raise error
            response = connection.response(request)
            self._release(origin, connection)
            return response
        finally:
            self._in_flight -= 1

    @staticmethod
    async def _write(connection: _Connection, request: httpx.Request, head: bytes) -> None:
        transport = connection.transport
        assert transport is not None
        try:
            content = request.content
        except httpx.RequestNotRead:  # streamed: sent as it comes, framed as its headers say
            transport.write(head)
            chunked = _chunked(request)
            async for chunk in request.stream:  # type: ignore[union-attr]
                if chunk:
                    transport.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            if chunked:
                transport.write(b"0\r\n\r\n")
            return
        transport.write(head + content if content else head)

    # ------------------------------------------------------------------------------- connections

    def _reuse(self, origin: _Origin) -> _Connection | None:
        idle = self._idle.get(origin)
        now = time.monotonic()
        while idle:
            connection = idle.pop()  # the most recently used: the least likely to have been closed
            if connection.reusable(now):
                return connection
            connection.close()
        return None

    def _release(self, origin: _Origin, connection: _Connection) -> None:
        if connection.usable:
            idle = self._idle.setdefault(origin, [])
            if len(idle) < MAX_IDLE_PER_ORIGIN:
                connection.idle_since = time.monotonic()
                idle.append(connection)
                return
        connection.close()

    async def _connect(
        self, loop: asyncio.AbstractEventLoop, origin: _Origin, timeout: float | None, request: httpx.Request
    ) -> _Connection:
        scheme, host, port, sni = origin
        if scheme not in (b"http", b"https"):
            raise httpx.UnsupportedProtocol(f"the URL's scheme must be http or https; got {scheme!r}", request=request)
        tls = scheme == b"https"
        limit = clipped(timeout, httpx.ConnectTimeout)
        parser_class = self._parser_class
        try:
            async with asyncio.timeout(limit):
                _, connection = await loop.create_connection(
                    lambda: _Connection(loop, parser_class),
                    host,
                    port or (443 if tls else 80),
                    ssl=self._context() if tls else None,
                    server_hostname=(sni if isinstance(sni, str) else host) if tls else None,
                )
        except TimeoutError as exc:
            raise httpx.ConnectTimeout(f"no connection to {host}:{port} within {limit} s", request=request) from exc
        except (OSError, ssl.SSLError) as exc:  # refused, unreachable, name not found, certificate refused
            raise httpx.ConnectError(f"{type(exc).__name__}: {exc}", request=request) from exc
        return connection

    def _context(self) -> ssl.SSLContext:
        # Built on first https use: loading the CA bundle takes milliseconds.
        if self._ssl_context is None:
            self._ssl_context = httpx.create_ssl_context(verify=bool(self.verify))
        return self._ssl_context

    def _close_idle(self, of: asyncio.AbstractEventLoop | None = None) -> None:
        """Close the idle connections (those opened on loop ``of`` only, if given), each from its
        own loop's thread."""
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        kept: dict[_Origin, list[_Connection]] = {}
        for origin, connections in self._idle.items():
            for connection in connections:
                if of is not None and connection.loop is not of:
                    kept.setdefault(origin, []).append(connection)
                elif connection.loop is running or not connection.loop.is_running():
                    connection.close()
                else:  # a loop still running in another thread: only it may touch its transports
                    connection.loop.call_soon_threadsafe(connection.close)
        self._idle = kept

    async def _loop_ended(self, loop: asyncio.AbstractEventLoop) -> None:
        self._close_idle(of=loop)

    # ------------------------------------------------------------------------------- other loops

    def _other_loops(self) -> httpx.AsyncBaseTransport:
        # httpx's own (httpcore runs on trio through anyio); pyreqwest's needs an asyncio loop too.
        if self._elsewhere is None:
            from .pooling import PartitionedAsyncTransport

            self._elsewhere = PartitionedAsyncTransport(verify=self.verify)
        return self._elsewhere

    async def aclose(self) -> None:
        self._close_idle()
        if self._elsewhere is not None:
            await self._elsewhere.aclose()
