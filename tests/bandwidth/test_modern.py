"""The modern Bandwidth facade (sync): every method over hand-written cassettes, errors, checks, retries."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from bandwidth_messaging_v1_client.models import BandwidthError, BatchSendResult, Message, SendMessageRequest
from smsclients.bandwidth import (
    BandwidthClient,
    message_id_from_location,
    parse_error_body,
)
from smsclients.errors import (
    AuthenticationError,
    BadRequestError,
    DeliveryUnknownError,
    ErrorDetails,
    InputError,
    InsecureURLError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from smsclients.retries import RetryPolicy

from tests.fields import dig

from .support import (
    API_SECRET,
    API_TOKEN,
    BATCH,
    BLANK_TEXT_ERROR,
    FROM,
    MESSAGES_PATH,
    MESSAGES_URL,
    PAGED_IDS,
    SEED_MESSAGE_WIRE,
    TO,
    USER_ID,
    Cassette,
    NoNetwork,
    RecordingTransport,
    assert_all_played,
    assert_basic_auth,
    body_json,
    calls,
)

NO_WAIT = RetryPolicy(backoff_initial=0.0, backoff_max=0.0, jitter=False)


@pytest.fixture
def wire() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def bw(wire: RecordingTransport) -> Iterator[BandwidthClient]:
    with BandwidthClient(USER_ID, API_TOKEN, API_SECRET, transport=wire, retry=NO_WAIT) as client:
        yield client


@pytest.fixture
def offline() -> Iterator[tuple[BandwidthClient, NoNetwork]]:
    transport = NoNetwork()
    with BandwidthClient(USER_ID, API_TOKEN, API_SECRET, transport=transport) as client:
        yield client, transport


# --------------------------------------------------------------------------------------------------
# send / send_request / send_batch


@pytest.mark.vcr
def test_send_text_message(bw: BandwidthClient, wire: RecordingTransport, vcr: Cassette) -> None:
    message_id = bw.messages.send(from_=FROM, to=TO, text="SMS message", receipt_requested="all")

    assert message_id == "m-it6ewpyiyadfe"
    assert calls(wire.requests) == [("POST", MESSAGES_PATH)]
    assert body_json(wire.requests[0]) == {"from": FROM, "to": TO, "text": "SMS message", "receiptRequested": "all"}
    assert wire.requests[0].headers["Content-Type"] == "application/json"
    assert_basic_auth(wire.requests)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_send_picture_message_all_options(bw: BandwidthClient, wire: RecordingTransport, vcr: Cassette) -> None:
    message_id = bw.messages.send(
        from_="+1 (919) 555-1212",  # normalised to E.164 before sending
        to=TO,
        media=("https://host/path/to/file.jpg",),
        callback_url="https://yoursite.com/message",
        callback_http_method="post",
        callback_timeout=2000,
        fallback_url="https://fallback.yoursite.com/message",
        tag="order-42",
    )

    assert message_id == "m-pic0001"  # from a path-only Location header
    assert body_json(wire.requests[0]) == {
        "from": FROM,
        "to": TO,
        "media": ["https://host/path/to/file.jpg"],
        "callbackUrl": "https://yoursite.com/message",
        "callbackHttpMethod": "post",
        "callbackTimeout": 2000,
        "fallbackUrl": "https://fallback.yoursite.com/message",
        "tag": "order-42",
    }
    assert_all_played(vcr)


@pytest.mark.vcr
def test_send_request_extra_keys_only_through_extra_body(
    bw: BandwidthClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    request = SendMessageRequest(from_=FROM, to=TO, text="hi")
    request["skipMMSCarrierValidation"] = True
    with pytest.raises(InputError, match="skipMMSCarrierValidation: is not a field of this request"):
        bw.messages.send_request(request)  # a key the spec does not know may be a typo: refused
    assert wire.requests == []

    extra = {"skipMMSCarrierValidation": True}
    assert bw.messages.send_request({"from": FROM, "to": TO, "text": "hi"}, extra_body=extra) == "m-extra0001"
    assert body_json(wire.requests[0]) == {"from": FROM, "to": TO, "text": "hi", "skipMMSCarrierValidation": True}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_send_batch(bw: BandwidthClient, wire: RecordingTransport, vcr: Cassette) -> None:
    inputs: list[Any] = [SendMessageRequest(from_=FROM, to=TO, text="SMS message"), *BATCH[1:]]
    results = bw.messages.send_batch(inputs)

    assert calls(wire.requests) == [("POST", MESSAGES_PATH)]
    assert body_json(wire.requests[0]) == BATCH
    assert all(isinstance(result, BatchSendResult) for result in results)
    assert [result.result for result in results] == ["accepted", "accepted", "error"]
    assert [message_id_from_location(str(result.location)) for result in results[:2]] == ["m-batch0001", "m-batch0002"]
    error = results[2].error
    assert isinstance(error, BandwidthError)
    assert (error.code, error.category) == ("blank-property", "bad-request")
    assert results[2].to_dict()["error"] == BLANK_TEXT_ERROR
    assert_basic_auth(wire.requests)
    assert_all_played(vcr)


# --------------------------------------------------------------------------------------------------
# iter (Link header pagination)


@pytest.mark.vcr
def test_iter_three_pages(bw: BandwidthClient, wire: RecordingTransport, vcr: Cassette) -> None:
    pager = bw.messages.iter(direction="out", sort_order="desc", size=2)
    assert wire.requests == []  # lazy: nothing fetched before iteration

    messages = list(pager)

    assert [message.id for message in messages] == PAGED_IDS
    assert all(isinstance(message, Message) for message in messages)
    assert messages[0].delivery_code == 5600 and messages[0].delivery_state == "not-delivered"
    assert calls(wire.requests) == [
        ("GET", f"{MESSAGES_PATH}?direction=out&sortOrder=desc&size=2"),
        ("GET", f"{MESSAGES_PATH}?size=2&sortKeyLT=m-okbq3ufqyadfe"),
        ("GET", f"{MESSAGES_PATH}?size=2&sortKeyLT=m-t2gspvs6iadfe"),
    ]
    assert_basic_auth(wire.requests)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_iter_limit_stops_fetching(bw: BandwidthClient, wire: RecordingTransport, vcr: Cassette) -> None:
    ids = [message.id for message in bw.messages.iter(size=2, max_items=3)]

    assert ids == PAGED_IDS[:3]
    assert len(wire.requests) == 2  # the third page is never requested
    assert_all_played(vcr)


@pytest.mark.vcr
def test_iter_refuses_link_to_another_host(bw: BandwidthClient, wire: RecordingTransport, vcr: Cassette) -> None:
    seen: list[str] = []
    with pytest.raises(MalformedResponseError, match="leaves the API origin"):
        for message in bw.messages.iter(size=2):
            seen.append(dig(message, "id"))

    assert seen == PAGED_IDS[:2]
    assert len(wire.requests) == 1  # credentials never went to the other host
    assert_all_played(vcr)


# --------------------------------------------------------------------------------------------------
# get


@pytest.mark.vcr
def test_get_message_seed_example(bw: BandwidthClient, wire: RecordingTransport, vcr: Cassette) -> None:
    message = bw.messages.get("m-messageId")

    assert calls(wire.requests) == [("GET", f"{MESSAGES_PATH}/m-messageId")]
    assert isinstance(message, Message)
    assert message.to_dict() == SEED_MESSAGE_WIRE
    assert (message.id, message.from_, message.direction, message.skip_mms_carrier_validation) == (
        "m-messageId",
        "+19193047864",
        "in",
        True,
    )
    assert_all_played(vcr)


# --------------------------------------------------------------------------------------------------
# Error mapping


@pytest.mark.vcr
def test_error_401_on_send(bw: BandwidthClient, wire: RecordingTransport, vcr: Cassette) -> None:
    with pytest.raises(AuthenticationError) as caught:
        bw.messages.send(from_=FROM, to=TO, text="hi")

    error = caught.value
    assert (error.status_code, error.message, error.code, error.provider) == (
        401,
        "Invalid credentials",
        "unauthorized",
        "bandwidth",
    )
    assert (error.method, error.url) == ("POST", MESSAGES_URL)
    assert len(wire.requests) == 1
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_403_on_list(bw: BandwidthClient, vcr: Cassette) -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        next(iter(bw.messages.iter()))

    assert caught.value.code == "forbidden"
    assert caught.value.message == "User u-abc123 is not allowed to access this resource"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_404_on_get(bw: BandwidthClient, vcr: Cassette) -> None:
    with pytest.raises(NotFoundError) as caught:
        bw.messages.get("m-unknown")

    assert (caught.value.status_code, caught.value.code) == (404, "message-not-found")
    assert caught.value.message == "The message 'm-unknown' could not be found"
    assert isinstance(caught.value.body, dict) and caught.value.body["category"] == "not-found"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_400_with_details(bw: BandwidthClient, vcr: Cassette) -> None:
    with pytest.raises(BadRequestError) as caught:
        bw.messages.send(from_=FROM, to=TO, text="hi", tag="x")

    assert (caught.value.message, caught.value.code) == ("This is error", "invalid-request")
    assert caught.value.details == [f"to: {TO}", "requestId: 7b1d"]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_non_json_body(bw: BandwidthClient, vcr: Cassette) -> None:
    with pytest.raises(ServerError) as caught:
        bw.messages.get("m-messageId")

    error = caught.value
    assert error.status_code == 500
    assert error.body is None and error.code is None
    assert error.message.startswith("<html><head><title>500 Internal Server Error</title>")
    assert error.raw_body.startswith(b"<html>")
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_429_per_call_no_retry(bw: BandwidthClient, wire: RecordingTransport, vcr: Cassette) -> None:
    with pytest.raises(RateLimitError) as caught:
        bw.messages.get("m-messageId", max_retries=0, timeout=5.0)

    assert caught.value.retry_after == 30.0
    assert caught.value.code == "rate-limit-exceeded"
    assert len(wire.requests) == 1
    assert_all_played(vcr)


@pytest.mark.vcr
def test_get_retried_after_503(bw: BandwidthClient, wire: RecordingTransport, vcr: Cassette) -> None:
    message = bw.messages.get("m-messageId")

    assert message.id == "m-messageId"
    assert calls(wire.requests) == [("GET", f"{MESSAGES_PATH}/m-messageId")] * 2
    assert_all_played(vcr)


@pytest.mark.vcr
def test_send_not_retried_after_500(bw: BandwidthClient, wire: RecordingTransport, vcr: Cassette) -> None:
    with pytest.raises(ServerError) as caught:
        bw.messages.send(from_=FROM, to=TO, text="hi")

    assert caught.value.code == "internal-error"
    assert len(wire.requests) == 1  # a send is never repeated once it reached the server
    assert_all_played(vcr)


# --------------------------------------------------------------------------------------------------
# Responses the spec does not allow


@pytest.mark.vcr
def test_send_201_without_location_is_malformed(bw: BandwidthClient, vcr: Cassette) -> None:
    with pytest.raises(MalformedResponseError, match="Location") as caught:
        bw.messages.send(from_=FROM, to=TO, text="hi")
    assert caught.value.status_code == 201
    assert_all_played(vcr)


@pytest.mark.vcr
def test_send_batch_result_count_mismatch_is_malformed(bw: BandwidthClient, vcr: Cassette) -> None:
    with pytest.raises(MalformedResponseError, match="expected 2 results, got 1"):
        bw.messages.send_batch(BATCH[:2])
    assert_all_played(vcr)


@pytest.mark.vcr
def test_get_malformed_body(bw: BandwidthClient, vcr: Cassette) -> None:
    with pytest.raises(MalformedResponseError, match="does not match the API spec"):
        bw.messages.get("m-messageId")
    assert_all_played(vcr)


# --------------------------------------------------------------------------------------------------
# Input checks: an error naming the field and the rule, and nothing sent


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"from_": "19195551212"}, "from_", "must be in E.164 form starting with '+'"),
        ({"from_": "+1234567980"}, "from_", "must be a possible phone number"),  # the seed's example number
        ({"to": "+1 919 CALL NOW"}, "to", "must contain only '+' and digits"),
        ({"text": "x" * 2049}, "text", "must be at most 2048 characters"),
        ({"text": None}, "text", "is required unless media is given"),
        ({"text": None, "media": "https://host/a.jpg"}, "media", "must be a list"),
        ({"receipt_requested": "always"}, "receipt_requested", "must be one of all, error, none"),
        ({"callback_http_method": "put"}, "callback_http_method", "must be one of get, post"),
        ({"callback_timeout": -5}, "callback_timeout", "must be"),
        ({"callback_timeout": "2000"}, "callback_timeout", "must be"),
        ({"tag": 42}, "tag", "must be a string"),
    ],
)
def test_send_input_checks(
    offline: tuple[BandwidthClient, NoNetwork], kwargs: dict[str, Any], field: str, rule: str
) -> None:
    client, transport = offline
    arguments: dict[str, Any] = {"from_": FROM, "to": TO, "text": "hi", **kwargs}
    with pytest.raises(InputError) as caught:
        client.messages.send(**arguments)
    assert caught.value.field == field
    assert caught.value.rule.startswith(rule)
    assert transport.requests == []


@pytest.mark.parametrize(
    ("messages", "field", "rule"),
    [
        ([], "messages", "must contain at least 1 item"),
        ([{"from": FROM, "to": TO, "text": "x"}] * 51, "messages", "must contain at most 50 items"),
        ({"from": FROM, "to": TO, "text": "x"}, "messages", "must be a list"),
        ([BATCH[0], {"from": FROM, "text": "x"}], "messages[1].to", "is required"),
        (
            [BATCH[0], BATCH[1], {"from": "+1234567980", "to": TO, "text": "x"}],
            "messages[2].from",
            "must be a possible",
        ),
        ([BATCH[0], "hello"], "messages[1]", "must be an object"),
        ([{"from": FROM, "to": TO, "text": "x", "callbackTimeout": 0}], "messages[0].callbackTimeout", "must be"),
    ],
)
def test_send_batch_input_checks(
    offline: tuple[BandwidthClient, NoNetwork], messages: Any, field: str, rule: str
) -> None:
    client, transport = offline
    with pytest.raises(InputError) as caught:
        client.messages.send_batch(messages)
    assert caught.value.field == field
    assert caught.value.rule.startswith(rule)
    assert transport.requests == []


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"from_": "9195551212"}, "from_", "must be in E.164 form"),
        ({"from_date_time": "25/05/2014"}, "from_date_time", "must match the pattern"),
        ({"to_date_time": "2014-05-25 12:00:00 PM"}, "to_date_time", "must match the pattern"),
        ({"direction": "inbound"}, "direction", "must be one of in, out"),
        ({"state": "delivered"}, "state", "must be one of error, queued, received, sending, sent"),
        ({"delivery_state": "ok"}, "delivery_state", "must be one of delivered, not-delivered, waiting"),
        ({"sort_order": "DESC"}, "sort_order", "must be one of asc, desc"),
        ({"size": 0}, "size", "must be at"),
        ({"size": 1001}, "size", "must be at"),
        ({"max_items": -1}, "max_items", "must be >= 0"),
    ],
)
def test_iter_input_checks_are_eager(
    offline: tuple[BandwidthClient, NoNetwork], kwargs: dict[str, Any], field: str, rule: str
) -> None:
    client, transport = offline
    with pytest.raises(InputError) as caught:
        client.messages.iter(**kwargs)  # raised at the call, before any iteration
    assert caught.value.field == field
    assert caught.value.rule.startswith(rule)
    assert transport.requests == []


def test_iter_limit_zero_fetches_nothing(offline: tuple[BandwidthClient, NoNetwork]) -> None:
    client, transport = offline
    assert list(client.messages.iter(max_items=0)) == []
    assert transport.requests == []


@pytest.mark.parametrize("message_id", ["", "   "])
def test_get_requires_an_id(offline: tuple[BandwidthClient, NoNetwork], message_id: str) -> None:
    client, transport = offline
    with pytest.raises(InputError, match="message_id: must match the pattern"):
        client.messages.get(message_id)
    assert transport.requests == []


def test_per_call_option_checks(offline: tuple[BandwidthClient, NoNetwork]) -> None:
    client, transport = offline
    with pytest.raises(InputError, match="max_retries"):
        client.messages.get("m-1", max_retries=-1)
    with pytest.raises(InputError, match="timeout"):
        client.messages.send(from_=FROM, to=TO, text="hi", timeout=0)
    assert transport.requests == []


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (("", API_TOKEN, API_SECRET), "user_id"),
        ((USER_ID, "", API_SECRET), "api_token"),
        ((USER_ID, API_TOKEN, ""), "api_secret"),
    ],
)
def test_constructor_requires_credentials(args: tuple[str, str, str], field: str) -> None:
    with pytest.raises(InputError) as caught:
        BandwidthClient(*args)
    assert caught.value.field == field


def test_http_base_url_refused() -> None:
    with pytest.raises(InsecureURLError):
        BandwidthClient(USER_ID, API_TOKEN, API_SECRET, base_url="http://api.catapult.inetwork.com/v1")


# --------------------------------------------------------------------------------------------------
# Pure helpers


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("https://api.catapult.inetwork.com/v1/users/u-abc123/messages/m-messageId", "m-messageId"),
        ("/v1/users/u-abc123/messages/m-messageId", "m-messageId"),
        ("https://api.catapult.inetwork.com/v1/users/u-abc123/messages/m-abc/?x=1", "m-abc"),
        ("", ""),
    ],
)
def test_message_id_from_location(location: str, expected: str) -> None:
    assert message_id_from_location(location) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"message": "This is error", "code": "invalid-request"}, ErrorDetails("This is error", "invalid-request")),
        ({"message": "This is error"}, ErrorDetails("This is error", None)),
        (
            {"message": "m", "code": 1234, "details": [{"name": "n", "value": "v"}]},
            ErrorDetails("m", "1234", ("n: v",)),
        ),
        ({"code": "x"}, ErrorDetails(None, "x")),
        ({"message": ""}, ErrorDetails(None, None)),
        (["not", "an", "object"], ErrorDetails(None)),
        ("text", ErrorDetails(None)),
        (None, ErrorDetails(None)),
    ],
)
def test_parse_error_body(body: object, expected: ErrorDetails) -> None:
    assert parse_error_body(body) == expected


def test_send_request_drops_unset_fields(offline: tuple[BandwidthClient, NoNetwork]) -> None:
    client, network = offline
    with pytest.raises(AssertionError):  # the offline transport refuses to send; the request was built
        client.messages.send_request({"from": FROM, "to": TO, "text": "hi", "tag": None, "media": None})  # type: ignore[arg-type]
    assert body_json(network.requests[0]) == {"from": FROM, "to": TO, "text": "hi"}


# --------------------------------------------------------------------------------------------------
# Network failures of a send: retried only when the request certainly never left


class _FailingTransport(httpx.BaseTransport):
    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.errors:
            raise self.errors.pop(0)
        return httpx.Response(201, headers={"Location": f"{MESSAGES_URL}/m-after-retry"})


def test_send_read_timeout_is_delivery_unknown_and_not_repeated() -> None:
    transport = _FailingTransport(httpx.ReadTimeout("timed out"))
    client = BandwidthClient(USER_ID, API_TOKEN, API_SECRET, transport=transport, retry=NO_WAIT)
    with client, pytest.raises(DeliveryUnknownError) as caught:
        client.messages.send(from_=FROM, to=TO, text="hi")
    assert len(transport.requests) == 1
    assert API_SECRET not in str(caught.value) and API_TOKEN not in repr(caught.value)


def test_send_connect_error_is_retried() -> None:
    transport = _FailingTransport(httpx.ConnectError("refused"))
    with BandwidthClient(USER_ID, API_TOKEN, API_SECRET, transport=transport, retry=NO_WAIT) as client:
        assert client.messages.send(from_=FROM, to=TO, text="hi") == "m-after-retry"
    assert len(transport.requests) == 2
