"""The APIMatic helper classes of the MessageMedia SDKs: HTTP shapes, ``APIHelper``, lazy properties.

These are the objects user code meets through ``http_call_back`` hooks and ``APIHelper`` calls
(both SDK generations use the same shapes). ``HttpContext``/``HttpResponse`` and the request's
constructor are the ones every APIMatic drop-in shares (:mod:`smsclients.legacy._apimatic`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar, overload
from urllib.parse import quote, urlencode

import httpx

from smsclients.errors import InputError
from smsclients.legacy import _apimatic

__all__ = [
    "APIHelper",
    "HttpCallBack",
    "HttpClient",
    "HttpClientTransport",
    "HttpContext",
    "HttpMethodEnum",
    "HttpRequest",
    "HttpResponse",
    "LazyProperty",
    "RequestsClient",
    "lazy_property",
    "plain",
    "sends_itself",
]

HttpContext = _apimatic.HttpContext
HttpResponse = _apimatic.HttpResponse
T = TypeVar("T")


class HttpMethodEnum:
    """HTTP methods as the SDK named them."""

    GET = "GET"
    POST = "POST"
    PUT = "PUT"
    PATCH = "PATCH"
    DELETE = "DELETE"

    @classmethod
    def to_string(cls, val: str) -> str | None:
        return next((name for name in ("GET", "POST", "PUT", "PATCH", "DELETE") if getattr(cls, name) == val), None)

    @classmethod
    def from_string(cls, string: str) -> str | None:
        return getattr(cls, string.upper(), None) if isinstance(string, str) else None


class HttpRequest(_apimatic.HttpRequest):
    """The request a hook sees before it is sent; hooks may add headers (sent, except credentials)."""

    def add_header(self, name: str, value: str) -> None:
        self.headers[name] = value

    def add_parameter(self, name: str, value: Any) -> None:
        if self.parameters is None:
            self.parameters = {}
        self.parameters[name] = value

    def add_query_parameter(self, name: str, value: Any) -> None:
        self.query_url = APIHelper.clean_url(APIHelper.append_url_with_query_parameters(self.query_url, {name: value}))


class HttpCallBack:
    """Base class of ``http_call_back`` hooks: both methods are called around every request."""

    def on_before_request(self, request: HttpRequest) -> None:
        raise NotImplementedError("This method has not been implemented.")

    def on_after_response(self, context: HttpContext) -> None:
        raise NotImplementedError("This method has not been implemented.")


class HttpClient:
    """The SDK's request factory. The drop-ins send through :mod:`smsclients`, not through this class."""

    def _request(
        self, method: str, query_url: str, headers: Any, query_parameters: Any, parameters: Any
    ) -> HttpRequest:
        return HttpRequest(method, query_url, dict(headers or {}), query_parameters, parameters)

    def get(self, query_url: str, headers: Any = None, query_parameters: Any = None) -> HttpRequest:
        return self._request(HttpMethodEnum.GET, query_url, headers, query_parameters, None)

    def head(self, query_url: str, headers: Any = None, query_parameters: Any = None) -> HttpRequest:
        return self._request("HEAD", query_url, headers, query_parameters, None)

    def post(
        self,
        query_url: str,
        headers: Any = None,
        query_parameters: Any = None,
        parameters: Any = None,
        files: Any = None,
    ) -> HttpRequest:
        return self._request(HttpMethodEnum.POST, query_url, headers, query_parameters, parameters)

    def put(
        self,
        query_url: str,
        headers: Any = None,
        query_parameters: Any = None,
        parameters: Any = None,
        files: Any = None,
    ) -> HttpRequest:
        return self._request(HttpMethodEnum.PUT, query_url, headers, query_parameters, parameters)

    def patch(
        self,
        query_url: str,
        headers: Any = None,
        query_parameters: Any = None,
        parameters: Any = None,
        files: Any = None,
    ) -> HttpRequest:
        return self._request(HttpMethodEnum.PATCH, query_url, headers, query_parameters, parameters)

    def delete(
        self,
        query_url: str,
        headers: Any = None,
        query_parameters: Any = None,
        parameters: Any = None,
        files: Any = None,
    ) -> HttpRequest:
        return self._request(HttpMethodEnum.DELETE, query_url, headers, query_parameters, parameters)

    def execute_as_string(self, request: HttpRequest) -> HttpResponse:
        """Override in a subclass to send requests yourself (the drop-in then sends through it)."""
        raise NotImplementedError("This method has not been implemented.")

    def execute_as_binary(self, request: HttpRequest) -> HttpResponse:
        raise NotImplementedError("This method has not been implemented.")


def sends_itself(http_client: object) -> bool:
    """True for a user's ``http_client`` that implements ``execute_as_string`` (the SDKs' extension point)."""
    method = getattr(type(http_client), "execute_as_string", None)
    return method is not None and method is not HttpClient.execute_as_string


class HttpClientTransport(httpx.BaseTransport):
    """Sends through a user's SDK-style ``http_client``: what the drop-in checked and signed goes out through it."""

    def __init__(self, http_client: Any) -> None:
        self.http_client = http_client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read().decode("utf-8") or None
        outgoing = HttpRequest(request.method, str(request.url), dict(request.headers.items()), None, body)
        answer = self.http_client.execute_as_string(outgoing)
        raw = answer.raw_body
        content = raw if isinstance(raw, bytes) else str(raw if raw is not None else "").encode("utf-8")
        headers = {str(k): str(v) for k, v in dict(answer.headers or {}).items()}
        headers.pop("content-length", None)
        headers.pop("Content-Length", None)
        return httpx.Response(int(answer.status_code), headers=headers, content=content, request=request)


class RequestsClient(HttpClient):
    """1.x/2.x default ``http_client``; builds requests (sending is done by the drop-in's engine)."""

    def __init__(
        self, timeout: float = 60, cache: bool = False, max_retries: Any = None, retry_interval: Any = None
    ) -> None:
        self.timeout = timeout


class LazyProperty(Generic[T]):
    """Computes the value on first access and caches it on the instance (1.1.0 ``decorators``)."""

    def __init__(self, func: Callable[[Any], T]) -> None:
        self.func = func
        self.__doc__ = func.__doc__
        self.name = func.__name__

    @overload
    def __get__(self, instance: None, owner: type) -> LazyProperty[T]: ...
    @overload
    def __get__(self, instance: object, owner: type) -> T: ...
    def __get__(self, instance: object | None, owner: type) -> Any:
        if instance is None:
            return self
        value = self.func(instance)
        instance.__dict__[self.name] = value
        return value


lazy_property = LazyProperty  # the 2.x spelling


class RFC3339DateTime:
    """A datetime written as RFC 3339 (2.x ``APIHelper.RFC3339DateTime``)."""

    def __init__(self, dtime: datetime) -> None:
        self.datetime = dtime

    def __repr__(self) -> str:
        return str(self.value)

    @property
    def value(self) -> str:
        return _rfc3339(self.datetime)

    @classmethod
    def from_value(cls, value: Any) -> RFC3339DateTime:
        return cls(_parse_datetime(value))


def _rfc3339(value: datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value.isoformat(timespec="milliseconds") + "Z" if value.microsecond else value.isoformat() + "Z"


def _parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def plain(value: Any) -> Any:
    """The SDKs' serialisation: models via ``_names`` (None dropped), datetimes as RFC 3339, recursively."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return value
    if kind is dict:
        return {key: plain(item) for key, item in value.items()}
    if kind is list:
        return [plain(item) for item in value]
    if isinstance(value, datetime):
        return _rfc3339(value)
    if isinstance(value, RFC3339DateTime):
        return value.value
    names = getattr(value, "_names", None)
    if isinstance(names, Mapping):
        return {
            wire: plain(getattr(value, attr)) for attr, wire in names.items() if getattr(value, attr, None) is not None
        }
    to_dict = getattr(value, "to_dict", None)  # a generated (modern) model
    if callable(to_dict):
        return to_dict()
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


class APIHelper:
    """The static helpers the SDKs' examples and tests call."""

    RFC3339DateTime = RFC3339DateTime

    @staticmethod
    def json_serialize(obj: Any) -> str | None:
        """``obj`` (model, list, dict, ...) as the JSON text the SDK would send; None stays None."""
        if obj is None:
            return None
        try:
            return json.dumps(plain(obj), separators=(",", ":"))
        except (TypeError, ValueError, RecursionError) as exc:
            raise InputError("body", f"cannot be written as JSON: {exc}") from None

    @staticmethod
    def json_deserialize(json_text: str | None, unboxing_function: Callable[[Any], Any] | None = None) -> Any:
        """Parse JSON text (returned unchanged if it is not JSON), then apply ``unboxing_function``."""
        if json_text is None:
            return None
        try:
            decoded = json.loads(json_text)
        except (TypeError, ValueError):
            return json_text
        if unboxing_function is None:
            return decoded
        if isinstance(decoded, list):
            return [unboxing_function(element) for element in decoded]
        return unboxing_function(decoded)

    @staticmethod
    def merge_dicts(dict1: Mapping[str, Any] | None, dict2: Mapping[str, Any] | None) -> dict[str, Any]:
        return {**(dict1 or {}), **(dict2 or {})}

    @staticmethod
    def clean_url(url: str) -> str:
        """Collapse repeated slashes after the scheme; the URL must be http(s)."""
        match = re.fullmatch(r"(https?://[^/?#]+)(.*)", url, re.DOTALL)
        if match is None:
            raise ValueError("Invalid Url format.")
        protocol, rest = match.group(1), match.group(2)
        query = ""
        if "?" in rest:
            rest, query = rest.split("?", 1)
            query = "?" + query
        return protocol + re.sub(r"//+", "/", rest) + query

    @staticmethod
    def append_url_with_template_parameters(url: str, parameters: Mapping[str, Any] | None) -> str:
        if url is None:
            raise ValueError("URL is None.")
        for key, value in (parameters or {}).items():
            text = (
                "/".join(quote(str(v), safe="") for v in value)
                if isinstance(value, list)
                else quote(str(value if value is not None else ""), safe="")
            )
            url = url.replace(f"{{{key}}}", text)
        return url

    @staticmethod
    def append_url_with_query_parameters(url: str, parameters: Mapping[str, Any] | None) -> str:
        if url is None:
            raise ValueError("URL is None.")
        present = {key: value for key, value in (parameters or {}).items() if value is not None}
        if not present:
            return url
        return url + ("&" if "?" in url else "?") + urlencode(present, doseq=True)
