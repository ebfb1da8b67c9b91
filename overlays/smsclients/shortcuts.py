"""The only places this package reaches into httpx's internals, each checked once at import.

httpx's public constructors normalise every header one function call at a time and read every
body through a decoder and chunker chain. For the few-hundred-byte exchanges of these APIs that
was the largest share of a send's client CPU after the network itself (README, "Reliability and
benchmarks"). The shortcuts here build the same objects directly: headers from their encoded
form, and requests and responses whose bodies are already read.

Each shortcut has a probe that compares what it builds with what httpx's public path builds in the
installed httpx. If a probe fails (a future httpx stores things differently), the shortcut falls
back to the public path: a new httpx can cost speed here, never correctness.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

import httpx

__all__ = ["buffered_request", "buffered_response"]


def _headers(pairs: Sequence[tuple[str, str]]) -> httpx.Headers:
    """Headers stored as httpx stores them: (name, lower-cased name, value), ASCII-encoded as httpx encodes a str."""
    headers = httpx.Headers()
    headers._list = [(raw := name.encode("ascii"), raw.lower(), value.encode("ascii")) for name, value in pairs]
    return headers


def _encoded_headers(pairs: Sequence[tuple[str, str]]) -> httpx.Headers | Sequence[tuple[str, str]]:
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
    headers: Sequence[tuple[str, str]],
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
    if _BODIES_SUPPORTED and not any(name.lower() == "content-encoding" for name, _ in headers):
        response._content = body  # where read() keeps it
    return response


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


_HEADERS_SUPPORTED: Final = _headers_probe()
_BODIES_SUPPORTED: Final = _bodies_probe()
