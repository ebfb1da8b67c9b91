"""Test transports shared by the provider tests: they record what reaches the network layer.

vcrpy answers below them from the cassette, so a test can assert both the exchange (the cassette
match) and details the cassette does not hold, such as the per-call options in effect.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

import httpx
from smsclients.retries import CallOptions, current_call_options


class Cassette(Protocol):
    """The part of vcrpy's Cassette (pytest-recording's ``vcr`` fixture) the tests use."""

    @property
    def all_played(self) -> bool: ...

    @property
    def play_count(self) -> int: ...

    def __len__(self) -> int: ...


class RecordingTransport(httpx.BaseTransport):
    """Keeps every request that reaches the network layer, with the call options it was sent under."""

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


class NoNetwork(httpx.BaseTransport):
    """For tests where input validation must stop the call before anything is sent."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        raise AssertionError(f"no request may be sent, got {request.method} {request.url}")


def body_json(request: httpx.Request) -> Any:
    """The JSON body a request carried."""
    return json.loads(request.content)
