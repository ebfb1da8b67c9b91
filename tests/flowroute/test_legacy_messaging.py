"""FR-lib drop-in (``FlowrouteMessagingLib``): the S000 flows, reasons, and the fixed defects."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from smsclients.errors import (
    APIError,
    AuthenticationError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    ServerError,
)
from smsclients.legacy.flowroute_messaging import APIController, APIException, Configuration, Message

from .support import (
    ACCESS_KEY,
    MDR1_LOOKUP,
    MDR1_SENT,
    SECRET_KEY,
    TO_NUMBER,
    V2_FROM,
    Cassette,
    RecordingTransport,
    assert_all_played,
    body_json,
    calls,
)

# Every documented legacy method, each exercised below (success and error paths).
LEGACY_METHODS = ("APIController.create_message", "APIController.get_message_lookup")


@pytest.fixture
def wire() -> RecordingTransport:
    return RecordingTransport()


@pytest.fixture
def controller(wire: RecordingTransport) -> Iterator[APIController]:
    # S000 passes the credentials as keywords.
    with APIController(username=ACCESS_KEY, password=SECRET_KEY, transport=wire) as api:
        yield api


@pytest.mark.vcr
def test_create_message(controller: APIController, wire: RecordingTransport, vcr: Cassette) -> None:
    msg = Message(to=TO_NUMBER, from_=V2_FROM, content="example body")
    response = controller.create_message(msg)

    assert response == {"data": {"id": MDR1_SENT}}
    assert response["data"]["id"] == MDR1_SENT
    assert calls(wire) == [("POST", "/v2/messages")]
    # `content` goes out as `body`, the field the API reference documents.
    assert body_json(wire.requests[0]) == {"to": TO_NUMBER, "from": V2_FROM, "body": "example body"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_create_message_accepts_plus_one(controller: APIController, wire: RecordingTransport, vcr: Cassette) -> None:
    response = controller.create_message(Message(to="+" + TO_NUMBER, from_="+" + V2_FROM, content="example body"))

    assert response["data"]["id"] == MDR1_SENT
    assert body_json(wire.requests[0])["to"] == TO_NUMBER
    assert_all_played(vcr)


@pytest.mark.vcr
def test_get_message_lookup(controller: APIController, wire: RecordingTransport, vcr: Cassette) -> None:
    response = controller.get_message_lookup(MDR1_LOOKUP)

    assert response["data"]["type"] == "message"
    attributes = response["data"]["attributes"]
    assert attributes["body"] == "Gee, nice marmot!"
    assert attributes["from"] == "18444205700"
    assert attributes["callback_url"] is None
    assert attributes["has_mms"] is False
    assert attributes["amount_nanodollars"] == 4000000
    assert calls(wire) == [("GET", f"/v2/messages/{MDR1_LOOKUP}")]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_create_message_401_unauthorized(controller: APIController, vcr: Cassette) -> None:
    with pytest.raises(APIException) as caught:
        controller.create_message(Message(to=TO_NUMBER, from_=V2_FROM, content="example body"))

    error = caught.value
    assert str(error) == "UNAUTHORIZED"
    assert error.response_code == 401
    # S000 prints e.response_body['errors'].
    assert error.response_body["errors"] == [
        {
            "detail": "Authentication failed.",
            "id": "277d6cfc-0577-4bfb-aaee-2c819a20223c",
            "status": 401,
            "title": "Unauthorized",
        }
    ]
    assert isinstance(error, AuthenticationError)
    assert error.status_code == 401 and error.code == "Unauthorized"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_create_message_403_forbidden(controller: APIController, vcr: Cassette) -> None:
    with pytest.raises(APIException) as caught:
        controller.create_message(Message(to=TO_NUMBER, from_=V2_FROM, content="example body"))

    assert str(caught.value) == "FORBIDDEN"
    assert caught.value.response_code == 403
    assert isinstance(caught.value, PermissionDeniedError)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_create_message_non_json_error(controller: APIController, vcr: Cassette) -> None:
    # Fixed defect: the library raised a JSON decode error here instead of APIException.
    with pytest.raises(APIException) as caught:
        controller.create_message(Message(to=TO_NUMBER, from_=V2_FROM, content="example body"))

    error = caught.value
    assert str(error) == "HTTP Response Not OK"
    assert error.response_code == 500
    assert isinstance(error.response_body, str) and "Internal Server Error" in error.response_body
    assert isinstance(error, ServerError)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_get_message_lookup_404(controller: APIController, vcr: Cassette) -> None:
    with pytest.raises(APIException) as caught:
        controller.get_message_lookup(MDR1_LOOKUP)

    assert str(caught.value) == "HTTP Response Not OK"
    assert caught.value.response_code == 404
    assert isinstance(caught.value, NotFoundError)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_get_message_lookup_401_is_not_ok(controller: APIController, vcr: Cassette) -> None:
    # The lookup never used the UNAUTHORIZED reason.
    with pytest.raises(APIException) as caught:
        controller.get_message_lookup(MDR1_LOOKUP)

    assert str(caught.value) == "HTTP Response Not OK"
    assert caught.value.response_code == 401
    assert isinstance(caught.value, APIError)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_invalid_message_is_refused_before_sending(controller: APIController, wire: RecordingTransport) -> None:
    with pytest.raises(InputError) as caught:
        controller.create_message(Message(to="555-0100", from_=V2_FROM, content="hi"))
    assert caught.value.field == "message.to"

    with pytest.raises(InputError) as caught:
        controller.create_message(Message(to=TO_NUMBER, from_=V2_FROM))
    assert caught.value.field == "message.content"

    with pytest.raises(ValueError, match="record_id"):
        controller.get_message_lookup("not-an-id")
    assert wire.requests == []


def test_message_model() -> None:
    msg = Message(to=TO_NUMBER, from_=V2_FROM, content="Gee, nice marmot!", priority="high")
    assert (msg.to, msg.mfrom, msg.content) == (TO_NUMBER, V2_FROM, "Gee, nice marmot!")
    assert not hasattr(msg, "priority")  # unknown keywords are ignored, as before
    empty = Message()
    assert (empty.to, empty.mfrom, empty.content) == (None, None, None)


def test_configuration_and_base_uri() -> None:
    assert Configuration.BASE_URI == "https://api.flowroute.com/v2"
    with APIController(ACCESS_KEY, SECRET_KEY, base_uri="http://127.0.0.1:9000/v2") as local:
        assert repr(local) == "APIController(base_uri='http://127.0.0.1:9000/v2')"
    # Any base URI the library took is taken (it only appended /messages); nothing is checked until a call.
    with APIController(ACCESS_KEY, SECRET_KEY, base_uri="https://api.flowroute.com") as other:
        assert repr(other) == "APIController(base_uri='https://api.flowroute.com')"
    insecure = APIController(ACCESS_KEY, SECRET_KEY, base_uri="http://api.example.com/v2")
    with pytest.raises(InputError) as caught:
        insecure.get_message_lookup("mdr2-1")
    assert caught.value.field == "base_uri"
    assert "e.g. https://api.flowroute.com/v2" in str(caught.value)
    assert "api.example.com" not in str(caught.value)


def test_exception_signature() -> None:
    error = APIException("UNAUTHORIZED", 401, {"errors": []})
    assert str(error) == "UNAUTHORIZED"
    assert (error.response_code, error.response_body) == (401, {"errors": []})
