"""FR-v3 drop-in (``flowroutenumbersandmessaging``): all 13 documented methods as S001 calls them."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from typing import Any

import pytest
from smsclients.config import MissingSettingError
from smsclients.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    UnprocessableEntityError,
)
from smsclients.legacy import flowroute_v3
from smsclients.legacy.flowroute_v3 import (
    APIException,
    Error1,
    ErrorException,
    FlowroutenumbersandmessagingClient,
)

from .support import (
    ACCESS_KEY,
    FROM_NUMBER,
    MDR2_ID,
    MMS_URL,
    NUMBER,
    SECRET_KEY,
    SENT_MDR2_ID,
    TO_NUMBER,
    Cassette,
    RecordingTransport,
    assert_all_played,
    body_json,
    calls,
    params,
)

# Every documented legacy method (S001), each exercised below.
LEGACY_METHODS = (
    "numbers.list_available_area_codes",
    "numbers.list_available_exchange_codes",
    "numbers.search_for_purchasable_phone_numbers",
    "numbers.purchase_a_phone_number",
    "numbers.list_account_phone_numbers",
    "numbers.list_phone_number_details",
    "routes.create_an_inbound_route",
    "routes.list_inbound_routes",
    "routes.update_primary_voice_route",
    "routes.update_failover_voice_route",
    "messages.send_a_message",
    "messages.look_up_a_set_of_messages",
    "messages.look_up_a_message_detail_record",
)

# S001 builds its bodies as JSON strings with backslash line continuations; reproduced verbatim.
NEW_ROUTE = "il775u.sonsofodin.com"
ALIAS = "new route"
ROUTE_BODY = (
    '{ \
  "data": { \
    "type": "route", \
    "attributes": { \
      "route_type": "host", \
      "value": "'
    + NEW_ROUTE
    + '", \
      "alias": "'
    + ALIAS
    + '" \
    } \
  } \
}'
)
PRIMARY_BODY = (
    '{ \
  "data": { \
    "type": "route", \
    "id": "'
    + str(83834)
    + '" \
  } \
}'
)
MESSAGE_BODY = (
    '{ \
  "data": { \
    "type": "message", \
    "attributes": { \
      "to": "'
    + str(TO_NUMBER)
    + '", \
      "from": "'
    + str(FROM_NUMBER)
    + '", \
      "body": "hello there", \
      "is_mms": "true", \
      "media_urls": ["http://s3.amazonaws.com/barkpost-assets/50+GIFs/37.gif"] \
    } \
  } \
}'
)


@pytest.fixture
def wire() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def client(wire: RecordingTransport) -> Iterator[FlowroutenumbersandmessagingClient]:
    # S001 passes the credentials positionally.
    with FlowroutenumbersandmessagingClient(ACCESS_KEY, SECRET_KEY, transport=wire) as fr:
        yield fr


# ----------------------------------------------------------------------------- numbers


@pytest.mark.vcr
def test_list_available_area_codes(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    numbers_controller = client.numbers
    max_setup_cost = 3.25
    limit = 3
    offset = None
    result = numbers_controller.list_available_area_codes(limit, offset, max_setup_cost)

    assert [item["id"] for item in result["data"]] == ["201", "202", "203"]
    assert result["links"]["next"].endswith("offset=3")
    assert params(wire.requests[0]) == {"limit": "3", "max_setup_cost": "3.25"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_list_available_exchange_codes(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    result = client.numbers.list_available_exchange_codes(3, None, None, 347)

    assert result["data"][0] == {
        "type": "exchange",
        "id": "347215",
        "links": {"related": "https://api.flowroute.com/v2/numbers/available?starts_with=1347215"},
    }
    assert params(wire.requests[0]) == {"areacode": "347", "limit": "3"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_search_for_purchasable_phone_numbers(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    result = client.numbers.search_for_purchasable_phone_numbers(646, 3, 7, 3, None, None, None)

    assert [item["id"] for item in result["data"]] == ["16463439507", "16463439617", "16463439667"]
    assert result["data"][0]["attributes"]["monthly_cost"] == 1.25
    assert params(wire.requests[0]) == {"starts_with": "646", "contains": "3", "ends_with": "7", "limit": "3"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_purchase_a_phone_number(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    purchasable_number = NUMBER
    result = client.numbers.purchase_a_phone_number(purchasable_number)

    assert result["data"]["id"] == NUMBER
    assert result["data"]["relationships"]["primary_route"] == {"data": {"id": "0", "type": "route"}}
    assert result["data"]["relationships"]["e911_address"] == {"data": None}
    assert result["included"][0]["attributes"]["value"] is None
    assert calls(wire) == [("POST", f"/v2/numbers/{NUMBER}")]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_purchase_a_phone_number_with_sdk_keyword_and_int(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    # The SDK's own parameter name is `id`, and it sent an int as is.
    result = client.numbers.purchase_a_phone_number(id=int(NUMBER))

    assert result["data"]["id"] == NUMBER
    assert calls(wire) == [("POST", f"/v2/numbers/{NUMBER}")]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_list_account_phone_numbers(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    starts_with = 201
    ends_with = None
    contains = None
    limit = 3
    offset = None
    result = client.numbers.list_account_phone_numbers(starts_with, ends_with, contains, limit, offset)

    assert [item["id"] for item in result["data"]] == [FROM_NUMBER, "12014845220"]
    assert result["data"][0]["attributes"]["alias"] is None
    assert "next" not in result["links"]
    assert params(wire.requests[0]) == {"starts_with": "201", "limit": "3"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_list_phone_number_details(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    number_id = NUMBER
    result = client.numbers.list_phone_number_details(number_id)

    assert result["data"]["attributes"]["rate_center"] == "millbrae"
    assert result["links"] == {"self": f"https://api.flowroute.com/v2/numbers/{NUMBER}"}
    assert calls(wire) == [("GET", f"/v2/numbers/{NUMBER}")]
    assert_all_played(vcr)


# ----------------------------------------------------------------------------- routes


@pytest.mark.vcr
def test_create_an_inbound_route(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    routes_controller = client.routes
    result = routes_controller.create_an_inbound_route(ROUTE_BODY)

    assert result["data"]["id"] == "98396"
    assert result["links"] == {"self": "https://api.flowroute.com/routes/98396"}
    assert body_json(wire.requests[0]) == {
        "data": {"type": "route", "attributes": {"route_type": "host", "value": NEW_ROUTE, "alias": ALIAS}}
    }
    assert_all_played(vcr)


@pytest.mark.vcr
def test_create_an_inbound_route_from_dict(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    # Fixed defect: a dict body used to raise TypeError.
    body = {"data": {"type": "route", "attributes": {"route_type": "host", "value": NEW_ROUTE, "alias": ALIAS}}}
    result = client.routes.create_an_inbound_route(body)

    assert result["data"]["attributes"]["alias"] == ALIAS
    assert body_json(wire.requests[0]) == body
    assert_all_played(vcr)


@pytest.mark.vcr
def test_list_inbound_routes(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    limit = 2
    result = client.routes.list_inbound_routes(limit)

    assert [item["id"] for item in result["data"]] == ["0", "83834"]
    assert result["data"][0]["attributes"] == {"route_type": "sip-reg", "alias": "sip-reg", "value": None}
    assert params(wire.requests[0]) == {"limit": "2"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_update_primary_voice_route(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    result = client.routes.update_primary_voice_route(FROM_NUMBER, PRIMARY_BODY)

    assert result is None  # 204: No Content
    assert calls(wire) == [("PATCH", f"/v2/numbers/{FROM_NUMBER}/relationships/primary_route")]
    assert body_json(wire.requests[0]) == {"data": {"type": "route", "id": "83834"}}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_update_failover_voice_route(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    result = client.routes.update_failover_voice_route(FROM_NUMBER, {"data": {"type": "route", "id": 98396}})

    assert result is None
    assert calls(wire) == [("PATCH", f"/v2/numbers/{FROM_NUMBER}/relationships/failover_route")]
    assert body_json(wire.requests[0]) == {"data": {"type": "route", "id": "98396"}}
    assert_all_played(vcr)


# ----------------------------------------------------------------------------- messages


@pytest.mark.vcr
def test_send_a_message(client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette) -> None:
    messages_controller = client.messages
    result = messages_controller.send_a_message(MESSAGE_BODY)

    assert result["data"]["id"] == SENT_MDR2_ID
    assert result["data"]["links"]["self"] == f"https://api.flowroute.com/v2.1/messages/{SENT_MDR2_ID}"
    # is_mms "true" (a string in S001) goes out as a JSON boolean.
    assert body_json(wire.requests[0]) == {
        "data": {
            "type": "message",
            "attributes": {
                "to": TO_NUMBER,
                "from": FROM_NUMBER,
                "body": "hello there",
                "is_mms": True,
                "media_urls": [MMS_URL],
            },
        }
    }
    assert_all_played(vcr)


@pytest.mark.vcr
def test_send_a_message_from_dict_is_mms_false(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    body: dict[str, Any] = {
        "data": {
            "type": "message",
            "attributes": {"to": TO_NUMBER, "from": FROM_NUMBER, "body": "hi", "is_mms": "false"},
        }
    }
    result = client.messages.send_a_message(body)

    assert result["data"]["id"] == SENT_MDR2_ID
    assert body_json(wire.requests[0])["data"]["attributes"] == {
        "to": TO_NUMBER,
        "from": FROM_NUMBER,
        "body": "hi",
        "is_mms": False,
    }
    assert_all_played(vcr)


@pytest.mark.vcr
def test_look_up_a_set_of_messages(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    start_date = "2017-12-01"
    end_date = "2018-01-08"
    limit = 2
    result = client.messages.look_up_a_set_of_messages(start_date, end_date, limit)

    assert [item["id"] for item in result["data"]] == [MDR2_ID, SENT_MDR2_ID]
    assert result["data"][1]["attributes"]["delivery_receipts"][1]["status_code"] is None
    assert "offset=2" in result["links"]["next"]
    # Sent exactly as given (FR-v3 rewrote them as 2017-12-01T00:00:00).
    assert params(wire.requests[0]) == {"start_date": "2017-12-01", "end_date": "2018-01-08", "limit": "2"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_look_up_a_message_detail_record(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    message_id = MDR2_ID
    result = client.messages.look_up_a_message_detail_record(message_id)

    assert result["data"]["id"] == MDR2_ID
    assert result["data"]["attributes"]["from"] == "12061232634"
    assert calls(wire) == [("GET", f"/v2.1/messages/{MDR2_ID}")]
    assert_all_played(vcr)


# ----------------------------------------------------------------------------- errors


@pytest.mark.vcr
def test_401_raises_error_exception(client: FlowroutenumbersandmessagingClient, vcr: Cassette) -> None:
    with pytest.raises(ErrorException) as caught:
        client.numbers.list_account_phone_numbers()

    error = caught.value
    assert str(error) == "Unauthorized \u2013 There was an issue with your API credentials."
    assert error.response_code == 401
    assert error.context.response.status_code == 401
    assert '"Authentication failed."' in error.context.response.raw_body
    assert error.context.request.http_method == "GET"
    assert error.errors is not None and len(error.errors) == 1
    entry = error.errors[0]
    assert (entry.id, entry.status, entry.title, entry.detail) == (
        "277d6cfc-0577-4bfb-aaee-2c819a20223c",
        401,
        "Unauthorized",
        "Authentication failed.",
    )
    assert isinstance(error, APIException) and isinstance(error, AuthenticationError)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_403_raises_error_exception(client: FlowroutenumbersandmessagingClient, vcr: Cassette) -> None:
    with pytest.raises(ErrorException) as caught:
        client.messages.send_a_message(MESSAGE_BODY)

    assert str(caught.value) == "Forbidden \u2013 You don't have permission to access this resource."
    assert isinstance(caught.value, PermissionDeniedError)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_404_raises_error_exception(client: FlowroutenumbersandmessagingClient, vcr: Cassette) -> None:
    with pytest.raises(ErrorException) as caught:
        client.numbers.list_phone_number_details(NUMBER)

    assert str(caught.value) == "The specified resource was not found"
    assert isinstance(caught.value, NotFoundError)
    assert caught.value.errors is not None and caught.value.errors[0].title == "Not Found"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_422_raises_error_exception(client: FlowroutenumbersandmessagingClient, vcr: Cassette) -> None:
    with pytest.raises(ErrorException) as caught:
        client.messages.send_a_message(MESSAGE_BODY)

    assert str(caught.value) == "Unprocessable Entity - You tried to enter an incorrect value."
    assert isinstance(caught.value, UnprocessableEntityError)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_other_status_raises_api_exception(client: FlowroutenumbersandmessagingClient, vcr: Cassette) -> None:
    with pytest.raises(APIException) as caught:
        client.routes.list_inbound_routes()

    error = caught.value
    assert not isinstance(error, ErrorException)
    assert str(error) == "HTTP response not OK."
    assert error.response_code == 400
    assert isinstance(error, BadRequestError)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_non_json_error_body(client: FlowroutenumbersandmessagingClient, vcr: Cassette) -> None:
    with pytest.raises(APIException) as caught:
        client.numbers.purchase_a_phone_number(NUMBER)

    error = caught.value
    assert str(error) == "HTTP response not OK."
    assert error.context.response.raw_body.startswith("<html>")
    assert isinstance(error, ServerError)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_exception_with_non_json_body_has_errors_none(
    client: FlowroutenumbersandmessagingClient, vcr: Cassette
) -> None:
    # Fixed defect: the SDK left `errors` unset here (AttributeError on access).
    with pytest.raises(ErrorException) as caught:
        client.messages.look_up_a_message_detail_record(MDR2_ID)

    assert caught.value.errors is None
    assert caught.value.response_code == 404
    assert_all_played(vcr)


# ----------------------------------------------------------------------------- client surface


def test_controllers_are_lazy_and_cached(client: FlowroutenumbersandmessagingClient) -> None:
    assert "numbers" not in vars(client)
    numbers = client.numbers
    assert client.numbers is numbers
    assert client.routes is client.routes
    assert client.messages is client.messages


@pytest.mark.vcr
def test_credentials_are_per_client(vcr: Cassette) -> None:
    first_wire, second_wire = RecordingTransport(), RecordingTransport()
    with (
        FlowroutenumbersandmessagingClient(ACCESS_KEY, SECRET_KEY, transport=first_wire) as first,
        FlowroutenumbersandmessagingClient("other-key", "other-secret", transport=second_wire) as second,
    ):
        first.numbers.list_phone_number_details(NUMBER)
        second.numbers.list_phone_number_details(NUMBER)

    assert first_wire.requests[0].headers["Authorization"] != second_wire.requests[0].headers["Authorization"]
    assert_all_played(vcr)


@pytest.mark.vcr  # no cassette: any request would fail the test
def test_invalid_input_is_refused_before_sending(
    client: FlowroutenumbersandmessagingClient, wire: RecordingTransport
) -> None:
    with pytest.raises(InputError) as caught:
        client.routes.create_an_inbound_route('{"data": {"type": "route", "attributes": {"route_type": "pbx"}}}')
    assert caught.value.field == "route_body.data.attributes.route_type"

    with pytest.raises(InputError) as caught:
        client.routes.create_an_inbound_route("{not json")
    assert caught.value.field == "route_body"

    with pytest.raises(InputError) as caught:
        client.messages.send_a_message(
            {"data": {"type": "message", "attributes": {"to": "5551234", "from": FROM_NUMBER}}}
        )
    assert caught.value.field == "message_body.data.attributes.to"

    with pytest.raises(InputError) as caught:
        client.messages.send_a_message(MESSAGE_BODY.replace('"true"', '"yes"'))
    assert caught.value.field == "message_body.data.attributes.is_mms"

    with pytest.raises(InputError) as caught:
        client.routes.update_primary_voice_route("2012673227", PRIMARY_BODY)
    assert caught.value.field == "number_id"

    with pytest.raises(InputError) as caught:
        client.messages.look_up_a_set_of_messages("12/01/2017")
    assert caught.value.field == "start_date"

    with pytest.raises(InputError) as caught:
        client.numbers.list_available_area_codes("ten")
    assert caught.value.field == "limit"

    with pytest.raises(TypeError):
        client.numbers.purchase_a_phone_number()
    with pytest.raises(TypeError):
        client.numbers.purchase_a_phone_number(NUMBER, id=NUMBER)
    assert wire.requests == []


def test_missing_credentials_raise_on_the_first_call(monkeypatch: pytest.MonkeyPatch) -> None:
    # The SDK built the client and failed on use (with its API's 401); so does the drop-in, sending nothing.
    for name in ("FLOWROUTE_ACCESS_KEY", "FLOWROUTE_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    for args, field in (((), "basic_auth_user_name"), ((ACCESS_KEY,), "basic_auth_password")):
        client = FlowroutenumbersandmessagingClient(*args)
        with pytest.raises(ErrorException) as caught:
            client.numbers.list_account_phone_numbers()
        assert isinstance(caught.value, MissingSettingError)
        assert caught.value.field == field
        assert caught.value.response_code == 401
        assert caught.value.errors is not None and caught.value.errors[0].status == 401


def test_sdk_module_paths_are_aliased_inside_our_package() -> None:
    client_module = importlib.import_module("smsclients.legacy.flowroute_v3.flowroutenumbersandmessaging_client")
    assert client_module.FlowroutenumbersandmessagingClient is FlowroutenumbersandmessagingClient
    api_exception = importlib.import_module("smsclients.legacy.flowroute_v3.exceptions.api_exception")
    assert api_exception.APIException is APIException
    error_exception = importlib.import_module("smsclients.legacy.flowroute_v3.exceptions.error_exception")
    assert error_exception.ErrorException is ErrorException
    assert flowroute_v3.models.error_1.Error1 is Error1
    assert flowroute_v3.controllers.numbers_controller.NumbersController is flowroute_v3.NumbersController
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("flowroutenumbersandmessaging")


def test_error1_from_dictionary() -> None:
    entry = Error1.from_dictionary({"id": "x", "status": 404, "detail": "gone", "title": "Not Found"})
    assert entry is not None and (entry.id, entry.status, entry.detail, entry.title) == ("x", 404, "gone", "Not Found")
    assert Error1.from_dictionary(None) is None
    assert issubclass(ErrorException, APIException)
    assert not issubclass(APIException, APIError)  # only the raised (combined) classes are typed errors
