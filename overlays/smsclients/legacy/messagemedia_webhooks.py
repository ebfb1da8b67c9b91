"""Drop-in replacement for the MessageMedia Webhooks Python SDK (``message_media_webhooks`` 1.0.0).

Same client, controller, method names, argument orders, models, exceptions and module paths;
migrating is the import line::

    from smsclients.legacy.messagemedia_webhooks.message_media_webhooks_client import MessageMediaWebhooksClient

    client = MessageMediaWebhooksClient(api_key, api_secret)
    client.webhooks.create_webhook(CreateWebhookRequest("https://example.com/hook", "POST", "JSON", None,
                                                        ["DELIVERED_DR"], '{"id":"$mtId","status":"$statusCode"}'))

Underneath is the modern ``MessageMediaClient`` (``mm.webhooks``): every body is checked against
the spec before it is sent, errors are also the typed :mod:`smsclients` errors, nothing is logged.
Differences, all deliberate (docs/migration/messagemedia-webhooks-lookups.md): ``retrieve_webhook``
sends ``page_size`` as MessageMedia documents it (the SDK sent ``pageSize``); ``None`` members of a body are left out
rather than sent as ``null``; credentials left out come from ``Configuration``, else from the
modern client's environment variables.
"""

from __future__ import annotations

from typing import Any, ClassVar

from smsclients.legacy import _mm_sdk
from smsclients.legacy._apimatic import HttpContext, HttpRequest, HttpResponse
from smsclients.legacy._mm_sdk import APIException, APIHelper, HttpCallBack, Model, body_fields, lazy_property

__all__ = [
    "APIException",
    "APIHelper",
    "Configuration",
    "CreateWebhook400ResponseException",
    "CreateWebhookRequest",
    "HttpCallBack",
    "HttpContext",
    "HttpRequest",
    "HttpResponse",
    "MessageMediaWebhooksClient",
    "RetrieveWebhook400ResponseException",
    "UpdateWebhook400ResponseException",
    "UpdateWebhookRequest",
    "WebhooksController",
]

SDK = "message_media_webhooks"
UNEXPECTED = "Unexpected error in API call. See HTTP response body for details."


class Configuration(_mm_sdk.Configuration):
    """``message_media_webhooks.configuration.Configuration`` (see :class:`smsclients.legacy._mm_sdk.Configuration`)."""


class CreateWebhook400ResponseException(APIException):
    """A 400 or 409 from ``create_webhook``; ``message`` is MessageMedia's."""


class RetrieveWebhook400ResponseException(APIException):
    """A 400 from ``retrieve_webhook`` (a ``page`` or ``page_size`` that is not valid)."""


class UpdateWebhook400ResponseException(APIException):
    """A 400 from ``update_webhook``."""


class CreateWebhookRequest(Model):
    """``CreateWebhookRequest(url, method, encoding, headers, events, template)``."""

    _names: ClassVar[dict[str, str]] = {
        "url": "url",
        "method": "method",
        "encoding": "encoding",
        "headers": "headers",
        "events": "events",
        "template": "template",
    }

    def __init__(
        self,
        url: str | None = None,
        method: str | None = None,
        encoding: str | None = None,
        headers: dict[str, str] | None = None,
        events: list[str] | None = None,
        template: str | None = None,
    ) -> None:
        self.url = url
        self.method = method
        self.encoding = encoding
        self.headers = headers
        self.events = events
        self.template = template


class UpdateWebhookRequest(Model):
    """``UpdateWebhookRequest(url, method, encoding, events, template)``."""

    _names: ClassVar[dict[str, str]] = {
        "url": "url",
        "method": "method",
        "encoding": "encoding",
        "events": "events",
        "template": "template",
    }

    def __init__(
        self,
        url: str | None = None,
        method: str | None = None,
        encoding: str | None = None,
        events: list[str] | None = None,
        template: str | None = None,
    ) -> None:
        self.url = url
        self.method = method
        self.encoding = encoding
        self.events = events
        self.template = template


class WebhooksController(_mm_sdk.Controller):
    """``client.webhooks``: ``create_webhook``, ``retrieve_webhook``, ``update_webhook``, ``delete_webhook``."""

    def create_webhook(self, body: Any) -> Any:
        """POST /v1/webhooks/messages; returns the parsed JSON answer (the webhook, with its ``id``)."""
        fields = body_fields(body)
        handled = {
            400: (UNEXPECTED, CreateWebhook400ResponseException),
            409: (UNEXPECTED, CreateWebhook400ResponseException),
        }
        with self.exchange("POST", "/v1/webhooks/messages", handled, fields) as result:
            result.append(self._client.webhooks.with_raw_response.create(**fields))
        return self.parsed(result[0], "POST")

    def retrieve_webhook(self, page: int | None = None, page_size: int | None = None) -> Any:
        """GET /v1/webhooks/messages?page=&page_size=; returns the parsed JSON page (``pageData``)."""
        handled = {400: (UNEXPECTED, RetrieveWebhook400ResponseException)}
        with self.exchange("GET", "/v1/webhooks/messages", handled) as result:
            result.append(
                self._client.webhooks.with_raw_response.list(page=_number(page), page_size=_number(page_size))
            )
        return self.parsed(result[0], "GET")

    def delete_webhook(self, webhook_id: str) -> None:
        """DELETE /v1/webhooks/messages/{webhookId}; a webhook that does not exist is ``APIException('')``."""
        with self.exchange("DELETE", f"/v1/webhooks/messages/{webhook_id}", {404: ("", APIException)}) as result:
            result.append(self._client.webhooks.with_raw_response.delete(webhook_id))

    def update_webhook(self, webhook_id: str, body: Any) -> Any:
        """PATCH /v1/webhooks/messages/{webhookId}; returns the parsed JSON answer (the webhook)."""
        fields = body_fields(body)
        handled = {400: (UNEXPECTED, UpdateWebhook400ResponseException), 404: ("", APIException)}
        with self.exchange("PATCH", f"/v1/webhooks/messages/{webhook_id}", handled, fields) as result:
            result.append(self._client.webhooks.with_raw_response.update(webhook_id, **fields))
        return self.parsed(result[0], "PATCH")


def _number(value: Any) -> Any:
    """The SDK put any value in the query string (its own test passes ``page='1'``): digits count."""
    return int(value) if isinstance(value, str) and value.isdigit() else value


class MessageMediaWebhooksClient(_mm_sdk.SdkClient):
    """``MessageMediaWebhooksClient(basic_auth_user_name=None, basic_auth_password=None)``.

    Left out, the credentials come from :class:`Configuration`, else from ``MESSAGEMEDIA_API_KEY`` /
    ``MESSAGEMEDIA_API_SECRET``; the base URL from ``base_uri=``, ``Configuration.base_uri``, else
    ``MESSAGEMEDIA_BASE_URL`` or production. They are read when ``webhooks`` is first used. New
    keyword-only options: ``base_uri``, ``retry``, ``transport``.
    """

    config = Configuration

    @lazy_property
    def webhooks(self) -> WebhooksController:
        return WebhooksController(self._open())


# ----------------------------------------------------------------------------- SDK module paths

_alias = _mm_sdk.alias
message_media_webhooks_client = _alias(
    __name__, "message_media_webhooks_client", SDK, MessageMediaWebhooksClient=MessageMediaWebhooksClient
)
_mm_sdk.sdk_paths(__name__, SDK, Configuration)
_alias(__name__, "controllers.webhooks_controller", SDK, WebhooksController=WebhooksController)
_alias(__name__, "models.create_webhook_request", SDK, CreateWebhookRequest=CreateWebhookRequest)
_alias(__name__, "models.update_webhook_request", SDK, UpdateWebhookRequest=UpdateWebhookRequest)
exceptions = _alias(__name__, "exceptions", SDK)
_alias(__name__, "exceptions.api_exception", SDK, APIException=APIException)
_alias(
    __name__,
    "exceptions.create_webhook_400_response_exception",
    SDK,
    CreateWebhook400ResponseException=CreateWebhook400ResponseException,
)
_alias(
    __name__,
    "exceptions.retrieve_webhook_400_response_exception",
    SDK,
    RetrieveWebhook400ResponseException=RetrieveWebhook400ResponseException,
)
_alias(
    __name__,
    "exceptions.update_webhook_400_response_exception",
    SDK,
    UpdateWebhook400ResponseException=UpdateWebhook400ResponseException,
)
http = _alias(__name__, "http", SDK)
_alias(__name__, "http.http_call_back", SDK, HttpCallBack=HttpCallBack)
_alias(__name__, "http.http_context", SDK, HttpContext=HttpContext)
_alias(__name__, "http.http_request", SDK, HttpRequest=HttpRequest)
_alias(__name__, "http.http_response", SDK, HttpResponse=HttpResponse)
