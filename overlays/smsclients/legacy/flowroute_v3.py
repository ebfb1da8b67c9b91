"""Drop-in for the Flowroute SDK v3 for Python (``flowroutenumbersandmessaging``, api-notes §2.7).

Replace the SDK's imports with one line::

    from smsclients.legacy.flowroute_v3 import FlowroutenumbersandmessagingClient

(``APIException``, ``ErrorException`` and ``Configuration`` come from the same module). The client's
lazily created ``numbers``, ``routes`` and ``messages`` controllers have the documented method names
and positional parameter orders; results are the parsed JSON as dicts, ``None`` for 204 responses.
The SDK's module paths exist as aliases inside this module, e.g.
``smsclients.legacy.flowroute_v3.exceptions.error_exception.ErrorException``.

Behaviour that differs on purpose (the old defects):

* credentials belong to the client object (the SDK kept them in a global ``Configuration``);
* request bodies may be the documented JSON strings **or** dicts (a dict used to raise TypeError);
  ``"is_mms": "true"``/``"false"`` strings are sent as JSON booleans;
* the error mapping is uniform for every method: 401/403/404/422 raise :class:`ErrorException`
  with the later SDK's reason texts, any other error status ``APIException("HTTP response not OK.")``;
  ``ErrorException.errors`` is ``None`` (not missing) when the body is not a JSON object;
* ``start_date``/``end_date`` strings are sent exactly as given (validated against the documented
  ``YYYY-MM-DD`` / ``YYYY-MM-DDTHH:mm:ss.SSZ`` forms); the SDK rewrote ``2017-12-01`` as
  ``2017-12-01T00:00:00``. Both mean midnight UTC to the API;
* invalid numbers, ids, limits and bodies raise :class:`smsclients.InputError` (a ValueError)
  before anything is sent; every exception here is also the matching typed error.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from types import ModuleType
from typing import Any

import httpx

from ..errors import APIError, ArgumentError, InputError, MalformedResponseError, combined_error_class
from ..flowroute import FlowrouteClient
from ..lifecycle import Closable
from ..responses import parse_json_body
from ..retries import RetryPolicy
from ..validation import json_input
from ._apimatic import HttpContext, HttpRequest, HttpResponse

__all__ = [
    "APIException",
    "Configuration",
    "Error1",
    "ErrorException",
    "FlowroutenumbersandmessagingClient",
    "HttpContext",
    "HttpRequest",
    "HttpResponse",
    "MessagesController",
    "NumbersController",
    "RoutesController",
]


class Configuration:
    """Only ``base_uri`` remains (read when a client is created); credentials are per client now."""

    base_uri = "https://api.flowroute.com"


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
        return f"Error1(id={self.id!r}, status={self.status!r}, title={self.title!r}, detail={self.detail!r})"


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
# The later SDK's uniform mapping (api-notes §2.7); other error statuses raise APIException(NOT_OK).
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


@contextmanager
def _legacy_errors(fields: Mapping[str, str] | None = None) -> Iterator[None]:
    """APIError -> the SDK's exception; InputError field names -> the names the SDK caller used."""
    try:
        yield
    except APIError as error:
        reason = ERROR_REASONS.get(error.status_code)
        base: type[APIException] = ErrorException if reason is not None else APIException
        raise combined_error_class(base, type(error))(reason or NOT_OK, _context(error)) from error
    except InputError as error:
        field = (fields or {}).get(error.field)
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


def _is_mms(field: str, value: Any) -> bool | None:
    """``"true"``/``"false"`` (the S001 examples) or a real boolean."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise InputError(field, "must be true or false (or the strings 'true'/'false')")


_ROUTE_ATTRIBUTES = frozenset({"route_type", "value", "alias"})
_MESSAGE_ATTRIBUTES = frozenset({"to", "from", "body", "is_mms", "media_urls", "dlr_callback"})


# ----------------------------------------------------------------------------- controllers


class NumbersController:
    """Numbers v2: the six documented methods."""

    def __init__(self, client: FlowrouteClient) -> None:
        self._numbers = client.numbers

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


class RoutesController:
    """Routes v2: the four documented methods. Bodies are JSON strings (as documented) or dicts."""

    def __init__(self, client: FlowrouteClient) -> None:
        self._routes = client.routes

    def create_an_inbound_route(self, route_body: Any = None, *, body: Any = None) -> Any:
        """``{"data": {"type": "route", "attributes": {"route_type", "value", "alias"}}}``."""
        document = _json_object("route_body", _required("route_body", route_body, "body", body))
        attributes = _attributes("route_body", _resource("route_body", document, "route"), _ROUTE_ATTRIBUTES)
        prefix = "route_body.data.attributes."
        with _legacy_errors({name: prefix + name for name in _ROUTE_ATTRIBUTES}):
            return self._routes.create(
                _get(attributes, "route_type"), _get(attributes, "value"), _get(attributes, "alias")
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

    @staticmethod
    def _reference(number_id: Any, route_body: Any) -> tuple[str, str]:
        data = _resource("route_body", _json_object("route_body", route_body), "route")
        return _text_id("number_id", number_id), _text_id("route_body.data.id", data.get("id"))


class MessagesController:
    """Messages v2.1: the three documented methods."""

    def __init__(self, client: FlowrouteClient) -> None:
        self._messages = client.messages

    def send_a_message(self, message_body: Any = None, *, body: Any = None) -> Any:
        """``{"data": {"type": "message", "attributes": {"to", "from", "body", "is_mms", "media_urls"}}}``."""
        document = _json_object("message_body", _required("message_body", message_body, "body", body))
        attributes = _attributes("message_body", _resource("message_body", document, "message"), _MESSAGE_ATTRIBUTES)
        prefix = "message_body.data.attributes."
        fields = {name: prefix + name for name in _MESSAGE_ATTRIBUTES} | {"from_": prefix + "from"}
        with _legacy_errors(fields):
            return self._messages.send(
                _text_id("to", attributes.get("to")),
                _text_id("from_", attributes.get("from")),
                attributes.get("body"),
                media_urls=attributes.get("media_urls"),
                is_mms=_is_mms("is_mms", attributes.get("is_mms")),
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


class FlowroutenumbersandmessagingClient(Closable):
    """``FlowroutenumbersandmessagingClient(access_key, secret_key)`` with ``.numbers``, ``.routes``, ``.messages``.

    The keyword-only ``base_uri`` (default :attr:`Configuration.base_uri`), ``retry`` and ``transport``
    options are new.
    """

    config = Configuration

    def __init__(
        self,
        basic_auth_user_name: str | None = None,
        basic_auth_password: str | None = None,
        *,
        base_uri: str | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        # No global fallback: a missing credential is an error here, not a shared class attribute.
        if basic_auth_user_name is None:
            raise InputError("basic_auth_user_name", "is required (credentials are per client)")
        if basic_auth_password is None:
            raise InputError("basic_auth_password", "is required (credentials are per client)")
        with _legacy_errors({"access_key": "basic_auth_user_name", "secret_key": "basic_auth_password"}):
            self._client = FlowrouteClient(
                basic_auth_user_name,
                basic_auth_password,
                base_url=Configuration.base_uri if base_uri is None else base_uri,
                retry=retry if retry is not None else RetryPolicy(),
                transport=transport,
            )

    @cached_property
    def numbers(self) -> NumbersController:
        return NumbersController(self._client)

    @cached_property
    def routes(self) -> RoutesController:
        return RoutesController(self._client)

    @cached_property
    def messages(self) -> MessagesController:
        return MessagesController(self._client)

    def close(self) -> None:
        """New: release the connection pool."""
        self._client.close()

    def __repr__(self) -> str:
        return f"FlowroutenumbersandmessagingClient(base_uri={self._client.base_url!r})"


# ----------------------------------------------------------------------------- SDK module paths


def _alias(path: str, **names: Any) -> ModuleType:
    """Register ``<this module>.<path>`` so the SDK's module paths resolve under our package.

    ``import smsclients.legacy.flowroute_v3.exceptions.error_exception`` and attribute access both
    work; nothing is registered outside ``smsclients``.
    """
    module = ModuleType(f"{__name__}.{path}", f"Alias of the SDK module flowroutenumbersandmessaging.{path}.")
    module.__dict__.update(names)
    sys.modules[module.__name__] = module
    parent_path, _, leaf = path.rpartition(".")
    parent = sys.modules[f"{__name__}.{parent_path}"] if parent_path else sys.modules[__name__]
    setattr(parent, leaf, module)
    return module


flowroutenumbersandmessaging_client = _alias(
    "flowroutenumbersandmessaging_client", FlowroutenumbersandmessagingClient=FlowroutenumbersandmessagingClient
)
configuration = _alias("configuration", Configuration=Configuration)
controllers = _alias("controllers")
_alias("controllers.numbers_controller", NumbersController=NumbersController)
_alias("controllers.routes_controller", RoutesController=RoutesController)
_alias("controllers.messages_controller", MessagesController=MessagesController)
exceptions = _alias("exceptions")
_alias("exceptions.api_exception", APIException=APIException)
_alias("exceptions.error_exception", ErrorException=ErrorException)
models = _alias("models")
_alias("models.error_1", Error1=Error1)
http = _alias("http")
_alias("http.http_context", HttpContext=HttpContext)
_alias("http.http_request", HttpRequest=HttpRequest)
_alias("http.http_response", HttpResponse=HttpResponse)
