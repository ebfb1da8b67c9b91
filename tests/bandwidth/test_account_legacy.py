"""The BW-py 3.0.3 account client drop-in: names, argument orders, requests and return shapes.

Each of the 23 documented methods is called as BW-py's docstrings call it, against a scripted wire;
the request it sends and what it returns are checked. Lists are lazy generators that page.
"""

from __future__ import annotations

import inspect
import io
import json
import types
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from smsclients import InputError, NotFoundError, RetryPolicy
from smsclients.legacy import bandwidth
from smsclients.legacy.bandwidth_account import BandwidthAccountAPIException, Client

from tests.bandwidth.support import API_SECRET, API_TOKEN, USER_ID

HOST = "https://api.catapult.inetwork.com"
USERS = f"/v1/users/{USER_ID}"
NUMBER = "+19195551212"

# BW-py 3.0.3 bandwidth/account/client_module.py: the messaging-related methods (domains and
# endpoints, for SIP voice, are not part of the drop-in).
BW_PY_METHODS = {
    "get_account": [],
    "list_account_transactions": ["max_items", "to_date", "from_date", "trans_type", "size", "number"],
    "list_applications": ["size"],
    "create_application": [
        "name",
        "incoming_call_url",
        "incoming_call_url_callback_timeout",
        "incoming_call_fallback_url",
        "incoming_message_url",
        "incoming_message_url_callback_timeout",
        "incoming_message_fallback_url",
        "callback_http_method",
        "auto_answer",
    ],
    "get_application": ["app_id"],
    "update_application": [
        "app_id",
        "name",
        "incoming_call_url",
        "incoming_call_url_callback_timeout",
        "incoming_call_fallback_url",
        "incoming_message_url",
        "incoming_message_url_callback_timeout",
        "incoming_message_fallback_url",
        "callback_http_method",
        "auto_answer",
    ],
    "delete_application": ["app_id"],
    "search_available_local_numbers": [
        "city",
        "state",
        "zip_code",
        "area_code",
        "local_number",
        "in_local_calling_area",
        "quantity",
        "pattern",
    ],
    "search_available_toll_free_numbers": ["quantity", "pattern"],
    "search_and_order_local_numbers": [
        "city",
        "state",
        "zip_code",
        "area_code",
        "local_number",
        "in_local_calling_area",
        "quantity",
    ],
    "search_and_order_toll_free_numbers": ["quantity"],
    "list_errors": ["size"],
    "get_error": ["error_id"],
    "list_media_files": [],
    "upload_media_file": ["media_name", "content", "content_type", "file_path"],
    "download_media_file": ["media_name"],
    "delete_media_file": ["media_name"],
    "get_number_info": ["number"],
    "list_phone_numbers": ["application_id", "state", "name", "city", "number_state", "size"],
    "order_phone_number": ["number", "name", "application_id", "fallback_number"],
    "get_phone_number": ["number_id"],
    "update_phone_number": ["number_id", "name", "application_id", "fallback_number"],
    "delete_phone_number": ["number_id"],
}


class Wire:
    """Answers each request with the next scripted ``(status, body, headers)``; records the requests."""

    def __init__(self, *answers: tuple[int, Any, dict[str, str]]) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        status, body, headers = self.answers.pop(0) if self.answers else (200, None, {})
        if isinstance(body, bytes):
            return httpx.Response(status, content=body, headers=headers)
        if body is None:
            return httpx.Response(status, headers=headers)
        return httpx.Response(status, json=body, headers=headers)

    def sent(self) -> list[tuple[str, str, dict[str, str], Any]]:
        def body(request: httpx.Request) -> Any:
            return json.loads(request.content) if request.content else None

        return [(r.method, r.url.path, dict(r.url.params), body(r)) for r in self.requests]


def _client(wire: Wire) -> Client:
    made = bandwidth.client("Account", USER_ID, API_TOKEN, API_SECRET, transport=httpx.MockTransport(wire))
    assert isinstance(made, Client)
    return made


def test_the_drop_in_has_bw_pys_23_methods_with_their_argument_order() -> None:
    assert len(BW_PY_METHODS) == 23
    for name, order in BW_PY_METHODS.items():
        parameters = [
            p.name
            for p in inspect.signature(getattr(Client, name)).parameters.values()
            if p.name != "self" and p.kind is not p.VAR_KEYWORD
        ]
        assert parameters == order, name


def test_the_factory_builds_it_and_keeps_the_secret_out_of_reprs() -> None:
    api = bandwidth.client("account", USER_ID, API_TOKEN, API_SECRET)
    assert isinstance(api, Client)
    assert (api.user_id, api.api_endpoint, api.api_version, api.auth) == (USER_ID, HOST, "v1", (API_TOKEN, API_SECRET))
    assert API_SECRET not in repr(api) and API_SECRET not in repr(api.auth)
    with pytest.raises(ValueError, match="required"):
        bandwidth.client("account", USER_ID)
    api.close()


LOCATION = {"Location": f"{HOST}{USERS}/things/x-123"}
APPLICATION = {"id": "a-1", "name": "MyFirstApp", "incomingMessageUrl": "https://example.com/in", "autoAnswer": True}
APPLICATION_PRINTED = {
    "id": "a-1",
    "name": "MyFirstApp",
    "incoming_message_url": "https://example.com/in",
    "auto_answer": True,
}
ORDERED = [
    {
        "number": NUMBER,
        "nationalNumber": "(919) 555-1212",
        "price": "0.35",
        "location": f"{HOST}{USERS}/phoneNumbers/n-9",
    }
]
ORDERED_PRINTED = [
    {
        "number": NUMBER,
        "national_number": "(919) 555-1212",
        "price": "0.35",
        "location": f"{HOST}{USERS}/phoneNumbers/n-9",
        "id": "n-9",
    }
]

# (call, scripted answer, expected request (method, path, query, JSON body), expected return)
CASES: list[
    tuple[str, Callable[[Client], Any], tuple[int, Any, dict[str, str]], tuple[str, str, dict[str, str], Any], Any]
] = [
    (
        "get_account",
        lambda api: api.get_account(),
        (200, {"balance": "538.37250", "accountType": "pre-pay"}, {}),
        ("GET", f"{USERS}/account", {}, None),
        {"balance": "538.37250", "account_type": "pre-pay"},
    ),
    (
        "create_application",
        lambda api: api.create_application(
            "MyFirstApp", None, "2000", None, "https://example.com/in", None, None, "GET", "true", tag="x"
        ),
        (201, None, LOCATION),
        (
            "POST",
            f"{USERS}/applications",
            {},
            {
                "name": "MyFirstApp",
                "incomingCallUrlCallbackTimeout": 2000,
                "incomingMessageUrl": "https://example.com/in",
                "callbackHttpMethod": "get",
                "autoAnswer": True,
                "tag": "x",
            },
        ),
        "x-123",
    ),
    (
        "get_application",
        lambda api: api.get_application("a-1"),
        (200, APPLICATION, {}),
        ("GET", f"{USERS}/applications/a-1", {}, None),
        APPLICATION_PRINTED,
    ),
    (
        "update_application",
        lambda api: api.update_application("a-1", name="My Updated App"),
        (200, None, {}),
        ("POST", f"{USERS}/applications/a-1", {}, {"name": "My Updated App"}),
        None,
    ),
    (
        "delete_application",
        lambda api: api.delete_application("a-1"),
        (200, None, {}),
        ("DELETE", f"{USERS}/applications/a-1", {}, None),
        None,
    ),
    (
        "search_available_local_numbers",
        lambda api: api.search_available_local_numbers(None, None, None, 910, None, None, "3"),
        (200, [{"number": NUMBER, "nationalNumber": "(919) 555-1212", "rateCenter": "CARY"}], {}),
        ("GET", "/v1/availableNumbers/local", {"areaCode": "910", "quantity": "3"}, None),
        [{"number": NUMBER, "national_number": "(919) 555-1212", "rate_center": "CARY"}],
    ),
    (
        "search_available_toll_free_numbers",
        lambda api: api.search_available_toll_free_numbers(3, "*456"),
        (200, [{"number": "+18444890456", "patternMatch": "  456"}], {}),
        ("GET", "/v1/availableNumbers/tollFree", {"quantity": "3", "pattern": "*456"}, None),
        [{"number": "+18444890456", "pattern_match": "  456"}],
    ),
    (
        "search_and_order_local_numbers",
        lambda api: api.search_and_order_local_numbers(zip_code=27606, quantity=1),  # BW-py sent ints as text
        (201, ORDERED, {}),
        ("POST", "/v1/availableNumbers/local", {"zip": "27606", "quantity": "1"}, None),
        ORDERED_PRINTED,
    ),
    (
        "search_and_order_toll_free_numbers",
        lambda api: api.search_and_order_toll_free_numbers(1),
        (201, ORDERED, {}),
        ("POST", "/v1/availableNumbers/tollFree", {"quantity": "1"}, None),
        ORDERED_PRINTED,
    ),
    (
        "get_error",
        lambda api: api.get_error("ue-1"),
        (
            200,
            {"id": "ue-1", "code": "no-application-for-number", "details": [{"name": "requestPath", "value": "x"}]},
            {},
        ),
        ("GET", f"{USERS}/errors/ue-1", {}, None),
        {"id": "ue-1", "code": "no-application-for-number", "details": [{"name": "requestPath", "value": "x"}]},
    ),
    (
        "delete_media_file",
        lambda api: api.delete_media_file("file1.txt"),
        (200, None, {}),
        ("DELETE", f"{USERS}/media/file1.txt", {}, None),
        None,
    ),
    (
        "get_number_info",
        lambda api: api.get_number_info(NUMBER),
        (200, {"name": "RALEIGH, NC", "number": NUMBER, "created": "2017-02-10T09:11:50Z"}, {}),
        ("GET", f"/v1/phoneNumbers/numberInfo/{NUMBER}", {}, None),
        {"name": "RALEIGH, NC", "number": NUMBER, "created": "2017-02-10T09:11:50Z"},
    ),
    (
        "order_phone_number",
        lambda api: api.order_phone_number(NUMBER, "home phone", "a-1"),
        (201, None, LOCATION),
        ("POST", f"{USERS}/phoneNumbers", {}, {"number": NUMBER, "name": "home phone", "applicationId": "a-1"}),
        "x-123",
    ),
    (
        "get_phone_number",
        lambda api: api.get_phone_number("n-1"),
        (200, {"id": "n-1", "number": NUMBER, "numberState": "enabled", "createdTime": "2017-02-06T18:27:14Z"}, {}),
        ("GET", f"{USERS}/phoneNumbers/n-1", {}, None),
        {"id": "n-1", "number": NUMBER, "number_state": "enabled", "created_time": "2017-02-06T18:27:14Z"},
    ),
    (
        "update_phone_number",
        lambda api: api.update_phone_number("n-1", None, "a-1"),
        (200, None, {}),
        ("POST", f"{USERS}/phoneNumbers/n-1", {}, {"applicationId": "a-1"}),
        None,
    ),
    (
        "delete_phone_number",
        lambda api: api.delete_phone_number("n-1"),
        (200, None, {}),
        ("DELETE", f"{USERS}/phoneNumbers/n-1", {}, None),
        None,
    ),
]


@pytest.mark.parametrize(("call", "answer", "request_", "returned"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_call_sends_bw_pys_request_and_returns_its_shape(
    call: Callable[[Client], Any], answer: tuple[int, Any, dict[str, str]], request_: Any, returned: Any
) -> None:
    wire = Wire(answer)
    with _client(wire) as api:
        assert call(api) == returned
    assert wire.sent() == [request_]


LISTS: list[
    tuple[str, Callable[[Client], Iterator[dict[str, Any]]], str, dict[str, str], dict[str, Any], dict[str, Any]]
] = [
    (
        "list_account_transactions",
        lambda api: api.list_account_transactions(None, None, "2013-02-21T13:38:00", "Charge", "1"),
        f"{USERS}/account/transactions",
        {"fromDate": "2013-02-21T13:38:00", "type": "charge", "size": "1"},
        {"id": "t-1", "productType": "sms-out", "amount": "0.00750"},
        {"id": "t-1", "product_type": "sms-out", "amount": "0.00750"},
    ),
    (
        "list_applications",
        lambda api: api.list_applications(size=1),
        f"{USERS}/applications",
        {"size": "1"},
        APPLICATION,
        APPLICATION_PRINTED,
    ),
    (
        "list_errors",
        lambda api: api.list_errors(1),
        f"{USERS}/errors",
        {"size": "1"},
        {"id": "ue-1", "category": "unavailable"},
        {"id": "ue-1", "category": "unavailable"},
    ),
    (
        "list_media_files",
        lambda api: api.list_media_files(),
        f"{USERS}/media",
        {},
        {"mediaName": "file1", "contentLength": 3},
        {"media_name": "file1", "content_length": 3},
    ),
    (
        "list_phone_numbers",
        lambda api: api.list_phone_numbers("a-1", number_state="ENABLED", size=1, city="RALEIGH"),
        f"{USERS}/phoneNumbers",
        {"applicationId": "a-1", "city": "RALEIGH", "numberState": "enabled", "size": "1"},
        {"id": "n-1", "nationalNumber": "(919) 555-1212"},
        {"id": "n-1", "national_number": "(919) 555-1212"},
    ),
]


@pytest.mark.parametrize(
    ("call", "path", "query", "item", "printed"), [c[1:] for c in LISTS], ids=[c[0] for c in LISTS]
)
def test_lists_are_lazy_generators_that_follow_link_next(
    call: Callable[[Client], Iterator[dict[str, Any]]], path: str, query: dict[str, str], item: Any, printed: Any
) -> None:
    next_page = f"{HOST}{path}?page=1"
    wire = Wire((200, [item], {"Link": f'<{next_page}>; rel="next"'}), (200, [item], {}))
    with _client(wire) as api:
        generated = call(api)
        assert isinstance(generated, types.GeneratorType)
        assert wire.requests == []  # nothing until it is consumed, like BW-py's lazy enumerable
        assert list(generated) == [printed, printed]
    assert [(method, url_path, params) for method, url_path, params, _ in wire.sent()] == [
        ("GET", path, query),
        ("GET", path, {"page": "1"}),
    ]


def test_upload_takes_a_str_bytes_a_file_or_a_path_and_returns_bw_pys_triple(tmp_path: Path) -> None:
    picture = tmp_path / "cat.png"
    picture.write_bytes(b"\x89PNG\x00")
    wire = Wire()
    with _client(wire) as api:
        data, response, identifier = api.upload_media_file("file1.txt", "content of file", "text/plain")
        assert (data, response.status_code, identifier) == (None, 200, None)
        api.upload_media_file("a b.bin", b"\x00\xff")
        api.upload_media_file("stream.png", io.BytesIO(b"\x89PNG\x00"), "image/png")
        api.upload_media_file("cat.png", content_type="image/png", file_path=str(picture))
        with pytest.raises(InputError):
            api.upload_media_file("nothing.bin")
    sent = [(r.method, r.url.raw_path.decode(), r.headers["content-type"], r.content) for r in wire.requests]
    assert sent == [
        ("PUT", f"{USERS}/media/file1.txt", "text/plain", b"content of file"),
        ("PUT", f"{USERS}/media/a%20b.bin", "application/octet-stream", b"\x00\xff"),
        ("PUT", f"{USERS}/media/stream.png", "image/png", b"\x89PNG\x00"),
        ("PUT", f"{USERS}/media/cat.png", "image/png", b"\x89PNG\x00"),
    ]


def test_download_returns_a_stream_and_the_content_type() -> None:
    wire = Wire((200, b"\x89PNG\x00", {"Content-Type": "image/png"}))
    with _client(wire) as api:
        stream, content_type = api.download_media_file("cat.png")
    assert (stream.read(), content_type) == (b"\x89PNG\x00", "image/png")
    assert wire.requests[0].headers["accept"] == "*/*"


def test_errors_are_bw_pys_exception_and_the_typed_error() -> None:
    body = {
        "category": "not-found",
        "code": "application-not-found",
        "message": "The application a-x could not be found",
    }
    wire = Wire((404, body, {}), (400, b"<html>bad request</html>", {"Content-Type": "text/html"}))
    with _client(wire) as api:
        with pytest.raises(BandwidthAccountAPIException) as caught:
            api.get_application("a-x")
        assert isinstance(caught.value, NotFoundError)
        assert (caught.value.status_code, caught.value.code) == (404, "application-not-found")
        assert str(caught.value) == "Error application-not-found: The application a-x could not be found"
        generated = api.list_errors()
        with pytest.raises(BandwidthAccountAPIException) as raised_on_iteration:
            next(generated)
        assert (raised_on_iteration.value.code, raised_on_iteration.value.message) == (
            "400",
            "<html>bad request</html>",
        )
        assert API_SECRET not in str(raised_on_iteration.value) and API_SECRET not in repr(raised_on_iteration.value)


def test_bad_input_is_refused_before_sending() -> None:
    wire = Wire()
    with _client(wire) as api:
        with pytest.raises(InputError) as caught:
            api.create_application("app", incoming_message_url="not a url")
        assert caught.value.field == "incoming_message_url"
        with pytest.raises(InputError):
            api.search_and_order_local_numbers(area_code="910", quantity=11)  # BW-docs: at most 10
        with pytest.raises(InputError):
            api.get_number_info("919-555")
        with pytest.raises(InputError):
            api.delete_media_file("../../account")
    assert wire.requests == []


NO_WAIT = RetryPolicy(backoff_initial=0.0, backoff_max=0.0, jitter=False)


def test_updates_are_repeated_after_a_lost_answer_creations_and_orders_are_not() -> None:
    """Catapult updates with POST, but setting the same properties twice is harmless (x-idempotent);
    a create or a search-and-order could make a second application or allocate more numbers."""
    unavailable: tuple[int, Any, dict[str, str]] = (503, {"message": "try again"}, {})
    wire = Wire(unavailable, (200, None, {}), unavailable, unavailable, unavailable)
    with Client(USER_ID, API_TOKEN, API_SECRET, transport=httpx.MockTransport(wire), retry=NO_WAIT) as api:
        api.update_phone_number("n-1", application_id="a-1")
        assert len(wire.requests) == 2
        with pytest.raises(BandwidthAccountAPIException):
            api.create_application("app", incoming_message_url="https://example.com/in")
        with pytest.raises(BandwidthAccountAPIException):
            api.search_and_order_toll_free_numbers(1)
    assert [r.method for r in wire.requests] == ["POST", "POST", "POST", "POST"]
