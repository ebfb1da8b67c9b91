"""One engine under both MessageMedia drop-ins: settings read per call, hooks, the SDK's exceptions.

Each call (1) resolves the settings in force: the client's own credentials if it was given some,
else the SDK's ``Configuration`` class attributes as they are at that moment, else the modern
client's environment variables (``MESSAGEMEDIA_API_KEY`` / ``_API_SECRET`` / ``_BASE_URL``);
(2) shows the SDK's ``HttpRequest`` to ``http_call_back.on_before_request``; (3) sends through
:class:`smsclients.messagemedia.MessageMediaClient` (checked, signed, retried only where safe);
(4) shows the ``HttpContext`` to ``on_after_response``, error answers included; (5) raises the
SDK's exception class for an error status, which is also the typed :mod:`smsclients` error.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, ClassVar, Final, Protocol

import httpx
from messagemedia_messages_v1_client.resources import RawResponse

from smsclients.config import MissingSettingError
from smsclients.errors import (
    APIError,
    ClientStateError,
    InputError,
    MalformedResponseError,
    SmsClientError,
    combined_error_class,
    copy_api_error_fields,
)
from smsclients.http import require_secure_url
from smsclients.messagemedia import DEFAULT_BASE_URL, PROVIDER, MessageMediaClient
from smsclients.responses import parse_json_body
from smsclients.retries import RetryPolicy
from smsclients.validation import check_options

from .wire import APIHelper, HttpClientTransport, HttpContext, HttpRequest, HttpResponse, RequestsClient, sends_itself

__all__ = ["NOT_OK_REASON", "APIException", "BaseController", "Credentials", "Endpoint", "Engine"]

NOT_OK_REASON: Final = "HTTP response not OK."
# 1.1.0 shipped these as Configuration defaults; they mean "not configured".
PLACEHOLDER: Final = "TODO: Replace"
# Headers the engine sets itself; a hook's other headers are sent as given.
OWN_HEADERS: Final = frozenset(
    {"accept", "content-type", "account", "authorization", "user-agent", "date", "x-content-md5"}
)


class APIException(APIError):
    """The SDKs' ``APIException(reason, context)``: ``response_code``, ``context``, ``str(e) == reason``.

    Raised objects are also the typed :mod:`smsclients` errors (``except smsclients.NotFoundError``
    catches a 404); the provider's own message is ``e.message``.
    """

    def __init__(self, reason: str, context: HttpContext) -> None:
        response = context.response
        super().__init__(
            reason,
            status_code=response.status_code,
            raw_body=str(response.raw_body).encode("utf-8"),
            headers=dict(response.headers),
            provider=PROVIDER,
            method=context.request.http_method,
            url=context.request.query_url,
        )
        self.reason = reason
        self.context = context
        self.response_code = response.status_code

    def __str__(self) -> str:
        return self.reason


class _InputShim(InputError):
    """Ends APIError's constructor chain in a class that is also an :class:`InputError`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        SmsClientError.__init__(self, *args)


_refused_lock = threading.Lock()
_refused_classes: dict[type[APIException], type[APIException]] = {}


def refused_class(base: type[APIException]) -> type[APIException]:
    """``base`` combined with :class:`InputError`, for a request refused before it was sent."""
    with _refused_lock:
        cls = _refused_classes.get(base)
        if cls is None:
            namespace = {"__module__": base.__module__, "__qualname__": base.__qualname__}
            cls = type(base.__name__, (base, _InputShim), namespace)
            _refused_classes[base] = cls
    return cls


def local_refusal(base: type[APIException], error: InputError, request: HttpRequest, status: int) -> APIException:
    """The SDK's exception for a request this drop-in refused instead of the API (nothing was sent).

    ``response_code`` is ``status``, what the API answers such a request with; ``context.response``
    is a stand-in without headers whose body names the problem;
    ``str(e)`` the problem itself; ``e.field`` and ``e.rule`` are the :class:`InputError`'s.
    """
    body = json.dumps({"message": str(error), "details": [str(error)]})
    refused = refused_class(base)(str(error), HttpContext(request, HttpResponse(status, {}, body)))
    refused.message = str(error)
    refused.details = [str(error)]
    refused.field, refused.rule = error.field, error.rule  # type: ignore[attr-defined]
    return refused


def _refusal_status(error: InputError) -> int:
    """What the API answers instead: 403 without credentials, 404 for a malformed message id, else 400."""
    if isinstance(error, MissingSettingError):
        return 403
    if error.field.split(".")[0].split("[")[0] in ("message_id", "messageId"):
        return 404
    return 400


class Configuration(Protocol):
    base_uri: str | None
    basic_auth_user_name: str | None
    basic_auth_password: str | None
    hmac_auth_user_name: str | None
    hmac_auth_password: str | None


@dataclass(frozen=True)
class Credentials:
    """Credentials given to a client's constructor (they win over ``Configuration``)."""

    key: Any
    secret: Any = field(repr=False)
    hmac: bool = False


@dataclass(frozen=True)
class Endpoint:
    """One SDK method: its request line and the exception (class, reason) per error status."""

    method: str
    path: str
    errors: Mapping[int, tuple[type[APIException], str]]
    default: type[APIException] = APIException


def _configured(value: Any) -> bool:
    return value is not None and value != PLACEHOLDER


class Engine:
    """Builds (and rebuilds when the settings change) the modern client a drop-in sends through."""

    def __init__(
        self,
        configuration: type,
        *,
        credentials: Credentials | None = None,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        # The additions (not in the SDK) are checked now, as the modern client checks them.
        if base_url is not None:
            if not isinstance(base_url, str):
                raise InputError("base_url", f"must be an https:// URL; got {type(base_url).__name__}")
            require_secure_url(base_url)
        check_options(
            "MessageMediaMessagesClient",
            {"retry": retry, "transport": transport},
            {"retry": (RetryPolicy, type(None)), "transport": (httpx.BaseTransport, type(None))},
        )
        self.configuration = configuration
        self.credentials = credentials
        self.base_url = base_url
        self._retry = retry
        self._transport = transport
        self._lock = threading.Lock()
        self._client: MessageMediaClient | None = None
        self._settings: tuple[Any, ...] | None = None
        self._closed = False

    def settings(self) -> tuple[Any, Any, bool, str | None]:
        """(key, secret, hmac, base_url) in force now; None parts come from the environment."""
        config: Configuration = self.configuration  # type: ignore[assignment]  # a class used as the SDK did
        if self.credentials is not None:
            key, secret, hmac = self.credentials.key, self.credentials.secret, self.credentials.hmac
        elif _configured(config.hmac_auth_user_name) and _configured(config.hmac_auth_password):
            key, secret, hmac = config.hmac_auth_user_name, config.hmac_auth_password, True
        elif _configured(config.basic_auth_user_name) or _configured(config.basic_auth_password):
            key, secret, hmac = config.basic_auth_user_name, config.basic_auth_password, False
        else:
            key, secret, hmac = None, None, False
        base_url = self.base_url
        if base_url is None and config.base_uri not in (None, DEFAULT_BASE_URL, DEFAULT_BASE_URL + "/"):
            base_url = config.base_uri
        return key, secret, hmac, base_url

    def base_uri(self) -> str:
        """The base URL the next call goes to (for the ``HttpRequest`` a hook sees)."""
        return self.client().base_url

    def client(self, http_client: object = None) -> MessageMediaClient:
        """The client for the settings in force; through ``http_client`` if it sends requests itself."""
        custom = http_client if sends_itself(http_client) else None
        settings = (*self.settings(), id(custom))
        with self._lock:
            if self._closed:
                raise ClientStateError("Cannot send a request, as the client has been closed; nothing was sent.")
            if self._client is not None and self._settings == settings:
                return self._client
            key, secret, hmac, base_url, _ = settings
            transport = HttpClientTransport(custom) if custom is not None else self._transport
            client = MessageMediaClient(
                key, secret, hmac=hmac, base_url=base_url, retry=self._retry, transport=transport
            )
            previous, self._client, self._settings = self._client, client, settings
        if previous is not None:
            previous.close()
        return client

    def close(self) -> None:
        with self._lock:
            previous, self._client, self._closed = self._client, None, True
        if previous is not None:
            previous.close()


Send = Callable[[MessageMediaClient, "str | None", "dict[str, str]"], RawResponse[Any]]


class BaseController:
    """The SDKs' controller base: ``http_client``, ``http_call_back``, ``global_headers``.

    ``http_call_back`` (an :class:`HttpCallBack`) is called before and after every request. An
    ``http_client`` whose class implements ``execute_as_string`` receives every request, checked and
    signed, and its ``HttpResponse`` is read as the API's answer (retries and typed errors still apply).
    """

    http_client: Any = RequestsClient()
    http_call_back: Any = None
    global_headers: ClassVar[dict[str, str]] = {"user-agent": "messagemedia-messages"}
    configuration: type  # set by each SDK generation's controllers

    def __init__(self, client: Any = None, call_back: Any = None) -> None:
        if client is not None:
            self.http_client = client
        if call_back is not None:
            self.http_call_back = call_back
        self._engine = Engine(self.configuration)

    @staticmethod
    def validate_parameters(**kwargs: Any) -> None:
        for name, value in kwargs.items():
            if value is None:
                raise ValueError(f"Required parameter {name} cannot be None.")

    @contextmanager
    def _checks(self, endpoint: Endpoint) -> Iterator[None]:
        """Raise a failed input check as the SDK's exception for the status the API would answer."""
        try:
            yield
        except InputError as error:
            if isinstance(error, APIException):
                raise
            try:
                base_uri = self._engine.client(self.http_client).base_url
            except SmsClientError:
                base_uri = str(getattr(self.configuration, "base_uri", None) or DEFAULT_BASE_URL)
            request = HttpRequest(endpoint.method, base_uri.rstrip("/") + endpoint.path)
            raise self._refusal(endpoint, error, request) from error

    @staticmethod
    def _refusal(endpoint: Endpoint, error: InputError, request: HttpRequest) -> APIException:
        status = _refusal_status(error)
        base = endpoint.errors.get(status, (endpoint.default, ""))[0]
        return local_refusal(base, error, request, status)

    def _execute(
        self, endpoint: Endpoint, send: Send, *, body: Any = None, account: str | None = None
    ) -> RawResponse[Any]:
        client = self._engine.client(self.http_client)  # settings are checked before any hook runs
        headers = {"accept": "application/json"}
        if body is not None:
            headers["content-type"] = "application/json; charset=utf-8"
        if account is not None:
            headers["account"] = account
        url = APIHelper.clean_url(client.base_url.rstrip("/") + endpoint.path)
        request = HttpRequest(endpoint.method, url, headers, None, APIHelper.json_serialize(body))
        if self.http_call_back is not None:
            self.http_call_back.on_before_request(request)
        request.headers = APIHelper.merge_dicts(self.global_headers, request.headers)
        extra = {k: str(v) for k, v in request.headers.items() if k.lower() not in OWN_HEADERS}
        account = next((str(v) for k, v in request.headers.items() if k.lower() == "account"), None)
        try:
            raw = send(client, account, extra)
        except APIError as error:
            # Headers case-insensitive, as the SDKs' (requests') were.
            error_headers: Any = httpx.Headers(dict(error.headers))
            response = HttpResponse(error.status_code, error_headers, error.raw_body.decode("utf-8", "replace"))
            context = HttpContext(request, response)
            if self.http_call_back is not None:
                self.http_call_back.on_after_response(context)
            base, reason = endpoint.errors.get(error.status_code, (endpoint.default, NOT_OK_REASON))
            exc_class = combined_error_class(base, type(error))
            raise copy_api_error_fields(exc_class(reason, context), error) from error
        except InputError as error:  # refused by the client's checks after the hook saw the request
            refused = self._refusal(endpoint, error, request)
            if self.http_call_back is not None:
                self.http_call_back.on_after_response(refused.context)  # before and after stay paired
            raise refused from error
        answer_headers: Any = httpx.Headers(raw.headers)
        response = HttpResponse(int(raw.status_code), answer_headers, raw.content.decode("utf-8", "replace"))
        if self.http_call_back is not None:
            self.http_call_back.on_after_response(HttpContext(request, response))
        return raw


def json_or_text(response: RawResponse[Any], method: str) -> Any:
    """An untyped answer as the SDKs returned it: parsed JSON, else the raw text ('' when empty)."""
    try:
        return parse_json_body(response.content, status_code=int(response.status_code), method=method)
    except MalformedResponseError:
        return response.content.decode("utf-8", errors="replace")


def json_object(response: RawResponse[Any], method: str = "GET") -> dict[str, Any]:
    """The 2xx body as a dict; anything else is a :class:`MalformedResponseError`."""
    status = int(response.status_code)
    value = parse_json_body(response.content, status_code=status, method=method) if 200 <= status < 300 else None
    if not isinstance(value, dict):
        raise MalformedResponseError(
            f"expected HTTP 2xx with a JSON object, got HTTP {status}", status_code=status, raw_body=response.content
        )
    return value
