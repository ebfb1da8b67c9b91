"""Drop-in replacement for the MessageMedia Messages Python SDK 2.x (``message_media_messages`` 2.0.0-2.1.3).

2.x renamed 1.1.0's methods (``send_messages``, ``get_message_status``, ``cancel_scheduled_message``,
``check_delivery_reports``, ``confirm_delivery_reports_as_received``, ``check_replies``,
``confirm_replies_as_received``), added ``check_credits_remaining``, typed its answers
(``Message``, ``DeliveryReport``, ``Reply`` objects) and raises ``SendMessages400ResponseException``
for a refused send. Migrating is one import line per module::

    from smsclients.legacy.messagemedia_v2 import MessageMediaMessagesClient
    # or module by module: message_media_messages.X -> smsclients.legacy.message_media_messages_v2.X

``Configuration`` is read on every call, ``http_call_back`` hooks are called around every request,
and settings nobody gave come from ``MESSAGEMEDIA_API_KEY`` / ``_API_SECRET`` / ``_BASE_URL``.
"""

from __future__ import annotations

from typing import Any, ClassVar, Final

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
from smsclients.legacy._messagemedia.models_v2 import (
    CancelScheduledMessageRequest,
    CheckDeliveryReportsResponse,
    CheckRepliesResponse,
    ConfirmDeliveryReportsAsReceivedRequest,
    ConfirmDeliveryReportsAsReceivedRequest1,
    ConfirmRepliesAsReceivedRequest,
    ConfirmRepliesAsReceivedRequest1,
    DeliveryReport,
    Format1Enum,
    FormatEnum,
    GetMessageStatusResponse,
    Message,
    Reply,
    SendMessagesRequest,
    SendMessagesResponse,
    SourceNumberTypeEnum,
    Status2Enum,
    StatusEnum,
    VendorAccountId,
)
from smsclients.legacy._messagemedia.wire import (
    APIHelper,
    HttpCallBack,
    HttpContext,
    HttpRequest,
    HttpResponse,
    lazy_property,
)
from smsclients.messagemedia import DEFAULT_BASE_URL

__all__ = [
    "NOT_OK_REASON",
    "APIException",
    "APIHelper",
    "AuthManager",
    "CancelScheduledMessageRequest",
    "CheckDeliveryReportsResponse",
    "CheckRepliesResponse",
    "Configuration",
    "ConfirmDeliveryReportsAsReceivedRequest",
    "ConfirmDeliveryReportsAsReceivedRequest1",
    "ConfirmRepliesAsReceivedRequest",
    "ConfirmRepliesAsReceivedRequest1",
    "DeliveryReport",
    "DeliveryReportsController",
    "Format1Enum",
    "FormatEnum",
    "GetMessageStatusResponse",
    "HttpCallBack",
    "HttpContext",
    "HttpRequest",
    "HttpResponse",
    "Message",
    "MessageMediaMessagesClient",
    "MessagesController",
    "RepliesController",
    "Reply",
    "SendMessages400ResponseException",
    "SendMessagesRequest",
    "SendMessagesResponse",
    "SourceNumberTypeEnum",
    "Status2Enum",
    "StatusEnum",
    "VendorAccountId",
    "lazy_property",
]

SEND_400_REASON: Final = "Unexpected error in API call. See HTTP response body for details."


class Configuration:
    """2.x's settings, as class attributes read on every call (no instance needed).

    Credentials given to :class:`MessageMediaMessagesClient` win over these; unset ones and an
    unchanged ``base_uri`` fall back to the environment.
    """

    array_serialization: ClassVar[str] = "indexed"
    base_uri: ClassVar[str] = DEFAULT_BASE_URL
    basic_auth_user_name: ClassVar[str | None] = None
    basic_auth_password: ClassVar[str | None] = None
    hmac_auth_user_name: ClassVar[str | None] = None
    hmac_auth_password: ClassVar[str | None] = None


class AuthManager(_signing.AuthManager):
    """2.x ``http.auth.auth_manager.AuthManager`` (reads this module's :class:`Configuration`)."""

    configuration = Configuration


class SendMessages400ResponseException(APIException):
    """2.x: a refused send (HTTP 400); ``message`` is the API's explanation."""


# 2.x's reasons: the shared validate_response (400, 404, other) and the endpoints' own ones.
_COMMON: Final[dict[int, tuple[type[APIException], str]]] = {
    400: (APIException, "Request was invalid"),
    404: (APIException, "Message not found"),
}


class _Controller(BaseController):
    configuration = Configuration


class MessagesController(_Controller):
    """``client.messages`` (2.x ``MessagesController``)."""

    def send_messages(self, body: Any) -> SendMessagesResponse:
        """POST /v1/messages; ``body`` is a SendMessagesRequest of Message objects (or the dict form)."""
        endpoint = Endpoint(
            "POST", "/v1/messages", {**_COMMON, 400: (SendMessages400ResponseException, SEND_400_REASON)}
        )
        raw = post_list(self, endpoint, body, "messages", lambda mm: mm.messages.with_raw_response.send)
        return SendMessagesResponse.from_dictionary(json_object(raw, "POST"))  # type: ignore[no-any-return]

    def get_message_status(self, message_id: str) -> GetMessageStatusResponse:
        """GET /v1/messages/{messageId}: a GetMessageStatusResponse."""
        endpoint = Endpoint("GET", f"/v1/messages/{message_id}", {**_COMMON, 404: (APIException, "Resource not found")})
        with self._checks(endpoint):
            raw = self._execute(
                endpoint,
                lambda mm, account, extra: mm.messages.with_raw_response.status(
                    message_id, account=account, extra_headers=extra
                ),
            )
        return GetMessageStatusResponse.from_dictionary(json_object(raw))  # type: ignore[no-any-return]

    def cancel_scheduled_message(self, message_id: str, body: Any) -> Any:
        """PUT /v1/messages/{messageId} with ``{"status": "cancelled"}``; the parsed answer or its text."""
        endpoint = Endpoint("PUT", f"/v1/messages/{message_id}", _COMMON)
        with self._checks(endpoint):
            data = cancel_body(body)
            raw = self._execute(
                endpoint,
                lambda mm, account, extra: mm.messages.with_raw_response.cancel(
                    message_id, account=account, extra_headers=extra
                ),
                body=data,
            )
        return json_or_text(raw, "PUT")

    def check_credits_remaining(self) -> Any:
        """GET /v1/messaging/credits (prepaid accounts): the parsed answer, a dict."""
        endpoint = Endpoint("GET", "/v1/messaging/credits", _COMMON)
        with self._checks(endpoint):
            raw = self._execute(
                endpoint,
                lambda mm, account, extra: mm.messages.with_raw_response.credits(account=account, extra_headers=extra),
            )
        return json_or_text(raw, "GET")


class DeliveryReportsController(_Controller):
    """``client.delivery_reports`` (2.x ``DeliveryReportsController``)."""

    def check_delivery_reports(self) -> CheckDeliveryReportsResponse:
        """GET /v1/delivery_reports: up to 100 unconfirmed reports, as DeliveryReport objects."""
        endpoint = Endpoint("GET", "/v1/delivery_reports", _COMMON)
        with self._checks(endpoint):
            raw = self._execute(
                endpoint,
                lambda mm, account, extra: mm.delivery_reports.with_raw_response.check(
                    account=account, extra_headers=extra
                ),
            )
        return CheckDeliveryReportsResponse.from_dictionary(json_object(raw))  # type: ignore[no-any-return]

    def confirm_delivery_reports_as_received(self, body: Any) -> Any:
        """POST /v1/delivery_reports/confirmed with ``delivery_report_ids``; the parsed answer or its text."""
        endpoint = Endpoint("POST", "/v1/delivery_reports/confirmed", _COMMON)
        raw = post_list(
            self, endpoint, body, "delivery_report_ids", lambda mm: mm.delivery_reports.with_raw_response.confirm
        )
        return json_or_text(raw, "POST")


class RepliesController(_Controller):
    """``client.replies`` (2.x ``RepliesController``)."""

    def check_replies(self) -> CheckRepliesResponse:
        """GET /v1/replies: up to 100 unconfirmed replies, as Reply objects."""
        endpoint = Endpoint("GET", "/v1/replies", _COMMON)
        with self._checks(endpoint):
            raw = self._execute(
                endpoint,
                lambda mm, account, extra: mm.replies.with_raw_response.check(account=account, extra_headers=extra),
            )
        return CheckRepliesResponse.from_dictionary(json_object(raw))  # type: ignore[no-any-return]

    def confirm_replies_as_received(self, body: Any) -> Any:
        """POST /v1/replies/confirmed with ``reply_ids``; the parsed answer or its text."""
        endpoint = Endpoint("POST", "/v1/replies/confirmed", _COMMON)
        raw = post_list(self, endpoint, body, "reply_ids", lambda mm: mm.replies.with_raw_response.confirm)
        return json_or_text(raw, "POST")


class MessageMediaMessagesClient(SdkClient):
    """2.x's entry point: ``MessageMediaMessagesClient(auth_user_name, auth_password, use_hmac_authentication)``.

    With no arguments the client reads :class:`Configuration` on every call (then the
    environment). ``base_url``, ``retry`` and ``transport`` are additions.
    """

    config: ClassVar[type] = Configuration
    _controllers: ClassVar[dict[str, type[BaseController]]] = {
        "messages": MessagesController,
        "delivery_reports": DeliveryReportsController,
        "replies": RepliesController,
    }

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
