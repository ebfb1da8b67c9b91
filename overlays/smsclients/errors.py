"""The exception hierarchy every client and legacy shim raises.

One tree for all providers, so callers write ``except smsclients.NotFoundError`` once and it works
for Flowroute, Bandwidth and MessageMedia alike. Three families, each answering a different question
for the caller:

* :class:`InputError` -- your arguments were wrong; nothing was sent. :class:`ClientStateError`
  (the client is closed, or bound to another running event loop) also means nothing was sent.
* :class:`TransportError` -- the network failed; the subclass says whether the request may have
  been processed (:class:`DeliveryUnknownError`) or certainly was not (:class:`ConnectionFailedError`).
* :class:`APIError` -- the server answered with a status other than 2xx; the subclass says which
  class of status (:class:`RedirectError` for a 3xx, which is never followed), the attributes
  carry the provider's message/code and the (redacted) response.
* :class:`MalformedResponseError` -- the server answered 2xx, but the answer cannot be used
  (not JSON, too large, ambiguous); ``accepted`` says whether a send was accepted all the same.
"""

from __future__ import annotations

import json
import math
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol, TypeVar, cast

import httpx

from .redaction import CredentialScrubber, redact_headers, redact_text, redact_url

__all__ = [
    "IDEMPOTENT_METHODS",
    "REQUEST_ID_HEADERS",
    "APIError",
    "ArgumentError",
    "AuthenticationError",
    "BadRequestError",
    "ClientStateError",
    "ConnectionFailedError",
    "CredentialsForbiddenError",
    "DeliveryUnknownError",
    "ErrorBodyParser",
    "ErrorDetails",
    "InputError",
    "InsecureURLError",
    "MalformedResponseError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "RedirectError",
    "RequestTimeoutError",
    "ServerError",
    "SmsClientError",
    "TransportError",
    "UnprocessableEntityError",
    "api_error_from_response",
    "combined_error_class",
    "copy_api_error_fields",
    "display_json",
    "parse_retry_after",
    "request_id",
    "status_error_class",
]

E = TypeVar("E", bound=BaseException)

# How much of a non-JSON error body becomes the message: enough to read an HTML <title>, not a page.
_TEXT_FALLBACK_CHARS = 200

# Response headers that carry a provider's request id, in the order they are looked for.
REQUEST_ID_HEADERS = ("x-request-id", "request-id", "x-amzn-requestid", "x-correlation-id")

# Methods whose repetition is harmless. POST and PATCH (a send, a purchase) are not.
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


class SmsClientError(Exception):
    """Base of every exception this package raises on purpose."""


class InputError(SmsClientError, ValueError):
    """An argument broke a documented rule; raised before any request is sent.

    Also a ValueError, so code written against the legacy SDKs' ``except ValueError`` keeps working.
    """

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(f"{field}: {rule}")
        self.field = field
        self.rule = rule


class InsecureURLError(InputError):
    """A base URL would send credentials in clear text (http:// to a host other than loopback)."""


class ArgumentError(InputError, TypeError):
    """An argument the function does not take (e.g. a misspelt option), or one given twice or missing.

    A TypeError, as Python's own call errors are, and an InputError; nothing was sent.
    """

    def __str__(self) -> str:
        return self.rule


class ClientStateError(SmsClientError, RuntimeError):
    """The client cannot send in its current state; nothing was sent.

    Raised for a client used after ``close()``/``aclose()``, and for an async client called from an
    event loop other than the one its connections belong to while those are still in use. Also a
    RuntimeError, which is what httpx raised for a closed client.
    """


class MalformedResponseError(SmsClientError):
    """A response the spec does not allow (e.g. a 2xx body that does not parse or is too large, an
    ambiguous header), or a pagination link that would leave the API's origin.

    ``accepted`` is True when the server answered 2xx to a request that is not safe to repeat (a
    send): it accepted the request, only its answer is unusable, so do not send it again.
    """

    def __init__(
        self, message: str, *, status_code: int | None = None, raw_body: bytes = b"", accepted: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.raw_body = raw_body
        self.accepted = accepted

    def __repr__(self) -> str:
        # raw_body can be large; the repr stays one line.
        return f"{type(self).__name__}({self.message!r}, status_code={self.status_code!r}, accepted={self.accepted!r})"


class TransportError(SmsClientError):
    """The request failed at the network level. ``url`` never carries credentials."""

    def __init__(self, message: str, *, method: str = "", url: str | httpx.URL = "") -> None:
        # A network library's error text may quote the URL (reqwest does), signature and all.
        message = redact_text(message)
        super().__init__(message)
        self.message = message
        self.method = method
        self.url = redact_url(url) if url else ""

    def __str__(self) -> str:
        where = f" ({self.method} {self.url})" if self.method or self.url else ""
        return f"{self.message}{where}"


class ConnectionFailedError(TransportError):
    """The request certainly never reached the server (connect refused, DNS, connect/pool timeout): safe to retry."""


class RequestTimeoutError(TransportError):
    """A read/write timeout on a request that is safe to repeat, after the retries were used up."""


class DeliveryUnknownError(TransportError):
    """A non-idempotent request (send, buy) left the client and then the connection failed or timed out.

    The provider may or may not have processed it, so it is deliberately not retried: retrying could
    send a message twice. Check the provider (e.g. list recent messages) before sending again.
    """


class APIError(SmsClientError):
    """The provider answered with a status other than 2xx: an error status (>= 400), or a 3xx
    (:class:`RedirectError`; redirects are never followed).

    ``message``/``code``/``details`` come from the provider's error body when it has the documented
    shape, else from the body text or the HTTP reason phrase. ``body`` is the parsed JSON (or None),
    ``raw_body`` the bytes as received, ``headers`` the response headers with credentials redacted,
    ``request_id`` the provider's id of the request (as ``RawResponse.request_id``), for support.
    """

    # Class-level defaults so an instance built by a legacy exception's own constructor (see
    # combined_error_class) still has every documented attribute.
    status_code: int = 0
    message: str = ""
    code: str | None = None
    details: list[str]
    body: object | None = None
    raw_body: bytes = b""
    headers: dict[str, str]
    provider: str = ""
    method: str = ""
    url: str = ""
    request_id: str | None = None

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        code: str | None = None,
        details: list[str] | None = None,
        body: object | None = None,
        raw_body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        provider: str = "",
        method: str = "",
        url: str = "",
        request_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.code = code
        self.details = list(details or [])
        self.body = body
        self.raw_body = raw_body
        # Redacted here too, not only in api_error_from_response: callers may build errors by hand.
        self.headers = redact_headers(headers or {})
        self.provider = provider
        self.method = method
        self.url = redact_url(url) if url else ""
        self.request_id = request_id
        self._api_error_init_ran = True  # see _finish_legacy_init

    def __str__(self) -> str:
        context = [f"HTTP {self.status_code}"]
        if self.code:
            context.append(f"code={self.code}")
        if self.provider:
            context.append(self.provider)
        if self.method or self.url:
            context.append(f"{self.method} {self.url}".strip())
        if self.request_id:
            context.append(f"request_id={self.request_id}")
        text = f"{self.message} [{', '.join(context)}]"
        if self.details:
            text += " details: " + "; ".join(self.details)
        return text

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}({self.message!r}, status_code={self.status_code}, code={self.code!r}, "
            f"provider={self.provider!r}, method={self.method!r}, url={self.url!r}, request_id={self.request_id!r})"
        )


class RedirectError(APIError):
    """HTTP 3xx: only a 2xx is success, and a redirect is never followed (it could carry the
    credentials, or a message, elsewhere). ``location`` is the redirect target (without userinfo).

    For a request that is not safe to repeat (a send), ``outcome_unknown`` says what the status
    means for it: False for 307/308, which ask for the request to be repeated at another URL, so
    it was not accepted here; True for any other 3xx (a 303, for instance, usually follows a
    request that was processed): check before sending again. For other requests it is False.
    """

    location: str = ""
    outcome_unknown: bool = False

    def __init__(self, message: str, *, location: str = "", outcome_unknown: bool = False, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.location = location
        self.outcome_unknown = outcome_unknown


class BadRequestError(APIError):
    """HTTP 400: the provider rejected the request's content."""


class AuthenticationError(APIError):
    """Missing or wrong credentials: HTTP 401, or the status a provider documents for them instead
    (its glue maps that status here, e.g. to :class:`CredentialsForbiddenError`)."""


class PermissionDeniedError(APIError):
    """HTTP 403: credentials accepted but not allowed."""


class CredentialsForbiddenError(AuthenticationError, PermissionDeniedError):
    """HTTP 403 from a provider that answers bad credentials with 403 rather than 401.

    Both an :class:`AuthenticationError` (so ``except AuthenticationError`` catches bad credentials
    on every provider) and a :class:`PermissionDeniedError` (what a 403 is everywhere else).
    """


class NotFoundError(APIError):
    """HTTP 404: unknown resource (e.g. message id)."""


class UnprocessableEntityError(APIError):
    """HTTP 422: well-formed request the provider cannot process."""


class RateLimitError(APIError):
    """The provider refused the request as too fast (HTTP 429, or what its spec's ``x-rate-limits``
    names, e.g. Bandwidth's 403 ``message-rate-limit``), after the retries were used up. The request
    was not accepted, so sending it again later is safe; ``retry_after`` is the server's hint in
    seconds (``Retry-After`` or a reset time such as ``X-RateLimit-Reset``), if any."""

    retry_after: float | None = None

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class ServerError(APIError):
    """HTTP 5xx: the provider failed. For a send (POST) the message was probably not sent, but not certainly."""


_STATUS_CLASSES: dict[int, type[APIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def status_error_class(status_code: int, overrides: Mapping[int, type[APIError]] | None = None) -> type[APIError]:
    """The APIError subclass for a status: specific 4xx classes, ServerError for 5xx, RedirectError
    for 3xx, APIError otherwise. ``overrides`` are a provider's own (from its glue) and come first."""
    if overrides and status_code in overrides:
        return overrides[status_code]
    if status_code in _STATUS_CLASSES:
        return _STATUS_CLASSES[status_code]
    if 500 <= status_code <= 599:
        return ServerError
    if 300 <= status_code <= 399:
        return RedirectError
    return APIError


@dataclass(frozen=True)
class ErrorDetails:
    """What a provider's error-body parser extracted; ``message=None`` means "use the fallback"."""

    message: str | None
    code: str | None = None
    details: tuple[str, ...] = ()


ErrorBodyParser = Callable[[object], ErrorDetails]
"""Given the parsed JSON error body (any JSON value); must never raise."""


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), or None if absent/unusable.

    A date in the past means "now" (0.0); garbage means "no hint" rather than an exception, because
    a bad header must not turn a 429 into a crash.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return seconds if math.isfinite(seconds) and seconds >= 0 else None
    try:
        when = parsedate_to_datetime(text)
        if when.tzinfo is None:  # RFC 7231 dates are GMT; an obsolete form without zone is read as GMT too
            when = when.replace(tzinfo=UTC)
        reference = now if now is not None else datetime.now(UTC)
        seconds = (when - reference).total_seconds()
    except (TypeError, ValueError, IndexError, OverflowError):  # a crafted date (year 10**9, hour 99, ...)
        return None
    return max(0.0, seconds)


def request_id(headers: Mapping[str, str]) -> str | None:
    """The provider's id of a request: the first of :data:`REQUEST_ID_HEADERS` the response has."""
    for name in REQUEST_ID_HEADERS:
        value = headers.get(name)
        if value:
            return value
    return None


def _response_body(response: httpx.Response) -> bytes:
    try:
        return response.content
    except httpx.ResponseNotRead:
        pass
    try:
        return response.read()
    except (RuntimeError, httpx.HTTPError):  # an async stream, or the connection died mid-body
        return b""


def _decode_text(response: httpx.Response, raw: bytes) -> str:
    try:
        return raw.decode(response.charset_encoding or "utf-8", errors="replace")
    except LookupError:  # unknown charset name in Content-Type
        return raw.decode("utf-8", errors="replace")


def _looks_like_json(response: httpx.Response, text: str) -> bool:
    content_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if content_type == "application/json" or content_type.endswith("+json"):
        return True
    # Some error paths (gateways, older endpoints) send JSON as text/plain or without a type.
    return text.lstrip()[:1] in ("{", "[")


def _parse_json(response: httpx.Response, text: str) -> object | None:
    if not text.strip() or not _looks_like_json(response, text):
        return None
    from .responses import parse_json_body  # here: that module builds on this one

    try:
        return cast(object, parse_json_body(text))
    except MalformedResponseError:
        return None


def _safe_details(parse_body: ErrorBodyParser, body: object | None) -> ErrorDetails:
    if body is None:
        return ErrorDetails(None)
    try:
        details = parse_body(body)
    except Exception:
        # Parsers are required not to raise; if one does, a typed APIError still beats a KeyError.
        return ErrorDetails(None)
    return details if isinstance(details, ErrorDetails) else ErrorDetails(None)


class RateLimitSignals(Protocol):
    """What :func:`api_error_from_response` asks of a provider's rate-limit rules (:mod:`smsclients.ratelimits`)."""

    def matches(self, status: int, code: str | None) -> bool: ...
    def wait(self, headers: httpx.Headers) -> float | None: ...


def api_error_from_response(
    response: httpx.Response,
    *,
    provider: str,
    parse_body: ErrorBodyParser,
    scrubber: CredentialScrubber | None = None,
    status_classes: Mapping[int, type[APIError]] | None = None,
    rate_limits: RateLimitSignals | None = None,
) -> APIError:
    """Build the typed APIError for an error response. Never raises for any body content.

    The message is the provider's (via ``parse_body``) when the body is JSON of the documented shape;
    else the first 200 characters of the body text; else the HTTP reason phrase. ``scrubber`` holds
    the client's credentials: a body or header that echoes them (plain, URL-encoded, as the Basic
    token) reaches none of the error's fields; URLs in the body lose their credentials too.
    ``status_classes`` are the provider's own status-to-class mapping (see :func:`status_error_class`).
    ``rate_limits`` (the provider's, from its spec) says which answers are a :class:`RateLimitError`
    besides a 429 (Bandwidth: a 403 with ``message-rate-limit``) and which headers give ``retry_after``.
    """
    raw = _response_body(response)
    headers: Mapping[str, str] = response.headers
    if scrubber:
        raw = scrubber.bytes(raw)
        headers = {name: scrubber.text(value) for name, value in redact_headers(response.headers).items()}
    text = redact_text(_decode_text(response, raw))
    if scrubber:
        text = scrubber.text(text)  # also what only decoding revealed (a charset other than UTF-8)
    body = _parse_json(response, text)
    parsed = _safe_details(parse_body, body)
    message = (
        parsed.message
        or " ".join(text.split())[:_TEXT_FALLBACK_CHARS]
        or response.reason_phrase
        or f"HTTP {response.status_code}"
    )
    try:
        request: httpx.Request | None = response.request
    except RuntimeError:  # a Response built by hand has no request
        request = None
    kwargs: dict[str, Any] = {
        "status_code": response.status_code,
        "code": parsed.code,
        "details": list(parsed.details),
        "body": body,
        "raw_body": raw,
        "headers": headers,
        "provider": provider,
        "method": request.method if request is not None else "",
        "url": str(request.url) if request is not None else "",
        "request_id": request_id(headers),
    }
    error_class = status_error_class(response.status_code, status_classes)
    if rate_limits is not None and rate_limits.matches(response.status_code, parsed.code):
        error_class = RateLimitError
    if issubclass(error_class, RateLimitError):
        if rate_limits is not None:
            kwargs["retry_after"] = rate_limits.wait(response.headers)
        else:
            kwargs["retry_after"] = parse_retry_after(response.headers.get("retry-after"))
    if issubclass(error_class, RedirectError):
        return _redirect_error(response, kwargs)
    return error_class(message, **kwargs)


def _redirect_error(response: httpx.Response, kwargs: dict[str, Any]) -> RedirectError:
    status = response.status_code
    location = redact_url(response.headers.get("location", ""))
    repeatable = kwargs["method"].upper() in IDEMPOTENT_METHODS
    outcome_unknown = not repeatable and status not in (307, 308)
    target = f" to {location}" if location else ""
    if repeatable:
        outcome = "the request was not repeated there"
    elif outcome_unknown:
        outcome = "the request may or may not have been processed: check before sending it again"
    else:
        outcome = "the request was not accepted here and was not repeated there"
    message = f"HTTP {status} redirect{target} is not followed (only a 2xx is success); {outcome}"
    return RedirectError(message, location=location, outcome_unknown=outcome_unknown, **kwargs)


def display_json(value: object, *, limit: int = 10_000) -> str:
    """``value`` as JSON text for an exception or a log line; never raises.

    Exceptions carry what the caller asked to send. Building one must not fail on a value the wire
    encoding would have converted first (a ``datetime``) or refused (NaN, a set, deep nesting),
    or the HTTP error it reports would be lost. Unknown objects are shown with ``str()``.
    """
    try:
        text = json.dumps(value, default=_display_default, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _display_default(value: object) -> object:
    isoformat = getattr(value, "isoformat", None)  # datetime, date, time
    if callable(isoformat):
        return isoformat()
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    return str(value)


# Everything APIError.__init__ sets (plus RateLimitError's hint): what a combined legacy error inherits.
_API_ERROR_FIELDS = (
    "status_code",
    "message",
    "code",
    "details",
    "body",
    "raw_body",
    "headers",
    "provider",
    "method",
    "url",
    "request_id",
    "retry_after",
    "location",
    "outcome_unknown",
)


def copy_api_error_fields(target: E, source: APIError, *, keep_existing: bool = False) -> E:
    """Copy ``source``'s APIError attributes onto ``target`` (an instance of a combined class); returns ``target``.

    For legacy shims that build their exception outside the ``except`` block that caught ``source``
    (inside it, the combined class does this by itself). ``keep_existing`` leaves attributes the
    target already set (e.g. a legacy ``.message``/``.code``) alone.
    """
    existing = vars(target) if keep_existing else {}
    for name in _API_ERROR_FIELDS:
        if name not in existing and hasattr(source, name):
            value = getattr(source, name)
            setattr(target, name, list(value) if isinstance(value, list) else value)
    return target


class _LegacyInitShim:
    """Sits between a legacy exception class and an APIError class in a combined class's MRO.

    A legacy exception has its own constructor (e.g. ``APIException(reason, context)``) and calls
    ``super().__init__(reason)``, which would otherwise land in ``APIError.__init__`` and fail for
    the missing keyword arguments. The shim passes APIError-style calls (with ``status_code``) on
    and absorbs legacy-style ones.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if "status_code" in kwargs:
            super().__init__(*args, **kwargs)
        else:
            BaseException.__init__(cast(BaseException, self), *args)

    # Legacy callers compare str(e) with the reason they passed; APIError's richer text would break that.
    __str__ = BaseException.__str__
    __repr__ = BaseException.__repr__


def _finish_legacy_init(error: BaseException) -> None:
    """Give a legacy-style-constructed combined error its APIError attributes.

    They come from the APIError being handled when the legacy error is created -- the normal case,
    since legacy shims convert inside ``except APIError`` -- else they stay at neutral defaults.
    Attributes the legacy constructor set itself (a legacy ``.message`` or ``.code``) win.
    """
    if vars(error).get("_api_error_init_ran"):  # constructed APIError-style: nothing to fill in
        return
    handled = sys.exception()
    if isinstance(handled, APIError) and handled is not error:
        copy_api_error_fields(error, handled, keep_existing=True)
    # Mutable defaults per instance (the class-level ones would be shared).
    for name, default in (("details", list[str]()), ("headers", dict[str, str]())):
        if name not in vars(error):
            setattr(error, name, default)


_combined_lock = threading.Lock()
_combined_cache: dict[tuple[type[BaseException], type[APIError]], type[BaseException]] = {}


def combined_error_class(legacy_base: type[E], status_class: type[APIError]) -> type[E]:
    """A subclass of both ``legacy_base`` and ``status_class``, created once per pair.

    Lets a legacy shim raise its documented exception (``except legacy.APIException``) while code
    using the modern API catches the same object as ``except smsclients.NotFoundError``. Cached so
    ``type(e)`` is stable and classes are not created per error. The class keeps the legacy name and
    module so tracebacks read like the legacy SDK's.

    Construct it legacy-style (``cls(reason, context)``: ``str(e)`` and ``args`` are the legacy
    ones, APIError attributes are copied from the APIError being handled, see also
    :func:`copy_api_error_fields`) or APIError-style (``cls(message, status_code=..., ...)``).
    """
    if issubclass(legacy_base, status_class):
        return legacy_base
    key = (legacy_base, status_class)
    with _combined_lock:
        cached = _combined_cache.get(key)
        if cached is None:
            cached = _make_combined(legacy_base, status_class)
            _combined_cache[key] = cached
    return cast(type[E], cached)


def _make_combined(legacy_base: type[BaseException], status_class: type[APIError]) -> type[BaseException]:
    def __init__(self: BaseException, *args: Any, **kwargs: Any) -> None:
        super(combined, self).__init__(*args, **kwargs)
        _finish_legacy_init(self)

    namespace: dict[str, object] = {
        "__init__": __init__,
        "__module__": legacy_base.__module__,
        "__qualname__": legacy_base.__qualname__,
        "__doc__": f"{legacy_base.__qualname__} raised for an HTTP error; also a {status_class.__name__}.",
    }
    combined: type[BaseException] = type(legacy_base.__name__, (legacy_base, _LegacyInitShim, status_class), namespace)
    return combined
