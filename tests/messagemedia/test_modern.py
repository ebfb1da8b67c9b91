"""The modern MessageMedia facade (sync): every operation, errors, the check/confirm queue, input checks."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from messagemedia_messages_v1_client.models import DeliveryReport, NewMessage, Reply, SendMessagesResponse
from messagemedia_messages_v1_client.models.message_metadata import MessageMetadata
from messagemedia_messages_v1_client.resources import NewMessageParams
from smsclients.errors import (
    AuthenticationError,
    BadRequestError,
    InputError,
    InsecureURLError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
)
from smsclients.messagemedia import MessageMediaClient, parse_error_body

from tests.fields import dig

from .support import (
    API_KEY,
    API_SECRET,
    BASE_URL,
    BASIC_MESSAGE,
    CONFIRM_IDS,
    DELIVERY_REPORT_IDS,
    MESSAGE_ID,
    MESSAGE_ID_2,
    REPLY_IDS,
    SEED_SEND_BODY,
    Cassette,
    NoNetwork,
    RecordingTransport,
    assert_all_played,
    assert_basic_auth,
    assert_hmac_signed,
    body_json,
)


@pytest.fixture
def wire() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def client(wire: RecordingTransport) -> Iterator[MessageMediaClient]:
    with MessageMediaClient(API_KEY, API_SECRET, transport=wire) as mm:
        yield mm


@pytest.fixture
def hmac_client(wire: RecordingTransport) -> Iterator[MessageMediaClient]:
    with MessageMediaClient(API_KEY, API_SECRET, hmac=True, transport=wire) as mm:
        yield mm


# -- messages ------------------------------------------------------------------------------------


@pytest.mark.vcr
def test_send_messages_seed_example(client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette) -> None:
    result = client.messages.send(SEED_SEND_BODY["messages"])

    (request,) = wire.requests
    assert request.method == "POST"
    assert str(request.url) == f"{BASE_URL}/v1/messages"
    assert body_json(request) == SEED_SEND_BODY
    assert "Account" not in request.headers
    assert_basic_auth(request)
    assert isinstance(result, SendMessagesResponse)
    assert [m.message_id for m in dig(result, "messages")] == [MESSAGE_ID, MESSAGE_ID_2]
    assert [m.status for m in dig(result, "messages")] == ["queued", "queued"]
    first = dig(result, "messages[0]")
    assert first.content == "My first message"
    assert first.source_number_type == "INTERNATIONAL"
    assert first.metadata and first.metadata.additional_properties == {"key1": "value1", "key2": "value2"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_send_message_models_with_account(wire: RecordingTransport, vcr: Cassette) -> None:
    metadata = MessageMetadata()
    metadata["order"] = "1234"
    message = NewMessage(content="Your order has shipped", destination_number="+61491570156", metadata=metadata)
    with MessageMediaClient(API_KEY, API_SECRET, account="MyAccount", transport=wire) as mm:
        result = mm.messages.send([message])

    (request,) = wire.requests
    assert request.headers["Account"] == "MyAccount"
    assert body_json(request) == {
        "messages": [
            {"content": "Your order has shipped", "destination_number": "+61491570156", "metadata": {"order": "1234"}}
        ]
    }
    assert dig(result, "messages[0].message_id") == MESSAGE_ID
    assert_all_played(vcr)


@pytest.mark.vcr
def test_send_hmac_signed(hmac_client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette) -> None:
    result = hmac_client.messages.send([BASIC_MESSAGE])

    (request,) = wire.requests
    assert body_json(request) == {"messages": [BASIC_MESSAGE]}
    assert_hmac_signed(request)  # date + x-Content-MD5 + "POST /v1/messages HTTP/1.1"
    assert dig(result, "messages[0].status") == "queued"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_message_status(client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette) -> None:
    message = client.messages.status(MESSAGE_ID)

    (request,) = wire.requests
    assert request.method == "GET"
    assert request.url.path == f"/v1/messages/{MESSAGE_ID}"
    assert request.content == b""
    assert message.message_id == MESSAGE_ID
    assert message.status == "enroute"
    assert message.destination_number == "+61401760575"
    assert message.format_ == "SMS"
    assert message.delivery_report is True
    assert message.scheduled == "2016-11-03T11:49:02.807Z"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_message_status_hmac_signed(hmac_client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette) -> None:
    message = hmac_client.messages.status(MESSAGE_ID)

    (request,) = wire.requests
    assert_hmac_signed(request)  # no body: headers="date request-line", the real path (defect #3)
    assert message.status == "delivered"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_cancel_is_a_put(client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette) -> None:
    client.messages.cancel(MESSAGE_ID)

    (request,) = wire.requests
    assert request.method == "PUT"  # 1.1.0 sent POST (defect #1)
    assert request.url.path == f"/v1/messages/{MESSAGE_ID}"
    assert body_json(request) == {"status": "cancelled"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_cancel_hmac_signs_put(hmac_client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette) -> None:
    hmac_client.messages.cancel(MESSAGE_ID)

    (request,) = wire.requests
    assert request.method == "PUT"
    assert_hmac_signed(request)  # request line "PUT /v1/messages/<id> HTTP/1.1" (defects #2, #3)
    assert_all_played(vcr)


# -- delivery reports and replies ----------------------------------------------------------------


@pytest.mark.vcr
def test_check_delivery_reports(client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette) -> None:
    reports = client.delivery_reports.check()

    assert [r.method for r in wire.requests] == ["GET"]
    assert wire.requests[0].url.path == "/v1/delivery_reports"
    assert all(isinstance(r, DeliveryReport) for r in reports)
    assert [r.delivery_report_id for r in reports] == DELIVERY_REPORT_IDS
    assert reports[0].status == "enroute"
    assert reports[0].vendor_account_id and reports[0].vendor_account_id.account_id == "MyAccount"
    assert reports[1].original_text == "My second message!"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_confirm_delivery_reports(client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette) -> None:
    client.delivery_reports.confirm(CONFIRM_IDS)

    (request,) = wire.requests
    assert request.method == "POST"
    assert request.url.path == "/v1/delivery_reports/confirmed"
    assert body_json(request) == {"delivery_report_ids": CONFIRM_IDS}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_check_replies(client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette) -> None:
    replies = client.replies.check()

    assert wire.requests[0].url.path == "/v1/replies"
    assert all(isinstance(r, Reply) for r in replies)
    assert [r.reply_id for r in replies] == REPLY_IDS
    assert replies[0].content == "My first reply!"
    assert replies[0].message_id == MESSAGE_ID
    assert_all_played(vcr)


@pytest.mark.vcr
def test_confirm_replies(client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette) -> None:
    client.replies.confirm(CONFIRM_IDS)

    (request,) = wire.requests
    assert (request.method, request.url.path) == ("POST", "/v1/replies/confirmed")
    assert body_json(request) == {"reply_ids": CONFIRM_IDS}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_delivery_reports_iter_three_batches(
    client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    iterator = client.delivery_reports.iter()
    assert wire.requests == []  # lazy: nothing fetched before iteration

    seen = [report.delivery_report_id for report in iterator]

    assert len(seen) == 5
    calls = [(r.method, r.url.path) for r in wire.requests]
    check, confirm = ("GET", "/v1/delivery_reports"), ("POST", "/v1/delivery_reports/confirmed")
    assert calls == [check, confirm, check, confirm, check, confirm, check]
    confirmed = [body_json(r)["delivery_report_ids"] for r in wire.requests if r.method == "POST"]
    assert confirmed == [seen[0:2], seen[2:4], seen[4:5]]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_delivery_reports_iter_limit(client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette) -> None:
    seen = [report.delivery_report_id for report in client.delivery_reports.iter(max_items=1)]

    assert seen == DELIVERY_REPORT_IDS[:1]
    # Only what was handled is confirmed; the second report stays queued.
    assert [body_json(r) for r in wire.requests if r.method == "POST"] == [
        {"delivery_report_ids": DELIVERY_REPORT_IDS[:1]}
    ]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_replies_drain_three_batches(client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette) -> None:
    handled: list[str] = []

    count = client.replies.drain(lambda reply: handled.append(dig(reply, "content")))

    assert count == 5
    assert handled == ["Reply 1", "Reply 2", "Reply 3", "Reply 4", "Reply 5"]
    assert [body_json(r)["reply_ids"] for r in wire.requests if r.method == "POST"] == [
        REPLY_IDS,
        [CONFIRM_IDS[0], CONFIRM_IDS[1]],
        [CONFIRM_IDS[2]],
    ]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_replies_drain_handler_failure_confirms_only_handled(
    client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    def handler(reply: Reply) -> None:
        if reply.reply_id == REPLY_IDS[1]:
            raise RuntimeError("handler failed")

    with pytest.raises(RuntimeError, match="handler failed"):
        client.replies.drain(handler)

    # At-least-once: the failed reply is not confirmed, so the next check returns it again.
    assert [body_json(r) for r in wire.requests if r.method == "POST"] == [{"reply_ids": REPLY_IDS[:1]}]
    assert_all_played(vcr)


# -- errors --------------------------------------------------------------------------------------


@pytest.mark.vcr
def test_error_400_with_details(client: MessageMediaClient, vcr: Cassette) -> None:
    # A send the API refuses although it passes the client-side checks (here: a past schedule).
    message: NewMessageParams = {**BASIC_MESSAGE, "scheduled": "2016-11-03T11:49:02.807Z"}
    with pytest.raises(BadRequestError) as caught:
        client.messages.send([message])

    error = caught.value
    assert error.status_code == 400
    assert error.message == "Request failed to parse correctly. Please ensure input is valid and try again."
    assert error.details == ["Failed to parse message body."]
    assert error.provider == "messagemedia"
    assert error.method == "POST"
    assert error.body == {
        "message": "Request failed to parse correctly. Please ensure input is valid and try again.",
        "details": ["Failed to parse message body."],
    }
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_401(client: MessageMediaClient, vcr: Cassette) -> None:
    with pytest.raises(AuthenticationError) as caught:
        client.replies.check()
    assert caught.value.status_code == 401
    assert caught.value.message == "Unauthorized"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_403_invalid_credentials(client: MessageMediaClient, vcr: Cassette) -> None:
    with pytest.raises(PermissionDeniedError) as caught:
        client.delivery_reports.check()
    assert caught.value.status_code == 403
    assert caught.value.message == "Invalid authentication credentials"
    assert "Authorization" not in caught.value.headers
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_404_unknown_message(client: MessageMediaClient, vcr: Cassette) -> None:
    with pytest.raises(NotFoundError) as caught:
        client.messages.status(MESSAGE_ID_2)
    assert caught.value.message == "Resource not found."
    assert caught.value.url == f"{BASE_URL}/v1/messages/{MESSAGE_ID_2}"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_error_non_json_body_on_send_is_not_retried(
    client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    with pytest.raises(ServerError) as caught:
        client.messages.send([BASIC_MESSAGE])

    error = caught.value
    assert error.status_code == 503
    assert error.body is None
    assert error.message.startswith("<html>")
    assert b"Service Unavailable" in error.raw_body
    assert len(wire.requests) == 1  # a POST is never repeated after it reached the server
    assert_all_played(vcr)


@pytest.mark.vcr
def test_malformed_success_body(client: MessageMediaClient, vcr: Cassette) -> None:
    with pytest.raises(MalformedResponseError):
        client.messages.status(MESSAGE_ID)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_per_call_max_retries(client: MessageMediaClient, wire: RecordingTransport, vcr: Cassette) -> None:
    # A GET on 503 is normally retried; max_retries=0 makes this one call fail at once.
    with pytest.raises(ServerError):
        client.delivery_reports.check(max_retries=0, timeout=5.0)
    assert len(wire.requests) == 1
    assert_all_played(vcr)


def test_undeclared_success_status_is_still_parsed() -> None:
    # The spec says 202 for a send and a confirm; a 200 with the same body must not be lost.
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/messages":
            return httpx.Response(200, json={"messages": [dict(BASIC_MESSAGE, message_id=MESSAGE_ID, status="queued")]})
        return httpx.Response(200)

    with MessageMediaClient(API_KEY, API_SECRET, transport=httpx.MockTransport(handler)) as mm:
        assert dig(mm.messages.send([BASIC_MESSAGE]), "messages[0].message_id") == MESSAGE_ID
        mm.replies.confirm(REPLY_IDS)


def test_parse_error_body_shapes() -> None:
    assert parse_error_body({"message": "Resource not found."}).message == "Resource not found."
    details = parse_error_body({"message": "Bad", "details": ["a", "b"]})
    assert (details.message, details.details) == ("Bad", ("a", "b"))
    assert parse_error_body({"details": ["only detail"]}).message == "only detail"
    assert parse_error_body(["not", "an", "object"]).message is None
    assert parse_error_body("text").message is None


# -- input checks: nothing is sent -----------------------------------------------------------------


def _no_network_client() -> tuple[MessageMediaClient, NoNetwork]:
    transport = NoNetwork()
    return MessageMediaClient(API_KEY, API_SECRET, transport=transport), transport


def _message(**overrides: Any) -> Any:
    return {**BASIC_MESSAGE, **overrides}


INVALID_SENDS: list[tuple[object, str, str]] = [
    ([], "messages", "at least 1"),
    ([_message()] * 101, "messages", "at most 100"),
    ("not a list", "messages", "must be a list"),
    ([_message(), {"destination_number": "+61491570156"}], "messages[1].content", "is required"),
    ([_message(content="")], "messages[0].content", "must not be empty"),
    ([_message(content="x" * 5001)], "messages[0].content", "at most 5000 characters"),
    ([_message(destination_number="0491570156")], "messages[0].destination_number", "E.164"),
    ([_message(destination_number="+6149")], "messages[0].destination_number", "possible"),
    ([_message(destination_number="+61 491 570 156 (mobile)")], "messages[0].destination_number", "E.164"),
    ([_message()] * 3 + [_message(metadata={f"k{i}": "v" for i in range(11)})], "messages[3].metadata", "at most 10"),
    ([_message(metadata={"k" * 101: "v"})], "messages[0].metadata key " + repr("k" * 101), "at most 100 characters"),
    ([_message(metadata={"key": "v" * 257})], "messages[0].metadata['key']", "at most 256 characters"),
    ([_message(metadata={"key": 1})], "messages[0].metadata['key']", "must be a string"),
    ([_message(format="FAX")], "messages[0].format", "must be one of"),
    ([_message(source_number_type="INTERNATIONAL")], "messages[0].source_number_type", "source_number"),
    ([_message(scheduled="tomorrow")], "messages[0].scheduled", "ISO 8601"),
    ([_message(delivery_report="yes")], "messages[0].delivery_report", "true or false"),
    ([42], "messages[0]", "must be an object (a dict or the generated model)"),
    # A misspelt key is refused, not sent without its effect (the spec declares every field).
    ([_message(delivery_reprot=True)], "messages[0].delivery_reprot", "is not a field of this request"),
]


@pytest.mark.parametrize(("messages", "field", "rule"), INVALID_SENDS)
def test_send_input_errors_name_the_field(messages: object, field: str, rule: str) -> None:
    mm, transport = _no_network_client()
    with mm, pytest.raises(InputError) as caught:
        mm.messages.send(messages)  # type: ignore[arg-type]
    assert caught.value.field == field
    assert rule in caught.value.rule
    assert transport.requests == []


def test_send_normalises_number_and_schedule_before_sending() -> None:
    from datetime import UTC, datetime

    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(202, json={"messages": []})

    with MessageMediaClient("key", "secret", transport=httpx.MockTransport(answer)) as mm:
        mm.messages.send(
            [_message(destination_number="+61 491 570 156", scheduled=datetime(2030, 1, 2, 3, 4, 5, 6000, tzinfo=UTC))]
        )
    assert json.loads(sent[0].content) == {
        "messages": [
            {
                "content": "My first message!",
                "destination_number": "+61491570156",
                "scheduled": "2030-01-02T03:04:05.006Z",
            }
        ]
    }


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda mm: mm.messages.status("messageId"), "message_id"),
        (lambda mm: mm.messages.cancel(""), "message_id"),
        (lambda mm: mm.delivery_reports.confirm([]), "delivery_report_ids"),
        (lambda mm: mm.delivery_reports.confirm(CONFIRM_IDS[0]), "delivery_report_ids"),
        (lambda mm: mm.delivery_reports.confirm([CONFIRM_IDS[0]] * 101), "delivery_report_ids"),
        (lambda mm: mm.replies.confirm([CONFIRM_IDS[0], "not-a-uuid"]), "reply_ids[1]"),
        (lambda mm: mm.replies.check(account=""), "account"),
        (lambda mm: mm.replies.check(max_retries=-1), "max_retries"),
    ],
)
def test_other_input_errors(call: Any, field: str) -> None:
    mm, transport = _no_network_client()
    with mm, pytest.raises(InputError) as caught:
        call(mm)
    assert caught.value.field == field
    assert transport.requests == []


def test_constructor_checks() -> None:
    with pytest.raises(InsecureURLError):
        MessageMediaClient(API_KEY, API_SECRET, base_url="http://api.messagemedia.com")
    with pytest.raises(InputError, match="api_secret"):
        MessageMediaClient(API_KEY, "")


def test_repr_and_close_without_secrets() -> None:
    mm = MessageMediaClient(API_KEY, API_SECRET, hmac=True, account="MyAccount", transport=httpx.MockTransport(_ok))
    text = repr(mm)
    assert text == "MessageMediaClient(base_url='https://api.messagemedia.com', auth='hmac', account='MyAccount')"
    assert API_KEY not in text and API_SECRET not in text
    mm.close()


def _ok(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"delivery_reports": []})
