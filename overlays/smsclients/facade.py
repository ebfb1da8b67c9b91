"""What every provider client shares: an HTTP client and a runtime per API root, closed together.

A provider module declares a :class:`Provider` (its name, error-body parser, production URL and
hooks), writes its constructor once in a class generic over the network types, and subclasses it
with :class:`SyncClient` / :class:`AsyncClient` and its generated ``Resources`` /
``AsyncResources``; the resources, one per tag of the spec, become the client's attributes
(``client.messages``, ``client.numbers``, ...). :meth:`SyncClient.download` fetches a file an API
answer points to (a Flowroute CDR export's ``download_url``); :meth:`SyncClient.upload` puts a file
where an API answer says (a Flowroute port order document's upload URL).
"""

from __future__ import annotations

import importlib
import sys
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Self, TypeVar

import httpx

from .auth import RequestSigner
from .client_transport import AsyncSharedTransport, SharedTransport, network_async_transport, network_transport
from .config import base_url_from_environment, from_environment
from .errors import APIError, ErrorBodyParser, InputError
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
from .retries import AsyncRetryTransport, RetryPolicy, RetryTransport
from .runtime import AsyncRuntime, Hooks, SyncRuntime, check_headers

__all__ = [
    "AsyncClient",
    "HttpClientT",
    "Provider",
    "PublicConstructorName",
    "SyncClient",
    "TransportT",
    "lazy_names",
    "require_text",
]


def lazy_names(module: str, sources: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for names a provider module re-exports: ``sources`` maps each to
    ``"package.attribute"`` of a generated package.

    Looked up on first use, so importing the provider module does not import the resource modules
    behind those names (a generated package imports each tag's module when it is first used).
    """

    def __getattr__(name: str) -> Any:
        source = sources.get(name)
        if source is None:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        package, _, attribute = source.rpartition(".")
        value = getattr(importlib.import_module(package), attribute)
        vars(sys.modules[module])[name] = value  # later lookups skip this function
        return value

    return __getattr__


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
    # Statuses the provider documents with another meaning than HTTP's (bad credentials as a 403).
    status_classes: Mapping[int, type[APIError]] = field(default_factory=dict)
    # The generated package's ``EXTENSIONS`` (its spec's x-rate-limits, x-bulk).
    extensions: Mapping[str, Any] = field(default_factory=dict)
    # Builds how send_many sends through this API (a smsclients.sending.BulkProfile, made on first
    # use so a client that never sends in bulk loads no resource module for it); None: no send_many.
    bulk: Callable[[], Any] | None = None

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
            "status_classes": self.status_classes,
            "rate_limits": self.rate_limits,
        }


_Http = TypeVar("_Http", ProviderClient, AsyncProviderClient)


def _download_target(url: object, roots: list[_Http]) -> tuple[_Http, str, bool]:
    """The client to fetch ``url`` with, the URL, and whether the client's credentials may go with it."""
    if not isinstance(url, str):
        raise InputError("url", "must be an absolute https:// URL (a string)")
    target = httpx.URL(require_secure_url(url, field="url", query=True))
    for http in roots:
        if same_origin(target, http.base_url):
            return http, str(target), True
    return roots[0], str(target), False


def _upload_request(content: object, content_type: object) -> tuple[bytes, dict[str, str]]:
    """The body and headers of an upload, checked."""
    if not isinstance(content, bytes | bytearray | memoryview):
        raise InputError("content", "must be bytes")
    if content_type is not None and not isinstance(content_type, str):
        raise InputError("content_type", "must be a string")
    return bytes(content), ({"Content-Type": content_type} if content_type else {})


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


@dataclass(frozen=True)
class _Root:
    """How one API root of a client was opened: what a :meth:`_ClientCore.with_options` copy reopens."""

    provider: Provider
    base_url: str
    auth: RequestSigner
    settings: Mapping[str, Any] | None
    headers: Mapping[str, str] | None = None
    rate_limit: Any = False  # pacing (rate_limit=) and the account its buckets belong to
    account: str = ""

    def __repr__(self) -> str:
        # Not the auth: a repr of a client's attributes must show no credential.
        return f"_Root({self.provider.name!r}, {self.base_url!r})"


def _renamed(function: Callable[..., Any], qualname: str) -> Callable[..., Any]:
    """A copy of ``function`` under ``qualname``: Python names it in its own call errors (a typo'd keyword)."""
    assert isinstance(function, types.FunctionType)
    copy = types.FunctionType(
        function.__code__, function.__globals__, function.__name__, function.__defaults__, function.__closure__
    )
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__annotations__ = function.__annotations__
    copy.__doc__ = function.__doc__
    copy.__module__ = function.__module__
    copy.__qualname__ = qualname
    return copy


class PublicConstructorName:
    """A public class inheriting its constructor from a private base gets a copy named after itself:
    without it, ``FlowrouteClient(acces_key=...)`` would blame ``_Flowroute.__init__()``."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        init = cls.__init__
        public = not cls.__name__.startswith("_") and isinstance(init, types.FunctionType)
        if public and init.__qualname__ != f"{cls.__qualname__}.__init__":
            cls.__init__ = _renamed(init, f"{cls.__qualname__}.__init__")  # type: ignore[method-assign]


class _ClientCore(PublicConstructorName):
    """What sync and async clients share; each kind names its builder, runtime and network helper."""

    _https: list[Any]
    _roots: list[_Root]
    base_url: str
    _build: ClassVar[Callable[..., Any]]
    _runtime: ClassVar[Callable[..., Any]]
    _network: ClassVar[Callable[..., Any]]
    _shared: ClassVar[type[SharedTransport] | type[AsyncSharedTransport]]

    def _start(self) -> None:
        self._https = []
        self._roots = []

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
        headers: Mapping[str, str] | None = None,
        rate_limit: Any = False,
        account: str = "",
    ) -> Any:
        """A runtime for one API root (its own HTTP client, closed with the client).

        ``rate_limit`` turns pacing on (:mod:`smsclients.sending.pacing`; None: as the environment
        says); ``account`` names the account whose buckets the client shares (only a digest is kept).
        """
        options = provider.http_options(_base_url(base_url), auth, retry)
        pacing = _pacing(provider, rate_limit, account)
        http = type(self)._build(transport=transport, http_client=http_client, headers=headers, **options)
        self._https.append(http)
        self._roots.append(_Root(provider, options["base_url"], auth, settings, headers, rate_limit, account))
        return type(self)._runtime(http, settings=settings, hooks=provider.hooks, bulk=provider.bulk, pacing=pacing)

    def _attach(self, *runtimes: Any) -> None:
        raise NotImplementedError

    @property
    def max_response_bytes(self) -> int:
        """The most a body may decode to (``RetryPolicy.max_response_bytes``), also for files it downloads."""
        policy: RetryPolicy = self._https[0]._transport.policy
        return policy.max_response_bytes

    def with_options(
        self,
        *,
        base_url: str | None = None,
        timeout: float | None = None,
        max_retries: int | None = None,
        headers: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
    ) -> Self:
        """A copy of this client with some settings replaced, sending through the same connection pool.

        ``timeout`` and ``max_retries`` replace those of the retry policy (``retry`` replaces the
        whole policy first), ``headers`` are added to every request, ``base_url`` moves every API
        root of the client along with it. Credentials, sub-account and transport stay. Closing the
        copy leaves the shared pool open; closing the original closes it for both.
        """
        if retry is not None and not isinstance(retry, RetryPolicy):
            raise InputError("retry", "must be a RetryPolicy")
        if headers is not None:
            check_headers(headers, "headers")
        new_base = None if base_url is None else _base_url(require_secure_url(_base_url(base_url)))
        old_base = self.base_url.rstrip("/")
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__)
        copy._start()
        runtimes = []
        for root, http in zip(self._roots, self._https, strict=True):
            retrying: RetryTransport | AsyncRetryTransport = http._transport  # every client's is its retry layer
            policy = retry or retrying.policy
            if timeout is not None:
                policy = replace(policy, timeout=timeout)
            if max_retries is not None:
                policy = replace(policy, max_retries=max_retries)
            url = root.base_url if new_base is None else new_base + root.base_url[len(old_base) :]
            merged = {**(root.headers or {}), **(headers or {})} or None
            shared = type(self)._shared(retrying.inner)  # type: ignore[arg-type]  # sync or async, as the client
            runtimes.append(
                copy._open(
                    root.provider,
                    url,
                    root.auth,
                    retry=policy,
                    transport=shared,
                    settings=root.settings,
                    headers=merged,
                    rate_limit=root.rate_limit,
                    account=root.account,
                )
            )
        if new_base is not None:
            copy.base_url = new_base
        copy._attach(*runtimes)
        return copy


class SyncClient(_ClientCore, Closable):
    """A sync provider client: one runtime per API root; :meth:`close` closes them all."""

    _https: list[ProviderClient]
    _build = staticmethod(build_http_client)
    _runtime = SyncRuntime
    _network = staticmethod(network_transport)
    _shared = SharedTransport

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

    def upload(self, url: str, content: bytes, *, content_type: str | None = None) -> None:
        """PUT ``content`` to ``url``, an absolute upload URL an API answer handed out.

        For files such as a Flowroute port order document (``port_orders.request_upload``). The same
        rules as :meth:`download`: credentials only on an API root's origin, none to a pre-signed
        storage URL. A PUT of the same bytes is safe to repeat, so it is retried like a GET.
        ``content_type`` is sent when given (a pre-signed URL may have signed one).
        """
        http, target, credentials = _download_target(url, self._https)
        body, headers = _upload_request(content, content_type)
        # No credentials off the API's origin (auth=None), as in download.
        auth: dict[str, Any] = {} if credentials else {"auth": None}
        http.request("PUT", target, content=body, headers=headers, **auth)

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
    _shared = AsyncSharedTransport

    async def download(self, url: str) -> bytes:
        """Async twin of :meth:`SyncClient.download`."""
        http, target, credentials = _download_target(url, self._https)
        if credentials:
            response = await http.get(target)
        else:
            response = await http.get(target, auth=None)
        return response.content

    async def upload(self, url: str, content: bytes, *, content_type: str | None = None) -> None:
        """Async twin of :meth:`SyncClient.upload`."""
        http, target, credentials = _download_target(url, self._https)
        body, headers = _upload_request(content, content_type)
        auth: dict[str, Any] = {} if credentials else {"auth": None}
        await http.request("PUT", target, content=body, headers=headers, **auth)

    async def aclose(self) -> None:
        """Close the connection pool(s); the client cannot be used afterwards."""
        for http in self._https:
            await http.aclose()
