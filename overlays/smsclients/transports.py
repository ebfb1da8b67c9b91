"""Optional fast transports behind the same httpx API (extra ``fast``: pyreqwest, httpx-aiohttp).

Pass the result as ``transport=`` to any facade or legacy drop-in; the default stays plain httpx.
Both keep TLS verification on (pyreqwest and aiohttp verify by default), never follow redirects
(a redirect could carry the request, and its credentials, elsewhere), and the facades still refuse
http:// to non-loopback hosts before any transport is used::

    from smsclients import FlowrouteClient
    from smsclients.transports import fast_transport

    client = FlowrouteClient(key, secret, transport=fast_transport("pyreqwest"))
"""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any, Final

import httpx

from .errors import InputError
from .http import default_async_transport, default_transport
from .shortcuts import buffered_response

__all__ = [
    "ASYNC_KINDS",
    "SYNC_KINDS",
    "AiohttpTransport",
    "AsyncPyreqwestTransport",
    "MissingDependencyError",
    "PyreqwestTransport",
    "fast_async_transport",
    "fast_transport",
]

SYNC_KINDS: Final = ("httpx", "pyreqwest")
ASYNC_KINDS: Final = ("httpx", "pyreqwest", "aiohttp")

# The PyPI package behind each fast transport; the extra `fast` installs all of them.
PACKAGES: Final = {"pyreqwest": "pyreqwest", "aiohttp": "httpx-aiohttp"}


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
    def _configure(builder: Any) -> Any:
        return builder.follow_redirects(False).referer(False)

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
    def _response(native: Any, body: Any, request: httpx.Request) -> httpx.Response:
        try:
            headers = list(native.headers.items())
        except ValueError as exc:  # reqwest will not give a non-ASCII header value as text
            raise httpx.DecodingError("a response header is not ASCII text", request=request) from exc
        # Buffered: with these few-hundred-byte bodies, streaming costs more than it saves.
        extensions = {"http_version": native.version.encode("ascii")}
        return buffered_response(native.status, headers, bytes(body), request, extensions)

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


class PyreqwestTransport(_Pyreqwest, httpx.BaseTransport):
    """A sync httpx transport over a pyreqwest (Rust reqwest/hyper) client with its own connection pool."""

    def __init__(self) -> None:
        super().__init__()
        builder = _load("pyreqwest.client", "SyncClientBuilder", "pyreqwest")()
        self._client = self._configure(builder).build()

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        builder = self._prepare(self._client.request(request.method, str(request.url)), request)
        try:
            native = builder.build().send()
            body = native.bytes()
        except Exception as exc:
            if (mapped := self._error(exc, request)) is None:
                raise
            raise mapped from exc
        return self._response(native, body, request)

    def close(self) -> None:
        self._client.close()


class AsyncPyreqwestTransport(_Pyreqwest, httpx.AsyncBaseTransport):
    """Async twin of :class:`PyreqwestTransport`."""

    def __init__(self) -> None:
        super().__init__()
        builder = _load("pyreqwest.client", "ClientBuilder", "pyreqwest")()
        self._client = self._configure(builder).build()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        builder = self._prepare(self._client.request(request.method, str(request.url)), request)
        try:
            native = await builder.build().send()
            body = await native.bytes()
        except Exception as exc:
            if (mapped := self._error(exc, request)) is None:
                raise
            raise mapped from exc
        return self._response(native, body, request)

    async def aclose(self) -> None:
        await self._client.close()


class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx-aiohttp's transport, with its errors reclassified by where the failure happened.

    httpx-aiohttp maps every ``aiohttp.ClientConnectionError`` to ``httpx.ConnectTimeout``,
    including a connection reset after the request was written, which our retry rules would
    take as "never sent" and repeat (measured: a send went out twice). Only
    ``ClientConnectorError`` (and a connect-phase timeout) means the request never left.
    """

    def __init__(self) -> None:
        self._inner: httpx.AsyncBaseTransport = _load("httpx_aiohttp", "AiohttpTransport", "aiohttp")()
        self._aiohttp: Any = _import("aiohttp", "aiohttp")

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            response = await self._inner.handle_async_request(request)
            try:
                await response.aread()  # inside the reclassification: the body can fail too
            except BaseException:
                await response.aclose()
                raise
            return response
        except httpx.TransportError as exc:
            mapped = self._reclassify(exc.__cause__, request)
            if mapped is None and isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout):
                # No aiohttp cause to prove the request never left: assume it may have arrived.
                mapped = httpx.ReadError(str(exc), request=request)
            if mapped is None:
                raise
            raise mapped from exc

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

    async def aclose(self) -> None:
        await self._inner.aclose()


def fast_transport(kind: str = "pyreqwest") -> httpx.BaseTransport:
    """A sync transport: ``"pyreqwest"`` (Rust, reqwest/hyper) or ``"httpx"`` (the default one)."""
    if kind == "httpx":
        return default_transport()
    if kind == "pyreqwest":
        return PyreqwestTransport()
    raise InputError("kind", f"must be one of {', '.join(SYNC_KINDS)}; got {kind!r}")


def fast_async_transport(kind: str = "pyreqwest") -> httpx.AsyncBaseTransport:
    """An async transport: ``"pyreqwest"``, ``"aiohttp"`` (httpx-aiohttp) or ``"httpx"`` (the default one)."""
    if kind == "httpx":
        return default_async_transport()
    if kind == "pyreqwest":
        return AsyncPyreqwestTransport()
    if kind == "aiohttp":
        return AiohttpTransport()
    raise InputError("kind", f"must be one of {', '.join(ASYNC_KINDS)}; got {kind!r}")
