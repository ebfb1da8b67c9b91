"""ProviderClient's direct request path sends exactly what ``httpx.Client.request`` would send.

Each case sends the same call twice through one client: once on the direct path and once forced
through httpx's own ``Client.request`` (any non-default httpx option, here ``extensions={}``,
makes the direct path step aside), and compares what reached the transport.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from smsclients import APIError, BasicAuth, MessageMediaHmacAuth, RetryPolicy
from smsclients.errors import ErrorDetails
from smsclients.http import AsyncProviderClient, ProviderClient, build_async_http_client, build_http_client

BASE = "http://127.0.0.1:9/api/"


def _no_details(body: object) -> ErrorDetails:
    return ErrorDetails(message=None, code=None)


class _Capture(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Answers 200 (or ``status``) and keeps each request as it reached the network layer."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[httpx.Request] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, json={"ok": True})

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self.handle_request(request)


def _client(transport: _Capture, auth: Any = None) -> ProviderClient:
    return build_http_client(
        base_url=BASE,
        auth=auth or BasicAuth("user", "pass"),
        provider="test",
        parse_error=_no_details,
        policy=RetryPolicy(max_retries=0, timeout=7.0),
        transport=transport,
        headers={"X-Default": "d"},
    )


def _wire(request: httpx.Request) -> tuple[str, str, list[tuple[bytes, bytes]], bytes, Any]:
    # Headers as sent: names in their case, in their order.
    return request.method, str(request.url), request.headers.raw, request.content, request.extensions.get("timeout")


CALLS: list[tuple[str, str, dict[str, Any]]] = [
    ("POST", "/v2.1/messages", {"json": {"to": "1", "body": "é"}, "headers": {"Content-Type": "application/x+json"}}),
    ("GET", "/v2/numbers", {"params": {"limit": 10, "starts_with": "1206"}}),
    ("GET", "http://127.0.0.1:9/api/v2/numbers?page=2", {}),
    ("PUT", "/routes/1", {"content": b"raw-bytes", "headers": {"user-agent": "override/1"}}),
    ("DELETE", "/things/x%20y", {}),
    ("POST", "/no-body", {}),  # Content-Length: 0
    ("PATCH", "/empty", {"content": b""}),
    ("POST", "/text", {"content": "ünicode text"}),  # httpx encodes text itself
    ("POST", "/length-set", {"content": b"abc", "headers": {"content-length": "3", "HOST": "example.test"}}),
    ("POST", "/json-list", {"json": [1, "two", None], "params": {"a": "b"}}),
    ("GET", "/with-params?x=1", {"params": {"y": "2"}}),
]


@pytest.mark.parametrize(("method", "url", "kwargs"), CALLS, ids=[f"{m} {u}" for m, u, _ in CALLS])
def test_direct_path_sends_what_httpx_would(method: str, url: str, kwargs: dict[str, Any]) -> None:
    transport = _Capture()
    with _client(transport) as client:
        client.request(method, url, **kwargs)
        client.request(method, url, extensions={}, **kwargs)  # httpx's own path
    direct, reference = transport.requests
    assert "timeout" in direct.extensions
    assert _wire(direct) == _wire(reference)


@pytest.mark.parametrize(
    ("kwargs", "signed", "timeout"),
    [
        ({}, True, 7.0),
        ({"auth": None}, False, 7.0),  # httpx: no auth for this request
        ({"timeout": None}, True, 7.0),  # still the policy's attempt deadline: every call is bounded
        ({"auth": httpx.USE_CLIENT_DEFAULT, "timeout": httpx.USE_CLIENT_DEFAULT}, True, 7.0),
    ],
    ids=["defaults", "auth=None", "timeout=None keeps the deadline", "explicit defaults"],
)
def test_explicit_none_options_mean_what_they_mean_in_httpx(kwargs: dict[str, Any], signed: bool, timeout: Any) -> None:
    # auth=None once went down the direct path and was signed with the client's credentials anyway.
    transport = _Capture()
    with _client(transport) as client:
        client.get("http://127.0.0.1:9/api/x", **kwargs)
    (request,) = transport.requests
    assert ("authorization" in request.headers) is signed
    assert request.extensions["timeout"]["read"] == timeout


def test_hmac_signature_is_the_same_on_both_paths() -> None:
    transport = _Capture()
    auth = MessageMediaHmacAuth("key", "secret", clock=lambda: datetime(2026, 11, 23, 12, 0, tzinfo=UTC))
    with _client(transport, auth) as client:
        client.request("POST", "/v1/messages", json={"messages": []}, headers={"Content-Type": "application/json"})
        client.request(
            "POST", "/v1/messages", json={"messages": []}, headers={"Content-Type": "application/json"}, extensions={}
        )
    direct, reference = transport.requests
    assert direct.headers["authorization"].startswith('hmac username="key"')
    assert _wire(direct) == _wire(reference)


def test_error_status_raises_the_typed_error_on_the_direct_path() -> None:
    with _client(_Capture(status=404)) as client, pytest.raises(APIError) as raised:
        client.request("GET", "/missing")
    assert raised.value.status_code == 404


def test_response_carries_request_and_elapsed() -> None:
    with _client(_Capture()) as client:
        response = client.request("GET", "/x")
    assert response.request.url == httpx.URL("http://127.0.0.1:9/api/x")
    assert response.elapsed.total_seconds() >= 0
    assert response.json() == {"ok": True}


def test_closed_client_refuses_to_send() -> None:
    client = _client(_Capture())
    client.close()
    with pytest.raises(RuntimeError, match="closed"):
        client.request("GET", "/x")


def test_direct_path_logs_the_httpx_request_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="httpx"), _client(_Capture()) as client:
        client.request("GET", "/logged")
    assert any('HTTP Request: GET http://127.0.0.1:9/api/logged "HTTP/1.1 200 OK"' in r.message for r in caplog.records)


def test_async_direct_path_sends_what_httpx_would() -> None:
    transport = _Capture()

    async def run() -> None:
        client: AsyncProviderClient = build_async_http_client(
            base_url=BASE,
            auth=BasicAuth("user", "pass"),
            provider="test",
            parse_error=_no_details,
            transport=transport,
        )
        async with client:
            for method, url, kwargs in CALLS:
                await client.request(method, url, **kwargs)
                await client.request(method, url, extensions={}, **kwargs)

    asyncio.run(run())
    assert len(transport.requests) == 2 * len(CALLS)
    for direct, reference in zip(transport.requests[::2], transport.requests[1::2], strict=True):
        assert _wire(direct) == _wire(reference)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
_HEADER_NAMES = st.sampled_from(["Content-Type", "content-length", "Host", "X-Default", "user-agent", "X-Other"])
_HEADER_VALUES = st.text(st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1, max_size=8)


@settings(max_examples=200, deadline=None, database=None)
@given(
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "post"]),
    body=st.one_of(
        st.tuples(st.just("json"), _JSON), st.tuples(st.just("content"), st.binary(max_size=20)), st.just(None)
    ),
    headers=st.none() | st.dictionaries(_HEADER_NAMES, _HEADER_VALUES, max_size=3),
    params=st.none() | st.dictionaries(st.text(min_size=1, max_size=3), st.text(max_size=3), max_size=2),
)
def test_direct_path_matches_httpx_for_any_body_and_headers(
    method: str, body: tuple[str, Any] | None, headers: dict[str, str] | None, params: dict[str, str] | None
) -> None:
    transport = _Capture()
    kwargs: dict[str, Any] = {"headers": headers, "params": params}
    if body is not None:
        kwargs[body[0]] = body[1]
    with _client(transport) as client:
        client.request(method, "/any", **kwargs)
        client.request(method, "/any", extensions={}, **kwargs)
    direct, reference = transport.requests
    assert _wire(direct) == _wire(reference)


def test_json_bodies_stay_with_httpx_when_its_encoding_is_not_compact(monkeypatch: pytest.MonkeyPatch) -> None:
    # httpx before 0.28 encodes JSON with spaces; the direct path must then not encode it itself.
    monkeypatch.setattr("smsclients.http._HTTPX_COMPACT_JSON", False)
    monkeypatch.setattr("smsclients.http._JSON_ENCODER", None)  # would fail if used
    transport = _Capture()
    with _client(transport) as client:
        client.request("POST", "/m", json={"body": "é"})
        client.request("POST", "/m", json={"body": "é"}, extensions={})
    direct, reference = transport.requests
    assert _wire(direct) == _wire(reference)


def test_url_cache_is_bounded() -> None:
    with _client(_Capture()) as client:
        for n in range(600):
            client.request("GET", f"/messages/mdr2-{n}")
        assert 0 < len(client._direct.urls) <= 256


def test_importing_the_package_loads_no_provider() -> None:
    """``import smsclients`` stays light; each facade is imported on first use."""
    code = (
        "import sys, smsclients\n"
        "providers = ('smsclients.flowroute', 'smsclients.bandwidth', 'smsclients.messagemedia')\n"
        "loaded = [m for m in providers if m in sys.modules]\n"
        "assert loaded == [], loaded\n"
        "from smsclients import BandwidthClient\n"
        "assert 'smsclients.bandwidth' in sys.modules and 'smsclients.flowroute' not in sys.modules\n"
        "assert smsclients.FlowrouteClient.__module__ == 'smsclients.flowroute'\n"
        "try:\n    smsclients.NoSuchClient\nexcept AttributeError as e:\n    assert 'NoSuchClient' in str(e)\n"
        "else:\n    raise AssertionError('no AttributeError')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


MUTATIONS: dict[str, Any] = {
    "header set in place": lambda c: c.headers.__setitem__("X-Trace", "t-1"),
    "headers replaced": lambda c: setattr(c, "headers", {"X-Only": "o"}),
    "timeout replaced": lambda c: setattr(c, "timeout", httpx.Timeout(3.0)),
    "base_url replaced": lambda c: setattr(c, "base_url", "http://127.0.0.1:9/other/"),
    "auth replaced by a plain httpx auth": lambda c: setattr(c, "auth", httpx.BasicAuth("other", "pw")),
    "cookie set": lambda c: c.cookies.set("session", "s-1", domain="127.0.0.1"),
    "default query parameter": lambda c: setattr(c, "params", {"tenant": "t"}),
}


@pytest.mark.parametrize("mutate", list(MUTATIONS.values()), ids=list(MUTATIONS))
def test_client_settings_changed_after_construction_are_honoured(mutate: Any) -> None:
    """httpx clients are mutable; the direct path must send what httpx would send after a change."""
    transport = _Capture()
    with _client(transport) as client:
        client.request("POST", "/v1/x", json={"a": 1})  # precompute, then change the client
        mutate(client)
        client.request("POST", "/v1/x", json={"a": 1})
        client.request("POST", "/v1/x", json={"a": 1}, extensions={})  # httpx's own path
    _, direct, reference = transport.requests
    assert _wire(direct) == _wire(reference)


def test_event_hooks_added_by_the_user_still_run() -> None:
    seen: list[str] = []
    with _client(_Capture()) as client:
        client.event_hooks["request"].append(lambda request: seen.append(f"request {request.url.path}"))
        client.event_hooks["response"].append(lambda response: seen.append(f"response {response.status_code}"))
        client.request("GET", "/hooked")
    assert seen == ["request /api/hooked", "response 200"]
