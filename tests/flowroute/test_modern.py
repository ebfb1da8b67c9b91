"""The sync Flowroute facade: every method over the seed exchanges, errors, paging, input checks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from flowroute_v2_client.models import AccountNumber, AreaCode, MessageRecord, RouteResource
from smsclients.checker import SpecChecker
from smsclients.errors import (
    APIError,
    AuthenticationError,
    InputError,
    InsecureURLError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
    UnprocessableEntityError,
)
from smsclients.flowroute import FlowrouteClient, parse_error_body
from smsclients.retries import RetryPolicy

from tests.fields import dig

from .support import (
    ACCESS_KEY,
    API,
    FROM_NUMBER,
    MDR1_LOOKUP,
    MDR1_SENT,
    MDR2_ID,
    MMS_URL,
    NUMBER,
    SECRET_KEY,
    SENT_MDR2_ID,
    TO_NUMBER,
    V2_FROM,
    Cassette,
    RecordingTransport,
    assert_all_played,
    body_json,
    calls,
    params,
)


@pytest.fixture
def wire() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def fr(wire: RecordingTransport) -> Iterator[FlowrouteClient]:
    with FlowrouteClient(ACCESS_KEY, SECRET_KEY, transport=wire) as client:
        yield client


# ----------------------------------------------------------------------------- numbers


@pytest.mark.vcr
def test_list_available_area_codes(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    page = fr.numbers.list_available_area_codes(limit=3, max_setup_cost=3.25)

    assert [dig(code, "id") for code in dig(page, "data")] == ["201", "202", "203"]
    assert dig(page, "data[0].links.related") == f"{API}/v2/numbers/available/exchanges?areacode=201"
    assert dig(page, "links.next_") == f"{API}/v2/numbers/available/areacodes?max_setup_cost=3&limit=3&offset=3"
    assert calls(wire) == [("GET", "/v2/numbers/available/areacodes")]
    assert params(wire.requests[0]) == {"limit": "3", "max_setup_cost": "3.25"}
    assert wire.requests[0].headers["Authorization"].startswith("Basic ")
    assert_all_played(vcr)


@pytest.mark.vcr
def test_iter_available_area_codes_follows_three_pages(
    fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    pager = fr.numbers.iter_available_area_codes(page_size=2)
    assert wire.requests == []  # lazy: nothing is fetched before iteration

    codes = list(pager)

    assert all(isinstance(code, AreaCode) for code in codes)
    assert [dig(code, "id") for code in codes] == ["201", "202", "203", "204", "205"]
    assert [params(request) for request in wire.requests] == [
        {"limit": "2"},
        {"limit": "2", "offset": "2"},
        {"limit": "2", "offset": "4"},
    ]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_iter_available_area_codes_stops_at_limit(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    codes = [dig(code, "id") for code in fr.numbers.iter_available_area_codes(page_size=2, max_items=3)]

    assert codes == ["201", "202", "203"]
    assert len(wire.requests) == 2  # the third page is never requested
    assert_all_played(vcr)


@pytest.mark.vcr
def test_list_available_exchange_codes(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    page = fr.numbers.list_available_exchange_codes(areacode=347, limit=3)

    assert [dig(code, "id") for code in dig(page, "data")] == ["347215", "347325", "347331"]
    assert dig(page, "data[0].links.related") == f"{API}/v2/numbers/available?starts_with=1347215"
    assert calls(wire) == [("GET", "/v2/numbers/available/exchanges")]
    assert params(wire.requests[0]) == {"areacode": "347", "limit": "3"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_iter_available_exchange_codes(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    codes = [dig(code, "id") for code in fr.numbers.iter_available_exchange_codes(areacode=347, page_size=3)]

    assert codes == ["347215", "347325", "347331", "347342"]
    assert [params(request) for request in wire.requests] == [
        {"areacode": "347", "limit": "3"},
        {"areacode": "347", "limit": "3", "offset": "3"},
    ]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_search_purchasable(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    page = fr.numbers.search_purchasable(starts_with=646, contains=3, ends_with=7, limit=3)

    assert [dig(number, "id") for number in dig(page, "data")] == ["16463439507", "16463439617", "16463439667"]
    first = dig(page, "data[0].attributes")
    assert (first.rate_center, first.state, first.number_type) == ("nwyrcyzn01", "ny", "standard")
    assert (first.setup_cost, first.monthly_cost) == (1, 1.25)
    assert dig(page, "data[2].attributes.setup_cost") == 3.99
    assert params(wire.requests[0]) == {"starts_with": "646", "contains": "3", "ends_with": "7", "limit": "3"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_iter_purchasable(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    numbers = [dig(n, "id") for n in fr.numbers.iter_purchasable(rate_center="nwyrcyzn01", state="ny", page_size=2)]

    assert numbers == ["16463439507", "16463439617", "16463439667"]
    assert [params(request) for request in wire.requests] == [
        {"rate_center": "nwyrcyzn01", "state": "ny", "limit": "2"},
        {"rate_center": "nwyrcyzn01", "state": "ny", "limit": "2", "offset": "2"},
    ]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_purchase_number(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    document = fr.numbers.purchase("+" + NUMBER)  # "+1..." is accepted and sent without the "+"

    assert dig(document, "data.id") == NUMBER
    assert dig(document, "data.attributes.rate_center") == "millbrae"
    assert dig(document, "data.attributes.alias") is None
    primary = dig(document, "data.relationships.primary_route.data")
    assert primary is not None and primary.id == "0"
    assert dig(document, "data.relationships.failover_route.data") is None
    assert document.included and isinstance(document.included[0], RouteResource)
    assert dig(document, "included[0].attributes.route_type") == "sip-reg"
    assert calls(wire) == [("POST", f"/v2/numbers/{NUMBER}")]
    assert wire.requests[0].content == b""
    assert_all_played(vcr)


@pytest.mark.vcr
def test_list_account_numbers(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    page = fr.numbers.list_account_numbers(starts_with=201, limit=3)

    assert [dig(number, "id") for number in dig(page, "data")] == [FROM_NUMBER, "12014845220"]
    assert dig(page, "data[0].attributes.cnam_lookups_enabled") is True
    assert not dig(page, "links").next_  # last page: S001 shows only `self`
    assert params(wire.requests[0]) == {"starts_with": "201", "limit": "3"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_iter_account_numbers_follows_three_pages(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    numbers = list(fr.numbers.iter_account_numbers(page_size=2))

    assert all(isinstance(number, AccountNumber) for number in numbers)
    assert [dig(number, "id") for number in numbers] == [
        FROM_NUMBER,
        "12014845220",
        "12015550143",
        "12015550187",
        "12015550199",
    ]
    assert [params(request).get("offset") for request in wire.requests] == [None, "2", "4"]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_get_number(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    document = fr.numbers.get(NUMBER)

    assert dig(document, "data.id") == NUMBER
    assert dig(document, "data.attributes.value") == NUMBER
    assert dig(document, "links.self_") == f"{API}/v2/numbers/{NUMBER}"
    assert calls(wire) == [("GET", f"/v2/numbers/{NUMBER}")]
    assert_all_played(vcr)


# ----------------------------------------------------------------------------- routes


@pytest.mark.vcr
def test_create_route(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    document = fr.routes.create("host", "il775u.sonsofodin.com", "new route")

    assert dig(document, "data.id") == "98396"
    assert dig(document, "data.attributes.route_type") == "host"
    assert calls(wire) == [("POST", "/v2/routes")]
    assert wire.requests[0].headers["Content-Type"] == "application/vnd.api+json"
    assert body_json(wire.requests[0]) == {
        "data": {
            "type": "route",
            "attributes": {"route_type": "host", "value": "il775u.sonsofodin.com", "alias": "new route"},
        }
    }
    assert_all_played(vcr)


@pytest.mark.vcr
def test_list_routes(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    page = fr.routes.list(limit=2)

    assert [dig(route, "id") for route in dig(page, "data")] == ["0", "83834"]
    assert dig(page, "data[0].attributes.value") is None
    assert dig(page, "data[1].attributes.value") == "12065551212"
    assert params(wire.requests[0]) == {"limit": "2"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_iter_routes(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    routes = list(fr.routes.iter(page_size=2))

    assert all(isinstance(route, RouteResource) for route in routes)
    assert [dig(route, "id") for route in routes] == ["0", "83834", "98396"]
    assert [params(request) for request in wire.requests] == [{"limit": "2"}, {"limit": "2", "offset": "2"}]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_set_primary_route(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    fr.routes.set_primary(FROM_NUMBER, "83834")  # 204: nothing to return

    assert calls(wire) == [("PATCH", f"/v2/numbers/{FROM_NUMBER}/relationships/primary_route")]
    assert body_json(wire.requests[0]) == {"data": {"type": "route", "id": "83834"}}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_set_failover_route(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    fr.routes.set_failover(FROM_NUMBER, "98396")

    assert calls(wire) == [("PATCH", f"/v2/numbers/{FROM_NUMBER}/relationships/failover_route")]
    assert body_json(wire.requests[0]) == {"data": {"type": "route", "id": "98396"}}
    assert_all_played(vcr)


# ----------------------------------------------------------------------------- messages v2.1


@pytest.mark.vcr
def test_send_mms(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    accepted = fr.messages.send(to="+" + TO_NUMBER, from_=FROM_NUMBER, body="hello there", media_urls=[MMS_URL])

    assert dig(accepted, "data.id") == SENT_MDR2_ID
    assert dig(accepted, "data.links.self_") == f"{API}/v2.1/messages/{SENT_MDR2_ID}"
    assert calls(wire) == [("POST", "/v2.1/messages")]
    # JSON:API wrapper; an MMS gets is_mms true (a JSON boolean) without being asked.
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
def test_send_sms_with_dlr_callback(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    accepted = fr.messages.send(
        to=TO_NUMBER, from_=FROM_NUMBER, body="Gee, nice marmot!", dlr_callback="https://example.com/dlr"
    )

    assert dig(accepted, "data.id") == SENT_MDR2_ID
    attributes = body_json(wire.requests[0])["data"]["attributes"]
    assert attributes == {
        "to": TO_NUMBER,
        "from": FROM_NUMBER,
        "body": "Gee, nice marmot!",
        "dlr_callback": "https://example.com/dlr",
    }
    assert_all_played(vcr)


@pytest.mark.vcr
def test_send_accepts_undocumented_2xx(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    # The spec documents 202; a 200 with the same body is a success, not an error to retry.
    accepted = fr.messages.send(to=TO_NUMBER, from_=FROM_NUMBER, body="hello there")

    assert dig(accepted, "data.id") == SENT_MDR2_ID
    assert len(wire.requests) == 1
    assert_all_played(vcr)


@pytest.mark.vcr
def test_list_messages(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    page = fr.messages.list("2017-12-01", "2018-01-08", limit=2)

    assert [dig(record, "id") for record in dig(page, "data")] == [MDR2_ID, SENT_MDR2_ID]
    outbound = dig(page, "data[1].attributes")
    assert outbound.status == "message buffered"
    assert isinstance(outbound.delivery_receipts, list)  # optional since spec 1.1.0 (not for MMS)
    assert [receipt.status_code for receipt in outbound.delivery_receipts] == [1003, None]
    assert outbound.amount_display == "$0.0040"
    # Dates go out exactly as given (the documented YYYY-MM-DD form).
    assert params(wire.requests[0]) == {"start_date": "2017-12-01", "end_date": "2018-01-08", "limit": "2"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_iter_messages_follows_three_pages(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    records = list(fr.messages.iter(date(2017, 12, 1), date(2018, 1, 8), page_size=2))

    assert all(isinstance(record, MessageRecord) for record in records)
    assert len(records) == 5
    assert records[0].id == MDR2_ID
    assert params(wire.requests[0]) == {"start_date": "2017-12-01", "end_date": "2018-01-08", "limit": "2"}
    # The next links echo the dates as date-times with offset (S001); they are followed verbatim.
    assert params(wire.requests[1])["start_date"] == "2017-12-01T00:00:00+00:00"
    assert [params(request).get("offset") for request in wire.requests] == [None, "2", "4"]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_get_message(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    document = fr.messages.get(MDR2_ID)

    assert dig(document, "data.id") == MDR2_ID
    assert dig(document, "data.attributes.direction") == "inbound"
    assert dig(document, "data.attributes.delivery_receipts") == []
    assert calls(wire) == [("GET", f"/v2.1/messages/{MDR2_ID}")]
    assert_all_played(vcr)


# ----------------------------------------------------------------------------- messages v2


@pytest.mark.vcr
def test_messages_v2_send(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    response = fr.messages_v2.send(to=TO_NUMBER, from_=V2_FROM, body="example body")

    assert dig(response, "data.id") == MDR1_SENT
    assert calls(wire) == [("POST", "/v2/messages")]
    assert wire.requests[0].headers["Content-Type"] == "application/json"
    assert body_json(wire.requests[0]) == {"to": TO_NUMBER, "from": V2_FROM, "body": "example body"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_messages_v2_get(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    document = fr.messages_v2.get(MDR1_LOOKUP)

    attributes = dig(document, "data.attributes")
    assert attributes.body == "Gee, nice marmot!"
    assert attributes.callback_url is None
    assert attributes.message_type == "long-code"
    assert calls(wire) == [("GET", f"/v2/messages/{MDR1_LOOKUP}")]
    assert_all_played(vcr)


# ----------------------------------------------------------------------------- errors


@pytest.mark.vcr
def test_error_401_is_authentication_error(fr: FlowrouteClient, vcr: Cassette) -> None:
    with pytest.raises(AuthenticationError) as caught:
        fr.numbers.list_account_numbers()

    error = caught.value
    assert error.status_code == 401
    assert error.message == "Unauthorized: Authentication failed."
    assert error.code == "Unauthorized"
    assert error.provider == "flowroute"
    assert error.method == "GET"
    assert isinstance(error.body, dict) and error.body["errors"][0]["id"] == "277d6cfc-0577-4bfb-aaee-2c819a20223c"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_403_on_send_is_permission_denied(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        fr.messages.send(to=TO_NUMBER, from_=FROM_NUMBER, body="hello there")

    assert caught.value.status_code == 403
    assert caught.value.code == "Forbidden"
    assert len(wire.requests) == 1  # a send is never repeated
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_404_is_not_found(fr: FlowrouteClient, vcr: Cassette) -> None:
    with pytest.raises(NotFoundError) as caught:
        fr.messages.get("mdr2-00000000000000000000000000000000")

    assert caught.value.message == "Not Found: The requested resource was not found."
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_422_is_unprocessable(fr: FlowrouteClient, vcr: Cassette) -> None:
    with pytest.raises(UnprocessableEntityError) as caught:
        fr.messages.send(to=TO_NUMBER, from_=FROM_NUMBER, body="hello there")

    assert caught.value.details == []
    assert caught.value.message == "Unprocessable Entity: 'to' is not a valid phone number."
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_non_json_body(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    # An HTML error page from a proxy: still a typed error, never a JSON decode error.
    with pytest.raises(ServerError) as caught:
        fr.numbers.purchase(NUMBER)

    error = caught.value
    assert error.status_code == 500
    assert error.body is None
    assert error.raw_body.startswith(b"<html>")
    assert "500 Internal Server Error" in error.message
    assert len(wire.requests) == 1  # POST with a 5xx: not retried
    assert_all_played(vcr)


@pytest.mark.vcr
def test_malformed_success_body(fr: FlowrouteClient, vcr: Cassette) -> None:
    with pytest.raises(MalformedResponseError) as caught:
        fr.numbers.get(NUMBER)

    assert "does not match the API spec" in str(caught.value)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_pagination_refuses_next_link_to_another_host(
    fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    pager = iter(fr.routes.iter(page_size=2))
    assert [next(pager).id, next(pager).id] == ["0", "83834"]

    with pytest.raises(MalformedResponseError):
        next(pager)
    assert len(wire.requests) == 1  # the credentials never went to the other host
    assert_all_played(vcr)


# ----------------------------------------------------------------------------- per-call options


@pytest.mark.vcr
def test_per_call_options_reach_the_transport(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    fr.numbers.get(NUMBER, max_retries=0, timeout=5.0)
    fr.numbers.get(NUMBER)

    assert (wire.options[0].max_retries, wire.options[0].timeout) == (0, 5.0)
    assert (wire.options[1].max_retries, wire.options[1].timeout) == (None, None)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_idempotent_get_is_retried_on_503(wire: RecordingTransport, vcr: Cassette) -> None:
    policy = RetryPolicy(backoff_initial=0.0, backoff_max=0.0)
    with FlowrouteClient(ACCESS_KEY, SECRET_KEY, transport=wire, retry=policy) as client:
        document = client.numbers.get(NUMBER)

    assert dig(document, "data.id") == NUMBER
    assert len(wire.requests) == 2
    assert_all_played(vcr)


@pytest.mark.vcr
def test_max_retries_zero_disables_the_retry(fr: FlowrouteClient, wire: RecordingTransport, vcr: Cassette) -> None:
    with pytest.raises(ServerError) as caught:
        fr.numbers.get(NUMBER, max_retries=0)

    assert caught.value.status_code == 503
    assert len(wire.requests) == 1
    assert_all_played(vcr)


# ----------------------------------------------------------------------------- input checks (nothing sent)

Call = Callable[[FlowrouteClient], Any]

INVALID_CALLS: list[tuple[str, Call, str, str]] = [
    ("to-10-digits", lambda c: c.messages.send(to="2066418000", from_=FROM_NUMBER, body="hi"), "to", "11-digit"),
    ("to-uk", lambda c: c.messages.send(to="+442071838750", from_=FROM_NUMBER, body="hi"), "to", "11-digit"),
    ("from-bad-exchange", lambda c: c.messages.send(to=TO_NUMBER, from_="12061231234", body="hi"), "from_", "11-digit"),
    ("no-body-no-media", lambda c: c.messages.send(to=TO_NUMBER, from_=FROM_NUMBER, body=None), "body", "required"),
    ("body-not-str", lambda c: c.messages.send(to=TO_NUMBER, from_=FROM_NUMBER, body=42), "body", "string"),  # type: ignore[arg-type]
    (
        "mms-flag-false",
        lambda c: c.messages.send(to=TO_NUMBER, from_=FROM_NUMBER, body="hi", media_urls=[MMS_URL], is_mms=False),
        "is_mms",
        "must be true",
    ),
    (
        "media-str",
        lambda c: c.messages.send(to=TO_NUMBER, from_=FROM_NUMBER, body="hi", media_urls=MMS_URL),
        "media_urls",
        "list",
    ),
    (
        "media-ftp",
        lambda c: c.messages.send(to=TO_NUMBER, from_=FROM_NUMBER, body="hi", media_urls=["ftp://x/y.gif"]),
        "media_urls[0]",
        "http(s) URL",
    ),
    (
        "dlr-relative",
        lambda c: c.messages.send(to=TO_NUMBER, from_=FROM_NUMBER, body="hi", dlr_callback="/dlr"),
        "dlr_callback",
        "http(s) URL",
    ),
    ("start-date-us", lambda c: c.messages.list("12/01/2017"), "start_date", "ISO 8601"),
    ("start-date-month-13", lambda c: c.messages.list("2017-13-01"), "start_date", "ISO 8601"),
    ("end-date-garbage", lambda c: c.messages.list("2017-12-01", "tomorrow"), "end_date", "ISO 8601"),
    ("messages-limit-0", lambda c: c.messages.list("2017-12-01", limit=0), "limit", "at least 1"),
    ("message-id", lambda c: c.messages.get("mdr1-ca82be46e6ba11e79d08862d092cf73d"), "message_id", "pattern ^mdr2-"),
    ("record-id", lambda c: c.messages_v2.get("mdr1-xyz"), "record_id", "pattern ^mdr1-[0-9a-f]{32}$"),
    ("v2-empty-body", lambda c: c.messages_v2.send(to=TO_NUMBER, from_=V2_FROM, body=""), "body", "empty"),
    ("area-limit-401", lambda c: c.numbers.list_available_area_codes(limit=401), "limit", "at most 400"),
    ("exchange-limit-201", lambda c: c.numbers.list_available_exchange_codes(limit=201), "limit", "at most 200"),
    ("areacode-2-digits", lambda c: c.numbers.list_available_exchange_codes(areacode=47), "areacode", "at least 200"),
    ("offset-negative", lambda c: c.numbers.list_account_numbers(offset=-1), "offset", "at least 0"),
    ("limit-bool", lambda c: c.numbers.list_account_numbers(limit=True), "limit", "integer"),
    ("cost-negative", lambda c: c.numbers.list_available_area_codes(max_setup_cost=-1), "max_setup_cost", "at least 0"),
    ("starts-with-str", lambda c: c.numbers.search_purchasable(starts_with="646"), "starts_with", "integer"),  # type: ignore[arg-type]
    ("rate-center-no-state", lambda c: c.numbers.search_purchasable(rate_center="seattle"), "state", "rate_center"),
    ("purchase-10-digits", lambda c: c.numbers.purchase("6502390214"), "number", "11-digit"),
    ("get-number-letters", lambda c: c.numbers.get("1650239021x"), "number", "11-digit"),
    ("route-type", lambda c: c.routes.create("sip", "x.example.com", "a"), "route_type", "one of"),  # type: ignore[arg-type]
    ("route-value-empty", lambda c: c.routes.create("host", " ", "a"), "value", "pattern \\S"),
    ("route-list-type", lambda c: c.routes.list(route_type="pstn"), "route_type", "one of"),  # type: ignore[arg-type]
    ("route-id", lambda c: c.routes.set_primary(FROM_NUMBER, "route-1"), "route_id", "pattern ^[0-9]+$"),
    ("route-number", lambda c: c.routes.set_failover("123", "83834"), "number", "11-digit"),
    ("iter-max-items-negative", lambda c: c.routes.iter(max_items=-1), "max_items", ">= 0"),
]


@pytest.mark.vcr  # no cassette: any request would fail the test
@pytest.mark.parametrize(
    ("call", "field", "rule"), [case[1:] for case in INVALID_CALLS], ids=[c[0] for c in INVALID_CALLS]
)
def test_invalid_input_is_refused_before_sending(
    fr: FlowrouteClient, wire: RecordingTransport, call: Call, field: str, rule: str
) -> None:
    with pytest.raises(InputError) as caught:
        call(fr)

    assert caught.value.field == field
    assert rule in caught.value.rule
    assert isinstance(caught.value, ValueError)
    assert wire.requests == []


def test_constructor_checks() -> None:
    with pytest.raises(InsecureURLError):
        FlowrouteClient(ACCESS_KEY, SECRET_KEY, base_url="http://api.flowroute.com")
    with pytest.raises(InputError) as caught:
        FlowrouteClient("", SECRET_KEY)
    assert caught.value.field == "access_key"
    with FlowrouteClient(ACCESS_KEY, SECRET_KEY, base_url="http://127.0.0.1:8080/") as local:
        assert local.base_url == "http://127.0.0.1:8080"


def date_param(field: str, value: object) -> str:
    """The wire form of a ``format: date-time`` value (start_date/end_date)."""
    return SpecChecker().string(value, field, fmt="date-time")


def test_date_param_forms() -> None:
    assert date_param("start_date", "2017-12-01") == "2017-12-01"
    assert date_param("start_date", "2017-12-01T16:44:34.93Z") == "2017-12-01T16:44:34.93Z"
    assert date_param("start_date", date(2017, 12, 1)) == "2017-12-01"
    assert date_param("start_date", datetime(2017, 12, 1, 8, 30, tzinfo=UTC)) == "2017-12-01T08:30:00.000Z"
    pacific = timezone(timedelta(hours=-8))
    assert date_param("start_date", datetime(2017, 12, 1, 0, 0, tzinfo=pacific)) == "2017-12-01T08:00:00.000Z"
    assert date_param("start_date", datetime(2017, 12, 1)) == "2017-12-01T00:00:00.000Z"  # naive = UTC


def test_parse_error_body_never_raises() -> None:
    two = {"errors": [{"title": "Bad", "detail": "first"}, {"title": "Worse", "detail": "second", "id": "x"}]}
    details = parse_error_body(two)
    assert (details.message, details.code, details.details) == ("Bad: first", "Bad", ("Worse: second",))
    odd: list[object] = [
        None,
        [],
        "text",
        {"errors": None},
        {"errors": [1, None]},
        {"errors": [{"title": 3}]},
        {"x": 1},
    ]
    for body in odd:
        assert parse_error_body(body).message is None
    assert parse_error_body({"errors": [{"detail": "only detail"}]}).message == "only detail"


def test_errors_are_one_hierarchy() -> None:
    assert issubclass(AuthenticationError, APIError)
    assert issubclass(InputError, ValueError)
