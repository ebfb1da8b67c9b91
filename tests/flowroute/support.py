"""Shared helpers for the Flowroute tests: canary credentials, request capture, seed values."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Protocol

import httpx
from smsclients.retries import CallOptions, current_call_options

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


class Cassette(Protocol):
    """The part of vcrpy's Cassette (pytest-recording's ``vcr`` fixture) the tests use."""

    @property
    def all_played(self) -> bool: ...


class RecordingTransport(httpx.BaseTransport):
    """Keeps every request that reaches the network layer (vcrpy answers it from the cassette),
    with the per-call options in effect when it was sent."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.requests: list[httpx.Request] = []
        self.options: list[CallOptions] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.options.append(current_call_options())
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


def body_json(request: httpx.Request) -> Any:
    """The JSON body a request carried."""
    return json.loads(request.content)


def calls(transport: RecordingTransport | AsyncRecordingTransport) -> list[tuple[str, str]]:
    """``(method, path)`` of every request sent."""
    return [(request.method, request.url.path) for request in transport.requests]


def params(request: httpx.Request) -> dict[str, str]:
    return dict(request.url.params)


def assert_all_played(cassette: Cassette) -> None:
    """Every recorded exchange was used: the code sent exactly the requests the cassette expects."""
    assert cassette.all_played, "the cassette has interactions the code never requested"
