"""The one runtime every generated resource calls: request line, headers, body, options, answer.

The generated resources (``<package>.resources``) check their arguments and describe each call
with an ``Operation``; :class:`SyncRuntime` and :class:`AsyncRuntime` send it through the
provider's :mod:`smsclients.http` client -- so auth, retries, deadlines, typed errors and
redaction are the same for every operation -- and read the answer:

* ``Accept`` is the media type the spec declares for the operation's responses, and the body goes
  out as JSON with the spec's request media type;
* per call, ``timeout``, ``max_retries`` and ``extra_headers``;
* a 2xx body that cannot be read as the spec says is a :class:`MalformedResponseError` (for a send,
  one that says the server accepted it, so the caller does not send again);
* ``with_raw_response`` gives status, headers and the provider's request id.

A provider may register hooks for what a spec cannot say (cross-field rules, result checks):
``before`` runs on the checked request, ``after`` on the parsed result, keyed by method name.
"""

from __future__ import annotations

from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar
from urllib.parse import urlsplit

import httpx

from .checker import SpecChecker
from .errors import REQUEST_ID_HEADERS, InputError, MalformedResponseError, request_id
from .http import AsyncProviderClient, ProviderClient
from .pagination import AsyncLinkPager, AsyncQueueDrainer, LinkPager, Page, QueueDrainer
from .redaction import CredentialScrubber
from .responses import malformed_response, parse_json_body, single_header
from .retries import call_options
from .validation import header_value

__all__ = ["REQUEST_ID_HEADERS", "AsyncRuntime", "Hooks", "RawResponse", "SyncRuntime", "check_headers", "location_id"]

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)
ItemT = TypeVar("ItemT")

_NO_EXTRA_HEADERS: Mapping[str, str] = {}


class _Operation(Protocol[T_co]):
    """The generated ``Operation`` (each package has its own class of this shape)."""

    @property
    def name(self) -> str: ...
    @property
    def method(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def accept(self) -> str | None: ...
    @property
    def content_type(self) -> str | None: ...
    @property
    def reads(self) -> str: ...
    @property
    def parse(self) -> Callable[[Any], T_co] | None: ...
    @property
    def idempotent(self) -> bool | None: ...
    @property
    def no_content(self) -> frozenset[int]: ...


class _Request(Protocol):
    @property
    def path(self) -> tuple[str, ...]: ...
    @property
    def query(self) -> dict[str, Any]: ...
    @property
    def headers(self) -> dict[str, str]: ...
    @property
    def body(self) -> Any: ...


class _Options(Protocol):
    @property
    def timeout(self) -> float | None: ...
    @property
    def max_retries(self) -> int | None: ...
    @property
    def extra_headers(self) -> Mapping[str, str] | None: ...
    @property
    def extra_query(self) -> Mapping[str, Any] | None: ...
    @property
    def extra_body(self) -> Mapping[str, Any] | None: ...


@dataclass(frozen=True)
class Hooks:
    """What a provider adds where its spec cannot speak; keys are method names."""

    before: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    after: Mapping[str, Callable[[Any, Any], Any]] = field(default_factory=dict)


def location_id(response: httpx.Response, op: _Operation[Any]) -> str:
    """The id a create answered with: the last path segment of its single ``Location`` header."""
    status, method = response.status_code, op.method
    location = single_header(response.headers, "location", status_code=status, method=method)
    identifier = urlsplit(location).path.rstrip("/").rsplit("/", 1)[-1] if location else ""
    if not identifier:
        raise malformed_response(
            f"{op.name}: the answer names no new resource (Location)", status_code=status, method=method
        )
    return identifier


_PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, RecursionError, IndexError)


def _unreadable(op: _Operation[Any], response: httpx.Response, exc: BaseException) -> MalformedResponseError:
    # Only the exception type: its text may quote parts of the body. For an accepted send the
    # error says so (``accepted``): the caller must not send it again.
    method = op.method if not op.idempotent else "GET"
    problem = f"{op.name}: the answer does not match the API spec ({type(exc).__name__})"
    return malformed_response(problem, status_code=response.status_code, method=method, raw_body=response.content)


@contextmanager
def _scrubbed(scrubber: CredentialScrubber | None) -> Iterator[None]:
    """An unusable answer's ``raw_body`` (a body that echoes what was sent) loses the client's credentials."""
    try:
        yield
    except MalformedResponseError as exc:
        if scrubber:
            exc.raw_body = scrubber.bytes(exc.raw_body)
        raise


def read_answer(op: _Operation[T], response: httpx.Response) -> T:
    """What the operation returns for a 2xx answer (error statuses were raised by the client's hook)."""
    status = response.status_code
    if not 200 <= status < 300:
        raise MalformedResponseError(
            f"{op.name}: unexpected HTTP status {status}", status_code=status, raw_body=response.content
        )
    reads = op.reads
    if reads == "location":
        return location_id(response, op)  # type: ignore[return-value]
    parse = op.parse
    if reads == "none" or parse is None or status in op.no_content:
        return None  # type: ignore[return-value]
    if reads == "binary":
        # A file: its bytes as received and the type it came with; nothing to parse.
        return parse((response.content, response.headers.get("content-type")))
    method = op.method if not op.idempotent else "GET"
    data = parse_json_body(response.content, status_code=status, method=method)
    try:
        return parse(data)
    except _PARSE_ERRORS as exc:
        raise _unreadable(op, response, exc) from exc


class RawResponse(Generic[T]):
    """An answer with its HTTP details; :meth:`parse` gives what the plain method returns."""

    __slots__ = ("_after", "_op", "_scrubber", "http_response")

    def __init__(
        self,
        op: _Operation[T],
        response: httpx.Response,
        after: Callable[[T], T] | None,
        scrubber: CredentialScrubber | None = None,
    ) -> None:
        self._op = op
        self._after = after
        self._scrubber = scrubber
        self.http_response = response

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        """The provider's id for this request, from the first of :data:`REQUEST_ID_HEADERS` present."""
        return request_id(self.http_response.headers)

    @property
    def content(self) -> bytes:
        """The body as received (decompressed)."""
        return self.http_response.content

    def parse(self) -> T:
        with _scrubbed(self._scrubber):
            result = read_answer(self._op, self.http_response)
        return self._after(result) if self._after is not None else result

    def __repr__(self) -> str:
        return f"<RawResponse {self._op.name} HTTP {self.status_code}>"


def check_headers(headers: Mapping[str, str], field: str | None) -> None:
    """Header names and values must be sendable (else httpx fails after the checks).

    ``field`` names the argument in errors; None: each header is named by itself (``account``).
    """
    if not isinstance(headers, Mapping):
        raise InputError(field or "headers", "must be a mapping of header names to values")
    for name, value in headers.items():
        where = f"{field}[{name!r}]" if field else str(name).lower()
        if not isinstance(name, str) or not name.isascii() or not name.isprintable() or not name.strip():
            raise InputError(where, "header names must be printable ASCII")
        header_value(where, value)


def _mapping(field: str, value: Any) -> Mapping[str, Any]:
    if not isinstance(value, Mapping) or not all(isinstance(key, str) for key in value):
        raise InputError(field, "must be a mapping with string keys")
    return {key: item for key, item in value.items() if item is not None}


def _scrubber_of(http: httpx.Client | httpx.AsyncClient) -> CredentialScrubber | None:
    scrubber = getattr(http.auth, "scrubber", None)  # a RequestSigner's (smsclients.auth)
    return scrubber if isinstance(scrubber, CredentialScrubber) else None


class _Runtime:
    """What the sync and async runtimes share: everything but the I/O."""

    def __init__(
        self,
        base_url: str,
        *,
        settings: Mapping[str, Any] | None,
        hooks: Hooks | None,
        scrubber: CredentialScrubber | None = None,
        bulk: Any = None,
        pacing: Any = None,
    ) -> None:
        self.checker = SpecChecker(settings)
        self.scrubber = scrubber
        self._base_url = base_url
        self._hooks = hooks or Hooks()
        self.bulk = bulk  # builds the provider's smsclients.sending.BulkProfile (send_many), if it has one
        self.pacing = pacing  # the smsclients.sending.pacing.PacingPlan of rate_limit=, if any

    def _bulk_profile(self) -> Any:
        if self.bulk is None:
            raise InputError("send_many", "this API has no bulk sending")
        return self.bulk()

    def _max_cost(self) -> int | None:
        return self.pacing.max_cost if self.pacing is not None else None

    def _prepare(self, op: _Operation[Any], request: _Request, options: _Options) -> dict[str, Any]:
        """The keyword arguments of ``http.request`` for one call (after the provider's ``before`` hook)."""
        before = self._hooks.before.get(op.name)
        if before is not None:
            request = before(request)
        path = op.path.format(*request.path) if request.path else op.path  # segments encoded by the checks
        headers = request.headers
        if headers:
            check_headers(headers, None)
        if op.accept is not None or op.content_type is not None or options.extra_headers:
            headers = dict(headers)
            if op.accept is not None:
                headers["Accept"] = op.accept
            if request.body is not None and op.content_type is not None:
                # A binary body may name its own type (the file's); a JSON body always has the spec's.
                headers.setdefault("Content-Type", op.content_type)
            extra = options.extra_headers or _NO_EXTRA_HEADERS
            if extra:
                check_headers(extra, "extra_headers")
                headers.update(extra)
        query, body = request.query, request.body
        if options.extra_query:
            query = {**_mapping("extra_query", options.extra_query), **query}
        if options.extra_body:
            if not isinstance(body, dict):
                raise InputError("extra_body", "needs a request whose body is a JSON object")
            body = {**_mapping("extra_body", options.extra_body), **body}
        if isinstance(body, bytes):  # a binary body (a media upload) goes as it is
            return {"method": op.method, "url": path, "params": query or None, "content": body, "headers": headers}
        return {"method": op.method, "url": path, "params": query or None, "json": body, "headers": headers or None}

    def _after(self, op: _Operation[T], request: _Request) -> Callable[[T], T] | None:
        after = self._hooks.after.get(op.name)
        if after is None:
            return None
        return lambda result: after(request, result)

    def _finish(self, op: _Operation[T], request: _Request, response: httpx.Response) -> T:
        with _scrubbed(self.scrubber):
            result = read_answer(op, response)
        after = self._after(op, request)
        return after(result) if after is not None else result

    @staticmethod
    def _options(op: _Operation[Any], options: _Options) -> Any:
        return call_options(max_retries=options.max_retries, timeout=options.timeout, idempotent=op.idempotent)

    def _page(
        self,
        op: _Operation[T],
        response: httpx.Response,
        page: Callable[[T], tuple[Sequence[ItemT], Any]] | None,
    ) -> Page[ItemT]:
        with _scrubbed(self.scrubber):
            return self._read_page(op, response, page)

    @staticmethod
    def _read_page(
        op: _Operation[T],
        response: httpx.Response,
        page: Callable[[T], tuple[Sequence[ItemT], Any]] | None,
    ) -> Page[ItemT]:
        parsed = read_answer(op, response)
        if page is None:  # the items are the body; the next page is in the Link header
            if not isinstance(parsed, list):
                raise _unreadable(op, response, TypeError("not a list"))
            next_link = response.links.get("next", {}).get("url")
            return parsed, next_link or None
        try:
            items, next_link = page(parsed)
        except _PARSE_ERRORS as exc:
            raise _unreadable(op, response, exc) from exc
        return list(items), next_link

    @staticmethod
    def _chunked(confirm: Callable[[list[str]], T], chunk: int) -> Callable[[list[str]], Iterator[T]]:
        def calls(ids: list[str]) -> Iterator[T]:
            for start in range(0, len(ids), chunk):  # never more per call than the API takes
                yield confirm(ids[start : start + chunk])

        return calls


class SyncRuntime(_Runtime):
    """Sends the requests of the generated sync resources through a :class:`ProviderClient`."""

    def __init__(
        self,
        http: ProviderClient,
        *,
        settings: Mapping[str, Any] | None = None,
        hooks: Hooks | None = None,
        bulk: Any = None,
        pacing: Any = None,
    ) -> None:
        super().__init__(
            str(http.base_url), settings=settings, hooks=hooks, scrubber=_scrubber_of(http), bulk=bulk, pacing=pacing
        )
        self.http = http
        self._pacer: Any = None
        if pacing is not None:
            from .sending.pacing import SyncPacer  # here: only paced clients load limits

            self._pacer = SyncPacer(pacing)

    def _send(self, op: _Operation[Any], request: _Request, options: _Options) -> httpx.Response:
        prepared = self._prepare(op, request, options)
        if self._pacer is not None:  # after the checks: a refused request takes no turn
            self._pacer.acquire(op.name, prepared.get("json"))
        with self._options(op, options):
            return self.http.request(**prepared)

    def send_many(self, resource: Any, messages: Iterable[Any], options: Mapping[str, Any]) -> Iterator[Any]:
        """``resource.send_many``: see :mod:`smsclients.sending`."""
        from .sending.drivers import send_many_sync

        return send_many_sync(resource, self._bulk_profile(), messages, options, self._max_cost())

    def call(self, op: _Operation[T], request: _Request, options: _Options) -> T:
        return self._finish(op, request, self._send(op, request, options))

    def call_raw(self, op: _Operation[T], request: _Request, options: _Options) -> RawResponse[T]:
        return RawResponse(op, self._send(op, request, options), self._after(op, request), self.scrubber)

    def link_pages(
        self,
        op: _Operation[T],
        request: _Request,
        options: _Options,
        page: Callable[[T], tuple[Sequence[ItemT], Any]] | None,
        max_items: int | None,
    ) -> LinkPager[ItemT]:
        accept = {"Accept": op.accept} if op.accept else None

        def follow(url: str) -> Page[ItemT]:
            with self._options(op, options):
                return self._page(op, self.http.get(url, headers=accept), page)

        return LinkPager(
            lambda: self._page(op, self._send(op, request, options), page),
            follow,
            max_items=max_items,
            base_url=self._base_url,
        )

    def queue(
        self,
        check: Callable[[], Sequence[ItemT]],
        confirm: Callable[[list[str]], object],
        id_of: Callable[[ItemT], str],
        max_items: int | None,
        chunk: int,
    ) -> QueueDrainer[ItemT]:
        calls = self._chunked(confirm, chunk)

        def confirm_all(ids: list[str]) -> None:
            for _ in calls(ids):
                pass

        return QueueDrainer(lambda: list(check()), confirm_all, id_of, max_items=max_items)


class AsyncRuntime(_Runtime):
    """Async twin of :class:`SyncRuntime`, over an :class:`AsyncProviderClient`."""

    def __init__(
        self,
        http: AsyncProviderClient,
        *,
        settings: Mapping[str, Any] | None = None,
        hooks: Hooks | None = None,
        bulk: Any = None,
        pacing: Any = None,
    ) -> None:
        super().__init__(
            str(http.base_url), settings=settings, hooks=hooks, scrubber=_scrubber_of(http), bulk=bulk, pacing=pacing
        )
        self.http = http
        self._pacer: Any = None
        if pacing is not None:
            from .sending.pacing import AsyncPacer

            self._pacer = AsyncPacer(pacing)

    async def _send(self, op: _Operation[Any], request: _Request, options: _Options) -> httpx.Response:
        prepared = self._prepare(op, request, options)
        if self._pacer is not None:
            await self._pacer.acquire(op.name, prepared.get("json"))
        with self._options(op, options):
            return await self.http.request(**prepared)

    def send_many(
        self, resource: Any, messages: Iterable[Any] | AsyncIterable[Any], options: Mapping[str, Any]
    ) -> AsyncIterator[Any]:
        """``resource.send_many``: see :mod:`smsclients.sending`."""
        from .sending.drivers import send_many_async

        return send_many_async(resource, self._bulk_profile(), messages, options, self._max_cost())

    async def call(self, op: _Operation[T], request: _Request, options: _Options) -> T:
        return self._finish(op, request, await self._send(op, request, options))

    async def call_raw(self, op: _Operation[T], request: _Request, options: _Options) -> RawResponse[T]:
        return RawResponse(op, await self._send(op, request, options), self._after(op, request), self.scrubber)

    def link_pages(
        self,
        op: _Operation[T],
        request: _Request,
        options: _Options,
        page: Callable[[T], tuple[Sequence[ItemT], Any]] | None,
        max_items: int | None,
    ) -> AsyncLinkPager[ItemT]:
        accept = {"Accept": op.accept} if op.accept else None

        async def first() -> Page[ItemT]:
            return self._page(op, await self._send(op, request, options), page)

        async def follow(url: str) -> Page[ItemT]:
            with self._options(op, options):
                return self._page(op, await self.http.get(url, headers=accept), page)

        return AsyncLinkPager(first, follow, max_items=max_items, base_url=self._base_url)

    def queue(
        self,
        check: Callable[[], Awaitable[Sequence[ItemT]]],
        confirm: Callable[[list[str]], Awaitable[object]],
        id_of: Callable[[ItemT], str],
        max_items: int | None,
        chunk: int,
    ) -> AsyncQueueDrainer[ItemT]:
        calls = self._chunked(confirm, chunk)

        async def checked() -> list[ItemT]:
            return list(await check())

        async def confirm_all(ids: list[str]) -> None:
            for call in calls(ids):
                await call

        return AsyncQueueDrainer(checked, confirm_all, id_of, max_items=max_items)
