"""What MessageMedia's Webhooks and Lookups SDKs (APIMatic builds) share, written once for their drop-ins.

Their controllers take a ``Configuration`` (class attributes: ``base_uri``,
``basic_auth_user_name``, ``basic_auth_password``), report each exchange to an optional
``http_call_back`` (``on_before_request(request)``, ``on_after_response(context)``), raise
``APIException(reason, context)`` and return the parsed JSON. Here every call goes through the
modern :class:`smsclients.messagemedia.MessageMediaClient` instead: credentials and base URL come
from the client's arguments, else from ``Configuration``, else from the same environment variables
as the modern client (``MESSAGEMEDIA_API_KEY``, ``MESSAGEMEDIA_API_SECRET``,
``MESSAGEMEDIA_BASE_URL``). Credentials never reach a context, an exception or a log.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from types import ModuleType
from typing import Any, ClassVar, TypeVar

from smsclients.errors import APIError, InputError, MalformedResponseError, combined_error_class, copy_api_error_fields
from smsclients.legacy._apimatic import ApimaticClient, HttpContext, HttpRequest, HttpResponse
from smsclients.legacy._settings import revealed
from smsclients.messagemedia import MessageMediaClient
from smsclients.redaction import redact_url
from smsclients.responses import parse_json_body
from smsclients.retries import RetryPolicy

__all__ = [
    "NOT_OK_REASON",
    "APIException",
    "APIHelper",
    "Configuration",
    "Controller",
    "HttpCallBack",
    "Model",
    "alias",
    "lazy_property",
]

T = TypeVar("T")

# The reason the SDKs' `validate_response` gives any status outside 200..208 an endpoint does not handle.
NOT_OK_REASON = "HTTP response not OK."


class Configuration:
    """The SDKs' global settings. ``None`` (the default) means: from the environment, as the modern client.

    The SDKs shipped ``"TODO: Replace"`` placeholders and the production ``base_uri``; a client reads
    these when its first controller is created.
    """

    array_serialization = "indexed"
    base_uri: str | None = None
    basic_auth_user_name: str | None = None
    basic_auth_password: str | None = None


class HttpCallBack:
    """Base of the SDKs' ``http_call_back`` hooks: called before each request and after each response."""

    def on_before_request(self, request: HttpRequest) -> None:
        """Called with the request about to be sent (headers without credentials)."""

    def on_after_response(self, context: HttpContext) -> None:
        """Called with the request and its response."""


class APIException(APIError):
    """The SDKs' ``APIException(reason, context)``; also the typed :mod:`smsclients` error of the status.

    ``str(e)`` is the reason as the SDK gave it; ``e.message`` the provider's own message (what the
    SDKs' ``*400ResponseException`` unboxed); ``e.context.response.raw_body`` the body.
    """

    def __init__(self, reason: str, context: HttpContext) -> None:
        response = context.response
        super().__init__(
            reason,
            status_code=response.status_code,
            raw_body=response.raw_body.encode("utf-8"),
            headers=response.headers,
            provider="messagemedia",
            method=context.request.http_method,
            url=context.request.query_url,
        )
        self.reason = reason
        self.context = context
        self.response_code = response.status_code

    def __str__(self) -> str:
        return self.reason


class APIHelper:
    """The two helpers of the SDKs' ``api_helper.APIHelper`` that programs and the SDK tests call."""

    @staticmethod
    def json_serialize(obj: Any) -> str | None:
        return None if obj is None else json.dumps(plain(obj))

    @staticmethod
    def json_deserialize(json_text: str | None, unboxing_function: Callable[[Any], T] | None = None) -> Any:
        if json_text is None:
            return None
        try:
            decoded = json.loads(json_text)
        except ValueError:
            return json_text  # the SDKs returned text that is not JSON unchanged
        return decoded if unboxing_function is None else unboxing_function(decoded)


class Model:
    """The SDKs' models: attributes named in ``_names`` (attribute -> wire name) and ``from_dictionary``."""

    _names: ClassVar[dict[str, str]] = {}

    @classmethod
    def from_dictionary(cls, dictionary: Mapping[str, Any] | None) -> Any:
        if dictionary is None:
            return None
        return cls(*(dictionary.get(wire) for wire in cls._names.values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{attr}={getattr(self, attr)!r}" for attr in self._names)
        return f"{type(self).__name__}({fields})"


def plain(value: Any) -> Any:
    """A request body as the SDKs serialised it (models by their ``_names``), ``None`` members left out."""
    names = getattr(value, "_names", None)
    if isinstance(names, Mapping):
        return {wire: plain(getattr(value, attr)) for attr, wire in names.items() if getattr(value, attr) is not None}
    if isinstance(value, Mapping):
        return {str(key): plain(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def body_fields(body: Any) -> dict[str, Any]:
    """A body given as a model, a dict or a JSON string, as the keyword arguments of the modern call."""
    if isinstance(body, str):
        body = APIHelper.json_deserialize(body)
    try:
        fields = plain(body)
    except RecursionError:
        raise InputError("body", "is nested too deeply") from None
    if not isinstance(fields, dict):
        raise InputError("body", "must be a dict or a request model object")
    return fields


class lazy_property:
    """The SDKs' ``decorators.lazy_property``: computed on first access, then cached on the instance."""

    def __init__(self, fget: Callable[[Any], Any]) -> None:
        self.fget = fget
        self.name = fget.__name__

    def __get__(self, instance: Any, owner: type[Any]) -> Any:
        if instance is None:
            return self
        value = self.fget(instance)
        setattr(instance, self.name, value)
        return value


def open_client(
    config: type[Configuration],
    user: str | None,
    password: str | None,
    base_uri: str | None,
    retry: RetryPolicy | None,
    transport: Any,
) -> MessageMediaClient:
    """The modern client: arguments first, then ``config``, then the environment."""
    return MessageMediaClient(
        user if user is not None else config.basic_auth_user_name,
        password if password is not None else config.basic_auth_password,
        base_url=base_uri if base_uri is not None else config.base_uri,
        retry=retry,
        transport=transport,
    )


class SdkClient(ApimaticClient):
    """Base of the small SDKs' clients: the credentials and options kept as given, read when a
    controller is first used (arguments, then the subclass's ``config``, then the environment)."""

    config: ClassVar[type[Configuration]]
    _client: MessageMediaClient | None = None

    def _open(self) -> MessageMediaClient:
        """The modern client behind the controllers (made on the first controller's first use)."""
        user, password, base_uri, retry, transport = self._settings
        self._client = open_client(self.config, revealed(user), revealed(password), base_uri, retry, transport)
        return self._client

    def close(self) -> None:
        """New: release the connection pool (if a controller was used)."""
        if self._client is not None:
            self._client.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"  # never the credentials


class Controller:
    """Base of the drop-in controllers: runs one modern call the way the SDK's ``execute_request`` did."""

    def __init__(self, client: MessageMediaClient, call_back: HttpCallBack | None = None) -> None:
        self._client = client
        self.http_call_back = call_back

    @contextmanager
    def exchange(
        self, method: str, path: str, handled: Mapping[int, tuple[str, type[APIException]]], body: Any = None
    ) -> Iterator[list[Any]]:
        """Around one modern ``with_raw_response`` call: the call-backs, and errors as the SDK raised them.

        ``handled`` maps the statuses the endpoint raised itself to their reason and exception class;
        any other error status is ``APIException('HTTP response not OK.')``. The caller appends the
        raw response to the yielded list.
        """
        url = redact_url(self._client.base_url.rstrip("/") + path)
        headers = {"accept": "application/json"}
        if body is not None:
            headers["content-type"] = "application/json; charset=utf-8"
        request = HttpRequest(method, url, headers=headers, parameters=None if body is None else json.dumps(body))
        if self.http_call_back is not None:
            self.http_call_back.on_before_request(request)
        result: list[Any] = []
        try:
            yield result
        except APIError as error:
            if isinstance(error, APIException):
                raise
            response = HttpResponse(error.status_code, dict(error.headers), error.raw_body.decode("utf-8", "replace"))
            context = HttpContext(request, response)
            if self.http_call_back is not None:
                self.http_call_back.on_after_response(context)
            reason, base = handled.get(error.status_code, (NOT_OK_REASON, APIException))
            raised = combined_error_class(base, type(error))(reason, context)
            raise copy_api_error_fields(raised, error) from error
        raw = result[0]
        response = HttpResponse(int(raw.status_code), dict(raw.headers), raw.content.decode("utf-8", errors="replace"))
        if self.http_call_back is not None:
            self.http_call_back.on_after_response(HttpContext(request, response))

    @staticmethod
    def parsed(raw: Any, method: str) -> Any:
        """The SDKs' ``json_deserialize(raw_body)``: JSON, else the text (``None`` for no body)."""
        if not raw.content:
            return None
        try:
            return parse_json_body(raw.content, status_code=int(raw.status_code), method=method)
        except MalformedResponseError:
            return raw.content.decode("utf-8", errors="replace")


def alias(package: str, path: str, sdk: str, **names: Any) -> ModuleType:
    """Register ``<package>.<path>`` so the SDK's module paths resolve under our package."""
    module = ModuleType(f"{package}.{path}", f"Alias of the SDK module {sdk}.{path}.")
    module.__dict__.update(names)
    sys.modules[module.__name__] = module
    parent_path, _, leaf = path.rpartition(".")
    parent = sys.modules[f"{package}.{parent_path}"] if parent_path else sys.modules[package]
    setattr(parent, leaf, module)
    return module


def sdk_paths(package: str, sdk: str, configuration: type) -> None:
    """Register the module paths every MessageMedia SDK has (``configuration``, ``api_helper``,
    ``decorators``, ``controllers.base_controller``, ``models``) under ``package``."""
    alias(package, "configuration", sdk, Configuration=configuration)
    alias(package, "api_helper", sdk, APIHelper=APIHelper)
    alias(package, "decorators", sdk, lazy_property=lazy_property)
    alias(package, "controllers", sdk)
    alias(package, "controllers.base_controller", sdk, BaseController=Controller)
    alias(package, "models", sdk)
