"""What every response goes through before a caller sees it, written once for every provider.

* Only a 2xx is success (:func:`raise_unless_success`): an error status is the typed
  :class:`~smsclients.errors.APIError`, a 3xx a :class:`~smsclients.errors.RedirectError`.
* A body is parsed by :func:`parse_json_body`: anything unparseable (not JSON, bad UTF-8, nested
  too deep) is a :class:`~smsclients.errors.MalformedResponseError`, never a bare ValueError or
  RecursionError; for a send answered 2xx it says the server accepted it (``accepted=True``).
* A header read as one value is read by :func:`single_header`: a repeated one is ambiguous.
* A body larger than the policy's ``max_response_bytes`` is refused by :func:`too_large`
  (the transports stop reading there; see :mod:`smsclients.shortcuts`).

The clients built by :mod:`smsclients.http` return :class:`CheckedResponse` objects, whose
``json()`` is :func:`parse_json_body`, so the generated code's ``response.json()`` is covered too.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from typing import Any

import httpx

from .errors import (
    IDEMPOTENT_METHODS,
    APIError,
    ErrorBodyParser,
    MalformedResponseError,
    RateLimitSignals,
    api_error_from_response,
)
from .redaction import CredentialScrubber

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "MAX_JSON_DEPTH",
    "CheckedResponse",
    "gunzip_limited",
    "malformed_response",
    "parse_json_body",
    "parse_response_json",
    "raise_unless_success",
    "single_header",
    "too_large",
    "too_large_body",
]

# What a response body may occupy once decoded, unless RetryPolicy(max_response_bytes=...) says
# otherwise: a page of 1,000 Bandwidth messages is about 1 MB, the largest answer these APIs give.
DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024
# Deeper JSON is refused: no answer of these APIs nests beyond a few levels, and code that walks a
# parsed document recursively (model parsing, key conversion) must not hit the recursion limit.
MAX_JSON_DEPTH = 64


def _accepted(status_code: int | None, method: str | None) -> bool:
    """A 2xx to a request that is not safe to repeat: the server took it, only the answer is bad."""
    return (
        status_code is not None
        and 200 <= status_code < 300
        and method is not None
        and method.upper() not in IDEMPOTENT_METHODS
    )


def malformed_response(
    problem: str, *, status_code: int | None = None, method: str | None = None, raw_body: bytes = b""
) -> MalformedResponseError:
    """The MalformedResponseError for an unusable answer; for an accepted send it says not to send again."""
    accepted = _accepted(status_code, method)
    if accepted:
        message = (
            f"HTTP {status_code}: the server accepted the request, but {problem}; "
            "do not send it again (it was processed)"
        )
    elif status_code is not None:
        message = f"HTTP {status_code}: {problem}"
    else:
        message = problem
    return MalformedResponseError(message, status_code=status_code, raw_body=raw_body, accepted=accepted)


def parse_json_body(body: bytes | str, *, status_code: int | None = None, method: str | None = None) -> Any:
    """The JSON value of a response body; MalformedResponseError for anything that is not usable JSON.

    Not JSON, not UTF-8, nested deeper than :data:`MAX_JSON_DEPTH` (including bodies so deep that
    the parser itself gives up with RecursionError) are all the same answer: the response cannot
    be read. Pass ``status_code`` and ``method`` so that, for a send answered 2xx, the error says
    the server accepted it (``accepted=True``) and the caller knows not to send it again.
    """
    try:
        value = json.loads(body)
    except (ValueError, TypeError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        problem = f"the response body is not JSON ({type(exc).__name__})"
        raise malformed_response(problem, status_code=status_code, method=method, raw_body=_raw(body)) from exc
    if _may_nest_deeper(body) and _too_deep(value):
        problem = f"the response body is JSON nested deeper than {MAX_JSON_DEPTH} levels"
        raise malformed_response(problem, status_code=status_code, method=method, raw_body=_raw(body))
    return value


def _raw(body: object) -> bytes:
    if isinstance(body, str):
        return body.encode("utf-8", "replace")
    return bytes(body) if isinstance(body, bytes | bytearray | memoryview) else b""


def _may_nest_deeper(body: bytes | str) -> bool:
    # Counting openers is C-speed; a small answer (every send's) cannot nest too deep and is not walked.
    if isinstance(body, str):
        return body.count("[") + body.count("{") > MAX_JSON_DEPTH
    return body.count(b"[") + body.count(b"{") > MAX_JSON_DEPTH


def _too_deep(value: object) -> bool:
    """Whether ``value`` nests containers deeper than MAX_JSON_DEPTH (iterative: no recursion to run out of)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > MAX_JSON_DEPTH:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def _method(response: httpx.Response) -> str | None:
    try:
        return response.request.method
    except RuntimeError:  # a Response built by hand has no request
        return None


def parse_response_json(response: httpx.Response) -> Any:
    """:func:`parse_json_body` of a read ``httpx.Response``, with its status and request method."""
    return parse_json_body(response.content, status_code=response.status_code, method=_method(response))


class CheckedResponse(httpx.Response):
    """The ``httpx.Response`` the clients return: ``json()`` raises MalformedResponseError, never a bare
    ValueError or RecursionError, for a body that cannot be read as JSON."""

    def json(self, **kwargs: Any) -> Any:
        if kwargs:  # a caller's own decoder options: httpx's behaviour, with the errors typed
            try:
                return super().json(**kwargs)
            except (ValueError, TypeError, RecursionError):
                return parse_response_json(self)
        # parse_json_body inlined for the common case (every send reads its answer here).
        content = self.content
        try:
            value = json.loads(content)
        except (ValueError, TypeError, RecursionError):
            return parse_response_json(self)  # raises the typed error
        if _may_nest_deeper(content) and _too_deep(value):
            return parse_response_json(self)
        return value


def single_header(
    headers: Mapping[str, str], name: str, *, status_code: int | None = None, method: str | None = None
) -> str | None:
    """The one value of a header that must not repeat (e.g. ``Location``), or None if absent.

    A repeated header is an ambiguous answer (which one names the resource?), so it is a
    MalformedResponseError rather than whichever value a library happens to keep.
    """
    if not isinstance(headers, httpx.Headers):  # a plain mapping holds one value per name
        return headers.get(name)
    values = headers.get_list(name)
    if len(values) > 1:
        raise malformed_response(
            f"the response has {len(values)} {name} headers where one is expected",
            status_code=status_code,
            method=method,
        )
    return values[0] if values else None


def too_large(response: httpx.Response, limit: int) -> MalformedResponseError:
    """The error for a body that grew past ``limit`` bytes (decoded) while being read."""
    return too_large_body(limit, status_code=response.status_code, method=_method(response))


def too_large_body(limit: int, *, status_code: int | None, method: str | None) -> MalformedResponseError:
    """:func:`too_large` for a transport that has no ``httpx.Response`` yet."""
    return malformed_response(
        f"the response body is larger than {limit:,} bytes (RetryPolicy.max_response_bytes); the rest was not read",
        status_code=status_code,
        method=method,
    )


def gunzip_limited(data: bytes, limit: int) -> bytes:
    """``gzip.decompress(data)``, refusing output beyond ``limit`` bytes (a gzip bomb) with the typed
    error of :func:`too_large_body`; a corrupt stream raises ``zlib.error``/``EOFError`` as gzip does.

    For a file an API hands out compressed (a CDR export): the transport capped what was read,
    this caps what it expands to, by the same ``RetryPolicy.max_response_bytes``.
    """
    pieces: list[bytes] = []
    size = 0
    while data:
        decoder = zlib.decompressobj(wbits=31)  # gzip framing; one member per loop (files may hold several)
        pending = data
        while pending:
            piece = decoder.decompress(pending, limit - size + 1)
            size += len(piece)
            if size > limit:
                raise too_large_body(limit, status_code=200, method="GET")
            pieces.append(piece)
            pending = decoder.unconsumed_tail
            if decoder.eof:
                break
        if not decoder.eof:
            raise EOFError("the gzip stream ended before the end-of-stream marker")
        data = decoder.unused_data.lstrip(b"\x00")  # gzip allows zero padding after the last member
    return b"".join(pieces)


def raise_unless_success(
    response: httpx.Response,
    *,
    provider: str,
    parse_body: ErrorBodyParser,
    scrubber: CredentialScrubber | None = None,
    status_classes: Mapping[int, type[APIError]] | None = None,
    rate_limits: RateLimitSignals | None = None,
) -> None:
    """The clients' response hook: return for a 2xx; raise the typed APIError for anything else.

    An error status raises its APIError subclass, a 3xx a RedirectError (redirects are never
    followed; for a send it says whether the outcome is unknown), a 1xx a plain APIError.
    """
    if 200 <= response.status_code < 300:
        return
    raise api_error_from_response(
        response,
        provider=provider,
        parse_body=parse_body,
        scrubber=scrubber,
        status_classes=status_classes,
        rate_limits=rate_limits,
    )
