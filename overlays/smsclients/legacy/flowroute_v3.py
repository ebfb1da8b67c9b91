"""Drop-in for the latest Flowroute SDK v3 for Python (``flowroutenumbersandmessaging``; docs/providers.md §2.7).

Replace the SDK's imports with one line::

    from smsclients.legacy.flowroute_v3 import FlowroutenumbersandmessagingClient

(``APIException``, ``ErrorException`` and ``Configuration`` come from the same module). The client's
lazily created controllers are the SDK's seven: ``numbers``, ``routes``, ``messages``, ``e911s``,
``cnams``, ``porting`` and ``cdrs``, with the SDK's method names (``checkPortability`` included) and
positional parameter orders; results are the parsed JSON as dicts, ``None`` for 204 responses.
Every method runs on the generated modern surface (:class:`smsclients.flowroute.FlowrouteClient`),
so requests are checked against ``specs/flowroute-v2.yaml`` before they are sent. The SDK's module
paths exist as aliases inside this module, e.g.
``smsclients.legacy.flowroute_v3.exceptions.error_exception.ErrorException``.

Behaviour that differs on purpose (the old defects):

* credentials given to a client belong to it (the SDK's constructor wrote them into the global
  ``Configuration``, so two clients shared one account); a client given none reads
  ``Configuration.basic_auth_user_name`` / ``basic_auth_password`` (``None`` until you set them),
  then ``FLOWROUTE_ACCESS_KEY`` / ``FLOWROUTE_SECRET_KEY``, on every call. Nothing is checked when
  a client is built; a credential found nowhere raises, on the first call, :class:`ErrorException`
  (401, the SDK's answer then) that is also a :class:`smsclients.config.MissingSettingError`;
* request bodies may be the documented JSON strings **or** dicts (a dict used to raise TypeError);
  ``"is_mms": "true"``/``"false"`` strings are sent as JSON booleans;
* the error mapping is uniform for every method: 401/403/404/422 raise :class:`ErrorException`
  with the later SDK's reason texts, any other error status ``APIException("HTTP response not OK.")``;
  ``ErrorException.errors`` is ``None`` (not missing) when the body is not a JSON object;
* ``start_date``/``end_date`` strings are sent exactly as given (validated against the documented
  ``YYYY-MM-DD`` / ``YYYY-MM-DDTHH:mm:ss.SSZ`` forms); the SDK rewrote ``2017-12-01`` as
  ``2017-12-01T00:00:00``. Both mean midnight UTC to the API;
* invalid numbers, ids, limits and bodies raise :class:`smsclients.InputError` (a ValueError)
  before anything is sent, which is also the :class:`ErrorException` (422, with ``context``) the
  SDK raised for the API's answer; every exception here is also the matching typed error.

Where the SDK's wire form differs from the provider's documentation, the documentation wins and
the conversion happens here:

* ``porting.checkPortability(numbers)``: the SDK sent the numbers form-encoded and as given
  (``14254664444``); the documentation requires JSON with E.164 numbers *with* ``+``, so digits
  get a ``+`` (a comma-separated string is split into numbers);
* ``cnams.associate_cnam`` / ``unassociate_cnam``: the SDK called ``/relationships/cnam`` after
  looking the number up with a ``contains`` search (two requests; a partial number matched the
  first account number containing it, an unknown one raised IndexError); here one request to the
  documented ``/relationships/cnams``, with the full 11-digit number (unknown: 404
  ``ErrorException``). ``create_cnam_record`` sends JSON (the SDK sent a form);
* ``routes.create_an_inbound_route``: the SDK demo's ``"edge_strategy": "1"`` attribute is sent
  as the documented ``edge_strategy_id`` (an integer); ``edge_strategy_id`` is accepted too;
* ``e911s.create_address`` / ``validate_address``: ``address_type`` without
  ``address_type_number`` is an InputError (the SDK silently dropped both);
  ``update_address`` sends only the attributes given, in one PATCH (the SDK read the record
  first and sent it back whole, with ``address_type`` set to null when not given); with none
  given it raises InputError (field ``e911_attributes``);
* ``cdrs.download_cdr_export`` fetches the ``download_url`` through the client
  (:meth:`smsclients.facade.SyncClient.download`: retries, timeouts, typed errors; credentials
  only to the API's own origin), writes the CSV (gunzipped) as bytes, and prints nothing (the
  SDK printed the pre-signed URL and failed on Python 3); it returns ``None`` while the export
  is not completed, as the SDK did. ``parse_cdr_export`` checks each row against the documented
  columns (``CdrCsvRecord``) and raises :class:`smsclients.MalformedResponseError` for a file
  without them (the SDK wrapped every failure in a bare ``Exception``); a ``filename`` that is
  not a path or cannot be read or written raises InputError (field ``filename``);
* added: ``cnams.search_cnams(contains=, starts_with=, ends_with=)``, which the SDK's
  ``cnam_demo.py`` calls but its controller lacks (on the documented ``value`` filter, which
  matches case-insensitive substrings; prefix and suffix are checked here over every page), and
  ``cdrs.list_cdr_exports(status, limit, offset)``, the name and order the SDK README documents.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import warnings
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property
from types import ModuleType
from typing import Any, cast

import httpx
from flowroute_v2_client.models import CdrCsvRecord
from flowroute_v2_client.resources import Resources

from ..client_transport import network_transport
from ..config import environment_variable
from ..errors import APIError, ArgumentError, InputError, MalformedResponseError, combined_error_class
from ..files import file_path
from ..flowroute import PROVIDER, FlowrouteClient
from ..redaction import redact_headers, redact_url, shown_url
from ..responses import gunzip_limited, parse_json_body
from ..retries import RetryPolicy
from ..shortcuts import install_deadline_backend
from ..validation import json_input
from ._apimatic import ApimaticClient, HttpContext, HttpRequest, HttpResponse
from ._json import AsJson, as_document
from ._modules import alias_module
from ._settings import (
    LazyClient,
    checked_base_url,
    environment_setting,
    hidden,
    missing_setting,
    refused_input,
    revealed,
)

__all__ = [
    "APIException",
    "BaseController",
    "CDRsController",
    "CNAMsController",
    "Configuration",
    "E911sController",
    "Error1",
    "ErrorException",
    "FlowroutenumbersandmessagingClient",
    "HttpCallBack",
    "HttpContext",
    "HttpRequest",
    "HttpResponse",
    "MessagesController",
    "NumbersController",
    "PortingController",
    "RoutesController",
]


class Configuration:
    """The SDK's settings, read on every call as the SDK read them.

    ``base_uri`` (at its default, ``FLOWROUTE_BASE_URL`` is used when set);
    ``basic_auth_user_name`` / ``basic_auth_password`` are used by a client (or a controller built
    alone) that was not given its own credentials, before ``FLOWROUTE_ACCESS_KEY`` /
    ``FLOWROUTE_SECRET_KEY``. A client never writes them (the SDK's constructor did, so two clients
    shared one account).
    """

    # The SDK's array serialisation setting; kept for code that reads or sets it (no list is sent in a query).
    array_serialization = "indexed"
    base_uri = "https://api.flowroute.com"
    basic_auth_user_name: str | None = None
    basic_auth_password: str | None = None


# ----------------------------------------------------------------------------- exceptions


class APIException(Exception):
    """An HTTP error: ``str(e)`` is the reason; ``response_code`` and ``context`` describe the exchange."""

    def __init__(self, reason: str, context: HttpContext) -> None:
        super().__init__(reason)
        self.reason = reason
        self.context = context
        self.response_code = context.response.status_code


class Error1:
    """One entry of a Flowroute error body: ``id``, ``status``, ``detail``, ``title``."""

    def __init__(self, id: Any = None, status: Any = None, detail: Any = None, title: Any = None) -> None:
        self.id = id
        self.status = status
        self.detail = detail
        self.title = title

    @classmethod
    def from_dictionary(cls, dictionary: Mapping[str, Any] | None) -> Error1 | None:
        if dictionary is None:
            return None
        return cls(dictionary.get("id"), dictionary.get("status"), dictionary.get("detail"), dictionary.get("title"))

    def __repr__(self) -> str:
        # getattr: a constructor that raised leaves a half-built object, still printable in a traceback.
        id_, status = getattr(self, "id", None), getattr(self, "status", None)
        title, detail = getattr(self, "title", None), getattr(self, "detail", None)
        return f"Error1(id={id_!r}, status={status!r}, title={title!r}, detail={detail!r})"


class ErrorException(APIException):
    """401/403/404/422: adds ``errors``, the body's error entries (``None`` when the body has none)."""

    def __init__(self, reason: str, context: HttpContext) -> None:
        super().__init__(reason, context)
        self.errors: list[Error1] | None = None
        try:
            document = parse_json_body(context.response.raw_body)
        except MalformedResponseError:
            return
        entries = document.get("errors") if isinstance(document, dict) else None
        if isinstance(entries, list):
            self.errors = [
                Error1(entry.get("id"), entry.get("status"), entry.get("detail"), entry.get("title"))
                for entry in entries
                if isinstance(entry, dict)
            ]


NOT_OK = "HTTP response not OK."
# The later SDK's uniform mapping (docs/providers.md §2.7); other error statuses raise APIException(NOT_OK).
ERROR_REASONS = {
    401: "Unauthorized \u2013 There was an issue with your API credentials.",
    403: "Forbidden \u2013 You don't have permission to access this resource.",
    404: "The specified resource was not found",
    422: "Unprocessable Entity - You tried to enter an incorrect value.",
}


def _context(error: APIError) -> HttpContext:
    return HttpContext(
        HttpRequest(error.method, error.url),
        HttpResponse(error.status_code, dict(error.headers), error.raw_body.decode("utf-8", errors="replace")),
    )


def _renamed(field: str, fields: Mapping[str, str]) -> str | None:
    """``field`` in the SDK caller's terms: an exact entry of ``fields``, or one naming its parent."""
    for source, target in fields.items():
        if field == source:
            return target
        if field.startswith((source + ".", source + "[")):
            return target + field[len(source) :]
    return None


@contextmanager
def _legacy_errors(fields: Mapping[str, str] | None = None) -> Iterator[None]:
    """APIError -> the SDK's exception; InputError field names -> the names the SDK caller used.

    ``fields`` maps the modern method's field names (or their parents, e.g. ``data.attributes``)
    to the SDK argument names.
    """
    try:
        yield
    except APIError as error:
        reason = ERROR_REASONS.get(error.status_code)
        base: type[APIException] = ErrorException if reason is not None else APIException
        raise combined_error_class(base, type(error))(reason or NOT_OK, _context(error)) from error
    except InputError as error:
        field = _renamed(error.field, fields or {})
        if field is None:
            raise
        raise type(error)(field, error.rule) from None


# ----------------------------------------------------------------------------- argument coercion


def _required(name: str, value: Any, alias: str, alias_value: Any) -> Any:
    """One argument known by two names (S001's documented one and the SDK's own, e.g. ``id``)."""
    if value is not None and alias_value is not None:
        raise ArgumentError(name, f"got values for both {name!r} and {alias!r}")
    chosen = value if value is not None else alias_value
    if chosen is None:
        raise ArgumentError(name, f"missing required argument {name!r}")
    return chosen


def _int(field: str, value: Any) -> int | None:
    """The SDK passed query values through; ints and digit strings are accepted here."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():  # "¹".isdigit() too
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise InputError(field, "must be an integer")
    return value


def _amount(field: str, value: Any) -> float | None:
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            pass
    raise InputError(field, "must be a number")


def _text_id(field: str, value: Any) -> str:
    """Numbers and ids may be given as int (``12061231234``) or str."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str):
        return value
    raise InputError(field, "must be a string or an integer")


def _json_object(field: str, value: Any) -> dict[str, Any]:
    """A request body: the documented JSON string, or (new) a dict."""
    if isinstance(value, str | bytes):
        value = json_input(field, value)
    if not isinstance(value, Mapping):
        raise InputError(field, "must be a JSON object (a JSON string or a dict)")
    return dict(value)


def _resource(field: str, body: dict[str, Any], resource_type: str) -> dict[str, Any]:
    """``body["data"]`` of a JSON:API document, checking its ``type`` when given."""
    data = body.get("data")
    if not isinstance(data, Mapping):
        raise InputError(f"{field}.data", "must be an object")
    if data.get("type", resource_type) != resource_type:
        raise InputError(f"{field}.data.type", f"must be {resource_type!r}")
    return dict(data)


def _attributes(field: str, data: dict[str, Any], allowed: frozenset[str]) -> dict[str, Any]:
    attributes = data.get("attributes")
    if not isinstance(attributes, Mapping):
        raise InputError(f"{field}.data.attributes", "must be an object")
    unknown = sorted(set(attributes) - allowed)
    if unknown:
        raise InputError(
            f"{field}.data.attributes.{unknown[0]}", f"is not supported (known: {', '.join(sorted(allowed))})"
        )
    return dict(attributes)


def _get(attributes: Mapping[str, Any], name: str) -> Any:
    """An attribute or None; the modern method checks it and names the field when it is missing or wrong."""
    return attributes.get(name)


def _boolean(field: str, value: Any) -> bool | None:
    """``"true"``/``"false"`` (the S001 examples) or a real boolean."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise InputError(field, "must be true or false (or the strings 'true'/'false')")


_ROUTE_ATTRIBUTES = frozenset({"route_type", "value", "alias", "edge_strategy_id", "edge_strategy"})
_MESSAGE_ATTRIBUTES = frozenset({"to", "from", "body", "is_mms", "media_urls", "dlr_callback"})
# The SDK's E911 arguments, in its order; ``zipcode`` is the attribute ``zip`` on the wire.
_E911_ARGUMENTS = (
    "label",
    "first_name",
    "last_name",
    "street_name",
    "street_number",
    "city",
    "state",
    "country",
    "zipcode",
    "address_type",
    "address_type_number",
)
_E911_WIRE = {name: "zip" if name == "zipcode" else name for name in _E911_ARGUMENTS}
_E911_FIELDS = {f"data.attributes.{wire}": name for name, wire in _E911_WIRE.items()}
_GZIP_MAGIC = b"\x1f\x8b"


def _edge_strategy(attributes: Mapping[str, Any]) -> int | None:
    """The SDK demo's ``edge_strategy`` ("1") or the documented ``edge_strategy_id``, as the integer id."""
    prefix = "route_body.data.attributes."
    if attributes.get("edge_strategy") is not None and attributes.get("edge_strategy_id") is not None:
        raise InputError(prefix + "edge_strategy", "give edge_strategy or edge_strategy_id, not both")
    if attributes.get("edge_strategy") is not None:
        return _int(prefix + "edge_strategy", attributes["edge_strategy"])
    return _int(prefix + "edge_strategy_id", attributes.get("edge_strategy_id"))


def _e911_body(values: Mapping[str, Any]) -> Any:
    """An E911 request document from the SDK's arguments (a method's ``locals()``); None means "not given".

    ``street_number`` and ``zipcode`` may be ints, as the SDK's ``update_address`` accepted them.
    """
    attributes: dict[str, Any] = {}
    for name in _E911_ARGUMENTS:
        value = values[name]
        if value is None:
            continue
        attributes[_E911_WIRE[name]] = _text_id(name, value) if name in ("street_number", "zipcode") else value
    # Any: the caller's values go to the generated checks as they are.
    return {"data": {"type": "e911", "attributes": attributes}}


def _e164(field: str, value: Any) -> Any:
    """A number as the Porting API documents it: digits (or an int) get the leading ``+``."""
    text = _text_id(field, value).strip()
    return "+" + text if text.isascii() and text.isdigit() else text


def _phone_numbers(field: str, value: Any) -> list[Any]:
    """The SDK's ``numbers``: a list, or one comma-separated string."""
    if isinstance(value, str):
        value = [part for part in value.split(",") if part.strip()]
    if not isinstance(value, list | tuple):
        raise InputError(field, "must be a list of phone numbers (or one comma-separated string)")
    return [_e164(f"{field}[{index}]", number) for index, number in enumerate(value)]


def _result(value: Any) -> Any:
    """A generated model as the SDK's dict, ``None`` (204) as ``None``."""
    return None if value is None else value.to_dict()


# ----------------------------------------------------------------------------- controllers


_DEFAULT_BASE_URI = "https://api.flowroute.com"
# The SDK's credential names -> the modern clients' (and so their environment variables).
_CREDENTIALS = {"basic_auth_user_name": "access_key", "basic_auth_password": "secret_key"}


def _missing_credential(parameter: str) -> ErrorException:
    """What the first call without a credential raises: the SDK's 401 error, also a MissingSettingError."""
    variable = environment_variable(PROVIDER, _CREDENTIALS[parameter])
    detail = f"{parameter} not given (argument or Configuration), and the environment variable {variable} is not set"
    body = json.dumps({"errors": [{"status": 401, "title": "Unauthorized", "detail": detail}]})
    context = HttpContext(HttpRequest("", ""), HttpResponse(401, {}, body))
    return missing_setting(
        ErrorException,
        parameter,
        variable,
        reason=ERROR_REASONS[401],
        context=context,
        response_code=401,
        errors=[Error1(None, 401, detail, "Unauthorized")],
    )


class _Connection:
    """The settings of a client (or of controllers built alone), resolved on every call as the SDK did.

    A credential is the one given, else :class:`Configuration`'s (when set), else
    ``FLOWROUTE_ACCESS_KEY`` / ``FLOWROUTE_SECRET_KEY``; the base URI is the one given, else
    ``Configuration.base_uri``, which at its default gives way to ``FLOWROUTE_BASE_URL`` when set.
    The modern client is built on first use and again when these change.
    """

    def __init__(
        self,
        user_name: Any = None,
        password: Any = None,
        base_uri: Any = None,
        retry: Any = None,
        transport: Any = None,
    ) -> None:
        self._given = {"basic_auth_user_name": hidden(user_name), "basic_auth_password": hidden(password)}
        self._base_uri, self._retry, self._transport = base_uri, retry, transport
        self._clients: LazyClient[tuple[str, Any, Any], FlowrouteClient] = LazyClient(self._build)
        self._json: dict[int, Resources] = {}

    def _build(self, key: tuple[str, Any, Any]) -> FlowrouteClient:
        base_uri, user_name, password = key[0], revealed(key[1]), revealed(key[2])
        retry = self._retry if self._retry is not None else RetryPolicy()
        with _legacy_errors({"access_key": "basic_auth_user_name", "secret_key": "basic_auth_password"}):
            if self._transport is not None and not isinstance(self._transport, httpx.BaseTransport):
                raise InputError("transport", "must be an httpx.BaseTransport (see smsclients.transports)")
            transport = _HookTransport(network_transport(self._transport, None))
            return FlowrouteClient(user_name, password, base_url=base_uri, retry=retry, transport=transport)

    def _credential(self, parameter: str) -> str:
        value = revealed(self._given[parameter])
        if value is None:
            value = getattr(Configuration, parameter, None)
        if value is None:
            value = environment_setting(PROVIDER, _CREDENTIALS[parameter], os.environ)
            if value is None:
                raise _missing_credential(parameter)
        return cast(str, value)

    def base_uri(self) -> tuple[Any, str]:
        """The base URI for a call now, and the setting it came from."""
        if self._base_uri is not None:
            return self._base_uri, "base_uri"
        configured = Configuration.base_uri
        if configured == _DEFAULT_BASE_URI:
            root = environment_setting(PROVIDER, "base_url", os.environ)
            if root is not None:
                return root, environment_variable(PROVIDER, "base_url")
        return configured, "Configuration.base_uri"

    def json(self) -> Resources:
        """The resources of the modern client for the settings now, answering the JSON as it came (as the SDK did)."""
        client = self()
        resources = self._json.get(id(client))
        if resources is None:
            # One per modern client; its runtime is the same (auth, retries, checks, hooks).
            resources = Resources(cast(Any, AsJson(client.numbers._runtime, as_document)))
            self._json = {id(client): resources}
        return resources

    def __call__(self) -> FlowrouteClient:
        """The modern client for the settings as they are now."""
        user_name = self._credential("basic_auth_user_name")
        password = self._credential("basic_auth_password")
        base_uri, field = self.base_uri()
        checked = checked_base_url(base_uri, field=field, example=_DEFAULT_BASE_URI).rstrip("/")
        return self._clients.get((checked, hidden(user_name), hidden(password)))

    def close(self) -> None:
        self._clients.close()


# What controllers built alone (``NumbersController()``, as the SDK allowed) use: Configuration and the environment.
_SHARED = _Connection()


class HttpCallBack:
    """The SDK's hook interface (``http.http_call_back``): subclass it and set a controller's ``http_call_back``.

    ``on_before_request(request)`` gets an :class:`HttpRequest` before each request is sent (headers it
    adds to ``request.headers`` are sent; credentials are never shown to it), ``on_after_response(context)``
    an :class:`HttpContext` with the :class:`HttpResponse` after each answer, before it is read.
    """

    def on_before_request(self, request: HttpRequest) -> None:
        raise NotImplementedError("This method has not been implemented.")

    def on_after_response(self, context: HttpContext) -> None:
        raise NotImplementedError("This method has not been implemented.")


# The hooks of the controller method running now: (http_call_back, global_headers).
_HOOKS: ContextVar[tuple[Any, Mapping[str, str]] | None] = ContextVar("flowroute_v3_hooks", default=None)
# The modern client sends its own User-Agent (docs/migration/flowroute-v3.md).
_OWN_HEADERS = frozenset({"user-agent", "authorization", "host", "content-length"})


class _HookTransport(httpx.BaseTransport):
    """Calls the running controller's ``http_call_back`` around each request and adds its ``global_headers``."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner
        # The retry layer gives an httpx transport the deadline-enforcing backend; it sees this wrapper.
        install_deadline_backend(inner)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        hooks = _HOOKS.get()
        if hooks is None:
            return self._inner.handle_request(request)
        call_back, global_headers = hooks
        for name, value in global_headers.items():
            if name.lower() not in _OWN_HEADERS and name not in request.headers:
                request.headers[name] = value
        legacy = HttpRequest(
            request.method,
            redact_url(request.url),
            headers=redact_headers(request.headers),
            query_parameters=dict(request.url.params),
            parameters=request.content.decode("utf-8", errors="replace") or None,
        )
        if call_back is not None:
            shown = dict(legacy.headers)
            call_back.on_before_request(legacy)
            for name, value in legacy.headers.items():
                if name.lower() not in _OWN_HEADERS and shown.get(name) != value:
                    request.headers[name] = value
        response = self._inner.handle_request(request)
        if call_back is not None:
            response.read()
            answer = HttpResponse(
                response.status_code, redact_headers(response.headers), response.content.decode("utf-8", "replace")
            )
            call_back.on_after_response(HttpContext(legacy, answer))
        return response

    def close(self) -> None:
        self._inner.close()


def _with_hooks(method: Callable[..., Any]) -> Callable[..., Any]:
    """``method`` running with its controller's hooks current (read when the call starts, as the SDK did)."""

    if method.__name__ in _LOCAL_METHODS:
        return method

    @functools.wraps(method)
    def call(self: BaseController, *args: Any, **kwargs: Any) -> Any:
        self._connect()  # the settings first: a missing credential answers as the API did (401)
        token = _HOOKS.set((self.http_call_back, dict(self.global_headers or {})))
        try:
            return method(self, *args, **kwargs)
        except InputError as error:
            if isinstance(error, APIException | ArgumentError) or error.field in _LOCAL_FIELDS:
                raise
            raise _refused(error) from None
        finally:
            _HOOKS.reset(token)

    return call


# Methods and arguments about local files: their errors are not answers of the API.
_LOCAL_METHODS = frozenset({"parse_cdr_export"})
_LOCAL_FIELDS = frozenset({"filename"})


def _refused(error: InputError) -> ErrorException:
    """A request refused before sending, as the SDK raised the API's answer to it: ``ErrorException`` (422).

    Still the :class:`smsclients.InputError` it was (``field``, ``rule``); ``context``, ``response_code``
    and ``errors`` are those of the API's documented 422 answer, with the rule as its detail.
    """
    detail = str(error)
    body = json.dumps({"errors": [{"status": 422, "title": "Unprocessable Entity", "detail": detail}]})
    return refused_input(
        ErrorException,
        error,
        reason=ERROR_REASONS[422],
        context=HttpContext(HttpRequest("", ""), HttpResponse(422, {}, body)),
        response_code=422,
        errors=[Error1(None, 422, detail, "Unprocessable Entity")],
    )


class BaseController:
    """What every controller shares (``controllers.base_controller``): settings read on each call, the SDK's hooks.

    ``NumbersController()`` alone works as in the SDK (settings from :class:`Configuration` and the
    environment). ``call_back`` (or the ``http_call_back`` attribute, also settable on the class) is
    an :class:`HttpCallBack`; ``global_headers`` are added to every request (the User-Agent stays the
    client's). ``client`` was the SDK's ``HttpClient`` (requests underneath); one given here is not
    used (a warning says so): pass ``transport=`` to the client instead.
    """

    http_call_back: Any = None
    global_headers: dict[str, str] = {"user-agent": "Flowroute SDK v3.0"}  # noqa: RUF012 -- the SDK's class attribute

    def __init__(self, client: Any = None, call_back: Any = None, *, connection: _Connection | None = None) -> None:
        if client is not None:
            warnings.warn(
                "the SDK's HttpClient is not used by the drop-in; pass transport= to the client instead",
                UserWarning,
                stacklevel=2,
            )
        if call_back is not None:
            self.http_call_back = call_back
        self._connect = connection if connection is not None else _SHARED

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        for name, member in list(vars(cls).items()):
            if callable(member) and not name.startswith("_"):
                setattr(cls, name, _with_hooks(member))

    @property
    def _client(self) -> FlowrouteClient:
        return self._connect()

    def _connect_json(self) -> Resources:
        # Answers as the JSON that came (the SDK returned it); a connection given as a plain callable has no JSON view.
        json_view = getattr(self._connect, "json", None)
        resources: Resources = json_view() if json_view is not None else cast(Any, self._connect())
        return resources

    @property
    def _numbers(self) -> Any:
        return self._connect_json().numbers

    @property
    def _callbacks(self) -> Any:
        return self._connect_json().callbacks

    @property
    def _routes(self) -> Any:
        return self._connect_json().routes

    @property
    def _messages(self) -> Any:
        return self._connect_json().messages

    @property
    def _e911s(self) -> Any:
        return self._connect_json().e911s

    @property
    def _cnams(self) -> Any:
        return self._connect_json().cnams

    @property
    def _porting(self) -> Any:
        return self._connect_json().porting

    @property
    def _cdrs(self) -> Any:
        return self._connect_json().cdrs


class NumbersController(BaseController):
    """Numbers v2: the six methods of the SDK's README, plus ``release_a_did``, ``set_did_alias``,
    ``set_did_callback``."""

    def list_available_area_codes(self, limit: Any = None, offset: Any = None, max_setup_cost: Any = None) -> Any:
        with _legacy_errors():
            return self._numbers.list_available_area_codes(
                limit=_int("limit", limit),
                offset=_int("offset", offset),
                max_setup_cost=_amount("max_setup_cost", max_setup_cost),
            ).to_dict()

    def list_available_exchange_codes(
        self, limit: Any = None, offset: Any = None, max_setup_cost: Any = None, areacode: Any = None
    ) -> Any:
        with _legacy_errors():
            return self._numbers.list_available_exchange_codes(
                areacode=_int("areacode", areacode),
                limit=_int("limit", limit),
                offset=_int("offset", offset),
                max_setup_cost=_amount("max_setup_cost", max_setup_cost),
            ).to_dict()

    def search_for_purchasable_phone_numbers(
        self,
        starts_with: Any = None,
        contains: Any = None,
        ends_with: Any = None,
        limit: Any = None,
        offset: Any = None,
        rate_center: Any = None,
        state: Any = None,
    ) -> Any:
        with _legacy_errors():
            return self._numbers.search_purchasable(
                starts_with=_int("starts_with", starts_with),
                contains=_int("contains", contains),
                ends_with=_int("ends_with", ends_with),
                rate_center=rate_center,
                state=state,
                limit=_int("limit", limit),
                offset=_int("offset", offset),
            ).to_dict()

    def purchase_a_phone_number(self, purchasable_number: Any = None, *, id: Any = None) -> Any:
        """``id`` is the SDK's own name for the argument; either works."""
        number = _text_id("purchasable_number", _required("purchasable_number", purchasable_number, "id", id))
        with _legacy_errors({"number": "purchasable_number"}):
            return self._numbers.purchase(number).to_dict()

    def list_account_phone_numbers(
        self,
        starts_with: Any = None,
        ends_with: Any = None,
        contains: Any = None,
        limit: Any = None,
        offset: Any = None,
    ) -> Any:
        with _legacy_errors():
            return self._numbers.list_account_numbers(
                starts_with=_int("starts_with", starts_with),
                ends_with=_int("ends_with", ends_with),
                contains=_int("contains", contains),
                limit=_int("limit", limit),
                offset=_int("offset", offset),
            ).to_dict()

    def list_phone_number_details(self, number_id: Any = None, *, id: Any = None) -> Any:
        """``id`` is the SDK's own name for the argument; either works."""
        number = _text_id("number_id", _required("number_id", number_id, "id", id))
        with _legacy_errors({"number": "number_id"}):
            return self._numbers.get(number).to_dict()

    def release_a_did(self, id: Any) -> Any:
        """Releases the number back to Flowroute's inventory (its routes go with it); None (204)."""
        number = _text_id("id", id)
        with _legacy_errors({"number": "id"}):
            self._numbers.release(number)
        return None

    def set_did_alias(self, id: Any, alias: Any) -> Any:
        """Sets the number's alias; returns the updated number."""
        number = _text_id("id", id)
        with _legacy_errors({"number": "id"}):
            return self._numbers.update(number, body={"type": "number", "alias": alias}).to_dict()

    def set_did_callback(self, id: Any, url: Any) -> Any:
        """Sets the number's delivery-receipt (``dlr_callback``) URL; None (204)."""
        number = _text_id("id", id)
        with _legacy_errors({"number": "id", "callback_url": "url"}):
            self._callbacks.set_number_callback(number, "dlr_callback", callback_url=url)
        return None


class RoutesController(BaseController):
    """Routes v2: the four methods of the SDK's README, plus ``list_edge_strategies``.

    Bodies are JSON strings (as documented) or dicts.
    """

    def create_an_inbound_route(self, route_body: Any = None, *, body: Any = None) -> Any:
        """``{"data": {"type": "route", "attributes": {"route_type", "value", "alias", "edge_strategy"}}}``."""
        document = _json_object("route_body", _required("route_body", route_body, "body", body))
        attributes = _attributes("route_body", _resource("route_body", document, "route"), _ROUTE_ATTRIBUTES)
        edge_strategy_id = _edge_strategy(attributes)
        prefix = "route_body.data.attributes."
        with _legacy_errors({name: prefix + name for name in _ROUTE_ATTRIBUTES}):
            return self._routes.create(
                _get(attributes, "route_type"),
                _get(attributes, "value"),
                _get(attributes, "alias"),
                edge_strategy_id=edge_strategy_id,
            ).to_dict()

    def list_inbound_routes(self, limit: Any = None, offset: Any = None) -> Any:
        with _legacy_errors():
            return self._routes.list(limit=_int("limit", limit), offset=_int("offset", offset)).to_dict()

    def update_primary_voice_route(self, number_id: Any, route_body: Any = None, *, body: Any = None) -> Any:
        """``{"data": {"type": "route", "id": "<route id>"}}``; returns None (204)."""
        number, route_id = self._reference(number_id, _required("route_body", route_body, "body", body))
        with _legacy_errors({"number": "number_id", "route_id": "route_body.data.id"}):
            self._routes.set_primary(number, route_id)
        return None

    def update_failover_voice_route(self, number_id: Any, route_body: Any = None, *, body: Any = None) -> Any:
        """``{"data": {"type": "route", "id": "<route id>"}}``; returns None (204)."""
        number, route_id = self._reference(number_id, _required("route_body", route_body, "body", body))
        with _legacy_errors({"number": "number_id", "route_id": "route_body.data.id"}):
            self._routes.set_failover(number, route_id)
        return None

    def list_edge_strategies(self) -> Any:
        """The edge strategies (points of presence) an inbound route can use; their ``id`` is ``edge_strategy``."""
        with _legacy_errors():
            return self._routes.list_edge_strategies().to_dict()

    @staticmethod
    def _reference(number_id: Any, route_body: Any) -> tuple[str, str]:
        data = _resource("route_body", _json_object("route_body", route_body), "route")
        return _text_id("number_id", number_id), _text_id("route_body.data.id", data.get("id"))


class MessagesController(BaseController):
    """Messages v2.1: the three methods of the SDK's README, plus the account-level SMS, MMS and DLR
    callback URLs and a number's DLR callback URL (each returns None: 204)."""

    def send_a_message(self, message_body: Any = None, *, body: Any = None) -> Any:
        """``{"data": {"type": "message", "attributes": {"to", "from", "body", "is_mms", "media_urls"}}}``."""
        document = _json_object("message_body", _required("message_body", message_body, "body", body))
        attributes = _attributes("message_body", _resource("message_body", document, "message"), _MESSAGE_ATTRIBUTES)
        prefix = "message_body.data.attributes."
        fields = {name: prefix + name for name in _MESSAGE_ATTRIBUTES} | {"from_": prefix + "from"}
        with _legacy_errors(fields):
            return self._messages.send(
                to=_text_id("to", attributes.get("to")),
                from_=_text_id("from_", attributes.get("from")),
                body=attributes.get("body"),
                media_urls=attributes.get("media_urls"),
                is_mms=_boolean("is_mms", attributes.get("is_mms")),
                dlr_callback=attributes.get("dlr_callback"),
            ).to_dict()

    def look_up_a_set_of_messages(
        self, start_date: Any, end_date: Any = None, limit: Any = None, offset: Any = None
    ) -> Any:
        """MDRs between ``start_date`` and ``end_date`` (strings as documented; sent unchanged)."""
        with _legacy_errors():
            return self._messages.list(
                start_date, end_date, limit=_int("limit", limit), offset=_int("offset", offset)
            ).to_dict()

    def look_up_a_message_detail_record(self, message_id: Any = None, *, id: Any = None) -> Any:
        """``id`` is the SDK's own name for the argument; either works."""
        record = _required("message_id", message_id, "id", id)
        with _legacy_errors():
            return self._messages.get(record).to_dict()

    def set_account_level_sms_callback(self, url: Any) -> Any:
        with _legacy_errors({"callback_url": "url"}):
            self._callbacks.set_account_sms_callback(callback_url=url)
        return None

    def set_account_level_mms_callback(self, url: Any) -> Any:
        with _legacy_errors({"callback_url": "url"}):
            self._callbacks.set_account_mms_callback(callback_url=url)
        return None

    def set_account_level_dlr_callback(self, url: Any) -> Any:
        with _legacy_errors({"callback_url": "url"}):
            self._callbacks.set_account_dlr_callback(callback_url=url)
        return None

    def set_did_level_dlr_callback(self, number_id: Any, dlr_url: Any) -> Any:
        number = _text_id("number_id", number_id)
        with _legacy_errors({"number": "number_id", "callback_url": "dlr_url"}):
            self._callbacks.set_number_callback(number, "dlr_callback", callback_url=dlr_url)
        return None


class E911sController(BaseController):
    """E911 address records: list, get, validate, create, update, delete, assign to and remove from numbers."""

    def list_e911s(self, limit: Any = None, offset: Any = None, state: Any = None) -> Any:
        with _legacy_errors():
            return self._e911s.list(limit=_int("limit", limit), offset=_int("offset", offset), state=state).to_dict()

    def get_e911(self, e911_id: Any) -> Any:
        record = _text_id("e911_id", e911_id)
        with _legacy_errors():
            return self._e911s.get(record).to_dict()

    def validate_address(
        self,
        label: Any,
        first_name: Any,
        last_name: Any,
        street_name: Any,
        street_number: Any,
        city: Any,
        state: Any,
        country: Any,
        zipcode: Any,
        address_type: Any = None,
        address_type_number: Any = None,
    ) -> Any:
        """None (204) when the address is valid; an invalid one raises ``APIException`` (400)."""
        body = _e911_body(locals())  # the SDK arguments by name
        with _legacy_errors(_E911_FIELDS):
            self._e911s.validate(body=body)
        return None

    def create_address(
        self,
        label: Any,
        first_name: Any,
        last_name: Any,
        street_name: Any,
        street_number: Any,
        city: Any,
        state: Any,
        country: Any,
        zipcode: Any,
        address_type: Any = None,
        address_type_number: Any = None,
    ) -> Any:
        """Validates and stores the address; returns the new record."""
        body = _e911_body(locals())  # the SDK arguments by name
        with _legacy_errors(_E911_FIELDS):
            return self._e911s.create(body=body).to_dict()

    def update_address(
        self,
        e911_id: Any,
        label: Any = None,
        first_name: Any = None,
        last_name: Any = None,
        street_name: Any = None,
        street_number: Any = None,
        city: Any = None,
        state: Any = None,
        country: Any = None,
        zipcode: Any = None,
        address_type: Any = None,
        address_type_number: Any = None,
    ) -> Any:
        """Changes the attributes given (validated again); returns the record (None if the server answers 204)."""
        record = _text_id("e911_id", e911_id)
        body = _e911_body(locals())  # the SDK arguments by name
        if not body["data"]["attributes"]:
            raise InputError("e911_attributes", "give at least one attribute to change")
        with _legacy_errors(_E911_FIELDS):
            return _result(self._e911s.update(record, body=body))

    def delete_address(self, e911_id: Any) -> Any:
        """Deletes a record no number uses any more; None (204). One still in use: ``APIException`` (409)."""
        record = _text_id("e911_id", e911_id)
        with _legacy_errors():
            self._e911s.delete(record)
        return None

    def associate(self, e911_id: Any, did: Any) -> Any:
        """Assigns the record to the number ``did``; None (204)."""
        record, number = _text_id("e911_id", e911_id), _text_id("did", did)
        with _legacy_errors({"number": "did"}):
            self._e911s.assign(number, record)
        return None

    def disconnect(self, did: Any) -> Any:
        """Removes the number's E911 record (the record stays); None (204)."""
        number = _text_id("did", did)
        with _legacy_errors({"number": "did"}):
            self._e911s.unassign(number)
        return None

    def list_dids_for_e911(self, e911_id: Any) -> Any:
        record = _text_id("e911_id", e911_id)
        with _legacy_errors():
            return self._e911s.list_numbers(record).to_dict()


class CNAMsController(BaseController):
    """CNAM (caller-ID name) records: list, search, get, create, assign to and remove from numbers, delete."""

    def list_cnams(self, limit: Any = None, offset: Any = None, is_approved: Any = None) -> Any:
        with _legacy_errors():
            return self._cnams.list(
                limit=_int("limit", limit),
                offset=_int("offset", offset),
                is_approved=_boolean("is_approved", is_approved),
            ).to_dict()

    def search_cnams(
        self, contains: Any = None, starts_with: Any = None, ends_with: Any = None, is_approved: Any = None
    ) -> Any:
        """``{"data": [...]}``: every record whose value contains / starts with / ends with the text given.

        Not in the SDK's controller (its ``cnam_demo.py`` calls it). Case-insensitive, like the
        documented ``value`` filter the search runs on; every page is read.
        """
        criteria = {"contains": contains, "starts_with": starts_with, "ends_with": ends_with}
        given = {name: value for name, value in criteria.items() if value is not None}
        if not given:
            raise InputError("contains", "give contains, starts_with or ends_with")
        for name, value in given.items():
            if not isinstance(value, str) or not value:
                raise InputError(name, "must be a non-empty string")
        approved = _boolean("is_approved", is_approved)
        # The server filters by substring; the longest text narrows the pages most.
        needle = max(given, key=lambda name: len(given[name]))
        with _legacy_errors({"value": needle}):
            pages = self._client.cnams.iter(value=given[needle], is_approved=approved)
            records = [item.to_dict() for item in pages]
        text = {name: value.lower() for name, value in given.items()}
        matches = []
        for record in records:
            value = str((record.get("attributes") or {}).get("value") or "").lower()
            if (
                text.get("contains", "") in value
                and value.startswith(text.get("starts_with", ""))
                and value.endswith(text.get("ends_with", ""))
            ):
                matches.append(record)
        return {"data": matches}

    def get_cnam(self, cnam_id: Any) -> Any:
        record = _text_id("cnam_id", cnam_id)
        with _legacy_errors():
            return self._cnams.get(record).to_dict()

    def create_cnam_record(self, value: Any) -> Any:
        """A new (not yet approved) record; up to 15 characters, at least one letter."""
        with _legacy_errors():
            return self._cnams.create(body={"value": value}).to_dict()

    def associate_cnam(self, cnam_id: Any, phone_number: Any) -> Any:
        """Assigns an approved record to the account number ``phone_number`` (11 digits)."""
        record, number = _text_id("cnam_id", cnam_id), _text_id("phone_number", phone_number)
        with _legacy_errors({"number": "phone_number"}):
            return self._cnams.assign(number, record).to_dict()

    def unassociate_cnam(self, phone_number: Any) -> Any:
        """Removes the number's CNAM record (the record stays)."""
        number = _text_id("phone_number", phone_number)
        with _legacy_errors({"number": "phone_number"}):
            return self._cnams.unassign(number).to_dict()

    def remove_cnam(self, cnam_id: Any) -> Any:
        """Deletes the record (and unassigns it from every number); None (204)."""
        record = _text_id("cnam_id", cnam_id)
        with _legacy_errors():
            self._cnams.delete(record)
        return None


class PortingController(BaseController):
    """Porting: ``checkPortability``."""

    def checkPortability(self, numbers: Any) -> Any:
        """``{"data": {"portable", "nonportable", "hypernetwork_enabled"}}`` for the numbers (sent with ``+``)."""
        body: Any = {"numbers": _phone_numbers("numbers", numbers)}
        with _legacy_errors():
            return self._porting.check_portability(body=body).to_dict()


class CDRsController(BaseController):
    """CDR exports: create, list, status, download the CSV, parse it."""

    def list_cdrs(self, limit: Any = None, offset: Any = None, status: Any = None) -> Any:
        """Each item is ``{"data": {...}}``, as the API sends it."""
        with _legacy_errors():
            return self._cdrs.list(status=status, limit=_int("limit", limit), offset=_int("offset", offset)).to_dict()

    def list_cdr_exports(self, status: Any = None, limit: Any = None, offset: Any = None) -> Any:
        """:meth:`list_cdrs` under the name and parameter order of the SDK's README."""
        return self.list_cdrs(limit, offset, status)

    def get_cdr_export_status(self, cdrexport_id: Any) -> Any:
        export = _text_id("cdrexport_id", cdrexport_id)
        with _legacy_errors():
            return self._cdrs.get(export).to_dict()

    def create_cdr_export(self, filters: Any, callback_url: Any = None) -> Any:
        """Starts an export of the CDRs matching ``filters`` (a dict or JSON string); it starts ``processing``."""
        attributes: dict[str, Any] = {"filter_parameters": _json_object("filters", filters)}
        if callback_url is not None:
            attributes["callback_url"] = callback_url
        body: Any = {"data": {"type": "cdrexport", "attributes": attributes}}
        fields = {"data.attributes.filter_parameters": "filters", "data.attributes.callback_url": "callback_url"}
        with _legacy_errors(fields):
            return self._cdrs.create(body=body).to_dict()

    def download_cdr_export(self, cdrexport_id: Any, filename: Any) -> Any:
        """Writes the export's CSV to ``filename``; ``{"filename": filename}``, or None while it is not completed."""
        path = file_path(filename, "filename")
        if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise InputError("filename", "its folder does not exist")
        status = self.get_cdr_export_status(cdrexport_id)
        # The answer is the JSON that came; anything without a download URL means "not ready", as in the SDK.
        data = status.get("data") if isinstance(status, dict) else None
        attributes = data.get("attributes") if isinstance(data, dict) else None
        url = attributes.get("download_url") if isinstance(attributes, dict) else None
        if not url:
            return None
        with _legacy_errors():
            content = self._client.download(url)
        if content.startswith(_GZIP_MAGIC):
            try:
                content = gunzip_limited(content, self._client.max_response_bytes)
            except (OSError, EOFError, zlib.error) as exc:
                raise MalformedResponseError(
                    f"CDR export {cdrexport_id}: the download is not a readable gzip file ({type(exc).__name__})",
                    status_code=200,
                ) from exc
        try:
            with open(path, "wb") as outfile:
                outfile.write(content)
        except OSError as exc:
            raise InputError("filename", f"cannot be written ({exc.strerror or type(exc).__name__})") from exc
        return {"filename": filename}

    def parse_cdr_export(self, filename: Any) -> Any:
        """The rows of a downloaded export as dicts keyed by the header row (every value text)."""
        path = file_path(filename, "filename")
        try:
            with open(path, encoding="utf-8", newline="") as infile:
                rows = list(csv.DictReader(infile))
        except OSError as exc:
            raise InputError("filename", f"cannot be read ({exc.strerror or type(exc).__name__})") from exc
        except (UnicodeDecodeError, csv.Error) as exc:
            raise MalformedResponseError(f"{path}: not a CDR export CSV file ({type(exc).__name__})") from exc
        for number, row in enumerate(rows, start=2):  # line 1 is the header
            try:
                CdrCsvRecord.from_dict(row)  # the documented columns are there
            except KeyError as exc:
                raise MalformedResponseError(f"{path}: line {number} has no {exc.args[0]!r} column") from None
        return rows


class FlowroutenumbersandmessagingClient(ApimaticClient):
    """``FlowroutenumbersandmessagingClient(access_key, secret_key)`` with the SDK's lazily created
    controllers ``.numbers``, ``.routes``, ``.messages``, ``.e911s``, ``.cnams``, ``.porting``, ``.cdrs``.

    The keyword-only ``base_uri`` (default :attr:`Configuration.base_uri`), ``retry`` and ``transport``
    options are new.
    """

    config = Configuration

    @cached_property
    def _connection(self) -> _Connection:
        # Settings are read and checked on each call, as the SDK did.
        return _Connection(*self._settings)

    @cached_property
    def numbers(self) -> NumbersController:
        return NumbersController(connection=self._connection)

    @cached_property
    def routes(self) -> RoutesController:
        return RoutesController(connection=self._connection)

    @cached_property
    def messages(self) -> MessagesController:
        return MessagesController(connection=self._connection)

    @cached_property
    def e911s(self) -> E911sController:
        return E911sController(connection=self._connection)

    @cached_property
    def cnams(self) -> CNAMsController:
        return CNAMsController(connection=self._connection)

    @cached_property
    def porting(self) -> PortingController:
        return PortingController(connection=self._connection)

    @cached_property
    def cdrs(self) -> CDRsController:
        return CDRsController(connection=self._connection)

    def close(self) -> None:
        """New: release the connection pool."""
        self._connection.close()

    def __repr__(self) -> str:
        # Never a credential; the base URI a call would use now (a repr never raises, even half-built).
        try:
            base_uri: object = self._connection.base_uri()[0]
        except Exception:
            base_uri = None
        return f"FlowroutenumbersandmessagingClient(base_uri={shown_url(base_uri)!r})"


# ----------------------------------------------------------------------------- SDK module paths


def _alias(path: str, **names: Any) -> ModuleType:
    """``import smsclients.legacy.flowroute_v3.exceptions.error_exception`` works as the SDK's path did."""
    return alias_module(__name__, "flowroutenumbersandmessaging", path, **names)


flowroutenumbersandmessaging_client = _alias(
    "flowroutenumbersandmessaging_client", FlowroutenumbersandmessagingClient=FlowroutenumbersandmessagingClient
)
configuration = _alias("configuration", Configuration=Configuration)
controllers = _alias("controllers")
_alias("controllers.numbers_controller", NumbersController=NumbersController)
_alias("controllers.routes_controller", RoutesController=RoutesController)
_alias("controllers.messages_controller", MessagesController=MessagesController)
_alias("controllers.e911s_controller", E911sController=E911sController)
_alias("controllers.cnams_controller", CNAMsController=CNAMsController)
_alias("controllers.porting_controller", PortingController=PortingController)
_alias("controllers.cdrs_controller", CDRsController=CDRsController)
_alias("controllers.base_controller", BaseController=BaseController)
exceptions = _alias("exceptions")
_alias("exceptions.api_exception", APIException=APIException)
_alias("exceptions.error_exception", ErrorException=ErrorException)
models = _alias("models")
_alias("models.error_1", Error1=Error1)
http = _alias("http")
_alias("http.http_context", HttpContext=HttpContext)
_alias("http.http_request", HttpRequest=HttpRequest)
_alias("http.http_response", HttpResponse=HttpResponse)
_alias("http.http_call_back", HttpCallBack=HttpCallBack)
