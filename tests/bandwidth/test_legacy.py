"""The BW-py compatibility surface (``smsclients.legacy.bandwidth``): every documented entry point."""

from __future__ import annotations

import pathlib
import types
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import yaml
from smsclients.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    InputError,
    InsecureURLError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
)
from smsclients.legacy import bandwidth
from smsclients.legacy.bandwidth import BandwidthMessageAPIException, Client, to_snake_case
from smsclients.retries import RetryPolicy

from .support import (
    API_SECRET,
    API_TOKEN,
    BASIC_HEADER,
    BATCH,
    BLANK_TEXT_ERROR,
    FROM,
    MESSAGES_PATH,
    MESSAGES_URL,
    PAGED_IDS,
    SEED_ERROR_IDS,
    SEED_MESSAGE_PRINTED,
    TO,
    TO2,
    USER_ID,
    Cassette,
    NoNetwork,
    RecordingTransport,
    assert_all_played,
    assert_basic_auth,
    body_json,
    calls,
)

# The legacy surface this file exercises (docs/providers.md §3.8-§3.10): constructor, factory, the four
# methods and the exception.
LEGACY_METHODS_COVERED = (
    "bandwidth.client",
    "Client.__init__",
    "Client.list_messages",
    "Client.send_message",
    "Client.send_messages",
    "Client.get_message",
    "BandwidthMessageAPIException",
)
LEGACY_METHOD_COUNT = 4  # list_messages, send_message, send_messages, get_message

CASSETTES = pathlib.Path(__file__).parent / "cassettes"


@pytest.fixture
def wire() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def api(wire: RecordingTransport) -> Iterator[Client]:
    # BW-py's documented construction, through the factory (case-insensitive name).
    client = bandwidth.client("messaging", USER_ID, API_TOKEN, API_SECRET, transport=wire)
    with client:
        yield client


@pytest.fixture
def offline() -> Iterator[tuple[Client, NoNetwork]]:
    transport = NoNetwork()
    with Client(USER_ID, API_TOKEN, API_SECRET, transport=transport) as client:
        yield client, transport


def test_legacy_methods_listed() -> None:
    methods = [name for name in LEGACY_METHODS_COVERED if name.startswith("Client.") and name != "Client.__init__"]
    assert len(methods) == LEGACY_METHOD_COUNT
    for name in methods:
        assert callable(getattr(Client, name.split(".", 1)[1]))


# --------------------------------------------------------------------------------------------------
# list_messages


@pytest.mark.vcr
def test_list_messages_seed_example(api: Client, wire: RecordingTransport, vcr: Cassette) -> None:
    message_list = api.list_messages(size=2)
    assert isinstance(message_list, types.GeneratorType)
    assert wire.requests == []  # lazy, like BW-py's generator

    # S002's example loop.
    printed = [message["id"] for message in message_list if message["state"] == "error"]

    assert printed == SEED_ERROR_IDS
    assert calls(wire.requests) == [
        ("GET", f"{MESSAGES_PATH}?size=2"),
        ("GET", f"{MESSAGES_PATH}?size=2&sortKeyLT=m-okbq3ufqyadfe"),
        ("GET", f"{MESSAGES_PATH}?size=2&sortKeyLT=m-t2gspvs6iadfe"),
    ]
    assert_basic_auth(wire.requests)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_list_messages_all_filters_and_kwargs(api: Client, wire: RecordingTransport, vcr: Cassette) -> None:
    messages = list(
        api.list_messages(
            "+19195551212",
            "+19195551213",
            "2014-05-25 12:00:00",
            "2014-05-26 12:00:00",
            "out",
            "error",
            "not-delivered",
            "desc",
            "25",  # BW-py documented size as str
            sortKeyLT="m-zzzzzzzzzzzzz",  # extra kwargs are query parameters
        )
    )

    assert dict(wire.requests[0].url.params) == {
        "from": FROM,
        "to": TO,
        "fromDateTime": "2014-05-25 12:00:00",
        "toDateTime": "2014-05-26 12:00:00",
        "direction": "out",
        "state": "error",
        "deliveryState": "not-delivered",
        "sortOrder": "desc",
        "size": "25",
        "sortKeyLT": "m-zzzzzzzzzzzzz",
    }
    assert messages == [
        {
            "id": "m-shuh6d6pyadfe",
            "message_id": "m-shuh6d6pyadfe",
            "from": FROM,
            "to": TO,
            "direction": "out",
            "text": "Welcome!",
            "media": [],
            "state": "error",
            "time": "2017-02-01T08:15:00Z",
            "callback_url": "https://yoursite.com/message",
            "receipt_requested": "all",
            "delivery_state": "not-delivered",
            "segment_count": 1,
            "skip_mms_carrier_validation": True,
            "delivery_code": 5600,
            "delivery_description": "Carrier Rejected Message",
        }
    ]
    assert_all_played(vcr)


# --------------------------------------------------------------------------------------------------
# send_message


@pytest.mark.vcr
def test_send_message_text_seed_example(api: Client, wire: RecordingTransport, vcr: Cassette) -> None:
    id = api.send_message(from_=FROM, to=TO, text="SMS message")

    assert id == "m-messageId"
    assert calls(wire.requests) == [("POST", MESSAGES_PATH)]
    # Unset fields are left out (BW-py sent them as null).
    assert body_json(wire.requests[0]) == {"from": FROM, "to": TO, "text": "SMS message"}
    assert_basic_auth(wire.requests)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_send_message_picture_seed_example(api: Client, wire: RecordingTransport, vcr: Cassette) -> None:
    id = api.send_message(from_=FROM, to=TO, media=["http://host/path/to/file"])

    assert id == "m-picture0001"
    assert body_json(wire.requests[0]) == {"from": FROM, "to": TO, "media": ["http://host/path/to/file"]}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_send_message_all_options_and_kwargs(api: Client, wire: RecordingTransport, vcr: Cassette) -> None:
    # Positional order as documented: from_, to, text, media, receipt_requested, callback_url,
    # callback_http_method, callback_timeout, fallback_url, tag.
    id = api.send_message(
        FROM,
        TO,
        "Your order shipped",
        None,
        "all",
        "https://yoursite.com/message",
        "POST",  # BW-py passed any case; the API's value is "post"
        "2000",  # BW-py documented callback_timeout as str
        "https://fallback.yoursite.com/message",
        "order-42",
        skipMMSCarrierValidation=True,  # extra kwargs go into the body as given
    )

    assert id == "m-options0001"
    assert body_json(wire.requests[0]) == {
        "from": FROM,
        "to": TO,
        "text": "Your order shipped",
        "receiptRequested": "all",
        "callbackUrl": "https://yoursite.com/message",
        "callbackHttpMethod": "post",
        "callbackTimeout": 2000,
        "fallbackUrl": "https://fallback.yoursite.com/message",
        "tag": "order-42",
        "skipMMSCarrierValidation": True,
    }
    assert_all_played(vcr)


# --------------------------------------------------------------------------------------------------
# send_messages


@pytest.mark.vcr
def test_send_messages_seed_example(api: Client, wire: RecordingTransport, vcr: Cassette) -> None:
    messages_data = [
        {"from": FROM, "to": TO, "text": "SMS message"},
        {"from": FROM, "to": TO2, "text": "SMS message2"},
    ]
    results = api.send_messages(messages_data)

    assert calls(wire.requests) == [("POST", MESSAGES_PATH)]
    assert body_json(wire.requests[0]) == messages_data
    assert results == [
        {
            "result": "accepted",
            "location": f"{MESSAGES_URL}/m-batch0001",
            "id": "m-batch0001",
            "message": messages_data[0],
        },
        {
            "result": "accepted",
            "location": f"{MESSAGES_URL}/m-batch0002",
            "id": "m-batch0002",
            "message": messages_data[1],
        },
    ]
    assert results[0]["message"] is messages_data[0]  # the caller's own dict, as in BW-py
    assert_all_played(vcr)


@pytest.mark.vcr
def test_send_messages_with_an_error_item(api: Client, wire: RecordingTransport, vcr: Cassette) -> None:
    results = api.send_messages(BATCH)

    assert [result["id"] for result in results] == ["m-batch0001", "m-batch0002", ""]
    assert results[2]["result"] == "error"
    assert results[2]["error"] == BLANK_TEXT_ERROR  # snake_cased keys (already lowercase here)
    assert "location" not in results[2]
    assert results[2]["message"] is BATCH[2]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_send_messages_error_400(api: Client, vcr: Cassette) -> None:
    with pytest.raises(BandwidthMessageAPIException) as caught:
        api.send_messages(BATCH[:1])
    assert str(caught.value) == "Error invalid-request: Request body is not valid"
    assert isinstance(caught.value, BadRequestError)
    assert_all_played(vcr)


# --------------------------------------------------------------------------------------------------
# get_message


@pytest.mark.vcr
def test_get_message_seed_example(api: Client, wire: RecordingTransport, vcr: Cassette) -> None:
    my_message = api.get_message("m-abc123")

    assert my_message == SEED_MESSAGE_PRINTED
    assert calls(wire.requests) == [("GET", f"{MESSAGES_PATH}/m-abc123")]
    assert_all_played(vcr)


# --------------------------------------------------------------------------------------------------
# Errors (docs/providers.md §3.9)


@pytest.mark.vcr
def test_error_404_get_message(api: Client, vcr: Cassette) -> None:
    with pytest.raises(BandwidthMessageAPIException) as caught:
        api.get_message("m-unknown")

    error = caught.value
    assert isinstance(error, NotFoundError)  # also the typed error
    assert (error.status_code, error.code, error.message) == (
        404,
        "message-not-found",
        "The message 'm-unknown' could not be found",
    )
    assert str(error) == "Error message-not-found: The message 'm-unknown' could not be found"
    assert isinstance(error, APIError) and error.provider == "bandwidth" and error.method == "GET"
    assert isinstance(error.__cause__, NotFoundError)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_400_str_forms(api: Client, vcr: Cassette) -> None:
    with pytest.raises(BandwidthMessageAPIException) as with_code:
        api.get_message("m-bad-1")
    with pytest.raises(BandwidthMessageAPIException) as without_code:
        api.get_message("m-bad-2")

    assert str(with_code.value) == "Error invalid-request: This is error"
    assert str(without_code.value) == "Error 400: This is error"
    assert without_code.value.code == "400"
    assert isinstance(without_code.value, BadRequestError)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_401_send_message(api: Client, wire: RecordingTransport, vcr: Cassette) -> None:
    with pytest.raises(AuthenticationError) as caught:  # caught by the typed class...
        api.send_message(FROM, TO, "SMS message")
    assert isinstance(caught.value, BandwidthMessageAPIException)  # ...and it is the legacy one
    assert str(caught.value) == "Error unauthorized: Invalid credentials"
    assert len(wire.requests) == 1
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_403_list_messages_raised_on_iteration(api: Client, vcr: Cassette) -> None:
    messages = api.list_messages()  # nothing sent yet
    with pytest.raises(BandwidthMessageAPIException) as caught:
        next(messages)
    assert isinstance(caught.value, PermissionDeniedError)
    assert caught.value.status_code == 403
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_non_json_body_first_79_chars(vcr: Cassette) -> None:
    wire = RecordingTransport()
    api = Client(USER_ID, API_TOKEN, API_SECRET, transport=wire, retry=RetryPolicy(max_retries=0))
    with api, pytest.raises(BandwidthMessageAPIException) as caught:
        api.get_message("m-messageId")

    error = caught.value
    assert isinstance(error, ServerError)
    assert error.message == "<html><head><title>500 Internal Server Error</title></head><body><h1>Internal S"
    assert error.message == error.raw_body.decode()[:79]
    assert error.code == "500"
    assert str(error) == f"Error 500: {error.message}"
    assert_all_played(vcr)


def test_exception_constructor_and_str() -> None:
    error = BandwidthMessageAPIException(400, "This is error", code="invalid-request")
    assert (error.status_code, error.message, error.code) == (400, "This is error", "invalid-request")
    assert str(error) == "Error invalid-request: This is error"
    plain = BandwidthMessageAPIException(400, "This is error")
    assert plain.code == "400"
    assert str(plain) == "Error 400: This is error"


# --------------------------------------------------------------------------------------------------
# Constructor and factory (docs/providers.md §3.10)


def test_client_attributes_and_defaults() -> None:
    api = Client(USER_ID, API_TOKEN, API_SECRET)
    assert api.user_id == USER_ID
    assert api.api_endpoint == "https://api.catapult.inetwork.com"
    assert api.api_version == "v1"
    assert api.auth == (API_TOKEN, API_SECRET)
    api.close()


@pytest.mark.vcr
def test_legacy_client_custom_endpoint(wire: RecordingTransport, vcr: Cassette) -> None:
    api = Client(
        user_id=USER_ID,
        api_token=API_TOKEN,
        api_secret=API_SECRET,
        api_endpoint="https://api.catapult.inetwork.com/",
        api_version="v2",
        transport=wire,
    )
    assert api.get_message("m-messageId") == SEED_MESSAGE_PRINTED
    assert str(wire.requests[0].url) == f"https://api.catapult.inetwork.com/v2/users/{USER_ID}/messages/m-messageId"
    assert wire.requests[0].headers["Authorization"] == BASIC_HEADER
    api.close()
    assert_all_played(vcr)


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"user_id": USER_ID, "api_token": API_TOKEN},
        {"user_id": USER_ID, "api_secret": API_SECRET},
        {"api_token": API_TOKEN, "api_secret": API_SECRET},
        {"user_id": "", "api_token": API_TOKEN, "api_secret": API_SECRET},
    ],
)
def test_client_requires_all_three_credentials(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="user_id, api_token and api_secret are required"):
        Client(**kwargs)


def test_client_refuses_plain_http_endpoint_on_use() -> None:
    # BW-py stored the endpoint and failed on use; so does the drop-in, before anything is sent.
    api = Client(USER_ID, API_TOKEN, API_SECRET, api_endpoint="http://api.catapult.inetwork.com")
    with pytest.raises(InsecureURLError) as caught:
        api.get_message("m-1")
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == "api_endpoint"
    assert "e.g. https://api.catapult.inetwork.com" in str(caught.value)
    assert "http://api.catapult" not in str(caught.value)  # the example is a valid one, not the rejected value


@pytest.mark.parametrize("name", ["messaging", "Messaging", "MESSAGING"])
def test_factory_name_is_case_insensitive(name: str) -> None:
    api = bandwidth.client(name, USER_ID, API_TOKEN, API_SECRET, api_version="v1")
    assert isinstance(api, Client)
    assert (api.user_id, api.api_version) == (USER_ID, "v1")
    api.close()


@pytest.mark.parametrize("name", ["voice", "numbers", "catapult", ""])
def test_factory_unknown_name(name: str) -> None:
    with pytest.raises(ValueError, match="Invalid client name"):
        bandwidth.client(name, USER_ID, API_TOKEN, API_SECRET)


def test_clients_keep_their_own_credentials() -> None:
    first = Client("u-first", "t-first", "s-first")
    second = Client("u-second", "t-second", "s-second")
    assert (first.user_id, first.auth) == ("u-first", ("t-first", "s-first"))
    assert (second.user_id, second.auth) == ("u-second", ("t-second", "s-second"))
    first.close()
    second.close()


# --------------------------------------------------------------------------------------------------
# Input checks (nothing sent)


def test_send_message_checks_numbers(offline: tuple[Client, NoNetwork]) -> None:
    api, transport = offline
    with pytest.raises(ValueError, match=r"from: must be a possible phone number") as caught:
        api.send_message(from_="+1234567980", to="+1234567981", text="SMS message")  # S002's example numbers
    assert isinstance(caught.value, InputError)
    assert transport.requests == []


def test_send_message_media_string_is_wrapped() -> None:
    # BW-py documented media as "a media url ... or list"; the str form becomes a one-item list.
    sent: list[httpx.Request] = []

    def created(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(201, headers={"Location": f"{MESSAGES_URL}/m-mms0001"})

    with Client(USER_ID, API_TOKEN, API_SECRET, transport=httpx.MockTransport(created)) as api:
        assert api.send_message(FROM, TO, media="http://host/path/to/file") == "m-mms0001"
    assert body_json(sent[0]) == {"from": FROM, "to": TO, "media": ["http://host/path/to/file"]}


@pytest.mark.parametrize(
    ("messages_data", "match"),
    [
        ([], "messages: must contain at least 1 item"),
        ({"from": FROM, "to": TO}, "messages_data: must be a list of message dicts"),
        ([{"from": FROM, "to": TO, "text": "x"}] * 51, "messages: must contain at most 50 items"),
        ([{"from": FROM, "text": "x"}], r"messages\[0\].to: is required"),
    ],
)
def test_send_messages_checks(offline: tuple[Client, NoNetwork], messages_data: Any, match: str) -> None:
    api, transport = offline
    with pytest.raises(ValueError, match=match):
        api.send_messages(messages_data)
    assert transport.requests == []


def test_list_messages_checks_filters_on_iteration(offline: tuple[Client, NoNetwork]) -> None:
    # BW-py's list_messages returned a lazy generator and failed on iteration; so does the drop-in.
    api, transport = offline
    pending = api.list_messages(from_date_time="May 25th")
    with pytest.raises(BandwidthMessageAPIException, match="from_date_time: must match the pattern") as caught:
        next(pending)
    assert isinstance(caught.value, ValueError) and caught.value.status_code == 400
    with pytest.raises(ValueError, match="size: must be at most 1000"):
        list(api.list_messages(size="5000"))
    assert transport.requests == []


# --------------------------------------------------------------------------------------------------
# Key conversion (docs/providers.md §3.8)


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("callbackUrl", "callback_url"),
        ("fromDateTime", "from_date_time"),
        ("skipMMSCarrierValidation", "skip_mms_carrier_validation"),
        ("URLValue", "url_value"),
        ("ID", "id"),
        ("id", "id"),
        ("segmentCount", "segment_count"),
        ("mms2Carrier", "mms2_carrier"),
        ("already_snake", "already_snake"),
    ],
)
def test_key_conversion(key: str, expected: str) -> None:
    assert to_snake_case({key: 1}) == {expected: 1}


def test_key_conversion_is_recursive_and_leaves_values() -> None:
    wire = [{"messageId": "m-messageId", "error": {"errorCode": "blankProperty", "details": [{"propName": "to"}]}}]
    assert to_snake_case(wire) == [
        {"message_id": "m-messageId", "error": {"error_code": "blankProperty", "details": [{"prop_name": "to"}]}}
    ]


# --------------------------------------------------------------------------------------------------
# Canary: credentials never in reprs, exception texts or cassettes


def test_credentials_never_in_repr_or_str() -> None:
    api = Client(USER_ID, API_TOKEN, API_SECRET)
    texts = [repr(api), str(api), repr(api.auth), str(api.auth), f"{api.auth}", repr(vars(api)), repr(api._client)]
    for text in texts:
        assert API_SECRET not in text, text
        assert BASIC_HEADER not in text
    assert API_TOKEN not in repr(api)
    assert api.auth[1] == API_SECRET  # still usable where code reads it explicitly
    api.close()


@pytest.mark.vcr
def test_error_401_texts_hide_credentials(api: Client, wire: RecordingTransport, vcr: Cassette) -> None:
    with pytest.raises(BandwidthMessageAPIException) as caught:
        api.send_message(FROM, TO, "SMS message")
    error = caught.value
    assert isinstance(error, APIError)
    assert wire.requests[0].headers["Authorization"] == BASIC_HEADER  # it was sent...
    texts = [str(error), repr(error), repr(error.__cause__), str(error.__cause__), repr(error.headers), error.url]
    for text in texts:  # ...but never shows up
        assert API_SECRET not in text and API_TOKEN not in text and BASIC_HEADER not in text, text
    assert_all_played(vcr)


def test_cassettes_hold_no_credentials() -> None:
    files = sorted(CASSETTES.rglob("*.yaml"))
    assert len(files) >= 30
    for path in files:
        text = path.read_text()
        for secret in (API_SECRET, API_TOKEN, BASIC_HEADER.split()[1]):
            assert secret not in text, path
        for interaction in yaml.safe_load(text)["interactions"]:
            assert "authorization" not in {name.lower() for name in interaction["request"]["headers"]}, path
    assert PAGED_IDS[0] in (CASSETTES / "test_legacy" / "test_list_messages_seed_example.yaml").read_text()
