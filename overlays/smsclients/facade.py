"""What every provider client shares: an HTTP client and a runtime per API root, closed together.

A provider module declares a :class:`Provider` (its name, error-body parser, production URL and
hooks), writes its constructor once in a class generic over the network types, and subclasses it
with :class:`SyncClient` / :class:`AsyncClient` and its generated ``Resources`` /
``AsyncResources``; the resources, one per tag of the spec, become the client's attributes
(``client.messages``, ``client.numbers``, ...). :meth:`SyncClient.download` fetches a file an API
answer points to (a Flowroute CDR export's ``download_url``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar

import httpx

from .auth import RequestSigner
from .client_transport import network_async_transport, network_transport
from .config import base_url_from_environment, from_environment
from .errors import ErrorBodyParser, InputError
from .http import (
    AsyncProviderClient,
    ProviderClient,
    build_async_http_client,
    build_http_client,
    require_secure_url,
)
from .lifecycle import AsyncClosable, Closable
from .pagination import same_origin
from .ratelimits import RateLimits
from .retries import RetryPolicy
from .runtime import AsyncRuntime, Hooks, SyncRuntime

__all__ = ["AsyncClient", "HttpClientT", "Provider", "SyncClient", "TransportT", "require_text"]


def require_text(**values: object) -> None:
    """Each value must be a non-empty string (credentials, ids); InputError names the first that is not."""
    for name, value in values.items():
        if not isinstance(value, str) or not value.strip():
            raise InputError(name, "must be a non-empty string")


@dataclass(frozen=True)
class Provider:
    """What a provider's hand-written glue tells the shared core."""

    name: str
    parse_error: ErrorBodyParser
    default_base_url: str
    hooks: Hooks = field(default_factory=Hooks)
    # The generated package's ``EXTENSIONS`` (its spec's x-rate-limits, x-bulk).
    extensions: Mapping[str, Any] = field(default_factory=dict)
    # How send_many sends through this API (smsclients.sending.BulkProfile); None: no send_many.
    bulk: Any = None

    @property
    def rate_limits(self) -> RateLimits:
        """What the spec says about rate limits (:mod:`smsclients.ratelimits`)."""
        return RateLimits.from_extensions(self.extensions)

    def settings(self, **given: str | None) -> tuple[str, ...]:
        """The given settings in order, each ``None`` read from ``<PROVIDER>_<NAME>`` (:mod:`smsclients.config`)."""
        return from_environment(self.name, None, **given)

    def base_url(self, given: str | None) -> str:
        """``given``, else ``<PROVIDER>_BASE_URL``, else the production URL."""
        return base_url_from_environment(self.name, given, self.default_base_url)

    def http_options(self, base_url: str, auth: RequestSigner, retry: RetryPolicy | None) -> dict[str, Any]:
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise InputError("retry", "must be a RetryPolicy")
        return {
            "base_url": base_url,
            "auth": auth,
            "provider": self.name,
            "parse_error": self.parse_error,
            "policy": retry or RetryPolicy(),
            "rate_limits": self.rate_limits,
        }


_Http = TypeVar("_Http", ProviderClient, AsyncProviderClient)


def _download_target(url: object, roots: list[_Http]) -> tuple[_Http, str, bool]:
    """The client to fetch ``url`` with, the URL, and whether the client's credentials may go with it."""
    if not isinstance(url, str):
        raise InputError("url", "must be an absolute https:// URL (a string)")
    target = httpx.URL(require_secure_url(url, field="url"))
    for http in roots:
        if same_origin(target, http.base_url):
            return http, str(target), True
    return roots[0], str(target), False


def _base_url(value: object) -> str:
    if not isinstance(value, str):
        raise InputError("base_url", "must be a string URL")
    return value.rstrip("/")


def _pacing(provider: Provider, rate_limit: Any, account: str) -> Any:
    if rate_limit is False:
        return None
    import hashlib

    from .sending.pacing import pacing_plan  # here: clients without pacing never load it

    digest = hashlib.sha256(account.encode("utf-8")).hexdigest()[:16]
    return pacing_plan(rate_limit, provider.rate_limits.pacing, f"{provider.name}:{digest}")


# What a client's constructor takes for the network, sync (httpx.BaseTransport, httpx.Client) or async.
TransportT = TypeVar("TransportT")
HttpClientT = TypeVar("HttpClientT")


class _ClientCore:
    """What sync and async clients share; each kind names its builder, runtime and network helper."""

    _https: list[Any]
    _build: ClassVar[Callable[..., Any]]
    _runtime: ClassVar[Callable[..., Any]]
    _network: ClassVar[Callable[..., Any]]

    def _start(self) -> None:
        self._https = []

    def _open(
        self,
        provider: Provider,
        base_url: str,
        auth: RequestSigner,
        *,
        retry: RetryPolicy | None,
        transport: Any,
        http_client: Any = None,
        settings: Mapping[str, Any] | None = None,
        rate_limit: Any = False,
        account: str = "",
    ) -> Any:
        """A runtime for one API root (its own HTTP client, closed with the client).

        ``rate_limit`` turns pacing on (:mod:`smsclients.sending.pacing`; None: as the environment
        says); ``account`` names the account whose buckets the client shares (only a digest is kept).
        """
        options = provider.http_options(_base_url(base_url), auth, retry)
        pacing = _pacing(provider, rate_limit, account)
        http = type(self)._build(transport=transport, http_client=http_client, **options)
        self._https.append(http)
        return type(self)._runtime(http, settings=settings, hooks=provider.hooks, bulk=provider.bulk, pacing=pacing)


class SyncClient(_ClientCore, Closable):
    """A sync provider client: one runtime per API root; :meth:`close` closes them all."""

    _https: list[ProviderClient]
    _build = staticmethod(build_http_client)
    _runtime = SyncRuntime
    _network = staticmethod(network_transport)

    def download(self, url: str) -> bytes:
        """GET ``url``, an absolute URL an API answer handed out, and return the body as received.

        For files such as a Flowroute CDR export's ``download_url``. On the origin of one of the
        client's API roots the request is an API call like any other (credentials, retries, timeout,
        typed errors, redaction); on another origin (a pre-signed storage URL) it uses the same
        transport, retries, timeout and typed errors but carries no credentials, which belong to the
        API alone. ``url`` must be https (http only on loopback, for the sandbox).
        """
        http, target, credentials = _download_target(url, self._https)
        if credentials:
            return http.get(target).content
        return http.get(target, auth=None).content

    def close(self) -> None:
        """Close the connection pool(s); the client cannot be used afterwards."""
        for http in self._https:
            http.close()


class AsyncClient(_ClientCore, AsyncClosable):
    """Async twin of :class:`SyncClient` (``async with`` / :meth:`aclose`)."""

    _https: list[AsyncProviderClient]
    _build = staticmethod(build_async_http_client)
    _runtime = AsyncRuntime
    _network = staticmethod(network_async_transport)

    async def download(self, url: str) -> bytes:
        """Async twin of :meth:`SyncClient.download`."""
        http, target, credentials = _download_target(url, self._https)
        if credentials:
            response = await http.get(target)
        else:
            response = await http.get(target, auth=None)
        return response.content

    async def aclose(self) -> None:
        """Close the connection pool(s); the client cannot be used afterwards."""
        for http in self._https:
            await http.aclose()
