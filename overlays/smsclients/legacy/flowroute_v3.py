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

* credentials belong to the client object (the SDK kept them in a global ``Configuration``);
  ``Configuration.basic_auth_user_name`` / ``basic_auth_password`` still exist (``None`` until you
  set them) for programs that read them, but the client never falls back to them;
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
import gzip
import os
import sys
import zlib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import cached_property
from types import ModuleType
from typing import Any

import httpx
from flowroute_v2_client.models import CdrCsvRecord

from ..errors import APIError, ArgumentError, InputError, MalformedResponseError, combined_error_class
from ..flowroute import FlowrouteClient
from ..lifecycle import Closable
from ..responses import parse_json_body
from ..retries import RetryPolicy
from ..validation import json_input
from ._apimatic import HttpContext, HttpRequest, HttpResponse

__all__ = [
    "APIException",
    "CDRsController",
    "CNAMsController",
    "Configuration",
    "E911sController",
    "Error1",
    "ErrorException",
    "FlowroutenumbersandmessagingClient",
    "HttpContext",
    "HttpRequest",
    "HttpResponse",
    "MessagesController",
    "NumbersController",
    "PortingController",
    "RoutesController",
]


class Configuration:
    """``base_uri`` is read when a client is created; credentials are per client now.

    ``basic_auth_user_name`` and ``basic_auth_password`` are the SDK's placeholders, kept for
    programs that read them to pass them on (the SDK's ``number_route_message_demo.py`` does);
    the client itself never reads them.
    """

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


def _file_path(value: Any) -> str | os.PathLike[str]:
    """A file name as the SDK took it (a str), or a path object; never an int (``open`` reads that as a descriptor)."""
    if isinstance(value, str | os.PathLike) and str(value):
        return value
    raise InputError("filename", "must be a file path (a non-empty str or os.PathLike)")


def _result(value: Any) -> Any:
    """A generated model as the SDK's dict, ``None`` (204) as ``None``."""
    return None if value is None else value.to_dict()


# ----------------------------------------------------------------------------- controllers


class NumbersController:
    """Numbers v2: the six methods of the SDK's README, plus ``release_a_did``, ``set_did_alias``,
    ``set_did_callback``."""

    def __init__(self, client: FlowrouteClient) -> None:
        self._numbers = client.numbers
        self._callbacks = client.callbacks

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


class RoutesController:
    """Routes v2: the four methods of the SDK's README, plus ``list_edge_strategies``.

    Bodies are JSON strings (as documented) or dicts.
    """

    def __init__(self, client: FlowrouteClient) -> None:
        self._routes = client.routes

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


class MessagesController:
    """Messages v2.1: the three methods of the SDK's README, plus the account-level SMS, MMS and DLR
    callback URLs and a number's DLR callback URL (each returns None: 204)."""

    def __init__(self, client: FlowrouteClient) -> None:
        self._messages = client.messages
        self._callbacks = client.callbacks

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


class E911sController:
    """E911 address records: list, get, validate, create, update, delete, assign to and remove from numbers."""

    def __init__(self, client: FlowrouteClient) -> None:
        self._e911s = client.e911s

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


class CNAMsController:
    """CNAM (caller-ID name) records: list, search, get, create, assign to and remove from numbers, delete."""

    def __init__(self, client: FlowrouteClient) -> None:
        self._cnams = client.cnams

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
            records = [item.to_dict() for item in self._cnams.iter(value=given[needle], is_approved=approved)]
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


class PortingController:
    """Porting: ``checkPortability``."""

    def __init__(self, client: FlowrouteClient) -> None:
        self._porting = client.porting

    def checkPortability(self, numbers: Any) -> Any:
        """``{"data": {"portable", "nonportable", "hypernetwork_enabled"}}`` for the numbers (sent with ``+``)."""
        body: Any = {"numbers": _phone_numbers("numbers", numbers)}
        with _legacy_errors():
            return self._porting.check_portability(body=body).to_dict()


class CDRsController:
    """CDR exports: create, list, status, download the CSV, parse it."""

    def __init__(self, client: FlowrouteClient) -> None:
        self._client = client
        self._cdrs = client.cdrs

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
        path = _file_path(filename)
        if not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            raise InputError("filename", "its folder does not exist")
        status = self.get_cdr_export_status(cdrexport_id)
        url = ((status.get("data") or {}).get("attributes") or {}).get("download_url")  # any may be left out
        if not url:
            return None
        with _legacy_errors():
            content = self._client.download(url)
        if content.startswith(_GZIP_MAGIC):
            try:
                content = gzip.decompress(content)
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
        path = _file_path(filename)
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


class FlowroutenumbersandmessagingClient(Closable):
    """``FlowroutenumbersandmessagingClient(access_key, secret_key)`` with the SDK's lazily created
    controllers ``.numbers``, ``.routes``, ``.messages``, ``.e911s``, ``.cnams``, ``.porting``, ``.cdrs``.

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

    @cached_property
    def e911s(self) -> E911sController:
        return E911sController(self._client)

    @cached_property
    def cnams(self) -> CNAMsController:
        return CNAMsController(self._client)

    @cached_property
    def porting(self) -> PortingController:
        return PortingController(self._client)

    @cached_property
    def cdrs(self) -> CDRsController:
        return CDRsController(self._client)

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
_alias("controllers.e911s_controller", E911sController=E911sController)
_alias("controllers.cnams_controller", CNAMsController=CNAMsController)
_alias("controllers.porting_controller", PortingController=PortingController)
_alias("controllers.cdrs_controller", CDRsController=CDRsController)
exceptions = _alias("exceptions")
_alias("exceptions.api_exception", APIException=APIException)
_alias("exceptions.error_exception", ErrorException=ErrorException)
models = _alias("models")
_alias("models.error_1", Error1=Error1)
http = _alias("http")
_alias("http.http_context", HttpContext=HttpContext)
_alias("http.http_request", HttpRequest=HttpRequest)
_alias("http.http_response", HttpResponse=HttpResponse)
