"""Shared helpers for the Flowroute tests: canary credentials, request capture, seed values."""

from __future__ import annotations

from pathlib import Path

import httpx

# Re-exported for the tests of this folder.
from tests.transports import AsyncRecordingTransport as AsyncRecordingTransport
from tests.transports import Cassette as Cassette
from tests.transports import RecordingTransport as RecordingTransport
from tests.transports import body_json as body_json

API = "https://api.flowroute.com"
CASSETTES = Path(__file__).parent / "cassettes"

# Canary credentials: every test authenticates with these, and no output may ever contain them.
ACCESS_KEY = "fr-access-CANARY-7f3a1c"
SECRET_KEY = "fr-secret-CANARY-91bd4e"
CANARIES = (ACCESS_KEY, SECRET_KEY)

# Seed values (S000/S001/S004).
FROM_NUMBER = "12012673227"  # S001 account number
TO_NUMBER = "12066418000"  # S004 recipient
V2_FROM = "18553569768"  # S004 sender
NUMBER = "16502390214"  # S001 purchased / detailed number
MDR2_ID = "mdr2-ca82be46e6ba11e79d08862d092cf73d"
SENT_MDR2_ID = "mdr2-39cadeace66e11e7aff806cd7f24ba2d"
MDR1_SENT = "mdr1-e3672cb28a9d422a9671945c9bc4eb9a"
MDR1_LOOKUP = "mdr1-fab29a740129404a8ca794efc1359e12"
MMS_URL = "http://s3.amazonaws.com/barkpost-assets/50+GIFs/37.gif"


def calls(transport: RecordingTransport | AsyncRecordingTransport) -> list[tuple[str, str]]:
    """``(method, path)`` of every request sent."""
    return [(request.method, request.url.path) for request in transport.requests]


def params(request: httpx.Request) -> dict[str, str]:
    return dict(request.url.params)


def assert_all_played(cassette: Cassette) -> None:
    """Every recorded exchange was used: the code sent exactly the requests the cassette expects."""
    assert cassette.all_played, "the cassette has interactions the code never requested"
