"""The MessageMedia Messages SDK 1.1.0 compatibility layer (smsclients.legacy.messagemedia).

Each legacy method is exercised against a cassette with the S003 example exchanges, plus the
1.1.0 exception contract and the defects that must not come back (docs/providers.md §4.7, §4.8).
"""

from __future__ import annotations

import base64
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from smsclients.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
)
from smsclients.legacy.messagemedia import (
    APIException,
    CancelScheduledMessageRequest,
    CheckDeliveryReportsResponse,
    CheckRepliesResponse,
    ConfirmDeliveryReportsAsReceivedRequest,
    ConfirmRepliesAsReceivedRequest,
    DeliveryReportsController,
    MessageMediaMessagesClient,
    MessagesController,
    RepliesController,
    SendMessagesRequest,
    SendMessagesResponse,
)

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

# The 1.1.0 surface this module replaces; every entry has at least one cassette test below.
LEGACY_METHODS = (
    "messages.create_send_messages",
    "messages.get_message_status",
    "messages.update_cancel_scheduled_message",
    "delivery_reports.get_check_delivery_reports",
    "delivery_reports.create_confirm_delivery_reports_as_received",
    "replies.get_check_replies",
    "replies.create_confirm_replies_as_received",
)

# S003's create_send_messages example, verbatim (a JSON string the caller json.loads).
SEED_BODY_VALUE = json.dumps(SEED_SEND_BODY)


@pytest.fixture
def wire() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def client(wire: RecordingTransport) -> Iterator[MessageMediaMessagesClient]:
    with MessageMediaMessagesClient(API_KEY, API_SECRET, transport=wire) as legacy:
        yield legacy


def test_legacy_surface_is_complete() -> None:
    legacy = MessageMediaMessagesClient(API_KEY, API_SECRET)
    assert len(LEGACY_METHODS) == 7
    for dotted in LEGACY_METHODS:
        controller, method = dotted.split(".")
        assert callable(getattr(getattr(legacy, controller), method)), dotted
    assert isinstance(legacy.messages, MessagesController)
    assert isinstance(legacy.delivery_reports, DeliveryReportsController)
    assert isinstance(legacy.replies, RepliesController)
    legacy.close()


def test_controllers_are_lazy_and_cached() -> None:
    legacy = MessageMediaMessagesClient(API_KEY, API_SECRET)
    assert legacy._made == {}
    assert legacy.messages is legacy.messages
    assert legacy.delivery_reports is legacy.delivery_reports
    assert legacy.replies is legacy.replies
    legacy.close()


# -- the seven methods ---------------------------------------------------------------------------


@pytest.mark.vcr
def test_create_send_messages(client: MessageMediaMessagesClient, wire: RecordingTransport, vcr: Cassette) -> None:
    body = json.loads(SEED_BODY_VALUE)  # exactly how S003 builds the body

    result = client.messages.create_send_messages(body)

    (request,) = wire.requests
    assert (request.method, str(request.url)) == ("POST", f"{BASE_URL}/v1/messages")
    assert body_json(request) == SEED_SEND_BODY
    assert_basic_auth(request)
    assert isinstance(result, SendMessagesResponse)
    assert isinstance(result.messages, list) and all(type(m) is dict for m in result.messages)
    assert result.messages[0]["message_id"] == MESSAGE_ID
    assert result.messages[1]["status"] == "queued"
    assert result.messages[1]["metadata"] == {"key1": "value1", "key2": "value2"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_create_send_messages_model_body_and_account_header(
    client: MessageMediaMessagesClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    result = client.messages.create_send_messages(SendMessagesRequest(messages=[BASIC_MESSAGE]), "MyAccount")

    (request,) = wire.requests
    assert request.headers["Account"] == "MyAccount"
    assert body_json(request) == {"messages": [BASIC_MESSAGE]}
    assert result.messages == [dict(BASIC_MESSAGE, message_id=MESSAGE_ID, status="queued")]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_get_message_status(client: MessageMediaMessagesClient, wire: RecordingTransport, vcr: Cassette) -> None:
    result = client.messages.get_message_status(MESSAGE_ID)

    (request,) = wire.requests
    assert (request.method, request.url.path) == ("GET", f"/v1/messages/{MESSAGE_ID}")
    assert type(result) is dict
    assert result["status"] == "enroute"
    assert result["message_id"] == MESSAGE_ID
    assert result["metadata"] == {"key1": "value1", "key2": "value2"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_update_cancel_scheduled_message_is_a_put(
    client: MessageMediaMessagesClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    result = client.messages.update_cancel_scheduled_message(MESSAGE_ID, {"status": "cancelled"})

    (request,) = wire.requests
    assert request.method == "PUT"  # defect #1: 1.1.0 sent POST
    assert request.url.path == f"/v1/messages/{MESSAGE_ID}"
    assert body_json(request) == {"status": "cancelled"}
    assert result == ""  # empty body -> raw text ''
    assert_all_played(vcr)


@pytest.mark.vcr
def test_update_cancel_scheduled_message_hmac_signs_put(wire: RecordingTransport, vcr: Cassette) -> None:
    legacy = MessageMediaMessagesClient(API_KEY, API_SECRET, True, transport=wire)  # S003's positional form

    result = legacy.messages.update_cancel_scheduled_message(MESSAGE_ID, CancelScheduledMessageRequest())

    (request,) = wire.requests
    assert request.method == "PUT"
    assert body_json(request) == {"status": "cancelled"}
    assert_hmac_signed(request)  # PUT and the real path are signed, on Python 3 (defects #2-#4)
    assert result == {"status": "cancelled", "message_id": MESSAGE_ID}  # a JSON body is parsed
    legacy.close()
    assert_all_played(vcr)


@pytest.mark.vcr
def test_get_check_delivery_reports(
    client: MessageMediaMessagesClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    result = client.delivery_reports.get_check_delivery_reports()

    assert (wire.requests[0].method, wire.requests[0].url.path) == ("GET", "/v1/delivery_reports")
    assert isinstance(result, CheckDeliveryReportsResponse)
    assert result.delivery_reports is not None
    assert all(type(r) is dict for r in result.delivery_reports)
    assert [r["delivery_report_id"] for r in result.delivery_reports] == DELIVERY_REPORT_IDS
    assert result.delivery_reports[0]["vendor_account_id"] == {"vendor_id": "MessageMedia", "account_id": "MyAccount"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_create_confirm_delivery_reports_as_received(
    client: MessageMediaMessagesClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    body_value = json.dumps({"delivery_report_ids": CONFIRM_IDS})
    first = client.delivery_reports.create_confirm_delivery_reports_as_received(json.loads(body_value))
    second = client.delivery_reports.create_confirm_delivery_reports_as_received(
        ConfirmDeliveryReportsAsReceivedRequest(delivery_report_ids=DELIVERY_REPORT_IDS), account_header="MyAccount"
    )

    assert [(r.method, r.url.path) for r in wire.requests] == [("POST", "/v1/delivery_reports/confirmed")] * 2
    assert body_json(wire.requests[0]) == {"delivery_report_ids": CONFIRM_IDS}
    assert body_json(wire.requests[1]) == {"delivery_report_ids": DELIVERY_REPORT_IDS}
    assert wire.requests[1].headers["Account"] == "MyAccount"
    assert first == ""
    assert second == "Accepted"  # a non-JSON body comes back as raw text
    assert_all_played(vcr)


@pytest.mark.vcr
def test_get_check_replies(client: MessageMediaMessagesClient, wire: RecordingTransport, vcr: Cassette) -> None:
    result = client.replies.get_check_replies()

    assert wire.requests[0].url.path == "/v1/replies"
    assert isinstance(result, CheckRepliesResponse)
    assert result.replies is not None
    assert [r["reply_id"] for r in result.replies] == REPLY_IDS
    assert result.replies[0]["content"] == "My first reply!"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_create_confirm_replies_as_received(
    client: MessageMediaMessagesClient, wire: RecordingTransport, vcr: Cassette
) -> None:
    first = client.replies.create_confirm_replies_as_received({"reply_ids": CONFIRM_IDS})
    second = client.replies.create_confirm_replies_as_received(ConfirmRepliesAsReceivedRequest(reply_ids=REPLY_IDS))

    assert [body_json(r) for r in wire.requests] == [{"reply_ids": CONFIRM_IDS}, {"reply_ids": REPLY_IDS}]
    assert first == ""
    assert second == {"confirmed": 2}  # a JSON body is parsed
    assert_all_played(vcr)


# -- APIException --------------------------------------------------------------------------------


@pytest.mark.vcr
def test_send_400_raises_api_exception_with_empty_reason(client: MessageMediaMessagesClient, vcr: Cassette) -> None:
    with pytest.raises(APIException) as caught:
        client.messages.create_send_messages({"messages": [dict(BASIC_MESSAGE, scheduled="2016-11-03T11:49:02.807Z")]})

    error = caught.value
    assert str(error) == ""  # 1.1.0: endpoint-handled code -> reason ''
    assert error.response_code == 400
    assert isinstance(error, BadRequestError)
    assert error.context.request.http_method == "POST"
    assert error.context.request.query_url == f"{BASE_URL}/v1/messages"
    assert error.context.response.status_code == 400
    assert error.context.response.headers["content-type"] == "application/json"
    assert json.loads(error.context.response.raw_body)["details"] == ["Failed to parse message body."]
    assert error.details == ["Failed to parse message body."]  # the typed view of the same error
    assert_all_played(vcr)


@pytest.mark.vcr
def test_send_403_raises_http_response_not_ok(client: MessageMediaMessagesClient, vcr: Cassette) -> None:
    with pytest.raises(PermissionDeniedError) as caught:  # caught by the modern class too
        client.messages.create_send_messages({"messages": [BASIC_MESSAGE]})

    error = caught.value
    assert isinstance(error, APIException)
    assert str(error) == "HTTP response not OK."
    assert error.response_code == 403
    assert error.message == "Invalid authentication credentials"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_get_message_status_404(client: MessageMediaMessagesClient, vcr: Cassette) -> None:
    with pytest.raises(APIException) as caught:
        client.messages.get_message_status(MESSAGE_ID_2)

    assert str(caught.value) == ""
    assert caught.value.response_code == 404
    assert isinstance(caught.value, NotFoundError)
    assert caught.value.context.response.raw_body == '{"message": "Resource not found."}'
    assert_all_played(vcr)


@pytest.mark.vcr
def test_cancel_404_and_400(client: MessageMediaMessagesClient, vcr: Cassette) -> None:
    with pytest.raises(APIException) as not_found:
        client.messages.update_cancel_scheduled_message(MESSAGE_ID_2, {"status": "cancelled"})
    with pytest.raises(APIException) as not_scheduled:
        client.messages.update_cancel_scheduled_message(MESSAGE_ID, {"status": "cancelled"})

    assert (str(not_found.value), not_found.value.response_code) == ("", 404)
    assert (str(not_scheduled.value), not_scheduled.value.response_code) == ("", 400)
    assert not_found.value.context.request.http_method == "PUT"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_confirm_400_and_check_401(client: MessageMediaMessagesClient, vcr: Cassette) -> None:
    with pytest.raises(APIException) as bad:
        client.replies.create_confirm_replies_as_received({"reply_ids": CONFIRM_IDS})
    with pytest.raises(APIException) as unauthorized:
        client.replies.get_check_replies()

    assert (str(bad.value), bad.value.response_code) == ("", 400)
    assert (str(unauthorized.value), unauthorized.value.response_code) == ("HTTP response not OK.", 401)
    assert isinstance(unauthorized.value, AuthenticationError)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_non_json_error_body(client: MessageMediaMessagesClient, vcr: Cassette) -> None:
    with pytest.raises(APIException) as caught:
        client.delivery_reports.get_check_delivery_reports()

    error = caught.value
    assert str(error) == "HTTP response not OK."
    assert error.response_code == 500
    assert isinstance(error, ServerError)
    assert error.context.response.raw_body.startswith("<html>")
    assert error.body is None
    assert_all_played(vcr)


def test_api_exception_constructed_directly() -> None:
    from smsclients.legacy.messagemedia import HttpContext, HttpRequest, HttpResponse

    context = HttpContext(HttpRequest("GET", f"{BASE_URL}/v1/replies"), HttpResponse(418, {}, "teapot"))
    error = APIException("HTTP response not OK.", context)
    assert str(error) == "HTTP response not OK."
    assert error.response_code == 418
    assert error.context is context
    assert isinstance(error, APIError)


# -- constructor forms, credentials, defects -------------------------------------------------------


def _auth_header_of(legacy: MessageMediaMessagesClient, calls: list[httpx.Request]) -> str:
    legacy.replies.get_check_replies()
    return calls[-1].headers["Authorization"]


def _capture() -> tuple[list[httpx.Request], httpx.MockTransport]:
    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(200, json={"replies": []})

    return calls, httpx.MockTransport(handler)


@pytest.mark.parametrize(
    ("args", "kwargs", "hmac"),
    [
        ((API_KEY, API_SECRET), {}, False),
        ((API_KEY, API_SECRET, True), {}, True),
        ((), {"auth_user_name": API_KEY, "auth_password": API_SECRET, "use_hmac_authentication": True}, True),
        ((API_KEY, API_SECRET), {"use_hmac_autentication": True}, True),  # the PyPI 1.1.0 spelling
        ((API_KEY, API_SECRET), {"use_hmac_autentication": False}, False),
    ],
)
def test_constructor_forms(args: tuple[Any, ...], kwargs: dict[str, Any], hmac: bool) -> None:
    calls, transport = _capture()
    legacy = MessageMediaMessagesClient(*args, transport=transport, **kwargs)
    header = _auth_header_of(legacy, calls)
    assert header.startswith("hmac username=" if hmac else "Basic ")
    if hmac:
        assert_hmac_signed(calls[-1])
    assert str(calls[-1].url).startswith("https://api.messagemedia.com/")  # defect #6: https
    legacy.close()


def test_constructor_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(TypeError):
        MessageMediaMessagesClient(API_KEY, API_SECRET, True, use_hmac_autentication=False)
    # 1.1.0 accepted missing credentials at construction; they are checked when a call is made.
    monkeypatch.delenv("MESSAGEMEDIA_API_KEY", raising=False)
    monkeypatch.delenv("MESSAGEMEDIA_API_SECRET", raising=False)
    with pytest.raises(InputError, match="MESSAGEMEDIA_API_KEY"):
        MessageMediaMessagesClient(transport=NoNetwork()).replies.get_check_replies()
    with pytest.raises(InputError, match="MESSAGEMEDIA_API_SECRET"):
        MessageMediaMessagesClient(API_KEY, transport=NoNetwork()).replies.get_check_replies()


def test_credentials_are_per_instance() -> None:
    # Defect #5: 1.1.0 kept credentials in a global Configuration, so a later Basic client still signed with HMAC.
    calls, transport = _capture()
    first = MessageMediaMessagesClient(API_KEY, API_SECRET, True, transport=transport)
    second = MessageMediaMessagesClient("other-key", "other-secret", transport=transport)

    assert _auth_header_of(first, calls).startswith('hmac username="canary-key-5f1e2d"')
    token = base64.b64encode(b"other-key:other-secret").decode()
    assert _auth_header_of(second, calls) == f"Basic {token}"
    assert _auth_header_of(first, calls).startswith("hmac ")
    first.close()
    second.close()


def test_invalid_bodies_are_refused_before_sending() -> None:
    transport = NoNetwork()
    legacy = MessageMediaMessagesClient(API_KEY, API_SECRET, transport=transport)
    cases: list[tuple[Any, str]] = [
        (lambda: legacy.messages.create_send_messages({}), "body.messages"),
        (
            lambda: legacy.messages.create_send_messages({"messages": [{"content": "x"}]}),
            "messages[0].destination_number",
        ),
        (lambda: legacy.messages.create_send_messages("{not json"), "body"),
        (lambda: legacy.messages.update_cancel_scheduled_message(MESSAGE_ID, {"status": "scheduled"}), "body.status"),
        (lambda: legacy.messages.get_message_status("messageId"), "message_id"),
        (lambda: legacy.replies.create_confirm_replies_as_received({"reply_ids": []}), "reply_ids"),
        (lambda: legacy.delivery_reports.create_confirm_delivery_reports_as_received(42), "body"),
    ]
    for call, field in cases:
        with pytest.raises(InputError) as caught:
            call()
        assert caught.value.field == field
    assert transport.requests == []
    legacy.close()


def test_importing_does_not_configure_logging() -> None:
    # Defect #7: 1.1.0 called logging.basicConfig(stdout, INFO) at import.
    code = (
        "import logging; import smsclients.legacy.messagemedia; "
        "root = logging.getLogger(); assert not root.handlers, root.handlers; "
        "assert root.level == logging.WARNING, root.level"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": ":".join(sys.path)})


def test_nothing_secret_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    _calls, transport = _capture()
    with caplog.at_level(logging.DEBUG):
        legacy = MessageMediaMessagesClient(API_KEY, API_SECRET, True, transport=transport)
        legacy.replies.get_check_replies()
        legacy.close()
    assert API_KEY not in caplog.text
    assert API_SECRET not in caplog.text
    assert "hmac username" not in caplog.text
