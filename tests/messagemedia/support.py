"""Shared fixtures for the MessageMedia tests: seed data (S003), request capture, HMAC re-computation."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import httpx
from messagemedia_messages_v1_client.resources import NewMessageParams

# Re-exported for the tests of this folder.
from tests.transports import AsyncRecordingTransport as AsyncRecordingTransport
from tests.transports import Cassette as Cassette
from tests.transports import NoNetwork as NoNetwork
from tests.transports import RecordingTransport as RecordingTransport
from tests.transports import body_json as body_json

BASE_URL = "https://api.messagemedia.com"
CASSETTES = Path(__file__).parent / "cassettes"

# Canary credentials: every test authenticates with these, and no output may ever contain them.
API_KEY = "canary-key-5f1e2d"
API_SECRET = "canary-secret-9b7c4a"

# Ids from the S003 examples.
MESSAGE_ID = "877c19ef-fa2e-4cec-827a-e1df9b5509f7"
MESSAGE_ID_2 = "8f2f5927-2e16-4f1c-bd43-47dbe2a77ae4"
CONFIRM_IDS = [
    "011dcead-6988-4ad6-a1c7-6b6c68ea628d",
    "3487b3fa-6586-4979-a233-2d1b095c7718",
    "ba28e94b-c83d-4759-98e7-ff9c7edb87a1",
]
DELIVERY_REPORT_IDS = ["01e1fa0a-6e27-4945-9cdb-18644b4de043", "0edf9022-7ccc-43e6-acab-480e93e98c1b"]
REPLY_IDS = ["a175e797-2b54-468b-9850-41a3eab32f74", "3d8d53d8-01d3-45dd-8cfa-4dfc81600f7f"]

# S003 `create_send_messages` example (`body_value`, parsed).
SEED_SEND_BODY: dict[str, Any] = {
    "messages": [
        {
            "callback_url": "https://my.callback.url.com",
            "content": "My first message",
            "destination_number": "+61491570156",
            "delivery_report": True,
            "format": "SMS",
            "message_expiry_timestamp": "2016-11-03T11:49:02.807Z",
            "metadata": {"key1": "value1", "key2": "value2"},
            "scheduled": "2016-11-03T11:49:02.807Z",
            "source_number": "+61491570157",
            "source_number_type": "INTERNATIONAL",
        },
        {
            "callback_url": "https://my.callback.url.com",
            "content": "My second message",
            "destination_number": "+61491570158",
            "delivery_report": True,
            "format": "SMS",
            "message_expiry_timestamp": "2016-11-03T11:49:02.807Z",
            "metadata": {"key1": "value1", "key2": "value2"},
            "scheduled": "2016-11-03T11:49:02.807Z",
            "source_number": "+61491570159",
            "source_number_type": "INTERNATIONAL",
        },
    ]
}
# S003's "most basic message".
BASIC_MESSAGE: NewMessageParams = {"content": "My first message!", "destination_number": "+61491570156"}

_IMF_FIXDATE = re.compile(r"(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT")


def assert_all_played(cassette: Cassette | None) -> None:
    assert cassette is not None
    assert cassette.all_played, f"{cassette.play_count} of {len(cassette)} interactions played"


def assert_hmac_signed(request: httpx.Request, *, api_key: str = API_KEY, api_secret: str = API_SECRET) -> None:
    """Re-compute MessageMedia's HMAC-SHA1 signature (docs/providers.md §4.6) from the request as sent."""
    date = request.headers["date"]
    assert _IMF_FIXDATE.fullmatch(date), date
    assert abs((datetime.now(UTC) - parsedate_to_datetime(date)).total_seconds()) < 300
    lines = [f"date: {date}"]
    body = request.content
    if body:
        md5 = hashlib.md5(body).hexdigest()
        assert request.headers["x-Content-MD5"] == md5
        lines.append(f"x-Content-MD5: {md5}")
        signed_headers = "date x-Content-MD5 request-line"
    else:
        assert "x-Content-MD5" not in request.headers
        signed_headers = "date request-line"
    # The real method and the real path (message id substituted), never a template or a guess.
    lines.append(f"{request.method} {request.url.raw_path.decode('ascii')} HTTP/1.1")
    digest = hmac.new(api_secret.encode(), "\n".join(lines).encode(), hashlib.sha1).digest()
    signature = base64.b64encode(digest).decode("ascii")
    assert request.headers["Authorization"] == (
        f'hmac username="{api_key}", algorithm="hmac-sha1", headers="{signed_headers}", signature="{signature}"'
    )


def assert_basic_auth(request: httpx.Request, *, api_key: str = API_KEY, api_secret: str = API_SECRET) -> None:
    token = base64.b64encode(f"{api_key}:{api_secret}".encode()).decode("ascii")
    assert request.headers["Authorization"] == f"Basic {token}"
