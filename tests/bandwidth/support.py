"""Shared data and helpers for the Bandwidth tests: seed data (S002), credentials, request capture."""

from __future__ import annotations

import base64
from typing import Any

import httpx
from bandwidth_messaging_v1_client.resources import SendMessageRequestParams

# Re-exported for the tests of this folder.
from tests.transports import AsyncRecordingTransport as AsyncRecordingTransport
from tests.transports import Cassette as Cassette
from tests.transports import NoNetwork as NoNetwork
from tests.transports import RecordingTransport as RecordingTransport
from tests.transports import body_json as body_json

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
BATCH: list[SendMessageRequestParams] = [
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


def calls(requests: list[httpx.Request]) -> list[tuple[str, str]]:
    """(method, path?query) of each request, for compact assertions."""
    return [(r.method, r.url.raw_path.decode()) for r in requests]


def assert_all_played(cassette: Cassette | None) -> None:
    assert cassette is not None
    assert cassette.all_played, f"{cassette.play_count} of {len(cassette)} interactions played"


def assert_basic_auth(requests: list[httpx.Request]) -> None:
    """Every request carried HTTP Basic with token:secret (the cassettes never store it)."""
    assert requests
    for request in requests:
        assert request.headers["Authorization"] == BASIC_HEADER
