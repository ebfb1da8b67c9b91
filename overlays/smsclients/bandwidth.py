"""Modern Bandwidth Catapult Messaging v1 client: the facade over ``bandwidth_messaging_v1_client``.

The generated package knows the wire format; this module adds what it cannot know (api-notes §3):
HTTP Basic with the API token and secret, input checks before anything is sent, typed errors,
retries, the message id hidden in the ``Location`` header of a single send, and lazy pagination
over the ``Link: <...>; rel="next"`` header.

    with BandwidthClient("u-abc123", api_token, api_secret) as bw:
        message_id = bw.messages.send("+19195551212", "+19195551213", "hello")
        for message in bw.messages.iter(state="error", limit=100):
            ...

The spec has one operation for both sends (``POST /users/{userId}/messages`` takes one message
object, answered 201 with the id in ``Location``, or an array, answered 200/202 with one result per
message); :meth:`Messages.send` and :meth:`Messages.send_batch` are the two halves of it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Final, TypeVar
from urllib.parse import urlsplit

import httpx
from bandwidth_messaging_v1_client.api.messages import get_message as _get_message
from bandwidth_messaging_v1_client.api.messages import list_messages as _list_messages
from bandwidth_messaging_v1_client.api.messages import send_messages as _send_messages
from bandwidth_messaging_v1_client.client import Client
from bandwidth_messaging_v1_client.models import (
    BatchSendResult,
    CallbackHttpMethod,
    Message,
    MessageDeliveryState,
    MessageDirection,
    MessageState,
    ReceiptRequested,
    SendMessageRequest,
    SortOrder,
)
from bandwidth_messaging_v1_client.models.callback_http_method import CALLBACK_HTTP_METHOD_VALUES
from bandwidth_messaging_v1_client.models.message_delivery_state import MESSAGE_DELIVERY_STATE_VALUES
from bandwidth_messaging_v1_client.models.message_direction import MESSAGE_DIRECTION_VALUES
from bandwidth_messaging_v1_client.models.message_state import MESSAGE_STATE_VALUES
from bandwidth_messaging_v1_client.models.receipt_requested import RECEIPT_REQUESTED_VALUES
from bandwidth_messaging_v1_client.models.sort_order import SORT_ORDER_VALUES
from bandwidth_messaging_v1_client.types import UNSET, Response, Unset

from .auth import BasicAuth
from .errors import ErrorDetails, InputError, MalformedResponseError, SmsClientError
from .http import build_async_http_client, build_http_client
from .lifecycle import AsyncClosable, Closable
from .pagination import AsyncLinkPager, LinkPager, Page
from .responses import single_header
from .retries import RetryPolicy, call_options
from .validation import check_path_segment, e164, max_items, text_length

__all__ = [
    "DEFAULT_BASE_URL",
    "MAX_BATCH_SIZE",
    "MAX_PAGE_SIZE",
    "MAX_TEXT_LENGTH",
    "PROVIDER",
    "AsyncBandwidthClient",
    "AsyncMessages",
    "BandwidthClient",
    "MessageInput",
    "Messages",
    "check_batch",
    "check_send_request",
    "message_id_from_location",
    "parse_error_body",
]

PROVIDER: Final = "bandwidth"
DEFAULT_BASE_URL: Final = "https://api.catapult.inetwork.com/v1"

# Limits from the API reference (api-notes §3.3-§3.5).
MAX_BATCH_SIZE: Final = 50
MAX_TEXT_LENGTH: Final = 2048
MAX_PAGE_SIZE: Final = 1000

# The spec's pattern for fromDateTime/toDateTime: S002's `yyyy-MM-dd hh:mm:ss` and BW-docs' shorter forms.
_DATE_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T][0-9]{2}(:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,3})?)?)?)?Z?$")
_STRING_FIELDS: Final = (("callbackUrl", "callback_url"), ("fallbackUrl", "fallback_url"), ("tag", "tag"))

MessageInput = SendMessageRequest | Mapping[str, Any]
"""One message of a batch: a generated ``SendMessageRequest`` or a dict with the wire (camelCase) names."""

T = TypeVar("T")


# --------------------------------------------------------------------------------------------------
# Errors and response helpers


def parse_error_body(body: object) -> ErrorDetails:
    """Read Bandwidth's error body ``{"message", "code", "category", "details"}`` (api-notes §3.9)."""
    if not isinstance(body, Mapping):
        return ErrorDetails(message=None)
    message = body.get("message")
    code = body.get("code")
    raw_details = body.get("details")
    details: list[str] = []
    if isinstance(raw_details, list):
        for item in raw_details:
            if isinstance(item, Mapping) and "name" in item:
                details.append(f"{item.get('name')}: {item.get('value')}")
            else:
                details.append(str(item))
    return ErrorDetails(
        message=message if isinstance(message, str) and message else None,
        code=str(code) if isinstance(code, str | int) and not isinstance(code, bool) and code != "" else None,
        details=tuple(details),
    )


def message_id_from_location(location: str) -> str:
    """The message id: the last path segment of a ``Location`` URL, absolute or path-only (``''`` if none)."""
    path = urlsplit(location).path
    return path.rstrip("/").rsplit("/", 1)[-1]


def _malformed(operation: str, response: Response[Any] | httpx.Response, why: str) -> MalformedResponseError:
    # Only a short reason: the body may quote caller data, and it is kept in raw_body anyway.
    return MalformedResponseError(
        f"{operation}: {why}", status_code=int(response.status_code), raw_body=bytes(response.content)
    )


@contextmanager
def _parse_guard(operation: str) -> Iterator[None]:
    """Turn a generated ``from_dict`` failure on a 2xx body into MalformedResponseError."""
    try:
        yield
    except SmsClientError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise MalformedResponseError(
            f"{operation}: the response body does not match the API spec ({type(exc).__name__})"
        ) from exc


def _sent_id(response: Response[Any]) -> str:
    """The id of a single send: 201 with an empty body and the message URL in ``Location``."""
    location = single_header(response.headers, "location", status_code=int(response.status_code), method="POST")
    if not 200 <= int(response.status_code) < 300 or not location:
        raise _malformed("send_messages", response, "a single send must answer 201 with a Location header")
    message_id = message_id_from_location(location)
    if not message_id:
        raise _malformed("send_messages", response, "the Location header carries no message id")
    return message_id


def _batch_results(response: Response[Any], expected: int) -> list[BatchSendResult]:
    """The per-message results of a batch send: one per request item, in request order."""
    results = response.parsed
    if not isinstance(results, list) or not all(isinstance(item, BatchSendResult) for item in results):
        raise _malformed("send_messages", response, "a batch send must answer 200/202 with a JSON array")
    if len(results) != expected:
        # Results are matched to the request by position; a different count cannot be matched safely.
        raise _malformed("send_messages", response, f"expected {expected} results, got {len(results)}")
    return results


def _message(response: Response[Any]) -> Message:
    if not isinstance(response.parsed, Message):
        raise _malformed("get_message", response, f"unexpected HTTP status {int(response.status_code)}")
    return response.parsed


def _message_page(response: httpx.Response) -> Page[Message]:
    """One page of messages and the ``rel="next"`` URL from the ``Link`` header (api-notes §3.7)."""
    if response.status_code != 200:
        raise _malformed("list_messages", response, f"unexpected HTTP status {response.status_code}")
    with _parse_guard("list_messages"):
        items = response.json()
        if not isinstance(items, list):
            raise _malformed("list_messages", response, "a page must be a JSON array")
        messages = [Message.from_dict(item) for item in items]
    next_link = response.links.get("next", {}).get("url")
    return messages, next_link or None


# --------------------------------------------------------------------------------------------------
# Input checks (all run before a request is built, so invalid input sends nothing)


def _enum(field: str, value: object, allowed: set[Any]) -> Any:
    if not isinstance(value, str) or value not in allowed:  # an unhashable value would raise TypeError
        raise InputError(field, f"must be one of {', '.join(sorted(allowed))}")
    return value


def check_send_request(message: object, prefix: str = "", *, python_names: bool = False) -> SendMessageRequest:
    """Check one message and return it as a ``SendMessageRequest`` with E.164-normalised numbers.

    Field names in errors are the wire names (``messages[3].from``) or, for the keyword arguments of
    :meth:`Messages.send`, the Python names (``from_``, ``callback_timeout``). Keys the spec does not
    know are kept and sent as given.
    """
    if isinstance(message, SendMessageRequest):
        data: dict[str, Any] = message.to_dict()
    elif isinstance(message, Mapping):
        data = dict(message)
    else:
        raise InputError(prefix.rstrip(".") or "message", "must be a SendMessageRequest or a dict")

    def name(wire: str, python: str) -> str:
        return prefix + (python if python_names else wire)

    for wire, python in (("from", "from_"), ("to", "to")):
        if data.get(wire) is None:
            raise InputError(name(wire, python), "is required")
        data[wire] = e164(data[wire], name(wire, python))
    text, media = data.get("text"), data.get("media")
    if text is not None:
        text_length(name("text", "text"), text, max_length=MAX_TEXT_LENGTH)
    if media is not None and (
        isinstance(media, str) or not isinstance(media, Sequence) or not all(isinstance(url, str) for url in media)
    ):
        raise InputError(name("media", "media"), "must be a list of URL strings")
    if media is not None:
        data["media"] = list(media)
    if not text and not media:
        raise InputError(name("text", "text"), "is required unless media is given")
    if data.get("receiptRequested") is not None:
        _enum(name("receiptRequested", "receipt_requested"), data["receiptRequested"], RECEIPT_REQUESTED_VALUES)
    if data.get("callbackHttpMethod") is not None:
        _enum(
            name("callbackHttpMethod", "callback_http_method"), data["callbackHttpMethod"], CALLBACK_HTTP_METHOD_VALUES
        )
    timeout = data.get("callbackTimeout")
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, int) or timeout <= 0):
        raise InputError(name("callbackTimeout", "callback_timeout"), "must be a positive integer (milliseconds)")
    for wire, python in _STRING_FIELDS:
        if data.get(wire) is not None and not isinstance(data[wire], str):
            raise InputError(name(wire, python), "must be a string")
    # Unset optional fields stay off the wire rather than becoming null.
    return SendMessageRequest.from_dict({key: value for key, value in data.items() if value is not None})


def check_batch(messages: object) -> list[SendMessageRequest]:
    """Check a batch of 1 to 50 messages; the first invalid one raises InputError and nothing is sent."""
    if isinstance(messages, str | bytes | Mapping) or not isinstance(messages, Sequence):
        raise InputError("messages", "must be a list of messages")
    max_items("messages", messages, MAX_BATCH_SIZE, minimum=1)
    return [check_send_request(item, f"messages[{index}].") for index, item in enumerate(messages)]


def _single_request(
    from_: str,
    to: str,
    text: str | None,
    media: Sequence[str] | None,
    receipt_requested: ReceiptRequested | None,
    callback_url: str | None,
    callback_http_method: CallbackHttpMethod | None,
    callback_timeout: int | None,
    fallback_url: str | None,
    tag: str | None,
) -> SendMessageRequest:
    wire = {
        "from": from_,
        "to": to,
        "text": text,
        "media": media,
        "receiptRequested": receipt_requested,
        "callbackUrl": callback_url,
        "callbackHttpMethod": callback_http_method,
        "callbackTimeout": callback_timeout,
        "fallbackUrl": fallback_url,
        "tag": tag,
    }
    return check_send_request(wire, python_names=True)


def _check_id(message_id: object) -> str:
    if not isinstance(message_id, str) or not message_id.strip():
        raise InputError("message_id", "must be a non-empty string")
    return check_path_segment("message_id", message_id)


def _list_kwargs(
    user_id: str,
    *,
    from_: str | None,
    to: str | None,
    from_date_time: str | None,
    to_date_time: str | None,
    direction: MessageDirection | None,
    state: MessageState | None,
    delivery_state: MessageDeliveryState | None,
    sort_order: SortOrder | None,
    size: int | None,
    extra_params: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The first page's request (generated serialisation) with the filters checked."""

    def opt(value: T | None) -> T | Unset:
        return UNSET if value is None else value

    for field, value in (("from_date_time", from_date_time), ("to_date_time", to_date_time)):
        if value is not None and (not isinstance(value, str) or not _DATE_TIME.fullmatch(value)):
            raise InputError(field, "must be a date-time like '2014-05-25 12:00:00' (yyyy-MM-dd hh:mm:ss)")
    for field, value, allowed in (
        ("direction", direction, MESSAGE_DIRECTION_VALUES),
        ("state", state, MESSAGE_STATE_VALUES),
        ("delivery_state", delivery_state, MESSAGE_DELIVERY_STATE_VALUES),
        ("sort_order", sort_order, SORT_ORDER_VALUES),
    ):
        if value is not None:
            _enum(field, value, allowed)
    if size is not None and (isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE):
        raise InputError("size", f"must be an integer from 1 to {MAX_PAGE_SIZE}")
    kwargs = _list_messages._get_kwargs(
        user_id,
        from_=UNSET if from_ is None else e164(from_, "from_"),
        to=UNSET if to is None else e164(to, "to"),
        from_date_time=opt(from_date_time),
        to_date_time=opt(to_date_time),
        direction=opt(direction),
        state=opt(state),
        delivery_state=opt(delivery_state),
        sort_order=opt(sort_order),
        size=opt(size),
    )
    if extra_params is not None and not isinstance(extra_params, Mapping):
        raise InputError("extra_params", "must be a mapping of query parameters")
    if extra_params:
        # Undocumented filters are passed through; the documented ones above take precedence.
        extras = {str(key): value for key, value in extra_params.items() if value is not None}
        kwargs["params"] = {**extras, **kwargs["params"]}
    return kwargs


def _check_user_and_credentials(user_id: str, api_token: str, api_secret: str) -> BasicAuth:
    for field, value in (("user_id", user_id), ("api_token", api_token), ("api_secret", api_secret)):
        if not isinstance(value, str) or not value:
            raise InputError(field, "must be a non-empty string")
    check_path_segment("user_id", user_id)
    return BasicAuth(api_token, api_secret)


# --------------------------------------------------------------------------------------------------
# Sync


class BandwidthClient(Closable):
    """Bandwidth Catapult Messaging v1 client (sync).

    ``api_token``/``api_secret`` authenticate with HTTP Basic; ``user_id`` (``u-...``) only names the
    account in the path. One connection pool per client: use it as a context manager or call
    :meth:`close`. ``retry`` sets the retry policy, ``transport`` replaces the network transport.
    """

    def __init__(
        self,
        user_id: str,
        api_token: str,
        api_secret: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        auth = _check_user_and_credentials(user_id, api_token, api_secret)
        self.user_id = user_id
        self.base_url = base_url
        self._http = build_http_client(
            base_url=base_url,
            auth=auth,
            provider=PROVIDER,
            parse_error=parse_error_body,
            policy=retry or RetryPolicy(),
            transport=transport,
        )
        self._client = Client(base_url=base_url).set_httpx_client(self._http)
        self.messages = Messages(self)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __repr__(self) -> str:
        # Never the token or the secret.
        return f"{type(self).__name__}(user_id={self.user_id!r}, base_url={self.base_url!r})"


class Messages:
    """``client.messages``: send one or a batch, list lazily, get one."""

    def __init__(self, owner: BandwidthClient) -> None:
        self._owner = owner

    def send_request(
        self, message: MessageInput, *, max_retries: int | None = None, timeout: float | None = None
    ) -> str:
        """Send one message given as a ``SendMessageRequest`` or a wire-named dict; returns its id.

        Keys beyond the spec's are sent as given (for API features the spec does not list yet).
        """
        return self._send_checked(check_send_request(message), max_retries, timeout)

    def _send_checked(self, request: SendMessageRequest, max_retries: int | None, timeout: float | None) -> str:
        with call_options(max_retries=max_retries, timeout=timeout), _parse_guard("send_messages"):
            response = _send_messages.sync_detailed(self._owner.user_id, client=self._owner._client, body=request)
        return _sent_id(response)

    def send(
        self,
        from_: str,
        to: str,
        text: str | None = None,
        *,
        media: Sequence[str] | None = None,
        receipt_requested: ReceiptRequested | None = None,
        callback_url: str | None = None,
        callback_http_method: CallbackHttpMethod | None = None,
        callback_timeout: int | None = None,
        fallback_url: str | None = None,
        tag: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> str:
        """Send one SMS (``text``) or MMS (``media`` URLs); returns the new message id (``m-...``).

        ``from_`` is one of your numbers, both numbers E.164 (``+19195551212``); ``text`` at most
        2048 characters. Not retried once the request has left (a send is not idempotent).
        """
        request = _single_request(
            from_,
            to,
            text,
            media,
            receipt_requested,
            callback_url,
            callback_http_method,
            callback_timeout,
            fallback_url,
            tag,
        )
        return self._send_checked(request, max_retries, timeout)

    def send_batch(
        self, messages: Sequence[MessageInput], *, max_retries: int | None = None, timeout: float | None = None
    ) -> list[BatchSendResult]:
        """Send 1 to 50 messages in one request; one result per message, in order.

        A result is ``accepted`` (``location`` holds the message URL, see
        :func:`message_id_from_location`) or ``error`` (``error`` says why). Every message is
        checked first; one invalid message raises InputError and nothing is sent.
        """
        body = check_batch(messages)
        with call_options(max_retries=max_retries, timeout=timeout), _parse_guard("send_messages"):
            response = _send_messages.sync_detailed(self._owner.user_id, client=self._owner._client, body=body)
        return _batch_results(response, len(body))

    def iter(
        self,
        *,
        from_: str | None = None,
        to: str | None = None,
        from_date_time: str | None = None,
        to_date_time: str | None = None,
        direction: MessageDirection | None = None,
        state: MessageState | None = None,
        delivery_state: MessageDeliveryState | None = None,
        sort_order: SortOrder | None = None,
        size: int | None = None,
        limit: int | None = None,
        extra_params: Mapping[str, Any] | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> LinkPager[Message]:
        """Lazily iterate every matching message, page by page (``size`` per page, at most 1000).

        Filters are checked now; nothing is fetched until iteration, which follows the
        ``Link: rel="next"`` URLs (same host only) and stops after ``limit`` messages if given.
        """
        kwargs = _list_kwargs(
            self._owner.user_id,
            from_=from_,
            to=to,
            from_date_time=from_date_time,
            to_date_time=to_date_time,
            direction=direction,
            state=state,
            delivery_state=delivery_state,
            sort_order=sort_order,
            size=size,
            extra_params=extra_params,
        )
        http = self._owner._http

        def first() -> Page[Message]:
            with call_options(max_retries=max_retries, timeout=timeout):
                return _message_page(http.request(**kwargs))

        def follow(url: str) -> Page[Message]:
            with call_options(max_retries=max_retries, timeout=timeout):
                return _message_page(http.get(url))

        return LinkPager(first, follow, limit=limit, base_url=self._owner.base_url)

    def get(self, message_id: str, *, max_retries: int | None = None, timeout: float | None = None) -> Message:
        """One message by id (``m-...``); NotFoundError for an unknown id."""
        checked = _check_id(message_id)
        with call_options(max_retries=max_retries, timeout=timeout), _parse_guard("get_message"):
            response = _get_message.sync_detailed(self._owner.user_id, checked, client=self._owner._client)
        return _message(response)


# --------------------------------------------------------------------------------------------------
# Async


class AsyncBandwidthClient(AsyncClosable):
    """Async twin of :class:`BandwidthClient` (``async with``, ``await``, ``async for``)."""

    def __init__(
        self,
        user_id: str,
        api_token: str,
        api_secret: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        auth = _check_user_and_credentials(user_id, api_token, api_secret)
        self.user_id = user_id
        self.base_url = base_url
        self._http = build_async_http_client(
            base_url=base_url,
            auth=auth,
            provider=PROVIDER,
            parse_error=parse_error_body,
            policy=retry or RetryPolicy(),
            transport=transport,
        )
        self._client = Client(base_url=base_url).set_async_httpx_client(self._http)
        self.messages = AsyncMessages(self)

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(user_id={self.user_id!r}, base_url={self.base_url!r})"


class AsyncMessages:
    """``client.messages`` of :class:`AsyncBandwidthClient`; same methods and checks as :class:`Messages`."""

    def __init__(self, owner: AsyncBandwidthClient) -> None:
        self._owner = owner

    async def send_request(
        self, message: MessageInput, *, max_retries: int | None = None, timeout: float | None = None
    ) -> str:
        """See :meth:`Messages.send_request`."""
        return await self._send_checked(check_send_request(message), max_retries, timeout)

    async def _send_checked(self, request: SendMessageRequest, max_retries: int | None, timeout: float | None) -> str:
        with call_options(max_retries=max_retries, timeout=timeout), _parse_guard("send_messages"):
            response = await _send_messages.asyncio_detailed(
                self._owner.user_id, client=self._owner._client, body=request
            )
        return _sent_id(response)

    async def send(
        self,
        from_: str,
        to: str,
        text: str | None = None,
        *,
        media: Sequence[str] | None = None,
        receipt_requested: ReceiptRequested | None = None,
        callback_url: str | None = None,
        callback_http_method: CallbackHttpMethod | None = None,
        callback_timeout: int | None = None,
        fallback_url: str | None = None,
        tag: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> str:
        """See :meth:`Messages.send`."""
        request = _single_request(
            from_,
            to,
            text,
            media,
            receipt_requested,
            callback_url,
            callback_http_method,
            callback_timeout,
            fallback_url,
            tag,
        )
        return await self._send_checked(request, max_retries, timeout)

    async def send_batch(
        self, messages: Sequence[MessageInput], *, max_retries: int | None = None, timeout: float | None = None
    ) -> list[BatchSendResult]:
        """See :meth:`Messages.send_batch`."""
        body = check_batch(messages)
        with call_options(max_retries=max_retries, timeout=timeout), _parse_guard("send_messages"):
            response = await _send_messages.asyncio_detailed(self._owner.user_id, client=self._owner._client, body=body)
        return _batch_results(response, len(body))

    def iter(
        self,
        *,
        from_: str | None = None,
        to: str | None = None,
        from_date_time: str | None = None,
        to_date_time: str | None = None,
        direction: MessageDirection | None = None,
        state: MessageState | None = None,
        delivery_state: MessageDeliveryState | None = None,
        sort_order: SortOrder | None = None,
        size: int | None = None,
        limit: int | None = None,
        extra_params: Mapping[str, Any] | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> AsyncLinkPager[Message]:
        """See :meth:`Messages.iter` (use ``async for``)."""
        kwargs = _list_kwargs(
            self._owner.user_id,
            from_=from_,
            to=to,
            from_date_time=from_date_time,
            to_date_time=to_date_time,
            direction=direction,
            state=state,
            delivery_state=delivery_state,
            sort_order=sort_order,
            size=size,
            extra_params=extra_params,
        )
        http = self._owner._http

        async def first() -> Page[Message]:
            with call_options(max_retries=max_retries, timeout=timeout):
                return _message_page(await http.request(**kwargs))

        async def follow(url: str) -> Page[Message]:
            with call_options(max_retries=max_retries, timeout=timeout):
                return _message_page(await http.get(url))

        return AsyncLinkPager(first, follow, limit=limit, base_url=self._owner.base_url)

    async def get(self, message_id: str, *, max_retries: int | None = None, timeout: float | None = None) -> Message:
        """See :meth:`Messages.get`."""
        checked = _check_id(message_id)
        with call_options(max_retries=max_retries, timeout=timeout), _parse_guard("get_message"):
            response = await _get_message.asyncio_detailed(self._owner.user_id, checked, client=self._owner._client)
        return _message(response)
