"""BW-py 3.0.3's own messaging tests, run on the drop-in.

Most of python-bandwidth's tests (``tests/test_convert_camel.py``, the constructor tests of
``tests/bandwidth/test_messaging_client.py``) run unchanged on the drop-in with only their import
lines changed (see docs/migration/bandwidth.md). The four tests of
``tests/bandwidth/messaging/test_message.py`` mock ``requests.request``, the SDK's transport, so
they are ported here: the same calls with the same answers, checked on the wire through an httpx
transport instead of the mock. Where the request differs on purpose (no ``null`` fields, numbers
in E.164) the README lists it. The answers are the SDK tests' own minimal JSON (a message with only
an ``id``), which the drop-in returns as the SDK did.
"""

from __future__ import annotations

import base64
import json

import httpx
import pytest

# The SDK's module paths are registered at import time (mypy cannot see them), as users import them.
from smsclients.legacy.bandwidth.convert_camel import convert_object_to_snake_case  # type: ignore[import-not-found]
from smsclients.legacy.bandwidth.messaging import BandwidthMessageAPIException, Client  # type: ignore[import-not-found]

AUTH = "Basic " + base64.b64encode(b"apiToken:apiSecret").decode()
MESSAGES = "https://api.catapult.inetwork.com/v1/users/userId/messages"


class Wire(httpx.MockTransport):
    """Answers every request with ``answer`` and keeps the requests."""

    def __init__(self, answer: httpx.Response) -> None:
        self.requests: list[httpx.Request] = []

        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return answer

        super().__init__(handle)


def _client(wire: Wire) -> Client:
    return Client("userId", "apiToken", "apiSecret", transport=wire)


def test_get_messages() -> None:
    wire = Wire(httpx.Response(200, json=[{"id": "messageId"}]))
    data = list(_client(wire).list_messages())
    (request,) = wire.requests
    assert (request.method, str(request.url)) == ("GET", MESSAGES)  # None filters are not sent, as with requests
    assert request.headers["authorization"] == AUTH
    assert data[0]["id"] == "messageId"


def test_send_message() -> None:
    wire = Wire(httpx.Response(201, headers={"Location": "http://localhost/messageId"}))
    message_id = _client(wire).send_message(from_="+19195551212", to="+19195551213", text="text")
    (request,) = wire.requests
    assert (request.method, str(request.url)) == ("POST", MESSAGES)
    assert request.headers["authorization"] == AUTH
    # BW-py also sent the unset fields as null; the drop-in leaves them out (README).
    assert json.loads(request.content) == {"from": "+19195551212", "to": "+19195551213", "text": "text"}
    assert message_id == "messageId"


def test_send_messages() -> None:
    answer = httpx.Response(200, json=[{"result": "accepted", "location": "http://localhost/messageId"}])
    wire = Wire(answer)
    data = [{"from": "+19195551212", "to": "+19195551213", "text": "text"}]
    results = _client(wire).send_messages(data)
    (request,) = wire.requests
    assert (request.method, str(request.url)) == ("POST", MESSAGES)
    assert json.loads(request.content) == data
    assert results[0]["id"] == "messageId"
    assert results[0]["message"] is data[0]


def test_get_message() -> None:
    wire = Wire(httpx.Response(200, json={"id": "messageId"}))
    data = _client(wire).get_message("messageId")
    (request,) = wire.requests
    assert (request.method, str(request.url)) == ("GET", f"{MESSAGES}/messageId")
    assert data == {"id": "messageId"}  # the JSON as it came, as BW-py returned it


@pytest.mark.parametrize(
    ("answer", "code", "message"),
    [
        (httpx.Response(400, json={"message": "error", "code": "code"}), "code", "error"),
        (httpx.Response(400, json={"message": "error"}), "400", "error"),
        (httpx.Response(400, text="Some error"), "400", "Some error"),
    ],
)
def test_error_answers(answer: httpx.Response, code: str, message: str) -> None:
    # test_messaging_client.py's _check_response tests, through a public method.
    with pytest.raises(BandwidthMessageAPIException) as caught:
        _client(Wire(answer)).get_message("messageId")
    assert (caught.value.status_code, caught.value.code, caught.value.message) == (400, code, message)


def test_convert_camel_module_path() -> None:
    assert convert_object_to_snake_case("helloWorld") == "hello_world"
    assert convert_object_to_snake_case({"helloWorld": "goodByeWorld"}) == {"hello_world": "goodByeWorld"}
    assert convert_object_to_snake_case(True) is True
