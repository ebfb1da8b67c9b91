"""The only places this package reaches into httpx's internals, each checked once at import.

httpx's public constructors normalise every header one function call at a time and read every
body through a decoder and chunker chain. For the few-hundred-byte exchanges of these APIs that
was the largest share of a send's client CPU after the network itself (docs/guides/performance.md).
The shortcuts here build the same objects directly: headers from their encoded form, and requests
and responses whose bodies are already read.

Two more reach in for safety rather than speed: response bodies are read a few kilobytes of raw
input at a time through httpx's own decoder, so a body is refused as soon as it grows past the size
limit (a 63 KiB gzip body can decode to 64 MiB in one step of httpx's reader), and httpx's
connection pools get a network backend that enforces the attempt's deadline
(:mod:`smsclients.deadlines`).

Each shortcut has a probe that compares what it builds with what httpx's public path builds in the
installed httpx. If a probe fails (a future httpx stores things differently), the shortcut falls
back to the public path: a new httpx can cost speed here, never correctness (the size limit then
holds after the body is read, and the deadline between body chunks).
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Iterator, Sequence
from typing import Any, Final

import httpx

from .responses import too_large

__all__ = ["aread_limited", "buffered_request", "buffered_response", "install_deadline_backend", "read_limited"]


Pairs = Sequence[tuple[str, str]] | Sequence[tuple[bytes, bytes]]


def _headers(pairs: Pairs) -> httpx.Headers:
    """Headers stored as httpx stores them: (name, lower-cased name, value), ASCII-encoded as httpx
    encodes a str; bytes (a header block as received) are kept as they are, as httpx keeps them."""
    headers = httpx.Headers()
    if pairs and isinstance(pairs[0][0], bytes):
        headers._list = [(name, name.lower(), value) for name, value in pairs]  # type: ignore[misc]
    else:
        headers._list = [(raw := name.encode("ascii"), raw.lower(), value.encode("ascii")) for name, value in pairs]  # type: ignore[union-attr]
    return headers


def _encoded_headers(pairs: Pairs) -> httpx.Headers | Pairs:
    """``httpx.Headers(pairs)``, built without its per-header normalisation calls.

    Pass the result wherever httpx takes headers. A name or value that is not ASCII returns
    ``pairs`` unchanged, so httpx's own constructor raises exactly the error it always did.
    """
    if not _HEADERS_SUPPORTED:
        return pairs
    try:
        return _headers(pairs)
    except UnicodeEncodeError:
        return pairs


def buffered_request(
    method: str, url: httpx.URL, headers: Sequence[tuple[str, str]], body: bytes, extensions: dict[str, Any]
) -> httpx.Request:
    """``httpx.Request(..., stream=httpx.ByteStream(body))`` after ``read()``: ``content`` is ``body``.

    ``headers`` go on the wire as given: no Host or Content-Length is added (``stream=`` semantics).
    """
    request = httpx.Request(
        method, url, headers=_encoded_headers(headers), stream=httpx.ByteStream(body), extensions=extensions
    )
    if _BODIES_SUPPORTED:
        request._content = body  # where read() keeps it
    else:
        request.read()
    return request


def buffered_response(
    status: int,
    headers: Pairs,
    body: bytes,
    request: httpx.Request | None,
    extensions: dict[str, Any],
) -> httpx.Response:
    """The response a transport received, with ``content`` already set when ``body`` needs no decoding.

    Reading a body without Content-Encoding through httpx's decoder chain, about twenty Python
    calls, would only copy it, so ``content`` is set as ``Response.read()`` would set it. An
    encoded body is left to that chain. The stream yields ``body`` either way, so ``iter_raw()``
    and streaming callers see what they would with httpx's own transports.
    """
    response = httpx.Response(
        status,
        headers=_encoded_headers(headers),
        stream=httpx.ByteStream(body),
        request=request,
        extensions=extensions,
    )
    if _BODIES_SUPPORTED and "content-encoding" not in response.headers:
        response._content = body  # where read() keeps it
    return response


# Raw bytes handed to the decoder at a time: deflate expands at most about 1,000-fold, so one step
# of decoding stays within a few MiB however the body was compressed.
_RAW_PIECE: Final = 4096


def read_limited(
    response: httpx.Response, limit: int, deadline: float | None = None, request: httpx.Request | None = None
) -> bytes:
    """``response.read()``, but a body that decodes to more than ``limit`` bytes is refused (the
    connection is dropped, the rest never read) with MalformedResponseError.

    ``deadline`` (``time.monotonic()``) is checked between chunks: transports that do not bound a
    whole attempt themselves then overrun it by at most one read (httpx.ReadTimeout). ``request``
    (when the response does not carry it yet) lets the error say whether a send was accepted.
    """
    if request is not None and response._request is None:
        response._request = request
    content = getattr(response, "_content", None)
    if content is not None:  # read already (a buffered transport, or a canned response)
        if len(content) > limit:
            raise too_large(response, limit)
        return content  # type: ignore[no-any-return]
    if not _DECODER_SUPPORTED:
        return _checked(response, limit, response.read())
    try:
        pieces = _decoded(response, response.iter_raw(_RAW_PIECE), limit, deadline)
    except BaseException:
        response.close()
        raise
    return _finish(response, pieces)


async def aread_limited(
    response: httpx.Response, limit: int, deadline: float | None = None, request: httpx.Request | None = None
) -> bytes:
    """Async twin of :func:`read_limited`."""
    if request is not None and response._request is None:
        response._request = request
    content = getattr(response, "_content", None)
    if content is not None:
        if len(content) > limit:
            raise too_large(response, limit)
        return content  # type: ignore[no-any-return]
    if not _DECODER_SUPPORTED:
        return _checked(response, limit, await response.aread())
    pieces: list[bytes] = []
    decoded = _Decoded(response, limit, deadline, pieces)
    try:
        async for raw in response.aiter_raw(_RAW_PIECE):
            decoded.add(raw)
        decoded.flush()
    except BaseException:
        await response.aclose()
        raise
    return _finish(response, pieces)


class _Decoded:
    """Decodes raw pieces into ``pieces``, refusing the body past ``limit`` or the deadline."""

    def __init__(self, response: httpx.Response, limit: int, deadline: float | None, pieces: list[bytes]) -> None:
        self._response = response
        self._request = response._request
        self._decoder = response._get_content_decoder()
        self._limit = limit
        self._deadline = deadline
        self._pieces = pieces
        self._size = 0

    def add(self, raw: bytes) -> None:
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise httpx.ReadTimeout("the attempt's deadline passed while reading the body", request=self._request)
        self._keep(self._decoder.decode(raw))

    def flush(self) -> None:
        self._keep(self._decoder.flush())

    def _keep(self, piece: bytes) -> None:
        self._size += len(piece)
        if self._size > self._limit:
            raise too_large(self._response, self._limit)
        if piece:
            self._pieces.append(piece)


def _decoded(response: httpx.Response, raw: Iterator[bytes], limit: int, deadline: float | None) -> list[bytes]:
    pieces: list[bytes] = []
    decoded = _Decoded(response, limit, deadline, pieces)
    for chunk in raw:
        decoded.add(chunk)
    decoded.flush()
    return pieces


def _finish(response: httpx.Response, pieces: list[bytes]) -> bytes:
    content = pieces[0] if len(pieces) == 1 else b"".join(pieces)
    response._content = content  # where read() keeps it
    return content


def _checked(response: httpx.Response, limit: int, content: bytes) -> bytes:
    if len(content) > limit:
        raise too_large(response, limit)
    return content


def install_deadline_backend(transport: object) -> bool:
    """Give an httpx transport's connection pool the deadline-enforcing network backend.

    Returns whether it was installed: httpx's ``HTTPTransport``/``AsyncHTTPTransport`` (direct or
    through a proxy pool) keep their httpcore pool in ``_pool``; any other transport is left alone.
    Installing twice is harmless.
    """
    import httpcore  # here: importing the clients does not need it (it loads with httpx's transports)

    from .backends import AsyncDeadlineBackend, DeadlineBackend

    pool = getattr(transport, "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if isinstance(pool, httpcore.ConnectionPool) and isinstance(backend, httpcore.NetworkBackend):
        if not isinstance(backend, DeadlineBackend):
            pool._network_backend = DeadlineBackend(backend)
        return True
    if isinstance(pool, httpcore.AsyncConnectionPool) and isinstance(backend, httpcore.AsyncNetworkBackend):
        if not isinstance(backend, AsyncDeadlineBackend):
            pool._network_backend = AsyncDeadlineBackend(backend)
        return True
    return False


# --------------------------------------------------------------------------------------------------
# Probes: does the installed httpx behave the same through each shortcut as through its public path?

_PROBE_PAIRS: Final = (("Content-Type", "application/json"), ("X-Multi", "a"), ("x-multi", "b"), ("Host", "h:1"))


def _headers_probe() -> bool:
    try:
        built, public = _headers(_PROBE_PAIRS), httpx.Headers(_PROBE_PAIRS)
        copied = httpx.Headers(built)  # what httpx.Request / httpx.Response do with a Headers argument
        copied["Authorization"] = "x"
        public["Authorization"] = "x"
        return (
            copied.raw == public.raw
            and copied.multi_items() == public.multi_items()
            and copied.get_list("x-multi") == ["a", "b"]
            and copied == public
        )
    except Exception:
        return False


def _bodies_probe() -> bool:
    body = b'{"k":1}'
    try:
        stream = httpx.ByteStream(body)
        request = httpx.Request("POST", "https://example.invalid/", stream=stream)
        request._content = body
        response = httpx.Response(200, stream=httpx.ByteStream(body), request=request)
        response._content = body
        sent = request.read() == request.content == body and list(stream) == [body] and request.stream is stream
        read = response.read() == response.content == body and response.json() == {"k": 1}
        return sent and read and list(response.iter_bytes()) == [body] and list(response.iter_raw()) == [body]
    except Exception:
        return False


def _decoder_probe() -> bool:
    body = b'{"k":"' + b"x" * 20_000 + b'"}'
    try:
        public = httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(gzip.compress(body)))
        public.read()
        ours = httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(gzip.compress(body)))
        pieces = _decoded(ours, ours.iter_raw(_RAW_PIECE), len(body), None)
        _finish(ours, pieces)
        return ours.content == public.content == body and ours.json() == public.json() and ours.is_closed
    except Exception:
        return False


_HEADERS_SUPPORTED: Final = _headers_probe()
_BODIES_SUPPORTED: Final = _bodies_probe()
_DECODER_SUPPORTED: Final = _BODIES_SUPPORTED and _decoder_probe()
