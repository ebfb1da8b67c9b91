"""FR-v3 drop-in: the controllers and methods the latest public SDK v3 added to the README's 13.

Each test calls a method as the SDK's demo programs and README do (positional arguments, the SDK's
parameter names) against the local sandbox, and checks what went on the wire, the return shape
(the parsed JSON as a dict, ``None`` for 204) and how errors map. The SDK's names and parameter
orders are transcribed in ``SDK_METHODS`` and checked against the drop-in.
"""

from __future__ import annotations

import gzip
import importlib
import inspect
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml
from smsclients.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    InputError,
    MalformedResponseError,
    NotFoundError,
    UnprocessableEntityError,
)
from smsclients.legacy import flowroute_v3
from smsclients.legacy.flowroute_v3 import (
    APIException,
    ErrorException,
    FlowroutenumbersandmessagingClient,
)
from smsclients_sandbox import SandboxHandle

from .support import FROM_NUMBER, RecordingTransport, body_json

OTHER_NUMBER = "12014845220"  # the sandbox account's second standard number
SANDBOX_ROOT = "/flowroute"
NOT_OK = "HTTP response not OK."

# The SDK's E911 address arguments, in its order.
E911_ARGUMENTS = [
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
]
# The latest public SDK v3's controllers: client attribute -> (class name, {method: positional parameters}).
SDK_METHODS: dict[str, tuple[str, dict[str, list[str]]]] = {
    "numbers": (
        "NumbersController",
        {
            "list_available_exchange_codes": ["limit", "offset", "max_setup_cost", "areacode"],
            "list_available_area_codes": ["limit", "offset", "max_setup_cost"],
            "search_for_purchasable_phone_numbers": [
                "starts_with",
                "contains",
                "ends_with",
                "limit",
                "offset",
                "rate_center",
                "state",
            ],
            "list_account_phone_numbers": ["starts_with", "ends_with", "contains", "limit", "offset"],
            "purchase_a_phone_number": ["purchasable_number"],  # the SDK's `id` works as a keyword
            "list_phone_number_details": ["number_id"],  # likewise
            "release_a_did": ["id"],
            "set_did_alias": ["id", "alias"],
            "set_did_callback": ["id", "url"],
        },
    ),
    "routes": (
        "RoutesController",
        {
            "create_an_inbound_route": ["route_body"],  # `body` works as a keyword
            "list_inbound_routes": ["limit", "offset"],
            "update_primary_voice_route": ["number_id", "route_body"],
            "update_failover_voice_route": ["number_id", "route_body"],
            "list_edge_strategies": [],
        },
    ),
    "messages": (
        "MessagesController",
        {
            "look_up_a_set_of_messages": ["start_date", "end_date", "limit", "offset"],
            "look_up_a_message_detail_record": ["message_id"],
            "send_a_message": ["message_body"],
            "set_account_level_sms_callback": ["url"],
            "set_account_level_mms_callback": ["url"],
            "set_account_level_dlr_callback": ["url"],
            "set_did_level_dlr_callback": ["number_id", "dlr_url"],
        },
    ),
    "e911s": (
        "E911sController",
        {
            "list_e911s": ["limit", "offset", "state"],
            "get_e911": ["e911_id"],
            "validate_address": E911_ARGUMENTS,
            "create_address": E911_ARGUMENTS,
            "update_address": ["e911_id", *E911_ARGUMENTS],
            "delete_address": ["e911_id"],
            "associate": ["e911_id", "did"],
            "disconnect": ["did"],
            "list_dids_for_e911": ["e911_id"],
        },
    ),
    "cnams": (
        "CNAMsController",
        {
            "list_cnams": ["limit", "offset", "is_approved"],
            "get_cnam": ["cnam_id"],
            "create_cnam_record": ["value"],
            "associate_cnam": ["cnam_id", "phone_number"],
            "unassociate_cnam": ["phone_number"],
            "remove_cnam": ["cnam_id"],
        },
    ),
    "porting": ("PortingController", {"checkPortability": ["numbers"]}),
    "cdrs": (
        "CDRsController",
        {
            "list_cdrs": ["limit", "offset", "status"],
            "get_cdr_export_status": ["cdrexport_id"],
            "create_cdr_export": ["filters", "callback_url"],
            "download_cdr_export": ["cdrexport_id", "filename"],
            "parse_cdr_export": ["filename"],
        },
    ),
}
# Not in the SDK's controllers: what its cnam_demo.py calls, and the name its README documents.
ADDED_METHODS = {
    "cnams": {"search_cnams": ["contains", "starts_with", "ends_with", "is_approved"]},
    "cdrs": {"list_cdr_exports": ["status", "limit", "offset"]},
}

SPEC = Path(__file__).parents[2] / "specs" / "flowroute-v2.yaml"
CSV_COLUMNS = yaml.safe_load(SPEC.read_text(encoding="utf-8"))["components"]["schemas"]["CdrCsvRecord"]["x-csv-columns"]

ADDRESS: dict[str, Any] = {
    "label": "E911 Test",
    "first_name": "Chris",
    "last_name": "Smith",
    "street_name": "3rd Ave",
    "street_number": "1218",
    "city": "Seattle",
    "state": "WA",
    "country": "US",
    "zipcode": "98101",
}
ADDRESS_ON_THE_WIRE = {("zip" if name == "zipcode" else name): value for name, value in ADDRESS.items()}


def api_calls(wire: RecordingTransport) -> list[tuple[str, str]]:
    """``(method, path)`` of every request, the path relative to the Flowroute API root."""
    return [(r.method, r.url.path.removeprefix(SANDBOX_ROOT)) for r in wire.requests]


def last_call(wire: RecordingTransport) -> tuple[str, str]:
    return api_calls(wire)[-1]


def create(v3: FlowroutenumbersandmessagingClient, **changes: Any) -> str:
    """An E911 record of ``ADDRESS`` (with changes); its id."""
    values = ADDRESS | changes
    return str(v3.e911s.create_address(*values.values())["data"]["id"])


# ----------------------------------------------------------------------------- the surface


def test_every_sdk_controller_and_method_with_its_parameter_order() -> None:
    for attribute, (class_name, methods) in SDK_METHODS.items():
        controller_class = getattr(flowroute_v3, class_name)
        prop = inspect.getattr_static(FlowroutenumbersandmessagingClient, attribute)
        assert inspect.signature(prop.func).return_annotation in (class_name, controller_class)
        for method, parameters in (methods | ADDED_METHODS.get(attribute, {})).items():
            signature = inspect.signature(getattr(controller_class, method))
            positional = [
                name
                for name, p in signature.parameters.items()
                if p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD and name != "self"
            ]
            assert positional == parameters, f"{class_name}.{method}"
        public = {name for name in vars(controller_class) if not name.startswith("_")}
        assert public == set(methods) | set(ADDED_METHODS.get(attribute, {})), class_name


def test_new_controllers_are_lazy_and_cached(v3: FlowroutenumbersandmessagingClient) -> None:
    for attribute in ("e911s", "cnams", "porting", "cdrs"):
        assert attribute not in vars(v3)
        assert getattr(v3, attribute) is getattr(v3, attribute)


def test_sdk_module_paths_of_the_new_controllers() -> None:
    for module, class_name in [
        ("e911s_controller", "E911sController"),
        ("cnams_controller", "CNAMsController"),
        ("porting_controller", "PortingController"),
        ("cdrs_controller", "CDRsController"),
    ]:
        aliased = importlib.import_module(f"smsclients.legacy.flowroute_v3.controllers.{module}")
        assert getattr(aliased, class_name) is getattr(flowroute_v3, class_name)


def test_a_client_without_credentials_uses_configuration_read_on_each_call(
    monkeypatch: pytest.MonkeyPatch, fresh_sandbox: SandboxHandle
) -> None:
    access_key, secret_key = fresh_sandbox.credentials["flowroute-v2"]
    monkeypatch.setattr(flowroute_v3.Configuration, "base_uri", fresh_sandbox.base_urls["flowroute-v2"])
    monkeypatch.setattr(flowroute_v3.Configuration, "basic_auth_user_name", "global-key")
    monkeypatch.setattr(flowroute_v3.Configuration, "basic_auth_password", "global-secret")
    with FlowroutenumbersandmessagingClient() as client:
        with pytest.raises(ErrorException) as caught:
            client.numbers.list_account_phone_numbers()
        assert caught.value.response_code == 401  # the sandbox refused the global credentials
        monkeypatch.setattr(flowroute_v3.Configuration, "basic_auth_user_name", access_key)
        monkeypatch.setattr(flowroute_v3.Configuration, "basic_auth_password", secret_key)
        assert "data" in client.numbers.list_account_phone_numbers()  # read again on this call


# ----------------------------------------------------------------------------- numbers


def test_release_a_did(v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport) -> None:
    assert v3.numbers.release_a_did(int(OTHER_NUMBER)) is None  # 204; the SDK took ints too
    assert last_call(sandbox_wire) == ("DELETE", f"/v2/numbers/{OTHER_NUMBER}")

    with pytest.raises(ErrorException) as caught:
        v3.numbers.list_phone_number_details(OTHER_NUMBER)
    assert caught.value.response_code == 404
    with pytest.raises(ErrorException) as caught:
        v3.numbers.release_a_did(OTHER_NUMBER)  # not on the account any more
    assert str(caught.value) == "The specified resource was not found"
    assert isinstance(caught.value, NotFoundError)


def test_set_did_alias(v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport) -> None:
    result = v3.numbers.set_did_alias(FROM_NUMBER, "New Test")

    assert result["data"]["id"] == FROM_NUMBER
    assert result["data"]["attributes"]["alias"] == "New Test"
    assert last_call(sandbox_wire) == ("PATCH", f"/v2/numbers/{FROM_NUMBER}")
    assert body_json(sandbox_wire.requests[-1]) == {"type": "number", "alias": "New Test"}  # flat, as the SDK sent
    assert v3.numbers.list_phone_number_details(FROM_NUMBER)["data"]["attributes"]["alias"] == "New Test"


def test_set_did_callback(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport, fresh_sandbox: SandboxHandle
) -> None:
    assert v3.numbers.set_did_callback(FROM_NUMBER, "http://www.example.com/test") is None

    assert last_call(sandbox_wire) == ("POST", f"/v2/numbers/{FROM_NUMBER}/relationships/dlr_callback")
    assert body_json(sandbox_wire.requests[-1])["data"]["attributes"] == {"callback_url": "http://www.example.com/test"}
    assert fresh_sandbox.callback_url("flowroute-v2", "dlr_callback", FROM_NUMBER) == "http://www.example.com/test"


def test_new_numbers_methods_name_the_sdk_arguments_in_input_errors(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport
) -> None:
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: v3.numbers.release_a_did("2012673227"), "id"),
        (lambda: v3.numbers.set_did_alias(FROM_NUMBER, 5), "alias"),
        (lambda: v3.numbers.set_did_alias([FROM_NUMBER], "x"), "id"),
        (lambda: v3.numbers.set_did_callback(FROM_NUMBER, "www.example.com/test"), "url"),
        (lambda: v3.numbers.set_did_callback("1201267322x", "http://example.com"), "id"),
    ]
    for call, field in cases:
        with pytest.raises(InputError) as caught:
            call()
        assert caught.value.field == field
    assert sandbox_wire.requests == []


# ----------------------------------------------------------------------------- routes


def test_list_edge_strategies(v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport) -> None:
    result = v3.routes.list_edge_strategies()

    assert {item["type"] for item in result["data"]} == {"edge_strategy"}
    assert all(isinstance(item["id"], int) and item["attributes"]["name"] for item in result["data"])
    assert api_calls(sandbox_wire) == [("GET", "/v2/routes/edge_strategies")]


def test_create_an_inbound_route_with_the_demos_edge_strategy(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport
) -> None:
    # number_route_message_demo.py sends "edge_strategy": "1"; the API documents edge_strategy_id.
    body = (
        '{"data": {"type": "route", "attributes": {"route_type": "host", "value": "a1b2c3.sonsofodin.com", '
        '"alias": "abc0123456789", "edge_strategy": "1"}}}'
    )
    result = v3.routes.create_an_inbound_route(body)

    assert result["data"]["attributes"]["edge_strategy_id"] == 1
    assert body_json(sandbox_wire.requests[-1])["data"]["attributes"] == {
        "route_type": "host",
        "value": "a1b2c3.sonsofodin.com",
        "alias": "abc0123456789",
        "edge_strategy_id": 1,
    }


def test_create_an_inbound_route_edge_strategy_errors(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport
) -> None:
    attributes = {"route_type": "host", "value": "x.example.com", "alias": "x"}
    extras: list[tuple[dict[str, Any], str]] = [
        ({"edge_strategy": "one"}, "route_body.data.attributes.edge_strategy"),
        ({"edge_strategy": 1, "edge_strategy_id": 1}, "route_body.data.attributes.edge_strategy"),
    ]
    for extra, field in extras:
        with pytest.raises(InputError) as caught:
            v3.routes.create_an_inbound_route({"data": {"type": "route", "attributes": attributes | extra}})
        assert caught.value.field == field
    assert sandbox_wire.requests == []

    with pytest.raises(ErrorException) as unknown:  # the API's check: no such edge strategy
        v3.routes.create_an_inbound_route({"data": {"attributes": attributes | {"edge_strategy_id": 99}}})
    assert isinstance(unknown.value, UnprocessableEntityError)


# ----------------------------------------------------------------------------- messages: callbacks


@pytest.mark.parametrize("kind", ["sms", "mms", "dlr"])
def test_set_account_level_callback(
    kind: str,
    v3: FlowroutenumbersandmessagingClient,
    sandbox_wire: RecordingTransport,
    fresh_sandbox: SandboxHandle,
) -> None:
    url = f"http://example.com/{kind}"
    method = getattr(v3.messages, f"set_account_level_{kind}_callback")

    assert method(url) is None
    assert last_call(sandbox_wire) == ("PUT", f"/v2.1/messages/{kind}_callback")
    assert body_json(sandbox_wire.requests[-1]) == {"callback_url": url}
    assert fresh_sandbox.callback_url("flowroute-v2", f"{kind}_callback") == url

    with pytest.raises(InputError) as caught:
        method("example.com/no-scheme")
    assert caught.value.field == "url"


def test_set_did_level_dlr_callback(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport, fresh_sandbox: SandboxHandle
) -> None:
    assert v3.messages.set_did_level_dlr_callback(int(FROM_NUMBER), "http://example.com/did/dlr") is None
    assert last_call(sandbox_wire) == ("POST", f"/v2/numbers/{FROM_NUMBER}/relationships/dlr_callback")
    assert fresh_sandbox.callback_url("flowroute-v2", "dlr_callback", FROM_NUMBER) == "http://example.com/did/dlr"

    with pytest.raises(InputError) as caught:
        v3.messages.set_did_level_dlr_callback(FROM_NUMBER, "not a url")
    assert caught.value.field == "dlr_url"
    with pytest.raises(ErrorException) as not_ours:
        v3.messages.set_did_level_dlr_callback("12065550100", "http://example.com/did/dlr")
    assert not_ours.value.response_code == 404


# ----------------------------------------------------------------------------- e911s


def test_create_get_and_list_e911s(v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport) -> None:
    # Positionally, in the SDK's order (ADDRESS lists them in that order).
    created = v3.e911s.create_address(
        "E911 Test", "Chris", "Smith", "3rd Ave", "1218", "Seattle", "WA", "US", "98101", "Suite", "600"
    )

    assert created["data"]["type"] == "e911"
    assert created["data"]["attributes"]["address_type_number"] == "600"
    assert body_json(sandbox_wire.requests[-1]) == {
        "data": {
            "type": "e911",
            "attributes": ADDRESS_ON_THE_WIRE | {"address_type": "Suite", "address_type_number": "600"},
        }
    }
    record_id = created["data"]["id"]
    assert v3.e911s.get_e911(int(record_id)) == {"data": created["data"]}
    assert last_call(sandbox_wire) == ("GET", f"/v2/e911s/{record_id}")

    listed = v3.e911s.list_e911s(5, None, "WA")
    assert [item["id"] for item in listed["data"]] == [record_id]
    assert dict(sandbox_wire.requests[-1].url.params) == {"limit": "5", "state": "WA"}
    assert v3.e911s.list_e911s(state="OR")["data"] == []


def test_validate_address(v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport) -> None:
    assert v3.e911s.validate_address(**ADDRESS) is None  # 204
    assert last_call(sandbox_wire) == ("POST", "/v2/e911s/validate")
    assert body_json(sandbox_wire.requests[-1])["data"]["attributes"] == ADDRESS_ON_THE_WIRE

    with pytest.raises(APIException) as caught:  # does not geocode: 400, outside the SDK's four statuses
        v3.e911s.validate_address(**ADDRESS | {"state": "ON"})  # a Canadian province with a US ZIP
    assert str(caught.value) == NOT_OK
    assert not isinstance(caught.value, ErrorException)
    assert isinstance(caught.value, BadRequestError)
    assert "geocode" in caught.value.context.response.raw_body


def test_e911_input_errors_name_the_sdk_arguments(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport
) -> None:
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: v3.e911s.validate_address(**ADDRESS, address_type="Suite"), "address_type"),  # the SDK dropped it
        (lambda: v3.e911s.create_address(**ADDRESS | {"zipcode": "98101-0000-00"}), "zipcode"),
        (lambda: v3.e911s.create_address(**ADDRESS | {"state": "wa"}), "state"),
        (lambda: v3.e911s.create_address(**ADDRESS | {"label": None}), "label"),
        (lambda: v3.e911s.update_address("21301"), "e911_attributes"),
        (lambda: v3.e911s.update_address("21301", country="USA"), "country"),
        (lambda: v3.e911s.associate("21301", "2012673227"), "did"),
        (lambda: v3.e911s.get_e911(["21301"]), "e911_id"),
    ]
    for call, field in cases:
        with pytest.raises(InputError) as caught:
            call()
        assert caught.value.field == field
    assert sandbox_wire.requests == []


def test_update_address_sends_only_what_changes(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport
) -> None:
    record_id = create(v3, address_type="Suite", address_type_number="700")
    sent_before = len(sandbox_wire.requests)

    result = v3.e911s.update_address(record_id, last_name="Wiley", street_number=1300)

    assert len(sandbox_wire.requests) == sent_before + 1  # one PATCH (the SDK read the record first)
    assert last_call(sandbox_wire) == ("PATCH", f"/v2/e911s/{record_id}")
    assert body_json(sandbox_wire.requests[-1]) == {
        "data": {"type": "e911", "attributes": {"last_name": "Wiley", "street_number": "1300"}}
    }
    attributes = result["data"]["attributes"]
    assert (attributes["last_name"], attributes["street_number"], attributes["address_type_number"]) == (
        "Wiley",
        "1300",
        "700",
    )


def test_associate_list_disconnect_and_delete(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport
) -> None:
    record_id = create(v3)

    assert v3.e911s.associate(record_id, FROM_NUMBER) is None
    assert last_call(sandbox_wire) == ("PATCH", f"/v2/numbers/{FROM_NUMBER}/relationships/e911s/{record_id}")
    related = v3.e911s.list_dids_for_e911(record_id)
    assert [item["attributes"]["value"] for item in related["data"]] == [FROM_NUMBER]

    with pytest.raises(APIException) as in_use:  # 409: not one of the SDK's four statuses
        v3.e911s.delete_address(record_id)
    assert str(in_use.value) == NOT_OK and in_use.value.response_code == 409
    assert isinstance(in_use.value, APIError)

    assert v3.e911s.disconnect(FROM_NUMBER) is None
    assert last_call(sandbox_wire) == ("DELETE", f"/v2/numbers/{FROM_NUMBER}/relationships/e911s")
    assert v3.e911s.list_dids_for_e911(record_id)["data"] == []
    assert v3.e911s.delete_address(record_id) is None
    assert last_call(sandbox_wire) == ("DELETE", f"/v2/e911s/{record_id}")
    with pytest.raises(ErrorException) as gone:
        v3.e911s.get_e911(record_id)
    assert isinstance(gone.value, NotFoundError)


# ----------------------------------------------------------------------------- cnams


def test_list_cnams(v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport) -> None:
    approved = v3.cnams.list_cnams(10, None, is_approved=True)

    assert [item["attributes"]["value"] for item in approved["data"]] == ["TEST, MARIA", "REGENCE INC"]
    assert dict(sandbox_wire.requests[-1].url.params) == {"limit": "10", "is_approved": "true"}
    assert v3.cnams.list_cnams(is_approved="false")["data"] == []  # the SDK passed strings through
    with pytest.raises(InputError) as caught:
        v3.cnams.list_cnams(is_approved="yes")
    assert caught.value.field == "is_approved"


def test_create_get_and_remove_a_cnam(v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport) -> None:
    created = v3.cnams.create_cnam_record("FR H5K8")

    assert created["data"]["attributes"]["is_approved"] is False
    assert last_call(sandbox_wire) == ("POST", "/v2/cnams")
    assert body_json(sandbox_wire.requests[-1]) == {"value": "FR H5K8"}  # JSON (the SDK sent a form)
    cnam_id = created["data"]["id"]
    assert v3.cnams.get_cnam(cnam_id)["data"]["attributes"]["value"] == "FR H5K8"

    assert v3.cnams.remove_cnam(int(cnam_id)) is None
    assert last_call(sandbox_wire) == ("DELETE", f"/v2/cnams/{cnam_id}")
    with pytest.raises(ErrorException) as gone:
        v3.cnams.get_cnam(cnam_id)
    assert gone.value.response_code == 404

    with pytest.raises(InputError) as caught:
        v3.cnams.create_cnam_record("12065551234")  # a number, not a name
    assert caught.value.field == "value"


def test_associate_and_unassociate_a_cnam(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport
) -> None:
    result = v3.cnams.associate_cnam("17604", FROM_NUMBER)

    # One request to the documented path (the SDK searched the number first, then used /relationships/cnam).
    assert api_calls(sandbox_wire) == [("PATCH", f"/v2/numbers/{FROM_NUMBER}/relationships/cnams/17604")]
    assert result["data"]["id"] == 17604 and result["data"]["type"] == "cnam"
    assert "date_created" in result["data"]["attributes"]

    result = v3.cnams.unassociate_cnam(FROM_NUMBER)
    assert last_call(sandbox_wire) == ("DELETE", f"/v2/numbers/{FROM_NUMBER}/relationships/cnams")
    assert result["data"]["id"] is None


def test_cnam_errors(v3: FlowroutenumbersandmessagingClient) -> None:
    pending = v3.cnams.create_cnam_record("FR PEND")["data"]["id"]
    with pytest.raises(ErrorException) as not_approved:
        v3.cnams.associate_cnam(pending, FROM_NUMBER)
    assert str(not_approved.value) == "Unprocessable Entity - You tried to enter an incorrect value."
    assert isinstance(not_approved.value, UnprocessableEntityError)

    with pytest.raises(ErrorException) as not_ours:
        v3.cnams.associate_cnam("17604", "12065550100")
    assert not_ours.value.response_code == 404
    with pytest.raises(InputError) as partial:
        v3.cnams.unassociate_cnam("2673227")  # the SDK matched part of a number; the full number is needed
    assert partial.value.field == "phone_number"


def test_search_cnams(v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport) -> None:
    for value in ("CHRIS A", "B CHRIS", "X CHRIS Y", *(f"CHRIS {n}" for n in range(10))):
        v3.cnams.create_cnam_record(value)
    sent_before = len(sandbox_wire.requests)

    def values(result: dict[str, Any]) -> list[str]:
        return sorted(item["attributes"]["value"] for item in result["data"])

    assert len(v3.cnams.search_cnams(contains="chris")["data"]) == 13  # every page, case-insensitive
    assert len(sandbox_wire.requests) - sent_before == 2  # 10 per page (the documented default)
    assert dict(sandbox_wire.requests[-1].url.params)["value"] == "chris"
    assert values(v3.cnams.search_cnams(starts_with="CHRIS ")) == ["CHRIS 0", "CHRIS 1", "CHRIS 2", "CHRIS 3"] + [
        f"CHRIS {n}" for n in range(4, 10)
    ] + ["CHRIS A"]
    assert values(v3.cnams.search_cnams(ends_with="CHRIS")) == ["B CHRIS"]
    assert values(v3.cnams.search_cnams(contains="CHRIS", ends_with=" Y")) == ["X CHRIS Y"]
    assert v3.cnams.search_cnams(contains="NOBODY") == {"data": []}
    assert values(v3.cnams.search_cnams(contains="chris", is_approved=True)) == []

    wrong: list[tuple[dict[str, Any], str]] = [
        ({}, "contains"),
        ({"starts_with": ""}, "starts_with"),
        ({"ends_with": 7}, "ends_with"),
    ]
    for kwargs, field in wrong:
        with pytest.raises(InputError) as caught:
            v3.cnams.search_cnams(**kwargs)
        assert caught.value.field == field


# ----------------------------------------------------------------------------- porting


def test_check_portability_sends_e164_with_plus(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport
) -> None:
    result = v3.porting.checkPortability(["14254664444", 18827833439, "+12125551212", FROM_NUMBER])

    assert last_call(sandbox_wire) == ("POST", "/v2/portorders/portability")
    assert sandbox_wire.requests[-1].headers["content-type"] == "application/json"
    assert body_json(sandbox_wire.requests[-1]) == {
        "numbers": ["+14254664444", "+18827833439", "+12125551212", f"+{FROM_NUMBER}"]
    }
    assert sorted(result["data"]["portable"]) == ["+14254664444", "+18827833439"]
    assert sorted(result["data"]["nonportable"]) == [f"+{FROM_NUMBER}", "+12125551212"]  # 555, and ours already
    assert result["data"]["hypernetwork_enabled"] == []


def test_check_portability_accepts_one_comma_separated_string(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport
) -> None:
    v3.porting.checkPortability("14254664444, 18827833439")
    assert body_json(sandbox_wire.requests[-1]) == {"numbers": ["+14254664444", "+18827833439"]}


def test_check_portability_input_errors(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport
) -> None:
    for numbers, field in [(["14254664444", "four"], "numbers[1]"), (14254664444, "numbers"), ([], "numbers")]:
        with pytest.raises(InputError) as caught:
            v3.porting.checkPortability(numbers)
        assert caught.value.field == field
    assert sandbox_wire.requests == []


# ----------------------------------------------------------------------------- cdrs


def _window(days: int = 30) -> dict[str, str]:
    end = datetime.now(UTC).replace(microsecond=0)
    return {
        "start_call_start_time": (end - timedelta(days=days)).strftime("%Y-%m-%d %H:%M:%S"),
        "start_call_end_time": end.strftime("%Y-%m-%d %H:%M:%S"),
    }


def test_create_list_and_status_of_cdr_exports(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport
) -> None:
    filters = {
        "start_call_start_time": "2019-01-01 00:00:00",
        "start_call_end_time": "2019-02-01 00:00:00",
        "number_aliases": ["Office 221", "Office 888"],
    }
    created = v3.cdrs.create_cdr_export(filters, "https://myserver.com/cdrs")

    assert created["data"]["attributes"]["status"] == "processing"
    assert body_json(sandbox_wire.requests[-1]) == {
        "data": {
            "type": "cdrexport",
            "attributes": {"filter_parameters": filters, "callback_url": "https://myserver.com/cdrs"},
        }
    }
    export_id = created["data"]["id"]

    listed = v3.cdrs.list_cdrs(10, None, "completed")  # the sandbox completes an export when it is read
    assert dict(sandbox_wire.requests[-1].url.params) == {"limit": "10", "status": "completed"}
    assert [item["data"]["id"] for item in listed["data"]] == [export_id]  # each item wrapped in `data`
    assert v3.cdrs.list_cdr_exports("completed", 10) == listed  # the README's name and order
    status = v3.cdrs.get_cdr_export_status(export_id)
    assert last_call(sandbox_wire) == ("GET", f"/v2/cdrs/exports/{export_id}")
    assert status["data"]["attributes"]["status"] == "completed"
    assert status["data"]["attributes"]["download_url"]

    again = v3.cdrs.create_cdr_export(json.dumps(_window()))  # a JSON string, no callback
    assert "callback_url" not in body_json(sandbox_wire.requests[-1])["data"]["attributes"]
    assert again["data"]["attributes"]["callback_url"] is None


def test_cdr_input_errors_name_the_sdk_arguments(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport
) -> None:
    cases: list[tuple[Callable[[], object], str]] = [
        (lambda: v3.cdrs.create_cdr_export({"start_call_start_time": "2019-01-01"}), "filters.start_call_end_time"),
        (lambda: v3.cdrs.create_cdr_export(_window(), "myserver/cdrs"), "callback_url"),
        (lambda: v3.cdrs.create_cdr_export("{not json"), "filters"),
        (lambda: v3.cdrs.list_cdrs(status="done"), "status"),
        (lambda: v3.cdrs.get_cdr_export_status("abc"), "cdrexport_id"),
    ]
    for call, field in cases:
        with pytest.raises(InputError) as caught:
            call()
        assert caught.value.field == field
    assert sandbox_wire.requests == []


def test_download_and_parse_a_cdr_export(
    v3: FlowroutenumbersandmessagingClient, sandbox_wire: RecordingTransport, tmp_path: Path
) -> None:
    v3.numbers.set_did_alias(FROM_NUMBER, "Office 221")
    export_id = v3.cdrs.create_cdr_export(_window() | {"number_aliases": ["Office 221"]})["data"]["id"]
    filename = str(tmp_path / "temp_cdr_file.csv")

    result = v3.cdrs.download_cdr_export(export_id, filename)

    assert result == {"filename": filename}
    status, download = sandbox_wire.requests[-2:]
    assert status.url.path == f"{SANDBOX_ROOT}/v2/cdrs/exports/{export_id}"
    assert download.url.path == f"/_sandbox/flowroute/cdrexports/{export_id}.csv.gz"  # the status's download_url
    header = Path(filename).read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == CSV_COLUMNS  # gunzipped, as documented

    rows = v3.cdrs.parse_cdr_export(filename)
    expected = v3.cdrs.get_cdr_export_status(export_id)["data"]["attributes"]["num_calls"]
    assert len(rows) == expected > 0
    assert {row["number_alias"] for row in rows} == {"Office 221"}
    assert all(row["callerid"] and row["destination"] and row["start_time"] for row in rows)


def test_download_of_an_unknown_export(v3: FlowroutenumbersandmessagingClient, tmp_path: Path) -> None:
    with pytest.raises(ErrorException) as caught:
        v3.cdrs.download_cdr_export(99999, str(tmp_path / "x.csv"))
    assert isinstance(caught.value, NotFoundError)
    assert not (tmp_path / "x.csv").exists()


class _ExportServer:
    """A Flowroute API stand-in for the export states the sandbox does not show (it completes at once)."""

    def __init__(self, status: str, file: bytes, file_url: str = "https://files.example.com/e.csv.gz?sig=1") -> None:
        self.status, self.file, self.file_url = status, file, file_url
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/v2/cdrs/exports/38647":
            attributes = {"status": self.status, "download_url": self.file_url if self.status == "completed" else None}
            return httpx.Response(200, json={"data": {"type": "cdrexport", "id": "38647", "attributes": attributes}})
        return httpx.Response(200, content=self.file)


def _mocked(server: _ExportServer) -> FlowroutenumbersandmessagingClient:
    return FlowroutenumbersandmessagingClient("k", "s", transport=httpx.MockTransport(server))


CSV = (
    b"direction,start_time,end_time,destination,number_alias,callerid,total_cost\n"
    b"Inbound,2019-06-25 18:18:00+00,2019-06-25 18:18:29+00,12063389999,Office Line 2,+12069928999,0.00474784\n"
)


def test_download_while_processing_returns_none(tmp_path: Path) -> None:
    server = _ExportServer("processing", CSV)
    with _mocked(server) as v3:
        assert v3.cdrs.download_cdr_export("38647", tmp_path / "x.csv") is None
    assert len(server.requests) == 1 and not (tmp_path / "x.csv").exists()


@pytest.mark.parametrize("file", [gzip.compress(CSV), CSV], ids=["gzip", "plain CSV"])
def test_download_from_storage_writes_the_csv_without_credentials(file: bytes, tmp_path: Path) -> None:
    server = _ExportServer("completed", file)
    with _mocked(server) as v3:
        assert v3.cdrs.download_cdr_export("38647", tmp_path / "x.csv") == {"filename": tmp_path / "x.csv"}
        rows = v3.cdrs.parse_cdr_export(tmp_path / "x.csv")
    assert (tmp_path / "x.csv").read_bytes() == CSV
    status, download = server.requests
    assert "authorization" in status.headers and "authorization" not in download.headers
    assert rows == [
        {
            "direction": "Inbound",
            "start_time": "2019-06-25 18:18:00+00",
            "end_time": "2019-06-25 18:18:29+00",
            "destination": "12063389999",
            "number_alias": "Office Line 2",
            "callerid": "+12069928999",
            "total_cost": "0.00474784",
        }
    ]


@pytest.mark.parametrize(
    "file",
    [
        gzip.compress(b"a" * 5_000_000, compresslevel=9),  # a bomb: a few KB that expand to 5 MB
        gzip.compress(b"a" * 600_000) * 2,  # two members, each under the cap, together over it
    ],
    ids=["one member", "two members"],
)
def test_a_download_that_expands_past_the_response_cap_is_refused(file: bytes, tmp_path: Path) -> None:
    from smsclients import MalformedResponseError, RetryPolicy

    server = _ExportServer("completed", file)
    with FlowroutenumbersandmessagingClient(
        "k", "s", transport=httpx.MockTransport(server), retry=RetryPolicy(max_response_bytes=1_000_000)
    ) as v3:
        assert len(file) < 1_000_000  # what was read is under the cap: only the expansion is not
        with pytest.raises(MalformedResponseError, match="max_response_bytes"):
            v3.cdrs.download_cdr_export("38647", tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


def test_a_gzip_download_of_several_members_under_the_cap_is_whole(tmp_path: Path) -> None:
    server = _ExportServer("completed", gzip.compress(CSV[:40]) + gzip.compress(CSV[40:]))
    with _mocked(server) as v3:
        v3.cdrs.download_cdr_export("38647", tmp_path / "x.csv")
    assert (tmp_path / "x.csv").read_bytes() == CSV


def test_file_names_that_cannot_be_used_are_input_errors(tmp_path: Path) -> None:
    server = _ExportServer("completed", CSV)
    with _mocked(server) as v3:
        for filename in (3, None, b"x.csv", ""):  # an int would be a file descriptor to open()
            with pytest.raises(InputError) as download:
                v3.cdrs.download_cdr_export("38647", filename)
            with pytest.raises(InputError) as parse:
                v3.cdrs.parse_cdr_export(filename)
            assert download.value.field == parse.value.field == "filename"
        with pytest.raises(InputError, match="folder"):
            v3.cdrs.download_cdr_export("38647", tmp_path / "missing" / "x.csv")
        with pytest.raises(InputError, match="cannot be read"):
            v3.cdrs.parse_cdr_export(tmp_path / "missing.csv")
        with pytest.raises(InputError, match="cannot be written"):
            v3.cdrs.download_cdr_export("38647", tmp_path)  # a folder
    assert len(server.requests) == 2  # only the last call got as far as the API and the file


def test_unreadable_or_incomplete_exports_raise_typed_errors(tmp_path: Path) -> None:
    with _mocked(_ExportServer("completed", b"\x1f\x8b not really gzip")) as v3, pytest.raises(MalformedResponseError):
        v3.cdrs.download_cdr_export("38647", tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()

    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00direction")
    with _mocked(_ExportServer("completed", CSV)) as v3, pytest.raises(MalformedResponseError):
        v3.cdrs.parse_cdr_export(tmp_path / "binary.csv")
    (tmp_path / "short.csv").write_text("direction,start_time,destination,total_cost\nInbound,2019,1206,0\n")
    with _mocked(_ExportServer("completed", CSV)) as v3, pytest.raises(MalformedResponseError, match="callerid"):
        v3.cdrs.parse_cdr_export(tmp_path / "short.csv")


# ----------------------------------------------------------------------------- errors across the new controllers


def test_wrong_credentials_raise_the_sdks_401(fresh_sandbox: SandboxHandle) -> None:
    with FlowroutenumbersandmessagingClient(
        "wrong", "credentials", base_uri=fresh_sandbox.base_urls["flowroute-v2"]
    ) as v3:
        for call in (
            v3.e911s.list_e911s,
            v3.cnams.list_cnams,
            v3.cdrs.list_cdrs,
            v3.routes.list_edge_strategies,
            lambda: v3.porting.checkPortability(["14254664444"]),
            lambda: v3.messages.set_account_level_sms_callback("http://example.com/sms"),
        ):
            with pytest.raises(ErrorException) as caught:
                call()
            assert str(caught.value) == "Unauthorized \u2013 There was an issue with your API credentials."
            assert isinstance(caught.value, AuthenticationError)
            assert caught.value.errors is not None
