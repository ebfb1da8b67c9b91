"""Transports behind the same httpx API: pyreqwest and, extra ``fast``, httpx-aiohttp; and the kinds to choose from.

The default async transport is :class:`~smsclients.asyncio_transport.AsyncioTransport` (see
:func:`smsclients.http.default_async_transport`); pass another as ``transport=`` to any facade or
legacy drop-in. The sync default stays httpx's own.
All keep TLS verification on (pyreqwest and aiohttp verify by default), never follow redirects
(a redirect could carry the request, and its credentials, elsewhere), read response bodies only up
to the policy's size limit, end each attempt at its deadline, and send the URL exactly as httpx
built (and the HMAC signer signed) it. The async ones open new connections when called from a new
event loop. The facades still refuse http:// to non-loopback hosts before any transport is used::

    from smsclients import FlowrouteClient
    from smsclients.transports import fast_transport

    client = FlowrouteClient(key, secret, transport=fast_transport("pyreqwest"))
"""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import TYPE_CHECKING, Any, Final

import httpx

from .deadlines import current_limits, remaining
from .errors import InputError, SmsClientError
from .http import default_transport
from .lifecycle import LoopBinding, LoopEnd
from .pooling import PartitionedAsyncTransport
from .responses import too_large_body
from .shortcuts import aread_limited, buffered_response

if TYPE_CHECKING:
    import asyncio

__all__ = [
    "ASYNC_KINDS",
    "DEFAULT_ASYNC_KIND",
    "SYNC_KINDS",
    "AiohttpTransport",
    "AsyncPyreqwestTransport",
    "MissingDependencyError",
    "PyreqwestTransport",
    "fast_async_transport",
    "fast_transport",
]

SYNC_KINDS: Final = ("httpx", "pyreqwest")
ASYNC_KINDS: Final = ("httpx", "pyreqwest", "aiohttp", "asyncio")
# What an async client gets when given no transport (smsclients.http.default_async_transport).
DEFAULT_ASYNC_KIND: Final = "asyncio"

# The PyPI package behind each transport; pyreqwest and httptools are dependencies of the default
# install, and the extra `fast` adds httpx-aiohttp.
PACKAGES: Final = {"pyreqwest": "pyreqwest", "aiohttp": "httpx-aiohttp", "asyncio": "httptools"}


class MissingDependencyError(ImportError):
    """A fast transport's package is not installed; the message names the extra and the package."""


def _import(module: str, kind: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package = PACKAGES[kind]
        raise MissingDependencyError(
            f"transport {kind!r} needs the package {package}, installed with the extra 'fast' "
            f"(pip install '.[fast]' in a clone, or the built wheel with [fast]) or alone: pip install {package}",
            name=exc.name,
        ) from exc


def _load(module: str, name: str, kind: str) -> Any:
    return getattr(_import(module, kind), name)


# pyreqwest error -> the httpx error our retry rules classify, most specific first. pyreqwest's
# own names cannot be taken at their word: a connection reset after the request was written is a
# ConnectError, and a deadline hit while waiting for the answer a ConnectTimeoutError (both
# measured). Only hyper's "client error (Connect)" cause proves the request never left, so the
# connect-stage names are used only with it; otherwise the request may have reached the server.
# Likewise a body cut short by the connection is a BodyDecodeError, with this cause (also measured).
_CONNECT_STAGE_CAUSE: Final = "client error (Connect)"
# Body bytes read from pyreqwest at a time (its default read-ahead buffer).
_READ_SIZE: Final = 65536
_BODY_READ_CAUSE: Final = "error reading a body from connection"
_ERROR_MAP: Final = (
    # (pyreqwest class, httpx class if the connect stage failed, httpx class otherwise)
    ("PoolTimeoutError", httpx.PoolTimeout, httpx.PoolTimeout),
    ("ReadTimeoutError", httpx.ConnectTimeout, httpx.ReadTimeout),
    ("WriteTimeoutError", httpx.ConnectTimeout, httpx.WriteTimeout),
    ("RequestTimeoutError", httpx.ConnectTimeout, httpx.TimeoutException),  # includes ConnectTimeoutError
    ("ConnectError", httpx.ConnectError, httpx.ReadError),
    ("ReadError", httpx.ConnectError, httpx.ReadError),
    ("WriteError", httpx.ConnectError, httpx.WriteError),
    ("NetworkError", httpx.ConnectError, httpx.ReadError),
    ("DecodeError", httpx.DecodingError, httpx.DecodingError),
    ("TransportError", httpx.TransportError, httpx.TransportError),
)


def _causes(exc: Exception) -> list[str]:
    details = getattr(exc, "details", None)
    causes = details.get("causes") if isinstance(details, dict) else None
    return [str(cause.get("message")) for cause in causes or () if isinstance(cause, dict)]


class _Pyreqwest:
    """What the sync and async pyreqwest transports share: request and response conversion, error mapping.

    Unlike pyreqwest's own httpx compatibility transport, bodies are buffered (these APIs exchange a
    few hundred bytes) rather than streamed, which halves the transport's CPU cost per request.
    """

    def __init__(self) -> None:
        exceptions = _import("pyreqwest.exceptions", "pyreqwest")
        self._base_error: type[Exception] = exceptions.PyreqwestError
        self._errors = tuple((getattr(exceptions, name), before, after) for name, before, after in _ERROR_MAP)

    @staticmethod
    def _configure(builder: Any, verify: bool) -> Any:
        if not isinstance(verify, bool):
            raise InputError("verify", "must be True or False")
        # no_proxy: reqwest reads HTTP(S)_PROXY by default; our clients go through a proxy only when
        # the application says so (http_client=, docs/guides/configuration.md).
        return builder.follow_redirects(False).referer(False).danger_accept_invalid_certs(not verify).no_proxy()

    @staticmethod
    def _prepare(builder: Any, request: httpx.Request) -> Any:
        # From .raw: multi_items() re-derives the encoding twice per header (measured: ~8 µs a request).
        headers = [(name.decode("latin-1"), value.decode("latin-1")) for name, value in request.headers.raw]
        builder = builder.headers(headers)
        try:
            content = request.content
        except httpx.RequestNotRead:
            raise InputError("content", "streamed request bodies are not supported by this transport") from None
        if content:
            builder = builder.body_bytes(content)
        timeout = request.extensions.get("timeout")
        if isinstance(timeout, dict):
            # reqwest has one deadline per request; httpx has one per phase. The largest phase
            # limit becomes the whole attempt's deadline, so no attempt outlives its timeout.
            limits = [value for value in timeout.values() if value is not None]
            if limits:
                builder = builder.timeout(timedelta(seconds=max(limits)))
        return builder

    @staticmethod
    def _headers(native: Any, request: httpx.Request) -> list[tuple[str, str]]:
        try:
            return list(native.headers.items())
        except ValueError as exc:  # reqwest will not give a non-ASCII header value as text
            raise httpx.DecodingError("a response header is not ASCII text", request=request) from exc

    @staticmethod
    def _response(native: Any, headers: list[tuple[str, str]], body: bytes, request: httpx.Request) -> httpx.Response:
        # Buffered: with these few-hundred-byte bodies, streaming to the caller costs more than it saves.
        extensions = {"http_version": native.version.encode("ascii")}
        return buffered_response(native.status, headers, body, request, extensions)

    def _error(self, exc: Exception, request: httpx.Request) -> httpx.RequestError | None:
        """The httpx error for a pyreqwest one, or None for anything else (re-raised as is)."""
        if isinstance(exc, self._base_error):
            causes = _causes(exc)
            if _BODY_READ_CAUSE in causes:
                return httpx.ReadError(str(exc), request=request)
            for native, before, after in self._errors:
                if isinstance(exc, native):
                    mapped: httpx.RequestError = (before if _CONNECT_STAGE_CAUSE in causes else after)(
                        str(exc), request=request
                    )
                    return mapped
        return None


class _Body:
    """A streamed body read up to ``limit`` bytes: past it, MalformedResponseError (the rest is not read)."""

    __slots__ = ("_limit", "_method", "_pieces", "_size", "_status")

    def __init__(self, limit: int, status: int, method: str) -> None:
        self._limit, self._status, self._method = limit, status, method
        self._pieces: list[bytes] = []
        self._size = 0

    def add(self, chunk: Any) -> None:
        self._size += len(chunk)
        if self._size > self._limit:
            raise too_large_body(self._limit, status_code=self._status, method=self._method)
        self._pieces.append(bytes(chunk))

    def content(self) -> bytes:
        return b"".join(self._pieces)


class PyreqwestTransport(_Pyreqwest, httpx.BaseTransport):
    """A sync httpx transport over a pyreqwest (Rust reqwest/hyper) client with its own connection pool.

    ``verify=False`` turns TLS certificate checks off (as httpx's ``verify=False``); ``verify`` says which.
    """

    def __init__(self, *, verify: bool = True) -> None:
        super().__init__()
        builder = _load("pyreqwest.client", "SyncClientBuilder", "pyreqwest")()
        self._client = self._configure(builder, verify).build()
        self.verify = verify

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        builder = self._prepare(self._client.request(request.method, str(request.url)), request)
        limit = current_limits().max_response_bytes
        try:
            # Streamed, so a body is read only up to the size limit (reqwest's timeout covers it).
            with builder.build_streamed() as native:
                headers = self._headers(native, request)
                body = _Body(limit, native.status, request.method)
                while (chunk := native.body_reader.read(_READ_SIZE)) is not None:
                    body.add(chunk)
        except SmsClientError:
            raise
        except Exception as exc:
            if (mapped := self._error(exc, request)) is None:
                raise
            raise mapped from exc
        return self._response(native, headers, body.content(), request)

    def close(self) -> None:
        self._client.close()


class AsyncPyreqwestTransport(_Pyreqwest, httpx.AsyncBaseTransport):
    """Async twin of :class:`PyreqwestTransport`: the default one's stand-in under trio.

    Each request in flight gets a connection of its own (kept alive for reuse); there is no cap on
    how many are open at once, so bound the concurrency of a bulk send in the application.
    """

    def __init__(self, *, verify: bool = True) -> None:
        super().__init__()
        builder = _load("pyreqwest.client", "ClientBuilder", "pyreqwest")()
        self._client = self._configure(builder, verify).build()
        self.verify = verify

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # Not bound to an event loop: pyreqwest's own runtime does the I/O (tested from a second loop).
        builder = self._prepare(self._client.request(request.method, str(request.url)), request)
        limit = current_limits().max_response_bytes
        try:
            async with builder.build_streamed() as native:
                headers = self._headers(native, request)
                body = _Body(limit, native.status, request.method)
                while (chunk := await native.body_reader.read(_READ_SIZE)) is not None:
                    body.add(chunk)
        except SmsClientError:
            raise
        except Exception as exc:
            if (mapped := self._error(exc, request)) is None:
                raise
            raise mapped from exc
        return self._response(native, headers, body.content(), request)

    async def aclose(self) -> None:
        await self._client.close()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport over aiohttp (httpx-aiohttp's session set-up), with three corrections.

    * Errors are classified by where the failure happened. httpx-aiohttp maps every
      ``aiohttp.ClientConnectionError`` to ``httpx.ConnectTimeout``, including a connection reset
      after the request was written, which our retry rules would take as "never sent" and repeat
      (measured: a send went out twice). Only ``ClientConnectorError`` (and a connect-phase
      timeout) means the request never left.
    * The URL goes out exactly as httpx encoded it: aiohttp would re-encode the query (``%2F``
      arrives as ``/``), and an HMAC-signed request would no longer match its signature.
    * The session belongs to the event loop it was created on; a new loop gets a new one (see
      :class:`~smsclients.lifecycle.LoopBinding`). aiohttp's ``total`` timeout is the attempt's
      deadline, and the body is read within the size limit.
    """

    def __init__(self) -> None:
        self._factory: Any = _load("httpx_aiohttp", "AiohttpTransport", "aiohttp")()
        # Through _import too: httpx_aiohttp may already be imported while aiohttp cannot be.
        self._stream_class: Any = _load("httpx_aiohttp.transport", "AiohttpResponseStream", "aiohttp")
        self._aiohttp: Any = _import("aiohttp", "aiohttp")
        self._url_class: Any = _load("yarl", "URL", "aiohttp")
        self._session: Any = None
        self._loop = LoopBinding()
        self._end = LoopEnd(self._loop_ended)
        self._in_flight = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._loop.moved(lambda: self._in_flight > 0):
            await self._drop_session()
        await self._end.watch()
        if self._session is None:
            self._session = self._factory.get_client()
        self._in_flight += 1
        try:
            response = await self._send(request)
            try:
                limits = current_limits()
                await aread_limited(response, limits.max_response_bytes, limits.deadline, request)
            finally:
                await response.aclose()
            return response
        except httpx.TransportError as exc:
            mapped = self._reclassify(exc.__cause__, request)
            if mapped is None and isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
                # No aiohttp cause to prove the request never left: assume it may have arrived.
                mapped = httpx.ReadError(str(exc), request=request)
            if mapped is None:
                raise
            raise mapped from exc
        finally:
            self._in_flight -= 1

    async def _send(self, request: httpx.Request) -> httpx.Response:
        aiohttp = self._aiohttp
        try:
            data: bytes | None = request.content or None
        except httpx.RequestNotRead:
            raise InputError("content", "streamed request bodies are not supported by this transport") from None
        timeout = request.extensions.get("timeout", {})
        left = remaining()
        try:
            native = await self._session.request(
                method=request.method,
                url=self._url_class(str(request.url), encoded=True),
                headers=request.headers,
                data=data,
                allow_redirects=False,
                auto_decompress=False,  # httpx decodes, within the size limit
                compress=False,
                timeout=aiohttp.ClientTimeout(
                    total=None if left is None else max(left, 0.001),
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                    connect=timeout.get("pool"),
                ),
                server_hostname=request.extensions.get("sni_hostname"),
            ).__aenter__()
        except aiohttp.ClientError as exc:
            mapped = self._reclassify(exc, request)
            if mapped is None:
                raise httpx.TransportError(str(exc) or type(exc).__name__, request=request) from exc
            raise mapped from exc
        extensions = {"http_version": b"HTTP/1.1"}
        if native.reason:
            extensions["reason_phrase"] = native.reason.encode()
        return httpx.Response(
            status_code=native.status,
            headers=native.raw_headers,
            stream=self._stream_class(native),
            request=request,
            extensions=extensions,
        )

    def _reclassify(self, cause: BaseException | None, request: httpx.Request) -> httpx.TransportError | None:
        aiohttp = self._aiohttp
        if not isinstance(cause, aiohttp.ClientError):
            return None
        message = str(cause) or type(cause).__name__
        if isinstance(cause, aiohttp.ClientConnectorError):
            return httpx.ConnectError(message, request=request)
        if isinstance(cause, aiohttp.ConnectionTimeoutError):
            return httpx.ConnectTimeout(message, request=request)
        if isinstance(cause, aiohttp.SocketTimeoutError):
            return httpx.ReadTimeout(message, request=request)
        if isinstance(cause, aiohttp.ServerTimeoutError):
            return httpx.TimeoutException(message, request=request)
        if isinstance(cause, aiohttp.ClientConnectionError | aiohttp.ClientPayloadError):
            return httpx.ReadError(message, request=request)
        return None

    async def _loop_ended(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._loop.current is loop and self._session is not None:  # its loop's session, not a later one's
            session, self._session = self._session, None
            await session.close()

    async def _drop_session(self) -> None:
        """Forget the session of a loop that has ended (it can be neither used nor closed from here)."""
        session, self._session = self._session, None
        if session is None:
            return
        connector = session.connector
        session.detach()  # closed state, without touching the connector and its dead loop
        previous = self._loop.previous
        if connector is not None and previous is not None and previous.is_closed():
            # With its loop closed, aiohttp only marks the connector closed (the sockets close when
            # collected), so awaiting this from the new loop is safe and silences its warnings.
            await connector.close()

    async def aclose(self) -> None:
        if self._loop.moved(lambda: False):  # closed from a later loop: the session's loop has gone
            await self._drop_session()
        session, self._session = self._session, None
        if session is not None:
            await session.close()


def fast_transport(kind: str = "pyreqwest") -> httpx.BaseTransport:
    """A sync transport: ``"pyreqwest"`` (Rust, reqwest/hyper) or ``"httpx"`` (the default one)."""
    if kind == "httpx":
        return default_transport()
    if kind == "pyreqwest":
        return PyreqwestTransport()
    raise InputError("kind", f"must be one of {', '.join(SYNC_KINDS)}; got {kind!r}")


def fast_async_transport(kind: str = "pyreqwest") -> httpx.AsyncBaseTransport:
    """An async transport: ``"asyncio"`` (the default one, :mod:`smsclients.asyncio_transport`),
    ``"pyreqwest"``, ``"aiohttp"`` (httpx-aiohttp) or ``"httpx"`` (httpx's own, split into
    one-connection pools: :class:`~smsclients.pooling.PartitionedAsyncTransport`)."""
    if kind == "asyncio":
        from .asyncio_transport import AsyncioTransport

        return AsyncioTransport()
    if kind == "httpx":
        return PartitionedAsyncTransport()
    if kind == "pyreqwest":
        return AsyncPyreqwestTransport()
    if kind == "aiohttp":
        return AiohttpTransport()
    raise InputError("kind", f"must be one of {', '.join(ASYNC_KINDS)}; got {kind!r}")
