"""Modern Flowroute client: Numbers v2, Routes v2 and Messages v2.1, plus the older Messages v2.

Two generated packages sit underneath (their specs have different server roots):
``flowroute_v2_client`` (``https://api.flowroute.com``, paths ``/v2/...`` and ``/v2.1/...``) and
``flowroute_messages_v2_client`` (``https://api.flowroute.com/v2``). This module adds what the
generated code cannot know: input checks before anything is sent, typed errors, retries, lazy
pagination over ``links.next`` and per-call options. It returns the generated attrs models.

    with FlowrouteClient(access_key, secret_key) as fr:
        fr.messages.send("+12066418000", "18553569768", "hello")
        for number in fr.numbers.iter_account_numbers(limit=500):
            ...
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from typing import Any, NamedTuple, Protocol, Self, TypeVar
from urllib.parse import urlsplit

import httpx
from flowroute_messages_v2_client import Client as _MessagesV2Client
from flowroute_messages_v2_client.api.messages import get_message as _v2_get_message
from flowroute_messages_v2_client.api.messages import send_message as _v2_send_message
from flowroute_messages_v2_client.models import MessageDetailRecordDocument, SendMessageResponse
from flowroute_messages_v2_client.models import SendMessageRequest as _V2SendMessageRequest
from flowroute_v2_client import Client as _V2Client
from flowroute_v2_client.api.messages import get_message as _get_message
from flowroute_v2_client.api.messages import list_messages as _list_messages
from flowroute_v2_client.api.messages import send_message as _send_message
from flowroute_v2_client.api.numbers import get_number as _get_number
from flowroute_v2_client.api.numbers import list_account_numbers as _list_account_numbers
from flowroute_v2_client.api.numbers import list_available_area_codes as _list_area_codes
from flowroute_v2_client.api.numbers import list_available_exchange_codes as _list_exchange_codes
from flowroute_v2_client.api.numbers import purchase_number as _purchase_number
from flowroute_v2_client.api.numbers import search_purchasable_numbers as _search_purchasable
from flowroute_v2_client.api.routes import create_route as _create_route
from flowroute_v2_client.api.routes import list_routes as _list_routes
from flowroute_v2_client.api.routes import update_failover_route as _update_failover
from flowroute_v2_client.api.routes import update_primary_route as _update_primary
from flowroute_v2_client.models import (
    AccountNumber,
    AccountNumberList,
    AreaCode,
    AreaCodeList,
    CreateRouteRequest,
    ExchangeCode,
    ExchangeCodeList,
    MessageAcceptedDocument,
    MessageRecord,
    MessageRecordDocument,
    MessageRecordList,
    NewRoute,
    NewRouteAttributes,
    NumberDocument,
    OutboundMessage,
    OutboundMessageAttributes,
    PaginationLinks,
    PurchasableNumber,
    PurchasableNumberList,
    RouteDocument,
    RouteIdentifier,
    RouteList,
    RouteReference,
    RouteResource,
    SendMessageRequest,
)
from flowroute_v2_client.models.route_type import ROUTE_TYPE_VALUES, RouteType
from flowroute_v2_client.types import UNSET

from .auth import BasicAuth
from .errors import ErrorDetails, InputError, MalformedResponseError, SmsClientError
from .http import (
    build_async_http_client,
    build_http_client,
    default_async_transport,
    default_transport,
    require_secure_url,
)
from .lifecycle import AsyncClosable, Closable
from .pagination import AsyncLinkPager, LinkPager, Page
from .responses import parse_json_body
from .retries import RetryPolicy, call_options
from .validation import nanp_11_digits

__all__ = [
    "DEFAULT_BASE_URL",
    "PROVIDER",
    "AsyncFlowrouteClient",
    "AsyncMessages",
    "AsyncMessagesV2",
    "AsyncNumbers",
    "AsyncRoutes",
    "FlowrouteClient",
    "Messages",
    "MessagesV2",
    "Numbers",
    "Routes",
    "date_param",
    "parse_error_body",
]

PROVIDER = "flowroute"
DEFAULT_BASE_URL = "https://api.flowroute.com"
# The Messages v2 spec's server is the API root plus this prefix (its paths are /messages...).
MESSAGES_V2_PREFIX = "/v2"

# Documented maxima of `limit` (api-notes §2.2, §2.3): area codes 400, the other lists 200.
_AREA_CODES_MAX_LIMIT = 400
_MAX_LIMIT = 200

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


# ----------------------------------------------------------------------------- error bodies


def parse_error_body(body: object) -> ErrorDetails:
    """Flowroute's ``{"errors": [{"id", "status", "title", "detail"}]}`` -> message "title: detail" of the first.

    ``code`` is the first error's title; ``details`` lists the further errors, if any, the same way.
    Never raises.
    """
    if not isinstance(body, dict):
        return ErrorDetails(None)
    errors = body.get("errors")
    if not isinstance(errors, list):
        return ErrorDetails(None)
    texts: list[str] = []
    first_title: str | None = None
    for index, item in enumerate(errors):
        if not isinstance(item, dict):
            continue
        title = item.get("title") if isinstance(item.get("title"), str) else None
        detail = item.get("detail") if isinstance(item.get("detail"), str) else None
        text = ": ".join(part for part in (title, detail) if part)
        if text:
            texts.append(text)
        if index == 0:
            first_title = title or None
    if not texts:
        return ErrorDetails(None)
    return ErrorDetails(texts[0], code=first_title, details=tuple(texts[1:]))


# ----------------------------------------------------------------------------- input checks


def _count(field: str, value: int | None, *, minimum: int, maximum: int | None = None) -> int | None:
    """An optional whole number within bounds (``bool`` is refused although it is an int)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(field, "must be an integer")
    if value < minimum:
        raise InputError(field, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise InputError(field, f"must be at most {maximum}")
    return value


def _amount(field: str, value: float | None) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(field, "must be a finite number")
    if value < 0:
        raise InputError(field, "must not be negative")
    return value


def _area_code(value: int | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 200 <= value <= 999:
        raise InputError("areacode", "must be a 3-digit NANP area code (200-999)")
    return value


def _non_empty(field: str, value: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, "must be a non-empty string")
    return value


def _text(field: str, value: str) -> str:
    if not isinstance(value, str):
        raise InputError(field, "must be a string")
    if not value:
        raise InputError(field, "must not be empty")
    return value


def _http_url(field: str, value: str) -> str:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(field, "must be an absolute http(s) URL")
    return value


_ROUTE_ID = re.compile(r"[0-9]+")
# Spec patterns for message ids (path parameters).
_MDR2_ID = re.compile(r"mdr2-[0-9A-Za-z]+")
_MDR1_ID = re.compile(r"mdr1-[0-9a-f]{32}")
# The spec's pattern for start_date/end_date: a date, optionally with a time and offset.
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?")


def _route_id(value: str) -> str:
    if not isinstance(value, str) or not _ROUTE_ID.fullmatch(value):
        raise InputError("route_id", "must be a route id made of digits, e.g. '83834'")
    return value


def _route_type(value: str) -> RouteType:
    for allowed in ROUTE_TYPE_VALUES:
        if value == allowed:
            return allowed
    raise InputError("route_type", f"must be one of {', '.join(sorted(ROUTE_TYPE_VALUES))}")


def date_param(field: str, value: str | date | datetime) -> str:
    """A ``start_date``/``end_date`` query value.

    Strings go out unchanged once they match the documented forms (``YYYY-MM-DD`` or an ISO 8601
    date-time); a ``date`` becomes ``YYYY-MM-DD``; a ``datetime`` is converted to UTC (a naive one
    is taken to be UTC already, as the API does) and written as ``YYYY-MM-DDTHH:MM:SS[.ffffff]Z``.
    """
    if isinstance(value, datetime):
        utc = value.astimezone(UTC) if value.tzinfo is not None else value
        return utc.replace(tzinfo=None).isoformat() + "Z"
    if isinstance(value, date):
        return value.isoformat()
    rule = "must be an ISO 8601 date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:mm:ss.SSZ), in UTC"
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        raise InputError(field, rule)
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        raise InputError(field, rule) from None
    return value


def _message_id(value: str) -> str:
    if not isinstance(value, str) or not _MDR2_ID.fullmatch(value):
        raise InputError("message_id", "must be an MDR2 id such as 'mdr2-39cadeace66e11e7aff806cd7f24ba2d'")
    return value


def _record_id(value: str) -> str:
    if not isinstance(value, str) or not _MDR1_ID.fullmatch(value):
        raise InputError("record_id", "must be an MDR id 'mdr1-' followed by 32 lowercase hex digits")
    return value


def _query(**params: object) -> dict[str, Any]:
    """Keyword arguments for a generated operation: None means "not sent" (UNSET)."""
    return {name: (UNSET if value is None else value) for name, value in params.items()}


def _area_code_query(limit: int | None, offset: int | None, max_setup_cost: float | None) -> dict[str, Any]:
    return _query(
        limit=_count("limit", limit, minimum=1, maximum=_AREA_CODES_MAX_LIMIT),
        offset=_count("offset", offset, minimum=0),
        max_setup_cost=_amount("max_setup_cost", max_setup_cost),
    )


def _exchange_query(
    areacode: int | None, limit: int | None, offset: int | None, max_setup_cost: float | None
) -> dict[str, Any]:
    return _query(
        limit=_count("limit", limit, minimum=1, maximum=_MAX_LIMIT),
        offset=_count("offset", offset, minimum=0),
        max_setup_cost=_amount("max_setup_cost", max_setup_cost),
        areacode=_area_code(areacode),
    )


def _search_query(
    starts_with: int | None,
    contains: int | None,
    ends_with: int | None,
    rate_center: str | None,
    state: str | None,
    limit: int | None,
    offset: int | None,
) -> dict[str, Any]:
    if rate_center is not None:
        _non_empty("rate_center", rate_center)
        if state is None:
            raise InputError("state", "is required when rate_center is given")
    if state is not None:
        _non_empty("state", state)
    return _query(
        starts_with=_count("starts_with", starts_with, minimum=0),
        contains=_count("contains", contains, minimum=0),
        ends_with=_count("ends_with", ends_with, minimum=0),
        limit=_count("limit", limit, minimum=1, maximum=_MAX_LIMIT),
        offset=_count("offset", offset, minimum=0),
        rate_center=rate_center,
        state=state,
    )


def _account_query(
    starts_with: int | None, ends_with: int | None, contains: int | None, limit: int | None, offset: int | None
) -> dict[str, Any]:
    return _query(
        starts_with=_count("starts_with", starts_with, minimum=0),
        ends_with=_count("ends_with", ends_with, minimum=0),
        contains=_count("contains", contains, minimum=0),
        limit=_count("limit", limit, minimum=1, maximum=_MAX_LIMIT),
        offset=_count("offset", offset, minimum=0),
    )


def _routes_query(route_type: str | None, limit: int | None, offset: int | None) -> dict[str, Any]:
    return _query(
        limit=_count("limit", limit, minimum=1, maximum=_MAX_LIMIT),
        offset=_count("offset", offset, minimum=0),
        route_type=None if route_type is None else _route_type(route_type),
    )


def _messages_query(
    start_date: str | date | datetime, end_date: str | date | datetime | None, limit: int | None, offset: int | None
) -> dict[str, Any]:
    return _query(
        start_date=date_param("start_date", start_date),
        end_date=None if end_date is None else date_param("end_date", end_date),
        limit=_count("limit", limit, minimum=1),
        offset=_count("offset", offset, minimum=0),
    )


def _new_route(route_type: str, value: str, alias: str) -> CreateRouteRequest:
    attributes = NewRouteAttributes(
        route_type=_route_type(route_type), value=_non_empty("value", value), alias=_non_empty("alias", alias)
    )
    return CreateRouteRequest(data=NewRoute(attributes=attributes))


def _route_reference(number: str, route_id: str) -> tuple[str, RouteReference]:
    return nanp_11_digits(number, "number"), RouteReference(data=RouteIdentifier(id=_route_id(route_id)))


def _outbound_message(
    to: str,
    from_: str,
    body: str | None,
    media_urls: Sequence[str] | None,
    is_mms: bool | None,
    dlr_callback: str | None,
) -> SendMessageRequest:
    """The v2.1 send body. An MMS (media given) gets ``is_mms: true`` unless the caller says otherwise."""
    attributes = OutboundMessageAttributes(to=nanp_11_digits(to, "to"), from_=nanp_11_digits(from_, "from_"))
    urls: list[str] = []
    if media_urls is not None:
        if isinstance(media_urls, str):
            raise InputError("media_urls", "must be a list of URLs, not a single string")
        if not isinstance(media_urls, Sequence):  # e.g. a bool would raise a bare TypeError below
            raise InputError("media_urls", "must be a list of URLs")
        urls = [_http_url(f"media_urls[{index}]", url) for index, url in enumerate(media_urls)]
        if not urls:
            raise InputError("media_urls", "must not be empty when given")
        attributes.media_urls = urls
    if body is not None and not isinstance(body, str):
        raise InputError("body", "must be a string")
    if body:
        attributes.body = body
    elif not urls:
        raise InputError("body", "is required unless media_urls is given")
    if is_mms is not None:
        if not isinstance(is_mms, bool):
            raise InputError("is_mms", "must be True or False")
        if urls and not is_mms:
            raise InputError("is_mms", "must be true when media_urls is given")
        attributes.is_mms = is_mms
    elif urls:
        attributes.is_mms = True
    if dlr_callback is not None:
        attributes.dlr_callback = _http_url("dlr_callback", dlr_callback)
    return SendMessageRequest(data=OutboundMessage(attributes=attributes))


def _v2_message(to: str, from_: str, body: str) -> _V2SendMessageRequest:
    return _V2SendMessageRequest(
        to=nanp_11_digits(to, "to"),
        from_=nanp_11_digits(from_, "from_"),
        body=_text("body", body),
    )


# ----------------------------------------------------------------------------- responses


class _Model(Protocol):
    """What the generated attrs models offer: construction from the parsed JSON."""

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any], /) -> Self: ...


ModelT = TypeVar("ModelT", bound=_Model)


class _ListModel(Protocol[T_co]):
    """A generated list model: ``data`` items plus JSON:API ``links``."""

    @property
    def data(self) -> Sequence[T_co]: ...

    @property
    def links(self) -> PaginationLinks: ...

    @classmethod
    def from_dict(cls, src_dict: Mapping[str, Any], /) -> Self: ...


class _Response(Protocol):
    """The generated ``Response`` (each package has its own class of the same shape)."""

    @property
    def status_code(self) -> int: ...

    @property
    def content(self) -> bytes: ...

    @property
    def parsed(self) -> Any: ...


# What generated from_dict raises on a body of the wrong shape (and json.loads on a non-JSON one).
_PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


def _malformed(exc: Exception, response: httpx.Response | _Response | None = None) -> MalformedResponseError:
    status = int(response.status_code) if response is not None else None
    raw = response.content if response is not None else b""
    return MalformedResponseError(
        f"Flowroute response does not match the API spec ({type(exc).__name__}: {exc})",
        status_code=status,
        raw_body=raw,
    )


def _expect(response: _Response, model: type[ModelT]) -> ModelT:
    """The parsed model of a 2xx response (error statuses were raised by the http client's hook).

    A 2xx the spec does not list (e.g. 200 where 202 is documented) is parsed with the same model
    instead of being refused: the request succeeded, and refusing it could make a caller send twice.
    """
    parsed = response.parsed
    if isinstance(parsed, model):
        return parsed
    try:
        return model.from_dict(parse_json_body(response.content, status_code=int(response.status_code)))
    except _PARSE_ERRORS as exc:
        raise _malformed(exc, response) from exc


def _page(document: _ListModel[T]) -> Page[T]:
    next_url = document.links.next_
    return list(document.data), (next_url if isinstance(next_url, str) and next_url else None)


class _Options(NamedTuple):
    """Per-call ``max_retries``/``timeout``; None keeps the client's RetryPolicy."""

    max_retries: int | None = None
    timeout: float | None = None

    def applied(self) -> AbstractContextManager[None]:
        return call_options(max_retries=self.max_retries, timeout=self.timeout)


def _check_credentials(access_key: str, secret_key: str) -> BasicAuth:
    _non_empty("access_key", access_key)
    _non_empty("secret_key", secret_key)
    return BasicAuth(access_key, secret_key)


def _messages_v2_base(base_url: str) -> str:
    return base_url.rstrip("/") + MESSAGES_V2_PREFIX


# ----------------------------------------------------------------------------- sync


class _SyncRunner:
    """Runs generated sync operations: per-call options, spec-mismatch -> MalformedResponseError, paging."""

    def __init__(self, http: httpx.Client, base_url: str) -> None:
        self.http = http
        self.base_url = base_url

    def call(self, operation: Callable[[], _Response], model: type[ModelT], options: _Options) -> ModelT:
        return _expect(self._run(operation, options), model)

    def call_no_content(self, operation: Callable[[], _Response], options: _Options) -> None:
        self._run(operation, options)

    def _run(self, operation: Callable[[], _Response], options: _Options) -> _Response:
        with options.applied():
            try:
                return operation()
            except SmsClientError:
                raise
            except _PARSE_ERRORS as exc:  # raised by generated parsing of a 2xx body
                raise _malformed(exc) from exc

    def pager(
        self,
        first: Callable[[], _Response],
        model: type[_ListModel[T]],
        options: _Options,
        limit: int | None,
    ) -> LinkPager[T]:
        """Lazy iterator over every page: ``first`` runs the generated list call, then ``links.next`` is followed."""
        _count("limit", limit, minimum=0)

        def first_page() -> Page[T]:
            return _page(self.call(first, model, options))

        def follow(url: str) -> Page[T]:
            with options.applied():
                response = self.http.get(url)
            try:
                document = model.from_dict(response.json())
            except _PARSE_ERRORS as exc:
                raise _malformed(exc, response) from exc
            return _page(document)

        return LinkPager(first_page, follow, limit=limit, base_url=self.base_url)


class Numbers:
    """Numbers v2: available area codes, exchanges and numbers; purchase; the account's numbers."""

    def __init__(self, runner: _SyncRunner, client: _V2Client) -> None:
        self._run = runner
        self._client = client

    def list_available_area_codes(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        max_setup_cost: float | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> AreaCodeList:
        """One page of area codes with purchasable numbers (``limit`` at most 400; the server's default is 10)."""
        query = _area_code_query(limit, offset, max_setup_cost)
        return self._run.call(
            lambda: _list_area_codes.sync_detailed(client=self._client, **query),
            AreaCodeList,
            _Options(max_retries, timeout),
        )

    def iter_available_area_codes(
        self,
        *,
        max_setup_cost: float | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> LinkPager[AreaCode]:
        """Every area code, fetched page by page as you iterate; ``limit`` caps the total yielded."""
        query = _area_code_query(page_size, None, max_setup_cost)
        return self._run.pager(
            lambda: _list_area_codes.sync_detailed(client=self._client, **query),
            AreaCodeList,
            _Options(max_retries, timeout),
            limit,
        )

    def list_available_exchange_codes(
        self,
        *,
        areacode: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        max_setup_cost: float | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> ExchangeCodeList:
        """One page of exchanges (NPA-NXX) with purchasable numbers, optionally within one area code."""
        query = _exchange_query(areacode, limit, offset, max_setup_cost)
        return self._run.call(
            lambda: _list_exchange_codes.sync_detailed(client=self._client, **query),
            ExchangeCodeList,
            _Options(max_retries, timeout),
        )

    def iter_available_exchange_codes(
        self,
        *,
        areacode: int | None = None,
        max_setup_cost: float | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> LinkPager[ExchangeCode]:
        """Every exchange code, page by page."""
        query = _exchange_query(areacode, page_size, None, max_setup_cost)
        return self._run.pager(
            lambda: _list_exchange_codes.sync_detailed(client=self._client, **query),
            ExchangeCodeList,
            _Options(max_retries, timeout),
            limit,
        )

    def search_purchasable(
        self,
        *,
        starts_with: int | None = None,
        contains: int | None = None,
        ends_with: int | None = None,
        rate_center: str | None = None,
        state: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> PurchasableNumberList:
        """One page of numbers that can be bought; ``rate_center`` needs ``state``."""
        query = _search_query(starts_with, contains, ends_with, rate_center, state, limit, offset)
        return self._run.call(
            lambda: _search_purchasable.sync_detailed(client=self._client, **query),
            PurchasableNumberList,
            _Options(max_retries, timeout),
        )

    def iter_purchasable(
        self,
        *,
        starts_with: int | None = None,
        contains: int | None = None,
        ends_with: int | None = None,
        rate_center: str | None = None,
        state: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> LinkPager[PurchasableNumber]:
        """Every purchasable number matching the filters, page by page."""
        query = _search_query(starts_with, contains, ends_with, rate_center, state, page_size, None)
        return self._run.pager(
            lambda: _search_purchasable.sync_detailed(client=self._client, **query),
            PurchasableNumberList,
            _Options(max_retries, timeout),
            limit,
        )

    def purchase(self, number: str, *, max_retries: int | None = None, timeout: float | None = None) -> NumberDocument:
        """Buy ``number`` (``1NPANXXXXXX`` or ``+1NPANXXXXXX``). A POST: never repeated after it left the client."""
        number_id = nanp_11_digits(number, "number")
        return self._run.call(
            lambda: _purchase_number.sync_detailed(number_id, client=self._client),
            NumberDocument,
            _Options(max_retries, timeout),
        )

    def list_account_numbers(
        self,
        *,
        starts_with: int | None = None,
        ends_with: int | None = None,
        contains: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> AccountNumberList:
        """One page of the numbers on the account."""
        query = _account_query(starts_with, ends_with, contains, limit, offset)
        return self._run.call(
            lambda: _list_account_numbers.sync_detailed(client=self._client, **query),
            AccountNumberList,
            _Options(max_retries, timeout),
        )

    def iter_account_numbers(
        self,
        *,
        starts_with: int | None = None,
        ends_with: int | None = None,
        contains: int | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> LinkPager[AccountNumber]:
        """Every number on the account, page by page."""
        query = _account_query(starts_with, ends_with, contains, page_size, None)
        return self._run.pager(
            lambda: _list_account_numbers.sync_detailed(client=self._client, **query),
            AccountNumberList,
            _Options(max_retries, timeout),
            limit,
        )

    def get(self, number: str, *, max_retries: int | None = None, timeout: float | None = None) -> NumberDocument:
        """Details of a number on the account, with its routes in ``included``."""
        number_id = nanp_11_digits(number, "number")
        return self._run.call(
            lambda: _get_number.sync_detailed(number_id, client=self._client),
            NumberDocument,
            _Options(max_retries, timeout),
        )


class Routes:
    """Routes v2: inbound voice routes and a number's primary/failover route."""

    def __init__(self, runner: _SyncRunner, client: _V2Client) -> None:
        self._run = runner
        self._client = client

    def create(
        self,
        route_type: str,
        value: str,
        alias: str,
        *,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> RouteDocument:
        """Create an inbound route (``route_type``: host, sip-reg, uri or number)."""
        body = _new_route(route_type, value, alias)
        return self._run.call(
            lambda: _create_route.sync_detailed(client=self._client, body=body),
            RouteDocument,
            _Options(max_retries, timeout),
        )

    def list(
        self,
        *,
        route_type: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> RouteList:
        """One page of the account's inbound routes."""
        query = _routes_query(route_type, limit, offset)
        return self._run.call(
            lambda: _list_routes.sync_detailed(client=self._client, **query),
            RouteList,
            _Options(max_retries, timeout),
        )

    def iter(
        self,
        *,
        route_type: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> LinkPager[RouteResource]:
        """Every inbound route, page by page."""
        query = _routes_query(route_type, page_size, None)
        return self._run.pager(
            lambda: _list_routes.sync_detailed(client=self._client, **query),
            RouteList,
            _Options(max_retries, timeout),
            limit,
        )

    def set_primary(
        self, number: str, route_id: str, *, max_retries: int | None = None, timeout: float | None = None
    ) -> None:
        """Make route ``route_id`` the primary voice route of ``number`` (204, nothing returned)."""
        number_id, body = _route_reference(number, route_id)
        self._run.call_no_content(
            lambda: _update_primary.sync_detailed(number_id, client=self._client, body=body),
            _Options(max_retries, timeout),
        )

    def set_failover(
        self, number: str, route_id: str, *, max_retries: int | None = None, timeout: float | None = None
    ) -> None:
        """Make route ``route_id`` the failover voice route of ``number`` (204, nothing returned)."""
        number_id, body = _route_reference(number, route_id)
        self._run.call_no_content(
            lambda: _update_failover.sync_detailed(number_id, client=self._client, body=body),
            _Options(max_retries, timeout),
        )


class Messages:
    """Messages v2.1: send SMS/MMS, look up message detail records (MDR2)."""

    def __init__(self, runner: _SyncRunner, client: _V2Client) -> None:
        self._run = runner
        self._client = client

    def send(
        self,
        to: str,
        from_: str,
        body: str | None = None,
        *,
        media_urls: Sequence[str] | None = None,
        is_mms: bool | None = None,
        dlr_callback: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> MessageAcceptedDocument:
        """Send an SMS, or an MMS when ``media_urls`` is given; returns the new ``mdr2-`` id in ``data.id``.

        Not retried once the request has left the client (a DeliveryUnknownError says so).
        """
        request = _outbound_message(to, from_, body, media_urls, is_mms, dlr_callback)
        return self._run.call(
            lambda: _send_message.sync_detailed(client=self._client, body=request),
            MessageAcceptedDocument,
            _Options(max_retries, timeout),
        )

    def list(
        self,
        start_date: str | date | datetime,
        end_date: str | date | datetime | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> MessageRecordList:
        """One page of MDRs in a UTC date range (see :func:`date_param` for the accepted forms)."""
        query = _messages_query(start_date, end_date, limit, offset)
        return self._run.call(
            lambda: _list_messages.sync_detailed(client=self._client, **query),
            MessageRecordList,
            _Options(max_retries, timeout),
        )

    def iter(
        self,
        start_date: str | date | datetime,
        end_date: str | date | datetime | None = None,
        *,
        page_size: int | None = None,
        limit: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> LinkPager[MessageRecord]:
        """Every MDR in the range, page by page."""
        query = _messages_query(start_date, end_date, page_size, None)
        return self._run.pager(
            lambda: _list_messages.sync_detailed(client=self._client, **query),
            MessageRecordList,
            _Options(max_retries, timeout),
            limit,
        )

    def get(
        self, message_id: str, *, max_retries: int | None = None, timeout: float | None = None
    ) -> MessageRecordDocument:
        """One MDR by its ``mdr2-`` id."""
        record = _message_id(message_id)
        return self._run.call(
            lambda: _get_message.sync_detailed(record, client=self._client),
            MessageRecordDocument,
            _Options(max_retries, timeout),
        )


class MessagesV2:
    """The older Messages v2 API (``/v2/messages``): SMS only, ``mdr1-`` ids."""

    def __init__(self, runner: _SyncRunner, client: _MessagesV2Client) -> None:
        self._run = runner
        self._client = client

    def send(
        self, to: str, from_: str, body: str, *, max_retries: int | None = None, timeout: float | None = None
    ) -> SendMessageResponse:
        """Send an SMS; the new ``mdr1-`` id is ``data.id``. Not retried once it has left the client."""
        request = _v2_message(to, from_, body)
        return self._run.call(
            lambda: _v2_send_message.sync_detailed(client=self._client, body=request),
            SendMessageResponse,
            _Options(max_retries, timeout),
        )

    def get(
        self, record_id: str, *, max_retries: int | None = None, timeout: float | None = None
    ) -> MessageDetailRecordDocument:
        """One message detail record by its ``mdr1-`` id."""
        record = _record_id(record_id)
        return self._run.call(
            lambda: _v2_get_message.sync_detailed(record, client=self._client),
            MessageDetailRecordDocument,
            _Options(max_retries, timeout),
        )


class FlowrouteClient(Closable):
    """Flowroute Numbers/Routes/Messages v2.1 (``.numbers``, ``.routes``, ``.messages``) and Messages v2
    (``.messages_v2``), authenticated with the API access key and secret key (HTTP Basic).

    One connection pool serves both API roots. Close it with :meth:`close` or a ``with`` block.
    """

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 -- frozen dataclass, safe as a default
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        auth = _check_credentials(access_key, secret_key)
        self.base_url = require_secure_url(base_url).rstrip("/")
        # Both httpx clients share one inner transport, hence one connection pool to the host.
        shared = transport if transport is not None else default_transport()
        options: dict[str, Any] = {"auth": auth, "provider": PROVIDER, "parse_error": parse_error_body, "policy": retry}
        messages_v2_url = _messages_v2_base(self.base_url)
        self._http = build_http_client(base_url=self.base_url, transport=shared, **options)
        self._http_v2 = build_http_client(base_url=messages_v2_url, transport=shared, **options)
        v2 = _V2Client(base_url=self.base_url).set_httpx_client(self._http)
        legacy_v2 = _MessagesV2Client(base_url=messages_v2_url).set_httpx_client(self._http_v2)
        runner = _SyncRunner(self._http, self.base_url)
        self.numbers = Numbers(runner, v2)
        self.routes = Routes(runner, v2)
        self.messages = Messages(runner, v2)
        self.messages_v2 = MessagesV2(_SyncRunner(self._http_v2, self.base_url), legacy_v2)

    def close(self) -> None:
        """Close the connection pool; the client cannot be used afterwards."""
        self._http_v2.close()
        self._http.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"


# ----------------------------------------------------------------------------- async


class _AsyncRunner:
    """The async twin of :class:`_SyncRunner`."""

    def __init__(self, http: httpx.AsyncClient, base_url: str) -> None:
        self.http = http
        self.base_url = base_url

    async def call(
        self, operation: Callable[[], Awaitable[_Response]], model: type[ModelT], options: _Options
    ) -> ModelT:
        return _expect(await self._run(operation, options), model)

    async def call_no_content(self, operation: Callable[[], Awaitable[_Response]], options: _Options) -> None:
        await self._run(operation, options)

    async def _run(self, operation: Callable[[], Awaitable[_Response]], options: _Options) -> _Response:
        with options.applied():
            try:
                return await operation()
            except SmsClientError:
                raise
            except _PARSE_ERRORS as exc:
                raise _malformed(exc) from exc

    def pager(
        self,
        first: Callable[[], Awaitable[_Response]],
        model: type[_ListModel[T]],
        options: _Options,
        limit: int | None,
    ) -> AsyncLinkPager[T]:
        _count("limit", limit, minimum=0)

        async def first_page() -> Page[T]:
            return _page(await self.call(first, model, options))

        async def follow(url: str) -> Page[T]:
            with options.applied():
                response = await self.http.get(url)
            try:
                document = model.from_dict(response.json())
            except _PARSE_ERRORS as exc:
                raise _malformed(exc, response) from exc
            return _page(document)

        return AsyncLinkPager(first_page, follow, limit=limit, base_url=self.base_url)


class AsyncNumbers:
    """Async Numbers v2 (see :class:`Numbers`)."""

    def __init__(self, runner: _AsyncRunner, client: _V2Client) -> None:
        self._run = runner
        self._client = client

    async def list_available_area_codes(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        max_setup_cost: float | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> AreaCodeList:
        query = _area_code_query(limit, offset, max_setup_cost)
        return await self._run.call(
            lambda: _list_area_codes.asyncio_detailed(client=self._client, **query),
            AreaCodeList,
            _Options(max_retries, timeout),
        )

    def iter_available_area_codes(
        self,
        *,
        max_setup_cost: float | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> AsyncLinkPager[AreaCode]:
        query = _area_code_query(page_size, None, max_setup_cost)
        return self._run.pager(
            lambda: _list_area_codes.asyncio_detailed(client=self._client, **query),
            AreaCodeList,
            _Options(max_retries, timeout),
            limit,
        )

    async def list_available_exchange_codes(
        self,
        *,
        areacode: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        max_setup_cost: float | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> ExchangeCodeList:
        query = _exchange_query(areacode, limit, offset, max_setup_cost)
        return await self._run.call(
            lambda: _list_exchange_codes.asyncio_detailed(client=self._client, **query),
            ExchangeCodeList,
            _Options(max_retries, timeout),
        )

    def iter_available_exchange_codes(
        self,
        *,
        areacode: int | None = None,
        max_setup_cost: float | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> AsyncLinkPager[ExchangeCode]:
        query = _exchange_query(areacode, page_size, None, max_setup_cost)
        return self._run.pager(
            lambda: _list_exchange_codes.asyncio_detailed(client=self._client, **query),
            ExchangeCodeList,
            _Options(max_retries, timeout),
            limit,
        )

    async def search_purchasable(
        self,
        *,
        starts_with: int | None = None,
        contains: int | None = None,
        ends_with: int | None = None,
        rate_center: str | None = None,
        state: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> PurchasableNumberList:
        query = _search_query(starts_with, contains, ends_with, rate_center, state, limit, offset)
        return await self._run.call(
            lambda: _search_purchasable.asyncio_detailed(client=self._client, **query),
            PurchasableNumberList,
            _Options(max_retries, timeout),
        )

    def iter_purchasable(
        self,
        *,
        starts_with: int | None = None,
        contains: int | None = None,
        ends_with: int | None = None,
        rate_center: str | None = None,
        state: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> AsyncLinkPager[PurchasableNumber]:
        query = _search_query(starts_with, contains, ends_with, rate_center, state, page_size, None)
        return self._run.pager(
            lambda: _search_purchasable.asyncio_detailed(client=self._client, **query),
            PurchasableNumberList,
            _Options(max_retries, timeout),
            limit,
        )

    async def purchase(
        self, number: str, *, max_retries: int | None = None, timeout: float | None = None
    ) -> NumberDocument:
        number_id = nanp_11_digits(number, "number")
        return await self._run.call(
            lambda: _purchase_number.asyncio_detailed(number_id, client=self._client),
            NumberDocument,
            _Options(max_retries, timeout),
        )

    async def list_account_numbers(
        self,
        *,
        starts_with: int | None = None,
        ends_with: int | None = None,
        contains: int | None = None,
        limit: int | None = None,
        offset: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> AccountNumberList:
        query = _account_query(starts_with, ends_with, contains, limit, offset)
        return await self._run.call(
            lambda: _list_account_numbers.asyncio_detailed(client=self._client, **query),
            AccountNumberList,
            _Options(max_retries, timeout),
        )

    def iter_account_numbers(
        self,
        *,
        starts_with: int | None = None,
        ends_with: int | None = None,
        contains: int | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> AsyncLinkPager[AccountNumber]:
        query = _account_query(starts_with, ends_with, contains, page_size, None)
        return self._run.pager(
            lambda: _list_account_numbers.asyncio_detailed(client=self._client, **query),
            AccountNumberList,
            _Options(max_retries, timeout),
            limit,
        )

    async def get(self, number: str, *, max_retries: int | None = None, timeout: float | None = None) -> NumberDocument:
        number_id = nanp_11_digits(number, "number")
        return await self._run.call(
            lambda: _get_number.asyncio_detailed(number_id, client=self._client),
            NumberDocument,
            _Options(max_retries, timeout),
        )


class AsyncRoutes:
    """Async Routes v2 (see :class:`Routes`)."""

    def __init__(self, runner: _AsyncRunner, client: _V2Client) -> None:
        self._run = runner
        self._client = client

    async def create(
        self,
        route_type: str,
        value: str,
        alias: str,
        *,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> RouteDocument:
        body = _new_route(route_type, value, alias)
        return await self._run.call(
            lambda: _create_route.asyncio_detailed(client=self._client, body=body),
            RouteDocument,
            _Options(max_retries, timeout),
        )

    async def list(
        self,
        *,
        route_type: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> RouteList:
        query = _routes_query(route_type, limit, offset)
        return await self._run.call(
            lambda: _list_routes.asyncio_detailed(client=self._client, **query),
            RouteList,
            _Options(max_retries, timeout),
        )

    def iter(
        self,
        *,
        route_type: str | None = None,
        page_size: int | None = None,
        limit: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> AsyncLinkPager[RouteResource]:
        query = _routes_query(route_type, page_size, None)
        return self._run.pager(
            lambda: _list_routes.asyncio_detailed(client=self._client, **query),
            RouteList,
            _Options(max_retries, timeout),
            limit,
        )

    async def set_primary(
        self, number: str, route_id: str, *, max_retries: int | None = None, timeout: float | None = None
    ) -> None:
        number_id, body = _route_reference(number, route_id)
        await self._run.call_no_content(
            lambda: _update_primary.asyncio_detailed(number_id, client=self._client, body=body),
            _Options(max_retries, timeout),
        )

    async def set_failover(
        self, number: str, route_id: str, *, max_retries: int | None = None, timeout: float | None = None
    ) -> None:
        number_id, body = _route_reference(number, route_id)
        await self._run.call_no_content(
            lambda: _update_failover.asyncio_detailed(number_id, client=self._client, body=body),
            _Options(max_retries, timeout),
        )


class AsyncMessages:
    """Async Messages v2.1 (see :class:`Messages`)."""

    def __init__(self, runner: _AsyncRunner, client: _V2Client) -> None:
        self._run = runner
        self._client = client

    async def send(
        self,
        to: str,
        from_: str,
        body: str | None = None,
        *,
        media_urls: Sequence[str] | None = None,
        is_mms: bool | None = None,
        dlr_callback: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> MessageAcceptedDocument:
        request = _outbound_message(to, from_, body, media_urls, is_mms, dlr_callback)
        return await self._run.call(
            lambda: _send_message.asyncio_detailed(client=self._client, body=request),
            MessageAcceptedDocument,
            _Options(max_retries, timeout),
        )

    async def list(
        self,
        start_date: str | date | datetime,
        end_date: str | date | datetime | None = None,
        *,
        limit: int | None = None,
        offset: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> MessageRecordList:
        query = _messages_query(start_date, end_date, limit, offset)
        return await self._run.call(
            lambda: _list_messages.asyncio_detailed(client=self._client, **query),
            MessageRecordList,
            _Options(max_retries, timeout),
        )

    def iter(
        self,
        start_date: str | date | datetime,
        end_date: str | date | datetime | None = None,
        *,
        page_size: int | None = None,
        limit: int | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> AsyncLinkPager[MessageRecord]:
        query = _messages_query(start_date, end_date, page_size, None)
        return self._run.pager(
            lambda: _list_messages.asyncio_detailed(client=self._client, **query),
            MessageRecordList,
            _Options(max_retries, timeout),
            limit,
        )

    async def get(
        self, message_id: str, *, max_retries: int | None = None, timeout: float | None = None
    ) -> MessageRecordDocument:
        record = _message_id(message_id)
        return await self._run.call(
            lambda: _get_message.asyncio_detailed(record, client=self._client),
            MessageRecordDocument,
            _Options(max_retries, timeout),
        )


class AsyncMessagesV2:
    """Async Messages v2 (see :class:`MessagesV2`)."""

    def __init__(self, runner: _AsyncRunner, client: _MessagesV2Client) -> None:
        self._run = runner
        self._client = client

    async def send(
        self, to: str, from_: str, body: str, *, max_retries: int | None = None, timeout: float | None = None
    ) -> SendMessageResponse:
        request = _v2_message(to, from_, body)
        return await self._run.call(
            lambda: _v2_send_message.asyncio_detailed(client=self._client, body=request),
            SendMessageResponse,
            _Options(max_retries, timeout),
        )

    async def get(
        self, record_id: str, *, max_retries: int | None = None, timeout: float | None = None
    ) -> MessageDetailRecordDocument:
        record = _record_id(record_id)
        return await self._run.call(
            lambda: _v2_get_message.asyncio_detailed(record, client=self._client),
            MessageDetailRecordDocument,
            _Options(max_retries, timeout),
        )


class AsyncFlowrouteClient(AsyncClosable):
    """Async twin of :class:`FlowrouteClient`; use ``async with`` or :meth:`aclose`."""

    def __init__(
        self,
        access_key: str,
        secret_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        retry: RetryPolicy = RetryPolicy(),  # noqa: B008 -- frozen dataclass, safe as a default
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        auth = _check_credentials(access_key, secret_key)
        self.base_url = require_secure_url(base_url).rstrip("/")
        shared = transport if transport is not None else default_async_transport()
        options: dict[str, Any] = {"auth": auth, "provider": PROVIDER, "parse_error": parse_error_body, "policy": retry}
        self._http = build_async_http_client(base_url=self.base_url, transport=shared, **options)
        messages_v2_url = _messages_v2_base(self.base_url)
        self._http_v2 = build_async_http_client(base_url=messages_v2_url, transport=shared, **options)
        v2 = _V2Client(base_url=self.base_url).set_async_httpx_client(self._http)
        legacy_v2 = _MessagesV2Client(base_url=messages_v2_url).set_async_httpx_client(self._http_v2)
        runner = _AsyncRunner(self._http, self.base_url)
        self.numbers = AsyncNumbers(runner, v2)
        self.routes = AsyncRoutes(runner, v2)
        self.messages = AsyncMessages(runner, v2)
        self.messages_v2 = AsyncMessagesV2(_AsyncRunner(self._http_v2, self.base_url), legacy_v2)

    async def aclose(self) -> None:
        """Close the connection pool; the client cannot be used afterwards."""
        await self._http_v2.aclose()
        await self._http.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r})"
