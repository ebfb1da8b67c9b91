"""Drop-in replacement for the MessageMedia Messages Python SDK 1.1.0 (``message_media_messages``).

Same class, controller and method names, parameter order and return shapes as the 1.1.0 build
(docs/providers.md §4.7); migrating is one import line::

    from smsclients.legacy.messagemedia import MessageMediaMessagesClient

Underneath it is the modern :class:`smsclients.messagemedia.MessageMediaClient`, so the 1.1.0
defects are gone (docs/providers.md §4.8): cancel is a real PUT, HMAC signing works on Python 3 and signs
the real method and path, credentials belong to each client instance (no global Configuration), the
base URL is https, and nothing is logged (no ``logging.basicConfig`` at import, no headers).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Final

import httpx
from messagemedia_messages_v1_client.resources import RawResponse

from smsclients.errors import (
    APIError,
    InputError,
    MalformedResponseError,
    combined_error_class,
    copy_api_error_fields,
    display_json,
)
from smsclients.legacy._apimatic import HttpContext, HttpRequest, HttpResponse
from smsclients.lifecycle import Closable
from smsclients.messagemedia import DEFAULT_BASE_URL, PROVIDER, MessageMediaClient
from smsclients.redaction import redact_url
from smsclients.redaction import shown_url as _shown
from smsclients.responses import parse_json_body
from smsclients.retries import RetryPolicy
from smsclients.validation import json_input

__all__ = [
    "APIException",
    "CancelScheduledMessageRequest",
    "CheckDeliveryReportsResponse",
    "CheckRepliesResponse",
    "ConfirmDeliveryReportsAsReceivedRequest",
    "ConfirmRepliesAsReceivedRequest",
    "DeliveryReportsController",
    "HttpContext",
    "HttpRequest",
    "HttpResponse",
    "MessageMediaMessagesClient",
    "MessagesController",
    "RepliesController",
    "SendMessagesRequest",
    "SendMessagesResponse",
]

# 1.1.0's reason for any status outside 200..208 that the endpoint does not handle itself.
NOT_OK_REASON: Final = "HTTP response not OK."


# --------------------------------------------------------------------------------------------------
# HTTP context carried by APIException (1.1.0: message_media_messages.http.*)


class APIException(APIError):
    """1.1.0's only exception: ``APIException(reason, context)``.

    ``str(e)`` is the reason exactly as 1.1.0 gave it: ``''`` for the status codes an endpoint
    documents (400 on send / cancel / both confirms, 404 on status / cancel) and
    ``'HTTP response not OK.'`` for any other error status. The provider's own message is in
    ``e.message`` (and ``e.context.response.raw_body``). Raised objects are also the typed
    ``smsclients`` errors, so ``except smsclients.NotFoundError`` catches a 404 too.
    """

    def __init__(self, reason: str, context: HttpContext) -> None:
        response = context.response
        super().__init__(
            reason,
            status_code=response.status_code,
            raw_body=response.raw_body.encode("utf-8"),
            headers=response.headers,
            provider=PROVIDER,
            method=context.request.http_method,
            url=context.request.query_url,
        )
        self.reason = reason
        self.context = context
        self.response_code = response.status_code

    def __str__(self) -> str:
        return self.reason


# --------------------------------------------------------------------------------------------------
# Request and response models (1.1.0: message_media_messages.models.*), minimal


def _plain(value: Any) -> Any:
    """1.1.0's serialisation: models via their ``_names`` (None fields dropped), containers recursively."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value  # what the request bodies mostly hold; the checks below cost 13 calls a send
    if kind is dict:
        return {key: _plain(item) for key, item in value.items()}
    if kind is list:
        return [_plain(item) for item in value]
    names = getattr(value, "_names", None)
    if isinstance(names, Mapping):
        return {wire: _plain(getattr(value, attr)) for attr, wire in names.items() if getattr(value, attr) is not None}
    to_dict = getattr(value, "to_dict", None)  # a generated (modern) model
    if callable(to_dict):
        return to_dict()
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value


class _Model:
    """Shared ``from_dictionary`` for the minimal 1.1.0-style models below."""

    _names: ClassVar[dict[str, str]] = {}

    @classmethod
    def from_dictionary(cls, dictionary: Mapping[str, Any] | None) -> Any:
        if dictionary is None:
            return None
        return cls(*(dictionary.get(wire) for wire in cls._names.values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{attr}={getattr(self, attr, None)!r}" for attr in self._names)
        return f"{type(self).__name__}({fields})"


class SendMessagesRequest(_Model):
    """Body of ``create_send_messages``: ``messages`` is a list of message dicts (or models)."""

    _names: ClassVar[dict[str, str]] = {"messages": "messages"}

    def __init__(self, messages: list[Any] | None = None) -> None:
        self.messages = messages


class CancelScheduledMessageRequest(_Model):
    """Body of ``update_cancel_scheduled_message``; ``status`` may only be ``'cancelled'``.

    Unlike 1.1.0, ``CancelScheduledMessageRequest()`` (as in the 1.1.0 documentation example)
    cancels: a missing status is sent as ``'cancelled'``, the only value the API accepts.
    """

    _names: ClassVar[dict[str, str]] = {"status": "status"}

    def __init__(self, status: str | None = None) -> None:
        self.status = status


class ConfirmDeliveryReportsAsReceivedRequest(_Model):
    """Body of ``create_confirm_delivery_reports_as_received``."""

    _names: ClassVar[dict[str, str]] = {"delivery_report_ids": "delivery_report_ids"}

    def __init__(self, delivery_report_ids: list[str] | None = None) -> None:
        self.delivery_report_ids = delivery_report_ids


class ConfirmRepliesAsReceivedRequest(_Model):
    """Body of ``create_confirm_replies_as_received`` (reply ids, not message ids)."""

    _names: ClassVar[dict[str, str]] = {"reply_ids": "reply_ids"}

    def __init__(self, reply_ids: list[str] | None = None) -> None:
        self.reply_ids = reply_ids


class SendMessagesResponse(_Model):
    """Result of ``create_send_messages``: ``messages`` is a list of plain dicts, as in 1.1.0."""

    _names: ClassVar[dict[str, str]] = {"messages": "messages"}

    def __init__(self, messages: list[dict[str, Any]] | None = None) -> None:
        self.messages = messages


class CheckDeliveryReportsResponse(_Model):
    """Result of ``get_check_delivery_reports``: ``delivery_reports`` is a list of plain dicts."""

    _names: ClassVar[dict[str, str]] = {"delivery_reports": "delivery_reports"}

    def __init__(self, delivery_reports: list[dict[str, Any]] | None = None) -> None:
        self.delivery_reports = delivery_reports


class CheckRepliesResponse(_Model):
    """Result of ``get_check_replies``: ``replies`` is a list of plain dicts."""

    _names: ClassVar[dict[str, str]] = {"replies": "replies"}

    def __init__(self, replies: list[dict[str, Any]] | None = None) -> None:
        self.replies = replies


# --------------------------------------------------------------------------------------------------
# Helpers


def _body_dict(body: Any) -> dict[str, Any]:
    """A request body as 1.1.0 accepted it (dict or model), or a JSON string, as a plain dict."""
    if isinstance(body, str):
        body = json_input("body", body)
    try:
        plain = _plain(body)
    except RecursionError:
        raise InputError("body", "is nested too deeply") from None
    if not isinstance(plain, dict):
        raise InputError("body", "must be a dict or a request model object")
    return plain


def _required_list(body: dict[str, Any], key: str) -> list[Any]:
    value = body.get(key)
    if value is None:
        raise InputError(f"body.{key}", "is required")
    if not isinstance(value, list):
        raise InputError(f"body.{key}", "must be a list")
    return value


def _json_or_text(response: RawResponse[Any], method: str) -> Any:
    """1.1.0's ``json_deserialize`` of an untyped response: parsed JSON, else the raw text ('' when empty)."""
    try:
        return parse_json_body(response.content, status_code=int(response.status_code), method=method)
    except MalformedResponseError:  # 1.1.0 returned the text of a body that is not JSON
        return response.content.decode("utf-8", errors="replace")


def _json_object(response: RawResponse[Any], method: str = "GET") -> dict[str, Any]:
    """The 2xx body as a dict; anything else (1xx/3xx, empty, not JSON, not an object) is malformed.

    The raw responses are not parsed by the client, so this is the only check; ``method`` lets an
    unreadable answer to a send say that the server accepted it.
    """
    status = int(response.status_code)
    value = parse_json_body(response.content, status_code=status, method=method) if 200 <= status < 300 else None
    if not isinstance(value, dict):
        raise MalformedResponseError(
            f"expected HTTP 2xx with a JSON object, got HTTP {status}", status_code=status, raw_body=response.content
        )
    return value


class _Call:
    """Runs one facade call and turns its APIError into 1.1.0's APIException."""

    def __init__(
        self,
        base_url: str,
        method: str,
        path: str,
        handled: frozenset[int],
        *,
        account: str | None,
        body: Any = None,
    ) -> None:
        self.base_url = base_url
        self.method = method
        self.path = path
        self.handled = handled  # statuses the 1.1.0 endpoint raised with reason ''
        self.account = account
        self.body = body

    def __enter__(self) -> _Call:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, APIError) and not isinstance(exc, APIException):
            raise self._convert(exc) from exc

    def _convert(self, error: APIError) -> APIException:
        reason = "" if error.status_code in self.handled else NOT_OK_REASON
        url = error.url or redact_url(self.base_url.rstrip("/") + self.path)
        # Only the headers this call set itself: credentials never reach an exception.
        headers = {"Content-Type": "application/json"} if self.body is not None else {}
        if self.account is not None:
            headers["Account"] = self.account
        request = HttpRequest(
            error.method or self.method,
            url,
            headers=headers,
            parameters=display_json(self.body) if self.body is not None else None,
        )
        response = HttpResponse(error.status_code, dict(error.headers), error.raw_body.decode("utf-8", "replace"))
        exc_class = combined_error_class(APIException, type(error))
        return copy_api_error_fields(exc_class(reason, HttpContext(request, response)), error)


# --------------------------------------------------------------------------------------------------
# Controllers


class MessagesController:
    """``client.messages`` (1.1.0 ``MessagesController``)."""

    def __init__(self, client: MessageMediaClient, base_url: str) -> None:
        self._client = client
        self._base_url = base_url

    def create_send_messages(self, body: Any, account_header: str | None = None) -> SendMessagesResponse:
        """POST /v1/messages. ``body``: ``{"messages": [...]}`` as a dict or SendMessagesRequest.

        Returns a SendMessagesResponse whose ``messages`` are plain dicts, each with
        ``message_id`` and ``status``. Invalid messages raise InputError before anything is sent.
        """
        data = _body_dict(body)
        messages = _required_list(data, "messages")
        with _Call(self._base_url, "POST", "/v1/messages", frozenset({400}), account=account_header, body=data):
            response = self._client.messages.with_raw_response.send(messages, account=account_header)
        return SendMessagesResponse(messages=_json_object(response, "POST").get("messages"))

    def get_message_status(self, message_id: str, account_header: str | None = None) -> dict[str, Any]:
        """GET /v1/messages/{messageId}: the message as a dict (with ``status``)."""
        with _Call(self._base_url, "GET", f"/v1/messages/{message_id}", frozenset({404}), account=account_header):
            response = self._client.messages.with_raw_response.status(message_id, account=account_header)
        return _json_object(response)

    def update_cancel_scheduled_message(self, message_id: str, body: Any, account_header: str | None = None) -> Any:
        """PUT /v1/messages/{messageId} with ``{"status": "cancelled"}`` (1.1.0 wrongly sent a POST).

        Returns the parsed JSON response, or its raw text (``''`` for the usual empty body).
        """
        data = _body_dict(body)
        status = data.get("status", "cancelled")
        if status not in (None, "cancelled"):
            raise InputError("body.status", "must be 'cancelled'")
        with _Call(
            self._base_url,
            "PUT",
            f"/v1/messages/{message_id}",
            frozenset({400, 404}),
            account=account_header,
            body={"status": "cancelled"},
        ):
            response = self._client.messages.with_raw_response.cancel(message_id, account=account_header)
        return _json_or_text(response, "PUT")


class DeliveryReportsController:
    """``client.delivery_reports`` (1.1.0 ``DeliveryReportsController``)."""

    def __init__(self, client: MessageMediaClient, base_url: str) -> None:
        self._client = client
        self._base_url = base_url

    def get_check_delivery_reports(self, account_header: str | None = None) -> CheckDeliveryReportsResponse:
        """GET /v1/delivery_reports: up to 100 unconfirmed reports, as dicts in ``.delivery_reports``."""
        with _Call(self._base_url, "GET", "/v1/delivery_reports", frozenset(), account=account_header):
            response = self._client.delivery_reports.with_raw_response.check(account=account_header)
        return CheckDeliveryReportsResponse(delivery_reports=_json_object(response).get("delivery_reports"))

    def create_confirm_delivery_reports_as_received(self, body: Any, account_header: str | None = None) -> Any:
        """POST /v1/delivery_reports/confirmed with ``{"delivery_report_ids": [...]}`` (1 to 100 ids).

        Returns the parsed JSON response or its raw text (``''`` when empty).
        """
        data = _body_dict(body)
        ids = _required_list(data, "delivery_report_ids")
        with _Call(
            self._base_url,
            "POST",
            "/v1/delivery_reports/confirmed",
            frozenset({400}),
            account=account_header,
            body=data,
        ):
            response = self._client.delivery_reports.with_raw_response.confirm(ids, account=account_header)
        return _json_or_text(response, "POST")


class RepliesController:
    """``client.replies`` (1.1.0 ``RepliesController``)."""

    def __init__(self, client: MessageMediaClient, base_url: str) -> None:
        self._client = client
        self._base_url = base_url

    def get_check_replies(self, account_header: str | None = None) -> CheckRepliesResponse:
        """GET /v1/replies: up to 100 unconfirmed replies, as dicts in ``.replies``."""
        with _Call(self._base_url, "GET", "/v1/replies", frozenset(), account=account_header):
            response = self._client.replies.with_raw_response.check(account=account_header)
        return CheckRepliesResponse(replies=_json_object(response).get("replies"))

    def create_confirm_replies_as_received(self, body: Any, account_header: str | None = None) -> Any:
        """POST /v1/replies/confirmed with ``{"reply_ids": [...]}`` (reply ids, 1 to 100).

        Returns the parsed JSON response or its raw text (``''`` when empty).
        """
        data = _body_dict(body)
        ids = _required_list(data, "reply_ids")
        with _Call(
            self._base_url, "POST", "/v1/replies/confirmed", frozenset({400}), account=account_header, body=data
        ):
            response = self._client.replies.with_raw_response.confirm(ids, account=account_header)
        return _json_or_text(response, "POST")


# --------------------------------------------------------------------------------------------------
# Client


class MessageMediaMessagesClient(Closable):
    """1.1.0's entry point: ``MessageMediaMessagesClient(auth_user_name, auth_password, use_hmac)``.

    The third argument may be passed positionally or by either keyword spelling: the PyPI 1.1.0
    build's ``use_hmac_autentication`` or the repository's ``use_hmac_authentication``. Credentials
    belong to this instance only. ``base_url``, ``retry`` and ``transport`` are additions (e.g. for
    a test server); the default base URL is https.
    """

    def __init__(
        self,
        auth_user_name: str | None = None,
        auth_password: str | None = None,
        use_hmac_authentication: bool = False,
        *,
        use_hmac_autentication: bool | None = None,
        base_url: str = DEFAULT_BASE_URL,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if use_hmac_autentication is not None:
            if use_hmac_authentication and not use_hmac_autentication:
                raise TypeError("use_hmac_authentication and use_hmac_autentication disagree")
            use_hmac_authentication = use_hmac_autentication
        # 1.1.0 let credentials be set later on its global Configuration; here they are per instance.
        if not auth_user_name:
            raise InputError("auth_user_name", "is required (the API key)")
        if not auth_password:
            raise InputError("auth_password", "is required (the API secret)")
        self._hmac = bool(use_hmac_authentication)
        if not isinstance(base_url, str):  # None would mean "from the environment" to the modern client
            raise InputError("base_url", "must be an https:// URL")
        self._base_url = base_url
        self._client = MessageMediaClient(
            auth_user_name, auth_password, hmac=self._hmac, base_url=base_url, retry=retry, transport=transport
        )
        self._messages: MessagesController | None = None
        self._delivery_reports: DeliveryReportsController | None = None
        self._replies: RepliesController | None = None

    @property
    def messages(self) -> MessagesController:
        """The messages controller (created on first use, then cached)."""
        if self._messages is None:
            self._messages = MessagesController(self._client, self._base_url)
        return self._messages

    @property
    def delivery_reports(self) -> DeliveryReportsController:
        """The delivery reports controller (created on first use, then cached)."""
        if self._delivery_reports is None:
            self._delivery_reports = DeliveryReportsController(self._client, self._base_url)
        return self._delivery_reports

    @property
    def replies(self) -> RepliesController:
        """The replies controller (created on first use, then cached)."""
        if self._replies is None:
            self._replies = RepliesController(self._client, self._base_url)
        return self._replies

    def close(self) -> None:
        """Close the connection pool (1.1.0 had none to close; optional)."""
        self._client.close()

    def __repr__(self) -> str:
        # getattr: a constructor that raised leaves a half-built object, still printable in a traceback.
        base_url, hmac = _shown(getattr(self, "_base_url", None)), getattr(self, "_hmac", None)
        return f"MessageMediaMessagesClient(base_url={base_url!r}, hmac={hmac!r})"
