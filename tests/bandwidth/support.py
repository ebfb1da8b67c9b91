"""Shared data and helpers for the Bandwidth tests: seed data (S002), credentials, request capture."""

from __future__ import annotations

import base64
import json
from typing import Any, Protocol

import httpx

USER_ID = "u-abc123"
# Canary credentials: they must never appear in a repr, an exception text or a cassette.
API_TOKEN = "t-canary-token-5d0c"
API_SECRET = "s-CANARY-SECRET-9f3e1a"
BASIC_HEADER = "Basic " + base64.b64encode(f"{API_TOKEN}:{API_SECRET}".encode()).decode()

HOST = "https://api.catapult.inetwork.com"
MESSAGES_URL = f"{HOST}/v1/users/{USER_ID}/messages"
MESSAGES_PATH = f"/v1/users/{USER_ID}/messages"

# Realistic NANP numbers (the seed's +1234567980 has 9 national digits: not a possible number).
FROM = "+19195551212"
TO = "+19195551213"
TO2 = "+19195551214"
TO3 = "+19195551215"

# S002 get_message example in its wire (camelCase) form, and as the seed prints it (snake_cased).
SEED_MESSAGE_WIRE: dict[str, Any] = {
    "callbackUrl": "https://yoursite.com/message",
    "direction": "in",
    "from": "+19193047864",
    "id": "m-messageId",
    "media": [],
    "messageId": "m-messageId",
    "skipMMSCarrierValidation": True,
    "state": "received",
    "text": "Hey there",
    "time": "2017-02-01T21:10:32Z",
    "to": "+19191234567",
}
SEED_MESSAGE_PRINTED: dict[str, Any] = {
    "callback_url": "https://yoursite.com/message",
    "direction": "in",
    "from": "+19193047864",
    "id": "m-messageId",
    "media": [],
    "message_id": "m-messageId",
    "skip_mms_carrier_validation": True,
    "state": "received",
    "text": "Hey there",
    "time": "2017-02-01T21:10:32Z",
    "to": "+19191234567",
}
# S002 list_messages example: the ids it prints for the messages in state "error".
SEED_ERROR_IDS = ["m-it6ewpyiyadfe", "m-pjnqofcjyadfe", "m-t2gspvs6iadfe", "m-shuh6d6pyadfe"]
# Every id on the three cassette pages, in order (one page also holds a "sent" message).
PAGED_IDS = ["m-it6ewpyiyadfe", "m-okbq3ufqyadfe", "m-pjnqofcjyadfe", "m-t2gspvs6iadfe", "m-shuh6d6pyadfe"]

# S002 send_messages example, with possible numbers; the third message (whitespace text) is refused by the API.
BATCH: list[dict[str, Any]] = [
    {"from": FROM, "to": TO, "text": "SMS message"},
    {"from": FROM, "to": TO2, "text": "SMS message2"},
    {"from": FROM, "to": TO3, "text": "   "},
]
BLANK_TEXT_ERROR: dict[str, Any] = {
    "category": "bad-request",
    "code": "blank-property",
    "message": "The 'message' resource property 'text' must contain at least one non-whitespace character",
    "details": [],
}


class RecordingTransport(httpx.BaseTransport):
    """Keeps every request that reaches the network layer (vcrpy then answers it from the cassette)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


class AsyncRecordingTransport(httpx.AsyncBaseTransport):
    """Async twin of :class:`RecordingTransport`."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.requests: list[httpx.Request] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class NoNetwork(httpx.BaseTransport):
    """For tests where input validation must stop the call before anything is sent."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        raise AssertionError(f"no request may be sent, got {request.method} {request.url}")


def body_json(request: httpx.Request) -> Any:
    return json.loads(request.content)


def calls(requests: list[httpx.Request]) -> list[tuple[str, str]]:
    """(method, path?query) of each request, for compact assertions."""
    return [(r.method, r.url.raw_path.decode()) for r in requests]


class Cassette(Protocol):
    """The part of vcrpy's Cassette (yielded by pytest-recording's ``vcr`` fixture) the tests use."""

    @property
    def all_played(self) -> bool: ...

    @property
    def play_count(self) -> int: ...

    def __len__(self) -> int: ...


def assert_all_played(cassette: Cassette | None) -> None:
    assert cassette is not None
    assert cassette.all_played, f"{cassette.play_count} of {len(cassette)} interactions played"


def assert_basic_auth(requests: list[httpx.Request]) -> None:
    """Every request carried HTTP Basic with token:secret (the cassettes never store it)."""
    assert requests
    for request in requests:
        assert request.headers["Authorization"] == BASIC_HEADER
