"""The one place httpx clients are built, so every facade gets the same safety properties.

A client built here refuses clear-text URLs (except loopback, for the local sandbox), retries
through :class:`~smsclients.retries.RetryTransport`, identifies itself with a User-Agent, and
turns every status other than 2xx into a typed :class:`~smsclients.errors.APIError` in a response
hook (:func:`~smsclients.responses.raise_unless_success`) -- before the generated code tries to
parse an error body as a success model. Before anything is sent, a request that could not go out
as the caller meant it is an :class:`~smsclients.errors.InputError`: a body that is not JSON (NaN,
a set, bytes, deep nesting), a header value that is not printable ASCII, a path with ``.``/``..``
or empty segments. A closed client raises :class:`~smsclients.errors.ClientStateError`. The
responses it returns are :class:`~smsclients.responses.CheckedResponse` objects.

The clients are :class:`ProviderClient` / :class:`AsyncProviderClient`: ``httpx`` clients whose
``request()`` takes a short path for the requests the generated code makes (see
:class:`_DirectPath`), because ``httpx.Client.send`` cost more CPU per call than the rest of a
send put together (profiled; docs/guides/performance.md).
"""

from __future__ import annotations

import ipaddress
import logging
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from datetime import timedelta
from json import JSONEncoder
from typing import TYPE_CHECKING, Any, cast

import httpx

from ._version import __version__
from .auth import RESIGN_EXTENSION, RequestSigner
from .client_transport import network_async_transport, network_transport
from .errors import APIError, ClientStateError, ErrorBodyParser, InputError, InsecureURLError
from .ratelimits import DEFAULT_RATE_LIMITS, RateLimits
from .redaction import redact_url
from .responses import CheckedResponse, raise_unless_success
from .retries import AsyncRetryTransport, RetryPolicy, RetryTransport
from .shortcuts import buffered_request
from .validation import header_value

if TYPE_CHECKING:
    import ssl

__all__ = [
    "USER_AGENT",
    "AsyncProviderClient",
    "ProviderClient",
    "build_async_http_client",
    "build_http_client",
    "check_request_path",
    "default_async_transport",
    "default_transport",
    "is_loopback_host",
    "require_secure_url",
]

USER_AGENT = f"sms-provider-clients/{__version__}"

_SECURE_RULE = "must use https:// (http:// is allowed only for localhost, 127.0.0.0/8 and ::1)"


def is_loopback_host(host: str) -> bool:
    """True for ``localhost`` and loopback IP literals: traffic that never leaves the machine."""
    name = host.lower().rstrip(".")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name.strip("[]")).is_loopback
    except ValueError:
        return False


def require_secure_url(url: str, *, field: str = "base_url", query: bool = False) -> str:
    """Return ``url`` if credentials sent to it stay confidential, else raise.

    https is always accepted; http only for loopback hosts (the local sandbox), because these APIs
    authenticate every request with a reusable credential (Basic) or a replayable signature. A
    base URL (``query=False``) has no query or fragment either: request paths are appended to it,
    so they would land inside them. Errors show the URL only through :func:`redact_url`.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        shown = f"; got {redact_url(url)!r}" if isinstance(url, str) else f"; got a {type(url).__name__}"
        raise InputError(field, f"must be an absolute https:// URL{shown}") from None
    if not parsed.host or parsed.scheme not in ("http", "https"):
        raise InputError(field, f"must be an absolute https:// URL; got {redact_url(url)!r}")
    if parsed.userinfo:
        # Credentials belong in auth=, where they are redacted; in a URL they end up in logs.
        raise InputError(field, "must not contain user:password@; pass credentials separately")
    if not query and (parsed.query or parsed.fragment or "?" in str(url) or "#" in str(url)):
        raise InputError(field, f"must not contain a query (?...) or fragment (#...); got {_origin_and_path(parsed)!r}")
    if parsed.scheme == "http" and not is_loopback_host(parsed.host):
        raise InsecureURLError(field, f"{_SECURE_RULE}; got {redact_url(url)!r}")
    return url


def _origin_and_path(url: httpx.URL) -> str:
    return f"{url.scheme}://{url.netloc.decode('ascii')}{url.path}"


def check_request_path(path: str) -> None:
    """InputError if the path (and query) of a relative request URL holds a ``.``, ``..`` or empty segment.

    HTTP stacks remove dot segments and servers merge empty ones, so such a path would address
    another resource than the one its parameters name (``/users/u-1/messages/..`` is
    ``/users/u-1``). A backstop behind :func:`smsclients.validation.path_segment`, which refuses
    such parameter values by name.
    """
    segments = path.split("?", 1)[0].split("/")[1:]
    for index, segment in enumerate(segments):
        if segment in (".", "..") or (not segment and index < len(segments) - 1):
            raise InputError("path", f"segment {segment!r} of {path.split('?', 1)[0]!r} would change the request path")


def _check_headers(headers: Mapping[str, Any]) -> None:
    for name, value in headers.items():
        if type(value) is str and value not in _SENDABLE_VALUES:
            header_value(f"headers[{name!r}]", value)
            if len(_SENDABLE_VALUES) >= _SENDABLE_CACHE_SIZE:
                _SENDABLE_VALUES.clear()
            _SENDABLE_VALUES.add(value)


# Header values checked already: the same few (content types, account names) come with every request.
_SENDABLE_VALUES: set[str] = set()
_SENDABLE_CACHE_SIZE = 256


def _check_params(params: object) -> None:
    """Query values httpx would send as their ``str()`` (``b'raw'``, ``{1, 2}``, ``nan``) are input errors."""
    if not isinstance(params, Mapping):
        return
    for name, value in params.items():
        for item in value if isinstance(value, list | tuple) else (value,):
            if item is None or isinstance(item, str | int) or (isinstance(item, float) and math.isfinite(item)):
                continue
            raise InputError(f"params[{name!r}]", "must be a string, a finite number, or a list of them")


def _json_problem(value: object) -> str:
    """Where in ``value`` the first thing is that JSON cannot carry, as ``body.messages[0].x``."""
    stack: list[tuple[object, str]] = [(value, "body")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return f"{path}: {item!r} is not allowed in JSON"
        if isinstance(item, dict):
            for key, child in reversed(list(item.items())):
                if not isinstance(key, str | int | float | bool) and key is not None:
                    return f"{path}: key {key!r} is not a string"
                stack.append((child, f"{path}.{key}"))
        elif isinstance(item, list | tuple):
            stack.extend((child, f"{path}[{index}]") for index, child in reversed(list(enumerate(item))))
        elif not isinstance(item, str | int | float | bool) and item is not None:
            return f"{path}: a {type(item).__name__} cannot be sent as JSON"
    return "body: cannot be sent as JSON (nested too deep)"


def _unsendable(exc: Exception, json: object) -> InputError:
    problem = _json_problem(json) if json is not None else f"request: {type(exc).__name__}: {exc}"
    field, _, rule = problem.partition(": ")
    return InputError(field, rule)


def default_transport(verify: bool = True) -> httpx.BaseTransport:
    """The network transport a sync client gets when none is given: httpx's own."""
    return httpx.HTTPTransport(verify=verify)


def default_async_transport(verify: bool = True) -> httpx.AsyncBaseTransport:
    """The network transport an async client gets when none is given: HTTP/1.1 on the running loop.

    Chosen by measurement (docs/guides/performance.md, "Fast by default"): at 50 ms latency and 64
    sends in flight, an answer that wakes its task in the loop turn it arrives in keeps a bulk send
    at the latency bound; :class:`~smsclients.asyncio_transport.AsyncioTransport` says why the
    libraries' own clients do not. Under trio it sends through httpx's own transport.
    """
    # Imported on first use: importing the clients needs neither asyncio nor httptools.
    from .asyncio_transport import AsyncioTransport
    from .transports import MissingDependencyError

    try:
        return AsyncioTransport(verify=verify)
    except MissingDependencyError:  # httptools not installed (or no build for the platform)
        return fallback_async_transport(verify)


def fallback_async_transport(verify: bool | ssl.SSLContext = True) -> httpx.AsyncBaseTransport:
    """The async default where httptools cannot be imported (installed without its dependencies, or
    no build for the platform): pyreqwest's transport, or httpx's own (in one-connection pools)
    where pyreqwest cannot be imported either."""
    from .transports import AsyncPyreqwestTransport, MissingDependencyError

    if isinstance(verify, bool):
        try:
            return AsyncPyreqwestTransport(verify=verify)
        except MissingDependencyError:
            pass
    from .pooling import PartitionedAsyncTransport

    return PartitionedAsyncTransport(verify=verify)


def _default_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    return {"User-Agent": USER_AGENT, **(headers or {})}


_httpx_logger = logging.getLogger("httpx")
# The per-request options of ``httpx.Client.request`` whose default is USE_CLIENT_DEFAULT, not None.
_CLIENT_DEFAULT_OPTIONS = frozenset({"auth", "follow_redirects", "timeout"})
_URL_CACHE_SIZE = 256


class _DirectPath:
    """What :class:`ProviderClient` and its async twin precompute to build each request quickly.

    The client's settings are public and mutable (``client.headers["X"] = ...``, ``client.timeout =
    ...``), so each request first checks, by identity and one list comparison, that what was
    precomputed still matches; anything the direct path does not model (cookies, default query
    parameters, extra event hooks, redirects, an auth that is not a :class:`RequestSigner`) sends
    the request through httpx's own path instead.
    """

    def __init__(self, client: httpx.Client | httpx.AsyncClient, on_response: object) -> None:
        self.client = client
        self.on_response = on_response
        self.urls: dict[str, httpx.URL] = {}  # parsing is a third of building a request; paths repeat
        self._load()

    def _load(self) -> None:
        client = self.client
        self.base_url, self.timeout_setting, self.auth = client.base_url, client.timeout, client.auth
        self.prefix = str(client.base_url).rstrip("/")
        self.raw_headers = client.headers.raw
        self.headers = {name.decode("latin-1"): value.decode("latin-1") for name, value in self.raw_headers}
        self.header_names = {name.lower(): name for name in self.headers}
        self.timeout = client.timeout.as_dict()
        auth = self.auth
        # A signature over the date goes stale: the retry transport signs each retry again with this.
        self.resign = auth.sign if isinstance(auth, RequestSigner) and auth.signs_each_attempt else None
        self.urls.clear()

    def _applies(self) -> bool:
        """Whether the client is still configured as the direct path assumes (reloading what changed)."""
        client = self.client
        if (
            client.base_url is not self.base_url
            or client.timeout is not self.timeout_setting
            or client.auth is not self.auth
            or client.headers.raw != self.raw_headers
        ):
            self._load()
        hooks = client.event_hooks
        return (
            isinstance(self.auth, RequestSigner)
            and not client.follow_redirects
            and not client.cookies
            and not client.params
            and not hooks["request"]
            and hooks["response"] == [self.on_response]
        )

    def request(
        self,
        method: str,
        url: httpx.URL | str,
        content: Any,
        json: Any,
        params: Any,
        headers: Any,
        options: Mapping[str, Any],
    ) -> httpx.Request | None:
        """The request ``httpx.Client.request`` would build and sign, or None to let httpx do it.

        The direct path covers what the generated code and the pagers pass: a path under
        ``base_url`` or an absolute URL, a JSON or bytes body, query parameters and headers. It
        skips httpx's per-request cookie jar, redirect and event-hook machinery, none of which these
        clients use (redirects are never followed, no provider sets cookies).
        """
        for name, value in options.items():
            # auth/follow_redirects/timeout default to USE_CLIENT_DEFAULT, so an explicit None there
            # means something (no auth, no timeout); the other options default to None.
            default = httpx.USE_CLIENT_DEFAULT if name in _CLIENT_DEFAULT_OPTIONS else None
            if value is not default:
                return None
        if not isinstance(url, str) or not (headers is None or isinstance(headers, Mapping)):
            return None
        if not self._applies():
            return None
        if url.startswith("/"):
            if "/." in url or "//" in url:
                check_request_path(url)
            url = self.prefix + url
        elif not url.startswith(("https://", "http://")):
            return None
        if headers:
            _check_headers(headers)
        if params is None:
            parsed = self._parsed(url)
        else:
            _check_params(params)
            parsed = httpx.URL(self._parsed(url), params=params)
        try:
            encoded = _encoded_body(content, json)
            if encoded is None:
                request = httpx.Request(
                    method,
                    parsed,
                    headers=self._merge(headers),
                    content=content,
                    json=json,
                    extensions={"timeout": self.timeout},
                )
            else:
                body, content_headers = encoded
                complete = _with_auto_headers(method, parsed, self._merge(headers), content_headers)
                request = buffered_request(method, parsed, complete, body, {"timeout": self.timeout})
        except (TypeError, ValueError, RecursionError) as exc:  # NaN, a set, bytes, deep nesting in the body
            raise _unsendable(exc, json) from None
        cast(RequestSigner, self.auth).sign(request)
        if self.resign is not None:
            request.extensions[RESIGN_EXTENSION] = self.resign
        return request

    def _parsed(self, url: str) -> httpx.URL:
        parsed = self.urls.get(url)
        if parsed is None:
            if len(self.urls) >= _URL_CACHE_SIZE:  # ids in paths would otherwise grow it without bound
                self.urls.clear()
            parsed = self.urls[url] = httpx.URL(url)
        return parsed

    def _merge(self, headers: Mapping[str, str] | None) -> dict[str, str]:
        """The client's headers updated with ``headers`` as ``httpx.Headers.update`` does it.

        Names compare case-insensitively, and a replaced header moves to the end (the order is on the wire).
        """
        merged = self.headers.copy()
        for name, value in (headers or {}).items():
            existing = self.header_names.get(name.lower())
            if existing is not None:
                merged.pop(existing, None)
            merged[name] = value
        return merged


def _encoded_body(content: Any, json: Any) -> tuple[bytes, list[tuple[str, str]]] | None:
    """The body and content headers ``httpx.Request`` would derive, or None for bodies httpx must encode.

    Building the request from these (``stream=``) skips httpx's per-header ``setdefault`` walk, which
    cost more than the rest of building a request (measured: 20 -> 6 µs). Text, iterators and files
    return None and go through ``httpx.Request(content=...)`` unchanged.
    """
    if content is not None:
        if isinstance(content, bytes):
            # httpx leaves an empty body's length to the auto headers (POST/PUT/PATCH only).
            return content, [("Content-Length", str(len(content)))] if content else []
        return None
    if json is not None:
        if not _HTTPX_COMPACT_JSON:
            return None
        body = _JSON_ENCODER.encode(json).encode("utf-8")
        return body, [("Content-Length", str(len(body))), ("Content-Type", "application/json")]
    return b"", []


def _with_auto_headers(
    method: str, url: httpx.URL, headers: dict[str, str], content_headers: list[tuple[str, str]]
) -> list[tuple[str, str]]:
    """``headers`` completed in httpx's order: Host first, then the given headers, then content headers.

    Mirrors ``httpx.Request._prepare``: a content header the caller already set keeps the caller's
    value; a POST, PUT or PATCH without a body says ``Content-Length: 0``.
    """
    present = {name.lower() for name in headers}
    completed = list(headers.items())
    completed += [(name, value) for name, value in content_headers if name.lower() not in present]
    present.update(name.lower() for name, _ in content_headers)
    auto: list[tuple[str, str]] = []
    if "host" not in present and url.host:
        auto.append(("Host", url.netloc.decode("ascii")))  # IDNA-encoded, so ASCII
    if "content-length" not in present and "transfer-encoding" not in present and method.upper() in _BODY_METHODS:
        auto.append(("Content-Length", "0"))
    return auto + completed


_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
# Byte for byte httpx 0.28's encode_json; kept, because json.dumps with options builds an encoder per call.
_JSON_ENCODER = JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)
# Older httpx (the supported range starts at 0.23) encodes JSON with spaces and \u escapes; there,
# JSON bodies stay with httpx so the direct path never sends different bytes.
_HTTPX_COMPACT_JSON = httpx.Request("POST", "http://localhost", json={"k": ["é"]}).content == '{"k":["é"]}'.encode()


def _received(request: httpx.Request, response: httpx.Response, started: float) -> None:
    """What ``httpx.Client`` records on each response (request, elapsed) and the line it logs."""
    response.request = request
    response.elapsed = timedelta(seconds=time.perf_counter() - started)
    if _httpx_logger.isEnabledFor(logging.INFO):
        _httpx_logger.info(
            'HTTP Request: %s %s "%s %d %s"',
            request.method,
            redact_url(request.url),
            response.http_version,
            response.status_code,
            response.reason_phrase,
        )


_CLOSED = "Cannot send a request, as the client has been closed; nothing was sent."


class _CheckedBuild:
    """``build_request`` for httpx's own path (requests the direct path does not model): the same
    input checks, and bad input typed. Comes before ``httpx.Client``/``AsyncClient`` in the MRO."""

    def build_request(self, *args: Any, **kwargs: Any) -> httpx.Request:
        if isinstance(kwargs.get("headers"), Mapping):
            _check_headers(kwargs["headers"])
        _check_params(kwargs.get("params"))
        try:
            request: httpx.Request = super().build_request(*args, **kwargs)  # type: ignore[misc]
        except InputError:
            raise
        except (TypeError, ValueError, RecursionError) as exc:
            raise _unsendable(exc, kwargs.get("json")) from None
        return request


class ProviderClient(_CheckedBuild, httpx.Client):
    """The ``httpx.Client`` of one provider facade, with a direct path for the generated code's requests.

    Behaviour is that of ``httpx.Client.request`` for those requests (same URL, headers, body,
    auth, timeout, transport, response hook); anything else falls through to httpx unchanged.
    """

    def __init__(self, *, auth: RequestSigner, on_response: Callable[[httpx.Response], None], **settings: Any) -> None:
        super().__init__(auth=auth, event_hooks={"response": [on_response]}, **settings)
        self._direct = _DirectPath(self, on_response)
        self._on_response = on_response

    def request(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        content: Any = None,
        json: Any = None,
        params: Any = None,
        headers: Any = None,
        **options: Any,
    ) -> httpx.Response:
        if self.is_closed:
            raise ClientStateError(_CLOSED)
        request = self._direct.request(method, url, content, json, params, headers, options)
        if request is None:
            response = super().request(
                method, url, content=content, json=json, params=params, headers=headers, **options
            )
        else:
            started = time.perf_counter()
            response = self._transport.handle_request(request)  # the retry transport; it reads the body
            _received(request, response, started)
            self._on_response(response)
        response.__class__ = CheckedResponse  # json() raises typed errors only
        return response


class AsyncProviderClient(_CheckedBuild, httpx.AsyncClient):
    """Async twin of :class:`ProviderClient`."""

    def __init__(
        self, *, auth: RequestSigner, on_response: Callable[[httpx.Response], Awaitable[None]], **settings: Any
    ) -> None:
        super().__init__(auth=auth, event_hooks={"response": [on_response]}, **settings)
        self._direct = _DirectPath(self, on_response)
        self._on_response = on_response

    async def request(
        self,
        method: str,
        url: httpx.URL | str,
        *,
        content: Any = None,
        json: Any = None,
        params: Any = None,
        headers: Any = None,
        **options: Any,
    ) -> httpx.Response:
        if self.is_closed:
            raise ClientStateError(_CLOSED)
        request = self._direct.request(method, url, content, json, params, headers, options)
        if request is None:
            response = await super().request(
                method, url, content=content, json=json, params=params, headers=headers, **options
            )
        else:
            started = time.perf_counter()
            response = await self._transport.handle_async_request(request)
            _received(request, response, started)
            await self._on_response(response)
        response.__class__ = CheckedResponse
        return response


def _check_settings(policy: object, transport: object, transport_class: type, auth: object) -> None:
    """Wrong-typed client settings are InputErrors naming the option, not AttributeErrors on first use."""
    if not isinstance(policy, RetryPolicy):
        raise InputError("retry", "must be a smsclients.RetryPolicy")
    if transport is not None and not isinstance(transport, transport_class):
        raise InputError("transport", f"must be an httpx.{transport_class.__name__} (see smsclients.transports)")
    if not isinstance(auth, RequestSigner):
        raise InputError("auth", "must be a smsclients.auth.RequestSigner (BasicAuth, MessageMediaHmacAuth)")


def build_http_client(
    *,
    base_url: str,
    auth: RequestSigner,
    provider: str,
    parse_error: ErrorBodyParser,
    policy: RetryPolicy = RetryPolicy(),  # noqa: B008 -- frozen dataclass, safe as a shared default
    transport: httpx.BaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
    verify: bool = True,
    rate_limits: RateLimits = DEFAULT_RATE_LIMITS,
    http_client: httpx.Client | None = None,
    status_classes: Mapping[int, type[APIError]] | None = None,
) -> ProviderClient:
    """An ``httpx.Client`` for one provider facade; reuse it for every call (keep-alive) and close it with the facade.

    ``transport`` replaces the network transport (tests, mock servers, proxies: pass
    ``httpx.HTTPTransport(proxy=...)``); ``http_client`` sends through a client you built instead
    (see :mod:`smsclients.client_transport`). Without either, environment proxy variables are not
    read because an explicit transport is always installed. ``verify`` applies only when neither is given.
    ``rate_limits`` (from the provider's spec) says which answers are rate limits and when to come
    back (:mod:`smsclients.ratelimits`).
    """

    _check_settings(policy, transport, httpx.BaseTransport, auth)

    def raise_for_status(response: httpx.Response) -> None:
        if not 200 <= response.status_code < 300:
            response.read()
            raise_unless_success(
                response,
                provider=provider,
                parse_body=parse_error,
                scrubber=auth.scrubber,
                status_classes=status_classes,
                rate_limits=rate_limits,
            )

    return ProviderClient(
        base_url=require_secure_url(base_url),
        auth=auth,
        transport=RetryTransport(
            network_transport(transport, http_client, verify), policy, rate_limits=rate_limits, parse_error=parse_error
        ),
        timeout=policy.timeout,
        headers=_default_headers(headers),
        on_response=raise_for_status,
        follow_redirects=False,  # a redirect could carry the Authorization header elsewhere
    )


def build_async_http_client(
    *,
    base_url: str,
    auth: RequestSigner,
    provider: str,
    parse_error: ErrorBodyParser,
    policy: RetryPolicy = RetryPolicy(),  # noqa: B008 -- frozen dataclass, safe as a shared default
    transport: httpx.AsyncBaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
    verify: bool = True,
    rate_limits: RateLimits = DEFAULT_RATE_LIMITS,
    http_client: httpx.AsyncClient | None = None,
    status_classes: Mapping[int, type[APIError]] | None = None,
) -> AsyncProviderClient:
    """Async twin of :func:`build_http_client`."""

    _check_settings(policy, transport, httpx.AsyncBaseTransport, auth)

    async def raise_for_status(response: httpx.Response) -> None:
        if not 200 <= response.status_code < 300:
            await response.aread()
            raise_unless_success(
                response,
                provider=provider,
                parse_body=parse_error,
                scrubber=auth.scrubber,
                status_classes=status_classes,
                rate_limits=rate_limits,
            )

    return AsyncProviderClient(
        base_url=require_secure_url(base_url),
        auth=auth,
        transport=AsyncRetryTransport(
            network_async_transport(transport, http_client, verify),
            policy,
            rate_limits=rate_limits,
            parse_error=parse_error,
        ),
        timeout=policy.timeout,
        headers=_default_headers(headers),
        on_response=raise_for_status,
        follow_redirects=False,
    )
