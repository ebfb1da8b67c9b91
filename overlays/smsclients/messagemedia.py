"""MessageMedia Messages API v1: the modern facade over the generated client.

The generated ``messagemedia_messages_v1_client`` knows the wire format; this module adds what a
caller needs around it: credentials (HTTP Basic or MessageMedia's HMAC signature), the sub-account
header, input checks before anything is sent, typed errors, retries, and the check -> handle ->
confirm loop over delivery reports and replies (api-notes §4, §5.1).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Generic, TypeVar

import httpx
from messagemedia_messages_v1_client.api.delivery_reports import check_delivery_reports, confirm_delivery_reports
from messagemedia_messages_v1_client.api.messages import cancel_scheduled_message, get_message_status, send_messages
from messagemedia_messages_v1_client.api.replies import check_replies, confirm_replies
from messagemedia_messages_v1_client.client import Client
from messagemedia_messages_v1_client.models import (
    CancelScheduledMessageRequest,
    ConfirmDeliveryReportsRequest,
    ConfirmRepliesRequest,
    DeliveryReport,
    DeliveryReportList,
    Message,
    NewMessage,
    Reply,
    ReplyList,
    SendMessagesRequest,
    SendMessagesResponse,
)
from messagemedia_messages_v1_client.models.message_format import MESSAGE_FORMAT_VALUES
from messagemedia_messages_v1_client.models.source_number_type import SOURCE_NUMBER_TYPE_VALUES
from messagemedia_messages_v1_client.types import UNSET, Response, Unset

from smsclients.auth import BasicAuth, MessageMediaHmacAuth, RequestSigner
from smsclients.errors import ErrorDetails, InputError, MalformedResponseError, SmsClientError
from smsclients.http import build_async_http_client, build_http_client
from smsclients.pagination import AsyncQueueDrainer, QueueDrainer
from smsclients.responses import parse_json_body
from smsclients.retries import RetryPolicy, call_options
from smsclients.validation import e164, header_value, max_items, text_length

from .lifecycle import AsyncClosable, Closable

__all__ = [
    "DEFAULT_BASE_URL",
    "PROVIDER",
    "AsyncDeliveryReports",
    "AsyncMessageMediaClient",
    "AsyncMessages",
    "AsyncReplies",
    "DeliveryReports",
    "MessageInput",
    "MessageMediaClient",
    "Messages",
    "Replies",
    "build_send_request",
    "check_ids",
    "check_message_id",
    "parse_error_body",
]

PROVIDER: Final = "messagemedia"
DEFAULT_BASE_URL: Final = "https://api.messagemedia.com"

# Limits from the API reference (api-notes §4.2, §4.3).
MAX_MESSAGES: Final = 100
MAX_CONTENT_LENGTH: Final = 5000
MAX_NUMBER_LENGTH: Final = 15
MAX_METADATA_PAIRS: Final = 10
MAX_METADATA_KEY_LENGTH: Final = 100
MAX_METADATA_VALUE_LENGTH: Final = 256
MAX_SUBJECT_LENGTH: Final = 64
MAX_CONFIRM_IDS: Final = 100

_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# The spec's pattern for `scheduled` / `message_expiry_timestamp`.
_ISO_DATETIME = re.compile(
    r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?$"
)
_STRING_FIELDS: Final = ("callback_url", "source_number", "subject")
_TIME_FIELDS: Final = ("scheduled", "message_expiry_timestamp")

MessageInput = NewMessage | Mapping[str, Any]
"""One message for :meth:`Messages.send`: a generated ``NewMessage`` or a dict with the wire field names."""

T = TypeVar("T")


# --------------------------------------------------------------------------------------------------
# Errors


def parse_error_body(body: object) -> ErrorDetails:
    """Read MessageMedia's error body: ``{"message": str}`` plus ``"details": [str]`` on a 400 (§4.5)."""
    if not isinstance(body, Mapping):
        return ErrorDetails(message=None)
    message = body.get("message")
    raw_details = body.get("details")
    details = tuple(str(item) for item in raw_details) if isinstance(raw_details, list) else ()
    if not isinstance(message, str) or not message:
        message = details[0] if details else None
    return ErrorDetails(message=message, code=None, details=details)


# --------------------------------------------------------------------------------------------------
# Input checks (all run before a request is built, so an invalid batch sends nothing)


def check_message_id(message_id: object, field: str = "message_id") -> str:
    """Return ``message_id`` if it is the 36-character UUID the API issues; InputError otherwise."""
    if not isinstance(message_id, str):
        raise InputError(field, "must be a string")
    if not _UUID.fullmatch(message_id):
        raise InputError(field, "must be a 36-character UUID")
    return message_id


def check_ids(field: str, ids: object) -> list[str]:
    """Check a confirm list: 1 to 100 UUIDs (a bare string is refused, not split into characters)."""
    if isinstance(ids, str | bytes) or not isinstance(ids, Sequence):
        raise InputError(field, "must be a list of ids")
    if not ids:
        raise InputError(field, "must contain at least 1 id")
    max_items(field, ids, MAX_CONFIRM_IDS)
    return [check_message_id(item, f"{field}[{index}]") for index, item in enumerate(ids)]


def _time_value(field: str, value: object) -> str:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InputError(field, "must be a timezone-aware datetime")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    if not isinstance(value, str) or not _ISO_DATETIME.fullmatch(value):
        raise InputError(field, "must be an ISO 8601 date-time, e.g. 2016-11-03T11:49:02.807Z")
    return value


def _check_metadata(field: str, metadata: object) -> dict[str, str]:
    if not isinstance(metadata, Mapping):
        raise InputError(field, "must be an object of string keys and values")
    if len(metadata) > MAX_METADATA_PAIRS:
        raise InputError(field, f"must have at most {MAX_METADATA_PAIRS} key/value pairs")
    checked: dict[str, str] = {}
    for key, value in metadata.items():
        if not isinstance(key, str) or not key:
            raise InputError(field, "keys must be non-empty strings")
        if len(key) > MAX_METADATA_KEY_LENGTH:
            raise InputError(field, f"keys must be at most {MAX_METADATA_KEY_LENGTH} characters")
        if not isinstance(value, str):
            raise InputError(f"{field}[{key!r}]", "must be a string")
        text_length(f"{field}[{key!r}]", value, max_length=MAX_METADATA_VALUE_LENGTH)
        checked[key] = value
    return checked


def _check_message(index: int, message: object) -> NewMessage:
    prefix = f"messages[{index}]"
    if isinstance(message, NewMessage):
        data: dict[str, Any] = message.to_dict()
    elif isinstance(message, Mapping):
        data = dict(message)
    else:
        raise InputError(prefix, "must be a NewMessage or a dict")

    for required in ("content", "destination_number"):
        if data.get(required) is None:
            raise InputError(f"{prefix}.{required}", "is required")
    content = data["content"]
    if not isinstance(content, str):
        raise InputError(f"{prefix}.content", "must be a string")
    text_length(f"{prefix}.content", content, min_length=1, max_length=MAX_CONTENT_LENGTH)

    number_field = f"{prefix}.destination_number"
    if not isinstance(data["destination_number"], str):
        raise InputError(number_field, "must be a string")
    number = e164(data["destination_number"], number_field)
    if len(number) > MAX_NUMBER_LENGTH:
        raise InputError(number_field, f"must be at most {MAX_NUMBER_LENGTH} characters")
    data["destination_number"] = number

    for name in _STRING_FIELDS:
        if data.get(name) is not None and not isinstance(data[name], str):
            raise InputError(f"{prefix}.{name}", "must be a string")
    if data.get("subject") is not None:
        text_length(f"{prefix}.subject", data["subject"], max_length=MAX_SUBJECT_LENGTH)
    if data.get("delivery_report") is not None and not isinstance(data["delivery_report"], bool):
        raise InputError(f"{prefix}.delivery_report", "must be true or false")
    if data.get("format") is not None and data["format"] not in MESSAGE_FORMAT_VALUES:
        raise InputError(f"{prefix}.format", f"must be one of {', '.join(sorted(MESSAGE_FORMAT_VALUES))}")
    if data.get("source_number_type") is not None:
        if data["source_number_type"] not in SOURCE_NUMBER_TYPE_VALUES:
            allowed = ", ".join(sorted(SOURCE_NUMBER_TYPE_VALUES))
            raise InputError(f"{prefix}.source_number_type", f"must be one of {allowed}")
        if data.get("source_number") is None:
            raise InputError(f"{prefix}.source_number_type", "is only valid together with source_number")
    for name in _TIME_FIELDS:
        if data.get(name) is not None:
            data[name] = _time_value(f"{prefix}.{name}", data[name])
    if data.get("metadata") is not None:
        data["metadata"] = _check_metadata(f"{prefix}.metadata", data["metadata"])
    media = data.get("media")
    if media is not None and (
        isinstance(media, str) or not isinstance(media, Sequence) or not all(isinstance(u, str) for u in media)
    ):
        raise InputError(f"{prefix}.media", "must be a list of URL strings")

    # Absent optional fields must stay absent on the wire, not become null.
    return NewMessage.from_dict({key: value for key, value in data.items() if value is not None})


def build_send_request(messages: object) -> SendMessagesRequest:
    """Check a whole batch (1 to 100 messages) and build the request body.

    All-or-nothing like the API itself: the first invalid message raises InputError naming it
    (e.g. ``messages[3].metadata``) and nothing is sent.
    """
    if isinstance(messages, str | bytes | Mapping) or not isinstance(messages, Sequence):
        raise InputError("messages", "must be a list of messages")
    if not messages:
        raise InputError("messages", "must contain at least 1 message")
    max_items("messages", messages, MAX_MESSAGES)
    return SendMessagesRequest(messages=[_check_message(index, item) for index, item in enumerate(messages)])


# --------------------------------------------------------------------------------------------------
# Response handling shared by the sync and async classes


def _account(value: str | None) -> str | Unset:
    if value is None:
        return UNSET
    if not isinstance(value, str) or not value or any(ch in value for ch in "\r\n"):
        raise InputError("account", "must be a non-empty single-line string")
    return header_value("account", value)


def _malformed(operation: str, exc: Exception) -> MalformedResponseError:
    # Only the exception type: its text may quote parts of the body.
    return MalformedResponseError(f"{operation}: the response body does not match the API spec ({type(exc).__name__})")


def _expect_success(response: Response[Any], operation: str) -> None:
    status = int(response.status_code)
    if not 200 <= status < 300:  # errors (>= 400) were raised by the client's hook; this is 1xx/3xx
        raise MalformedResponseError(
            f"{operation}: unexpected HTTP status {status}", status_code=status, raw_body=response.content
        )


def _model(response: Response[Any], expected: type[T], parse: Callable[[Any], T], operation: str) -> T:
    """The parsed model of a 2xx response; a 2xx status the spec does not declare is parsed here."""
    if isinstance(response.parsed, expected):
        return response.parsed
    _expect_success(response, operation)
    try:
        return parse(parse_json_body(response.content, status_code=int(response.status_code)))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        error = _malformed(operation, exc)
        error.status_code, error.raw_body = int(response.status_code), response.content
        raise error from exc


def _chunks(ids: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(ids), MAX_CONFIRM_IDS):
        yield ids[start : start + MAX_CONFIRM_IDS]


def _auth(api_key: str, api_secret: str, hmac: bool) -> RequestSigner:
    for name, value in (("api_key", api_key), ("api_secret", api_secret)):
        if not isinstance(value, str) or not value:
            raise InputError(name, "must be a non-empty string")
    if hmac:
        return MessageMediaHmacAuth(api_key, api_secret)
    return BasicAuth(api_key, api_secret)


def _repr(cls_name: str, base_url: str, hmac: bool, account: str | None) -> str:
    # Never the key or the secret.
    return f"{cls_name}(base_url={base_url!r}, auth={'hmac' if hmac else 'basic'!r}, account={account!r})"


# --------------------------------------------------------------------------------------------------
# Sync


class MessageMediaClient(Closable):
    """MessageMedia Messages v1 client (sync).

    ``api_key``/``api_secret`` authenticate with HTTP Basic, or with MessageMedia's HMAC signature
    when ``hmac=True`` (§4.6). ``account`` names a sub-account, sent as the ``Account`` header on
    every request (each method also takes ``account=`` for one call). One connection pool per
    client: use it as a context manager or call :meth:`close`.
    """

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        *,
        hmac: bool = False,
        account: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._account = _account(account)
        self._account_name = account
        self._hmac = hmac
        self._base_url = base_url
        self._http = build_http_client(
            base_url=base_url,
            auth=_auth(api_key, api_secret, hmac),
            provider=PROVIDER,
            parse_error=parse_error_body,
            policy=retry or RetryPolicy(),
            transport=transport,
        )
        self._client = Client(base_url=base_url).set_httpx_client(self._http)
        self.messages = Messages(self)
        self.delivery_reports = DeliveryReports(self)
        self.replies = Replies(self)

    def _call(
        self,
        operation: str,
        function: Callable[..., Response[Any]],
        account: str | None,
        max_retries: int | None,
        timeout: float | None,
        *,
        idempotent: bool | None = None,
        **kwargs: Any,
    ) -> Response[Any]:
        """Run one generated ``sync_detailed`` call with the per-call options and the account header."""
        header = _account(account) if account is not None else self._account
        with call_options(max_retries=max_retries, timeout=timeout, idempotent=idempotent):
            try:
                return function(client=self._client, account=header, **kwargs)
            except SmsClientError:
                raise
            except (KeyError, TypeError, ValueError) as exc:  # the generated from_dict refused the body
                raise _malformed(operation, exc) from exc

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __repr__(self) -> str:
        return _repr(type(self).__name__, self._base_url, self._hmac, self._account_name)


class Messages:
    """``client.messages``: send, status, cancel."""

    def __init__(self, owner: MessageMediaClient) -> None:
        self._owner = owner

    def _send_response(
        self,
        messages: Sequence[MessageInput],
        *,
        account: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> Response[Any]:
        body = build_send_request(messages)
        return self._owner._call("send_messages", send_messages.sync_detailed, account, max_retries, timeout, body=body)

    def send(
        self,
        messages: Sequence[MessageInput],
        *,
        account: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> SendMessagesResponse:
        """Send 1 to 100 messages in one request; each comes back with ``message_id`` and ``status``.

        Every message is checked first (content 1-5000 characters, E.164 ``destination_number`` of
        at most 15 characters, metadata limits...); one invalid message raises InputError and
        nothing is sent. Not retried once the request has left (a send is not idempotent).
        """
        response = self._send_response(messages, account=account, max_retries=max_retries, timeout=timeout)
        return _model(response, SendMessagesResponse, SendMessagesResponse.from_dict, "send_messages")

    def _status_response(
        self,
        message_id: str,
        *,
        account: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> Response[Any]:
        checked = check_message_id(message_id)
        return self._owner._call(
            "get_message_status", get_message_status.sync_detailed, account, max_retries, timeout, message_id=checked
        )

    def status(
        self,
        message_id: str,
        *,
        account: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> Message:
        """The message with its current ``status``; NotFoundError for an unknown id."""
        response = self._status_response(message_id, account=account, max_retries=max_retries, timeout=timeout)
        return _model(response, Message, Message.from_dict, "get_message_status")

    def _cancel_response(
        self,
        message_id: str,
        *,
        account: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> Response[Any]:
        checked = check_message_id(message_id)
        response = self._owner._call(
            "cancel_scheduled_message",
            cancel_scheduled_message.sync_detailed,
            account,
            max_retries,
            timeout,
            message_id=checked,
            body=CancelScheduledMessageRequest(status="cancelled"),
        )
        _expect_success(response, "cancel_scheduled_message")
        return response

    def cancel(
        self,
        message_id: str,
        *,
        account: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> None:
        """Cancel a scheduled message: ``PUT /v1/messages/{id}`` with ``{"status": "cancelled"}``.

        Only ``scheduled`` messages can be cancelled (the API answers 400 otherwise).
        """
        self._cancel_response(message_id, account=account, max_retries=max_retries, timeout=timeout)


@dataclass(frozen=True)
class _QueueKind(Generic[T]):
    """What differs between the two check / confirm queues: operations, list shape and id field."""

    ids_field: str  # the confirm body's field, also the name used in input errors
    check_name: str
    check_sync: Callable[..., Response[Any]]
    check_async: Callable[..., Awaitable[Response[Any]]]
    parse: Callable[[Response[Any]], list[T]]
    confirm_name: str
    confirm_sync: Callable[..., Response[Any]]
    confirm_async: Callable[..., Awaitable[Response[Any]]]
    confirm_body: Callable[[list[str]], Any]
    id_of: Callable[[T], str]


_DELIVERY_REPORTS: Final = _QueueKind[DeliveryReport](
    ids_field="delivery_report_ids",
    check_name="check_delivery_reports",
    check_sync=check_delivery_reports.sync_detailed,
    check_async=check_delivery_reports.asyncio_detailed,
    parse=lambda response: (
        _model(response, DeliveryReportList, DeliveryReportList.from_dict, "check_delivery_reports").delivery_reports
    ),
    confirm_name="confirm_delivery_reports",
    confirm_sync=confirm_delivery_reports.sync_detailed,
    confirm_async=confirm_delivery_reports.asyncio_detailed,
    confirm_body=lambda ids: ConfirmDeliveryReportsRequest(delivery_report_ids=ids),
    id_of=lambda report: report.delivery_report_id,
)

_REPLIES: Final = _QueueKind[Reply](
    ids_field="reply_ids",
    check_name="check_replies",
    check_sync=check_replies.sync_detailed,
    check_async=check_replies.asyncio_detailed,
    parse=lambda response: _model(response, ReplyList, ReplyList.from_dict, "check_replies").replies,
    confirm_name="confirm_replies",
    confirm_sync=confirm_replies.sync_detailed,
    confirm_async=confirm_replies.asyncio_detailed,
    confirm_body=lambda ids: ConfirmRepliesRequest(reply_ids=ids),
    id_of=lambda reply: reply.reply_id,
)


class _Queue(Generic[T]):
    """A check / confirm queue: ``check()`` returns up to 100 of the oldest unconfirmed items (the
    same ones until confirmed); ``confirm(ids)`` removes 1 to 100 of them."""

    def __init__(self, owner: MessageMediaClient, kind: _QueueKind[T]) -> None:
        self._owner = owner
        self._kind = kind

    def _check_response(
        self, *, account: str | None = None, max_retries: int | None = None, timeout: float | None = None
    ) -> Response[Any]:
        kind = self._kind
        return self._owner._call(kind.check_name, kind.check_sync, account, max_retries, timeout)

    def check(
        self, *, account: str | None = None, max_retries: int | None = None, timeout: float | None = None
    ) -> list[T]:
        """Up to 100 of the oldest unconfirmed items (the same ones until confirmed)."""
        return self._kind.parse(self._check_response(account=account, max_retries=max_retries, timeout=timeout))

    def _confirm_response(
        self,
        ids: Sequence[str],
        *,
        account: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> Response[Any]:
        kind = self._kind
        checked = check_ids(kind.ids_field, ids)
        response = self._owner._call(
            kind.confirm_name,
            kind.confirm_sync,
            account,
            max_retries,
            timeout,
            idempotent=True,  # confirming twice is harmless, so a lost answer may be retried
            body=kind.confirm_body(checked),
        )
        _expect_success(response, kind.confirm_name)
        return response

    def confirm(
        self,
        ids: Sequence[str],
        *,
        account: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> None:
        """Mark 1 to 100 items (by their own id, not the message id) as processed."""
        self._confirm_response(ids, account=account, max_retries=max_retries, timeout=timeout)

    def _confirm_all(self, ids: list[str], account: str | None) -> None:
        for chunk in _chunks(ids):  # a drained batch is at most 100, but never send more than the API takes
            self.confirm(chunk, account=account)

    def iter(self, limit: int | None = None, *, account: str | None = None) -> QueueDrainer[T]:
        """Lazily iterate over every pending item: check, yield, confirm a batch once it is handled.

        A batch is confirmed only after the loop body has returned for each of its items, so a
        crash mid-batch leaves it to be delivered again (at-least-once).
        """
        return QueueDrainer(
            lambda: self.check(account=account),
            lambda ids: self._confirm_all(ids, account),
            self._kind.id_of,
            limit=limit,
        )

    def drain(self, handler: Callable[[T], None], *, limit: int | None = None, account: str | None = None) -> int:
        """Call ``handler`` on every pending item, confirming those it returned for; returns the count."""
        return self.iter(limit, account=account).drain(handler)


class DeliveryReports(_Queue[DeliveryReport]):
    """``client.delivery_reports``: the check / confirm queue of delivery reports."""

    def __init__(self, owner: MessageMediaClient) -> None:
        super().__init__(owner, _DELIVERY_REPORTS)


class Replies(_Queue[Reply]):
    """``client.replies``: the check / confirm queue of replies (confirmed by reply id)."""

    def __init__(self, owner: MessageMediaClient) -> None:
        super().__init__(owner, _REPLIES)


# --------------------------------------------------------------------------------------------------
# Async


class AsyncMessageMediaClient(AsyncClosable):
    """MessageMedia Messages v1 client (async); same surface as :class:`MessageMediaClient`."""

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        *,
        hmac: bool = False,
        account: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        retry: RetryPolicy | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self._account = _account(account)
        self._account_name = account
        self._hmac = hmac
        self._base_url = base_url
        self._http = build_async_http_client(
            base_url=base_url,
            auth=_auth(api_key, api_secret, hmac),
            provider=PROVIDER,
            parse_error=parse_error_body,
            policy=retry or RetryPolicy(),
            transport=transport,
        )
        self._client = Client(base_url=base_url).set_async_httpx_client(self._http)
        self.messages = AsyncMessages(self)
        self.delivery_reports = AsyncDeliveryReports(self)
        self.replies = AsyncReplies(self)

    async def _call(
        self,
        operation: str,
        function: Callable[..., Awaitable[Response[Any]]],
        account: str | None,
        max_retries: int | None,
        timeout: float | None,
        *,
        idempotent: bool | None = None,
        **kwargs: Any,
    ) -> Response[Any]:
        """Run one generated ``asyncio_detailed`` call with the per-call options and the account header."""
        header = _account(account) if account is not None else self._account
        with call_options(max_retries=max_retries, timeout=timeout, idempotent=idempotent):
            try:
                return await function(client=self._client, account=header, **kwargs)
            except SmsClientError:
                raise
            except (KeyError, TypeError, ValueError) as exc:
                raise _malformed(operation, exc) from exc

    async def aclose(self) -> None:
        """Close the connection pool."""
        await self._http.aclose()

    def __repr__(self) -> str:
        return _repr(type(self).__name__, self._base_url, self._hmac, self._account_name)


class AsyncMessages:
    """``client.messages`` (async): send, status, cancel."""

    def __init__(self, owner: AsyncMessageMediaClient) -> None:
        self._owner = owner

    async def send(
        self,
        messages: Sequence[MessageInput],
        *,
        account: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> SendMessagesResponse:
        """See :meth:`Messages.send`."""
        body = build_send_request(messages)
        response = await self._owner._call(
            "send_messages", send_messages.asyncio_detailed, account, max_retries, timeout, body=body
        )
        return _model(response, SendMessagesResponse, SendMessagesResponse.from_dict, "send_messages")

    async def status(
        self,
        message_id: str,
        *,
        account: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> Message:
        """See :meth:`Messages.status`."""
        checked = check_message_id(message_id)
        response = await self._owner._call(
            "get_message_status",
            get_message_status.asyncio_detailed,
            account,
            max_retries,
            timeout,
            message_id=checked,
        )
        return _model(response, Message, Message.from_dict, "get_message_status")

    async def cancel(
        self,
        message_id: str,
        *,
        account: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> None:
        """See :meth:`Messages.cancel` (a PUT with ``{"status": "cancelled"}``)."""
        checked = check_message_id(message_id)
        response = await self._owner._call(
            "cancel_scheduled_message",
            cancel_scheduled_message.asyncio_detailed,
            account,
            max_retries,
            timeout,
            message_id=checked,
            body=CancelScheduledMessageRequest(status="cancelled"),
        )
        _expect_success(response, "cancel_scheduled_message")


class _AsyncQueue(Generic[T]):
    """The async twin of :class:`_Queue`."""

    def __init__(self, owner: AsyncMessageMediaClient, kind: _QueueKind[T]) -> None:
        self._owner = owner
        self._kind = kind

    async def check(
        self, *, account: str | None = None, max_retries: int | None = None, timeout: float | None = None
    ) -> list[T]:
        """See :meth:`_Queue.check`."""
        kind = self._kind
        return kind.parse(await self._owner._call(kind.check_name, kind.check_async, account, max_retries, timeout))

    async def confirm(
        self,
        ids: Sequence[str],
        *,
        account: str | None = None,
        max_retries: int | None = None,
        timeout: float | None = None,
    ) -> None:
        """See :meth:`_Queue.confirm`."""
        kind = self._kind
        checked = check_ids(kind.ids_field, ids)
        response = await self._owner._call(
            kind.confirm_name,
            kind.confirm_async,
            account,
            max_retries,
            timeout,
            idempotent=True,  # confirming twice is harmless, so a lost answer may be retried
            body=kind.confirm_body(checked),
        )
        _expect_success(response, kind.confirm_name)

    async def _confirm_all(self, ids: list[str], account: str | None) -> None:
        for chunk in _chunks(ids):
            await self.confirm(chunk, account=account)

    def iter(self, limit: int | None = None, *, account: str | None = None) -> AsyncQueueDrainer[T]:
        """See :meth:`_Queue.iter`; use with ``async for``."""
        return AsyncQueueDrainer(
            lambda: self.check(account=account),
            lambda ids: self._confirm_all(ids, account),
            self._kind.id_of,
            limit=limit,
        )

    async def drain(
        self, handler: Callable[[T], Awaitable[None]], *, limit: int | None = None, account: str | None = None
    ) -> int:
        """See :meth:`_Queue.drain`; ``handler`` is a coroutine function."""
        return await self.iter(limit, account=account).drain(handler)


class AsyncDeliveryReports(_AsyncQueue[DeliveryReport]):
    """``client.delivery_reports`` (async)."""

    def __init__(self, owner: AsyncMessageMediaClient) -> None:
        super().__init__(owner, _DELIVERY_REPORTS)


class AsyncReplies(_AsyncQueue[Reply]):
    """``client.replies`` (async)."""

    def __init__(self, owner: AsyncMessageMediaClient) -> None:
        super().__init__(owner, _REPLIES)
