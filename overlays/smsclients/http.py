"""The one place httpx clients are built, so every facade gets the same safety properties.

A client built here refuses clear-text URLs (except loopback, for the local sandbox), retries
through :class:`~smsclients.retries.RetryTransport`, identifies itself with a User-Agent, and
turns every HTTP error status into a typed :class:`~smsclients.errors.APIError` in a response
hook -- before the generated code tries to parse an error body as a success model.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping

import httpx

from ._version import __version__
from .errors import ErrorBodyParser, InputError, InsecureURLError, MalformedResponseError, api_error_from_response
from .redaction import redact_url
from .retries import AsyncRetryTransport, RetryPolicy, RetryTransport

__all__ = [
    "USER_AGENT",
    "build_async_http_client",
    "build_http_client",
    "check_redirect_location",
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


def require_secure_url(url: str, *, field: str = "base_url") -> str:
    """Return ``url`` if credentials sent to it stay confidential, else raise.

    https is always accepted; http only for loopback hosts (the local sandbox), because these APIs
    authenticate every request with a reusable credential (Basic) or a replayable signature.
    """
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError):
        raise InputError(field, f"must be an absolute https:// URL; got {url!r}") from None
    if not parsed.host or parsed.scheme not in ("http", "https"):
        raise InputError(field, f"must be an absolute https:// URL; got {redact_url(url)!r}")
    if parsed.userinfo:
        # Credentials belong in auth=, where they are redacted; in a URL they end up in logs.
        raise InputError(field, "must not contain user:password@; pass credentials separately")
    if parsed.scheme == "http" and not is_loopback_host(parsed.host):
        raise InsecureURLError(field, f"{_SECURE_RULE}; got {url!r}")
    return url


def check_redirect_location(response: httpx.Response) -> None:
    """Raise MalformedResponseError for a 3xx whose ``Location`` httpx cannot turn into a URL.

    Redirects are never followed, but httpx still builds ``response.next_request`` after the
    response hooks, and a malformed Location would escape from it as a bare ``httpx.InvalidURL``.
    This mirrors httpx's own resolution (``Client._redirect_url``) so that case is typed instead.
    """
    if not response.has_redirect_location:
        return
    try:
        url = httpx.URL(response.headers["location"])
        if url.scheme and not url.host:
            url = url.copy_with(host=response.request.url.host)
        if url.is_relative_url:
            url = response.request.url.join(url)
    except httpx.InvalidURL as exc:
        raise MalformedResponseError(
            f"HTTP {response.status_code} with an invalid Location header", status_code=response.status_code
        ) from exc


def _default_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    return {"User-Agent": USER_AGENT, **(headers or {})}


def build_http_client(
    *,
    base_url: str,
    auth: httpx.Auth,
    provider: str,
    parse_error: ErrorBodyParser,
    policy: RetryPolicy = RetryPolicy(),  # noqa: B008 -- frozen dataclass, safe as a shared default
    transport: httpx.BaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
    verify: bool = True,
) -> httpx.Client:
    """An ``httpx.Client`` for one provider facade; reuse it for every call (keep-alive) and close it with the facade.

    ``transport`` replaces the network transport (tests, mock servers, proxies: pass
    ``httpx.HTTPTransport(proxy=...)``); environment proxy variables are not read because an
    explicit transport is always installed. ``verify`` applies only when ``transport`` is None.
    """

    def raise_for_status(response: httpx.Response) -> None:
        if response.status_code >= 400:
            response.read()
            raise api_error_from_response(response, provider=provider, parse_body=parse_error)
        check_redirect_location(response)

    return httpx.Client(
        base_url=require_secure_url(base_url),
        auth=auth,
        transport=RetryTransport(transport or httpx.HTTPTransport(verify=verify), policy),
        timeout=policy.timeout,
        headers=_default_headers(headers),
        event_hooks={"response": [raise_for_status]},
        follow_redirects=False,  # a redirect could carry the Authorization header elsewhere
    )


def build_async_http_client(
    *,
    base_url: str,
    auth: httpx.Auth,
    provider: str,
    parse_error: ErrorBodyParser,
    policy: RetryPolicy = RetryPolicy(),  # noqa: B008 -- frozen dataclass, safe as a shared default
    transport: httpx.AsyncBaseTransport | None = None,
    headers: Mapping[str, str] | None = None,
    verify: bool = True,
) -> httpx.AsyncClient:
    """Async twin of :func:`build_http_client`."""

    async def raise_for_status(response: httpx.Response) -> None:
        if response.status_code >= 400:
            await response.aread()
            raise api_error_from_response(response, provider=provider, parse_body=parse_error)
        check_redirect_location(response)

    return httpx.AsyncClient(
        base_url=require_secure_url(base_url),
        auth=auth,
        transport=AsyncRetryTransport(transport or httpx.AsyncHTTPTransport(verify=verify), policy),
        timeout=policy.timeout,
        headers=_default_headers(headers),
        event_hooks={"response": [raise_for_status]},
        follow_redirects=False,
    )
