"""build_http_client / build_async_http_client and the URL rule."""

from __future__ import annotations

import asyncio
import ssl
import sys
from typing import Any, ClassVar, cast

import httpx
import pytest
from smsclients import (
    BasicAuth,
    ErrorDetails,
    InputError,
    InsecureURLError,
    NotFoundError,
    RetryPolicy,
    ServerError,
    __version__,
    build_async_http_client,
    build_http_client,
    require_secure_url,
)
from smsclients.asyncio_transport import AsyncioTransport
from smsclients.pooling import PartitionedAsyncTransport
from smsclients.retries import AsyncRetryTransport, RetryTransport


def parse_message(body: object) -> ErrorDetails:
    if isinstance(body, dict) and isinstance(body.get("message"), str):
        return ErrorDetails(body["message"])
    return ErrorDetails(None)


FAST = RetryPolicy(backoff_initial=0.0, jitter=False)


@pytest.mark.parametrize(
    "url",
    [
        "https://api.messagemedia.com",
        "https://api.flowroute.com/v2",
        "http://localhost",
        "http://LOCALHOST:8080/v1",
        "http://127.0.0.1:9000",
        "http://127.0.0.2",
        "http://[::1]:8000",
    ],
)
def test_secure_urls_accepted(url: str) -> None:
    assert require_secure_url(url) == url


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com",
        "http://api.messagemedia.com",
        "http://localhost.evil.example",
        "http://127.0.0.1.nip.io",
        "http://10.0.0.1",
        "http://[::2]",
    ],
)
def test_clear_text_to_remote_host_refused(url: str) -> None:
    with pytest.raises(InsecureURLError) as info:
        require_secure_url(url)
    assert info.value.field == "base_url"
    assert "must use https://" in info.value.rule
    assert "localhost" in info.value.rule  # the rule names the exception too
    assert str(info.value).startswith("base_url: must use https://")


@pytest.mark.parametrize("url", ["ftp://example.com", "api.example.com/v1", "", "https://"])
def test_non_http_urls_refused(url: str) -> None:
    with pytest.raises(InputError) as info:
        require_secure_url(url)
    assert not isinstance(info.value, InsecureURLError)
    assert info.value.field == "base_url"


def test_credentials_in_url_refused_without_echoing_them() -> None:
    with pytest.raises(InputError) as info:
        require_secure_url("https://key:CANARY-SECRET-123@api.example.test")
    assert "CANARY-SECRET-123" not in str(info.value)


def test_client_maps_404_to_not_found_and_sends_user_agent_and_auth() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404, json={"message": "Resource not found."})

    client = build_http_client(
        base_url="https://api.example.test",
        auth=BasicAuth("key", "secret"),
        provider="messagemedia",
        parse_error=parse_message,
        transport=httpx.MockTransport(handler),
    )
    with client, pytest.raises(NotFoundError) as info:
        client.get("/v1/messages/abc")
    error = info.value
    assert (error.status_code, error.message, error.provider) == (404, "Resource not found.", "messagemedia")
    assert (error.method, error.url) == ("GET", "https://api.example.test/v1/messages/abc")
    (request,) = seen
    assert request.headers["User-Agent"] == f"sms-provider-clients/{__version__}"
    assert request.headers["Authorization"].startswith("Basic ")


def test_client_success_passes_through_and_extra_headers_apply() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"accept": request.headers["Accept"]})

    with build_http_client(
        base_url="https://api.example.test",
        auth=BasicAuth("key", "secret"),
        provider="p",
        parse_error=parse_message,
        transport=httpx.MockTransport(handler),
        headers={"Accept": "application/vnd.api+json"},
    ) as client:
        assert client.get("/x").json() == {"accept": "application/vnd.api+json"}


def test_client_retries_through_the_policy_then_types_the_final_error() -> None:
    statuses = [503, 200, 503]
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(statuses.pop(0), text="Service Unavailable")

    with build_http_client(
        base_url="https://api.example.test",
        auth=BasicAuth("k", "s"),
        provider="p",
        parse_error=parse_message,
        transport=httpx.MockTransport(handler),
        policy=FAST,
    ) as client:
        assert client.get("/x").status_code == 200  # 503 retried
        with pytest.raises(ServerError):
            client.post("/x", json={})  # POST 503: not retried, typed
    assert calls == ["GET", "GET", "POST"]


def test_client_refuses_insecure_base_url() -> None:
    with pytest.raises(InsecureURLError):
        build_http_client(
            base_url="http://api.example.test", auth=BasicAuth("k", "s"), provider="p", parse_error=parse_message
        )


def test_client_uses_retry_transport_policy_timeout_and_no_redirects() -> None:
    policy = RetryPolicy(timeout=12.0)
    with build_http_client(
        base_url="https://api.example.test",
        auth=BasicAuth("k", "s"),
        provider="p",
        parse_error=parse_message,
        policy=policy,
        transport=httpx.MockTransport(lambda r: httpx.Response(200)),
    ) as client:
        assert isinstance(client._transport, RetryTransport)
        assert client._transport.policy is policy
        assert client.timeout == httpx.Timeout(12.0)
        assert client.follow_redirects is False


class RecordingHTTPTransport(httpx.HTTPTransport):
    created: ClassVar[list[dict[str, Any]]] = []

    def __init__(self, **kwargs: Any) -> None:
        RecordingHTTPTransport.created.append(kwargs)
        super().__init__(**kwargs)


def test_tls_verification_on_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    RecordingHTTPTransport.created.clear()
    monkeypatch.setattr(httpx, "HTTPTransport", RecordingHTTPTransport)
    common: dict[str, Any] = {
        "base_url": "https://api.example.test",
        "auth": BasicAuth("k", "s"),
        "provider": "p",
        "parse_error": parse_message,
    }
    build_http_client(**common).close()
    build_http_client(**common, verify=False).close()
    assert [kwargs["verify"] for kwargs in RecordingHTTPTransport.created] == [True, False]
    # The async default (HTTP/1.1 on the loop), verifying unless told not to; so does its stand-in under trio.
    for verify, mode in ((True, ssl.CERT_REQUIRED), (False, ssl.CERT_NONE)):
        client = build_async_http_client(**common, verify=verify)
        inner = cast(AsyncRetryTransport, client._transport).inner
        assert isinstance(inner, AsyncioTransport)
        assert inner.verify is verify
        assert inner._context().verify_mode == mode and inner._context().check_hostname is verify
        elsewhere = inner._other_loops()
        assert isinstance(elsewhere, PartitionedAsyncTransport) and elsewhere._ssl_context.verify_mode == mode
        asyncio.run(client.aclose())


def test_without_httptools_and_pyreqwest_the_async_default_is_httpx_in_partitions(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Installed without its dependencies (or no builds for the platform): httpx's own, verifying."""
    for hidden in ("pyreqwest", "httptools"):
        for name in [m for m in sys.modules if m == hidden or m.startswith(hidden + ".")]:
            monkeypatch.delitem(sys.modules, name)
        monkeypatch.setitem(sys.modules, hidden, None)
    common: dict[str, Any] = {
        "base_url": "https://api.example.test",
        "auth": BasicAuth("k", "s"),
        "provider": "p",
        "parse_error": parse_message,
    }
    # The httpx transports are built on first use, all from one SSL context.
    for verify, mode in ((True, ssl.CERT_REQUIRED), (False, ssl.CERT_NONE)):
        client = build_async_http_client(**common, verify=verify)
        inner = cast(AsyncRetryTransport, client._transport).inner
        assert isinstance(inner, PartitionedAsyncTransport)
        assert inner._ssl_context.verify_mode == mode
        asyncio.run(client.aclose())


def test_async_client_maps_errors_and_retries() -> None:
    statuses = [502, 404]
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(statuses.pop(0), json={"message": "Resource not found."})

    async def scenario() -> NotFoundError:
        client = build_async_http_client(
            base_url="https://api.example.test",
            auth=BasicAuth("k", "s"),
            provider="bandwidth",
            parse_error=parse_message,
            transport=httpx.MockTransport(handler),
            policy=FAST,
        )
        async with client:
            assert isinstance(client._transport, AsyncRetryTransport)
            try:
                await client.get("/v1/users/u/messages/m")
            except NotFoundError as error:
                return error
        raise AssertionError("no error raised")

    error = asyncio.run(scenario())
    assert (error.status_code, error.message, error.provider) == (404, "Resource not found.", "bandwidth")
    assert len(seen) == 2
    assert seen[0].headers["User-Agent"] == f"sms-provider-clients/{__version__}"
