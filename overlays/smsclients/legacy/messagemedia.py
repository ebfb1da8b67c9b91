"""Drop-in replacement for the MessageMedia Messages Python SDK 1.1.0 (``message_media_messages``).

Same class, controller and method names, parameter order and return shapes as the 1.1.0 build
(docs/providers.md §4.7), the same ``Configuration`` class attributes (read on every call) and
``http_call_back`` hooks; migrating is one import line::

    from smsclients.legacy.messagemedia import MessageMediaMessagesClient
    # or module by module: message_media_messages.X -> smsclients.legacy.message_media_messages.X

Underneath it is the modern :class:`smsclients.messagemedia.MessageMediaClient`, so the 1.1.0
defects are gone (docs/providers.md §4.8): cancel is a real PUT, HMAC signing works on Python 3 and
signs the real method and path, credentials given to a client belong to it, the default base URL is
https, and nothing is logged (no ``logging.basicConfig`` at import, no headers). Settings nobody
gave come from ``MESSAGEMEDIA_API_KEY`` / ``_API_SECRET`` / ``_BASE_URL`` as for the modern client.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

import httpx

from smsclients.legacy._apimatic import HttpContext, HttpRequest, HttpResponse
from smsclients.legacy._messagemedia import signing as _signing
from smsclients.legacy._messagemedia.client import SdkClient, cancel_body, post_list
from smsclients.legacy._messagemedia.engine import (
    NOT_OK_REASON,
    APIException,
    BaseController,
    Endpoint,
    json_object,
    json_or_text,
)
from smsclients.legacy._messagemedia.models import (
    CancelScheduledMessageRequest,
    CheckDeliveryReportsResponse,
    CheckRepliesResponse,
    ConfirmDeliveryReportsAsReceivedRequest,
    ConfirmDeliveryReportsAsReceivedRequest11,
    ConfirmRepliesAsReceivedRequest,
    ConfirmRepliesAsReceivedRequest8,
    SendMessagesRequest,
    SendMessagesResponse,
)
from smsclients.legacy._messagemedia.wire import APIHelper, HttpCallBack, LazyProperty
from smsclients.messagemedia import DEFAULT_BASE_URL
from smsclients.retries import RetryPolicy

__all__ = [
    "NOT_OK_REASON",
    "APIException",
    "APIHelper",
    "BasicAuth",
    "CancelScheduledMessageRequest",
    "CheckDeliveryReportsResponse",
    "CheckRepliesResponse",
    "Configuration",
    "ConfirmDeliveryReportsAsReceivedRequest",
    "ConfirmDeliveryReportsAsReceivedRequest11",
    "ConfirmRepliesAsReceivedRequest",
    "ConfirmRepliesAsReceivedRequest8",
    "DeliveryReportsController",
    "HmacAuth",
    "HttpCallBack",
    "HttpContext",
    "HttpRequest",
    "HttpResponse",
    "LazyProperty",
    "MessageMediaMessagesClient",
    "MessagesController",
    "RepliesController",
    "SendMessagesRequest",
    "SendMessagesResponse",
]

_HANDLED: Final = ""  # 1.1.0's reason for the statuses an endpoint handles itself


class Configuration:
    """1.1.0's settings, as class attributes read on every call (no instance needed).

    Credentials given to :class:`MessageMediaMessagesClient` win over these; unset ones (None, or
    1.1.0's ``"TODO: Replace"``) and an unchanged ``base_uri`` fall back to the environment.
    """

    array_serialization: ClassVar[str] = "indexed"
    base_uri: ClassVar[str] = DEFAULT_BASE_URL
    basic_auth_user_name: ClassVar[str | None] = None
    basic_auth_password: ClassVar[str | None] = None
    hmac_auth_user_name: ClassVar[str | None] = None
    hmac_auth_password: ClassVar[str | None] = None


def _handled(*statuses: int) -> dict[int, tuple[type[APIException], str]]:
    return {status: (APIException, _HANDLED) for status in statuses}


class _Controller(BaseController):
    configuration = Configuration


# --------------------------------------------------------------------------------------------------
# Controllers


class MessagesController(_Controller):
    """``client.messages`` (1.1.0 ``MessagesController``)."""

    def create_send_messages(self, body: Any, account_header: str | None = None) -> SendMessagesResponse:
        """POST /v1/messages. ``body``: ``{"messages": [...]}`` as a dict or SendMessagesRequest.

        Returns a SendMessagesResponse whose ``messages`` are plain dicts, each with
        ``message_id`` and ``status``. Invalid messages raise InputError before anything is sent.
        """
        endpoint = Endpoint("POST", "/v1/messages", _handled(400))
        raw = post_list(self, endpoint, body, "messages", lambda mm: mm.messages.with_raw_response.send, account_header)
        return SendMessagesResponse(messages=json_object(raw, "POST").get("messages"))

    def get_message_status(self, message_id: str, account_header: str | None = None) -> dict[str, Any]:
        """GET /v1/messages/{messageId}: the message as a dict (with ``status``)."""
        endpoint = Endpoint("GET", f"/v1/messages/{message_id}", _handled(404))
        with self._checks(endpoint):
            raw = self._execute(
                endpoint,
                lambda mm, account, extra: mm.messages.with_raw_response.status(
                    message_id, account=account, extra_headers=extra
                ),
                account=account_header,
            )
        return json_object(raw)

    def update_cancel_scheduled_message(self, message_id: str, body: Any, account_header: str | None = None) -> Any:
        """PUT /v1/messages/{messageId} with ``{"status": "cancelled"}`` (1.1.0 wrongly sent a POST).

        Returns the parsed JSON response, or its raw text (``''`` for the usual empty body).
        """
        endpoint = Endpoint("PUT", f"/v1/messages/{message_id}", _handled(400, 404))
        with self._checks(endpoint):
            data = cancel_body(body)
            raw = self._execute(
                endpoint,
                lambda mm, account, extra: mm.messages.with_raw_response.cancel(
                    message_id, account=account, extra_headers=extra
                ),
                body=data,
                account=account_header,
            )
        return json_or_text(raw, "PUT")


class DeliveryReportsController(_Controller):
    """``client.delivery_reports`` (1.1.0 ``DeliveryReportsController``)."""

    def get_check_delivery_reports(self, account_header: str | None = None) -> CheckDeliveryReportsResponse:
        """GET /v1/delivery_reports: up to 100 unconfirmed reports, as dicts in ``.delivery_reports``."""
        endpoint = Endpoint("GET", "/v1/delivery_reports", {})
        with self._checks(endpoint):
            raw = self._execute(
                endpoint,
                lambda mm, account, extra: mm.delivery_reports.with_raw_response.check(
                    account=account, extra_headers=extra
                ),
                account=account_header,
            )
        return CheckDeliveryReportsResponse(delivery_reports=json_object(raw).get("delivery_reports"))

    def create_confirm_delivery_reports_as_received(self, body: Any, account_header: str | None = None) -> Any:
        """POST /v1/delivery_reports/confirmed with ``{"delivery_report_ids": [...]}`` (1 to 100 ids).

        Returns the parsed JSON response or its raw text (``''`` when empty).
        """
        endpoint = Endpoint("POST", "/v1/delivery_reports/confirmed", _handled(400))
        raw = post_list(
            self,
            endpoint,
            body,
            "delivery_report_ids",
            lambda mm: mm.delivery_reports.with_raw_response.confirm,
            account_header,
        )
        return json_or_text(raw, "POST")


class RepliesController(_Controller):
    """``client.replies`` (1.1.0 ``RepliesController``)."""

    def get_check_replies(self, account_header: str | None = None) -> CheckRepliesResponse:
        """GET /v1/replies: up to 100 unconfirmed replies, as dicts in ``.replies``."""
        endpoint = Endpoint("GET", "/v1/replies", {})
        with self._checks(endpoint):
            raw = self._execute(
                endpoint,
                lambda mm, account, extra: mm.replies.with_raw_response.check(account=account, extra_headers=extra),
                account=account_header,
            )
        return CheckRepliesResponse(replies=json_object(raw).get("replies"))

    def create_confirm_replies_as_received(self, body: Any, account_header: str | None = None) -> Any:
        """POST /v1/replies/confirmed with ``{"reply_ids": [...]}`` (reply ids, 1 to 100).

        Returns the parsed JSON response or its raw text (``''`` when empty).
        """
        endpoint = Endpoint("POST", "/v1/replies/confirmed", _handled(400))
        raw = post_list(
            self, endpoint, body, "reply_ids", lambda mm: mm.replies.with_raw_response.confirm, account_header
        )
        return json_or_text(raw, "POST")


# --------------------------------------------------------------------------------------------------
# Client


class MessageMediaMessagesClient(SdkClient):
    """1.1.0's entry point: ``MessageMediaMessagesClient(auth_user_name=None, auth_password=None, use_hmac)``.

    With no arguments the client reads :class:`Configuration` on every call (then the
    environment). The third argument may also be passed as the PyPI build's keyword
    ``use_hmac_autentication``. ``base_url``, ``retry`` and ``transport`` are additions.
    """

    config: ClassVar[type] = Configuration
    _controllers: ClassVar[dict[str, type[BaseController]]] = {
        "messages": MessagesController,
        "delivery_reports": DeliveryReportsController,
        "replies": RepliesController,
    }

    def __init__(
        self,
        auth_user_name: Any = None,
        auth_password: Any = None,
        use_hmac_authentication: Any = False,
        *,
        use_hmac_autentication: Any = None,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        if use_hmac_autentication is not None:
            if use_hmac_authentication and not use_hmac_autentication:
                raise TypeError("use_hmac_authentication and use_hmac_autentication disagree")
            use_hmac_authentication = use_hmac_autentication
        super().__init__(
            auth_user_name, auth_password, use_hmac_authentication, base_url=base_url, retry=retry, transport=transport
        )

    @property
    def messages(self) -> MessagesController:
        """The messages controller (created on first use, then cached)."""
        return self._controller("messages")  # type: ignore[no-any-return]

    @property
    def delivery_reports(self) -> DeliveryReportsController:
        """The delivery reports controller (created on first use, then cached)."""
        return self._controller("delivery_reports")  # type: ignore[no-any-return]

    @property
    def replies(self) -> RepliesController:
        """The replies controller (created on first use, then cached)."""
        return self._controller("replies")  # type: ignore[no-any-return]


class BasicAuth(_signing.BasicAuth):
    """1.1.0 ``http.auth.basic_auth.BasicAuth`` (reads this module's :class:`Configuration`)."""

    configuration = Configuration


class HmacAuth(_signing.HmacAuth):
    """1.1.0 ``http.auth.hmac_auth.HmacAuth`` (reads this module's :class:`Configuration`)."""

    configuration = Configuration
