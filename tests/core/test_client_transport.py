"""``http_client=``: a client the caller built carries every request, and the facade's guarantees stay.

Event hooks see each attempt (signed), a proxy-style mounted transport and a real loopback HTTP
proxy carry the requests, retries and typed errors work as on the default transport, the HTTPS
rule for base URLs still holds, and the borrowed client is never closed by the facade. Proxy
environment variables: honoured by a user-built client (httpx's ``trust_env``), ignored by default.
"""

from __future__ import annotations

import asyncio
import http.client
import http.server
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from smsclients import (
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    AuthenticationError,
    BandwidthClient,
    ConnectionFailedError,
    DeliveryUnknownError,
    FlowrouteClient,
    InputError,
    InsecureURLError,
    MessageMediaClient,
    RedirectError,
    RetryPolicy,
    ServerError,
)
from smsclients.transports import fast_transport

from tests.fields import dig

FAST = RetryPolicy(backoff_initial=0.0, jitter=False, retry_after_max=0.0, timeout=5.0)
MDR1 = "mdr1-e3672cb28a9d422a9671945c9bc4eb9a"
MDR2 = "mdr2-39cadeace66e11e7aff806cd7f24ba2d"
SENT = {"data": {"type": "message", "id": MDR2, "links": {"self": f"https://api.flowroute.com/v2.1/messages/{MDR2}"}}}


def _flowroute_send(client: FlowrouteClient) -> str:
    return str(dig(client.messages.send(to="12066418000", from_="12012673227", body="hi"), "data.id"))


class ForwardProxy:
    """A loopback HTTP forward proxy (absolute-form requests, http:// targets) that records what it carried."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str, str | None]] = []  # method, absolute URL, Proxy-Authorization
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                owner.seen.append((self.command, self.path, self.headers.get("Proxy-Authorization")))
                target = urlsplit(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {
                    k: v for k, v in self.headers.items() if k.lower() not in ("proxy-authorization", "connection")
                }
                upstream = http.client.HTTPConnection(target.hostname or "", target.port or 80, timeout=10)
                try:
                    upstream.request(
                        self.command, target.path + (f"?{target.query}" if target.query else ""), body, headers
                    )
                    answer = upstream.getresponse()
                    data = answer.read()
                finally:
                    upstream.close()
                self.send_response(answer.status)
                for name, value in answer.getheaders():
                    if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_PATCH = _forward

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> ForwardProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def proxy() -> Iterator[ForwardProxy]:
    with ForwardProxy() as running:
        yield running


@pytest.fixture
def sb(sandbox_server: Any) -> Any:
    sandbox_server.reset()
    return sandbox_server


def _fr_kwargs(sb: Any) -> dict[str, Any]:
    key, secret = sb.credentials["flowroute-v2"]
    return {"access_key": key, "secret_key": secret, "base_url": sb.base_urls["flowroute-v2"]}


# --- event hooks, retries, typed errors --------------------------------------------------------


def test_a_request_hook_sees_every_attempt_signed_and_retries_still_apply() -> None:
    seen: list[httpx.Request] = []
    answers = iter([httpx.Response(429, headers={"Retry-After": "0"}), httpx.Response(202, json=SENT)])
    user = httpx.Client(
        transport=httpx.MockTransport(lambda request: next(answers)),
        event_hooks={"request": [seen.append]},
    )
    with FlowrouteClient("key", "secret", http_client=user, retry=FAST) as fr:
        assert _flowroute_send(fr) == SENT["data"]["id"]
    assert len(seen) == 2  # the 429 was retried, through the user's client each time
    for request in seen:
        assert request.method == "POST" and str(request.url) == "https://api.flowroute.com/v2.1/messages"
        assert request.headers["authorization"].startswith("Basic ")
        assert b'"body":"hi"' in request.content
    assert not user.is_closed  # borrowed: the facade's close() leaves it open
    user.close()


def test_typed_errors_on_a_user_client() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def reset_after_sending(request: httpx.Request) -> httpx.Response:
        raise httpx.RemoteProtocolError("peer closed connection", request=request)

    with httpx.Client(transport=httpx.MockTransport(refuse)) as user, pytest.raises(ConnectionFailedError):
        _flowroute_send(FlowrouteClient("k", "s", http_client=user, retry=FAST))
    with (
        httpx.Client(transport=httpx.MockTransport(reset_after_sending)) as user,
        pytest.raises(DeliveryUnknownError),
    ):
        _flowroute_send(FlowrouteClient("k", "s", http_client=user, retry=FAST))
    with httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(503))) as user, pytest.raises(ServerError):
        _flowroute_send(FlowrouteClient("k", "s", http_client=user, retry=FAST))


def test_a_response_hook_that_raises_for_status_still_gives_the_typed_error() -> None:
    def raise_for_status(response: httpx.Response) -> None:
        response.raise_for_status()

    body = {"errors": [{"id": "x", "status": 401, "title": "Unauthorized", "detail": "Authentication failed."}]}
    user = httpx.Client(
        transport=httpx.MockTransport(lambda r: httpx.Response(401, json=body)),
        event_hooks={"response": [raise_for_status]},
    )
    with user, pytest.raises(AuthenticationError) as caught:
        FlowrouteClient("k", "secret-value", http_client=user).messages_v2.get(MDR1)
    assert caught.value.status_code == 401 and "secret-value" not in repr(caught.value)


def test_redirects_are_not_followed_even_if_the_user_client_would() -> None:
    calls: list[str] = []

    def redirect(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(307, headers={"Location": "https://elsewhere.example.test/steal"})

    with (
        httpx.Client(transport=httpx.MockTransport(redirect), follow_redirects=True) as user,
        MessageMediaClient("k", "s", http_client=user) as mm,
        pytest.raises(RedirectError, match="307"),
    ):
        mm.messages.send([{"content": "hi", "destination_number": "+61491570156"}])
    assert calls == ["https://api.messagemedia.com/v1/messages"]


def test_the_https_rule_holds_with_a_user_client() -> None:
    with httpx.Client() as user, pytest.raises(InsecureURLError):
        FlowrouteClient("k", "s", base_url="http://api.example.test", http_client=user)


def test_bad_combinations_are_input_errors() -> None:
    with httpx.Client() as user:
        with pytest.raises(InputError, match="not both"):
            BandwidthClient(
                "u-1", "t", "s", http_client=user, transport=httpx.MockTransport(lambda r: httpx.Response(200))
            )
        with pytest.raises(InputError, match="AsyncClient"):
            AsyncFlowrouteClient("k", "s", http_client=user)  # type: ignore[arg-type]
    closed = httpx.Client(transport=httpx.MockTransport(lambda r: httpx.Response(202, json=SENT)))
    closed.close()
    with pytest.raises(InputError, match="closed"):
        _flowroute_send(FlowrouteClient("k", "s", http_client=closed))


# --- proxies ---------------------------------------------------------------------------------


def test_a_proxy_style_mounted_transport_carries_every_request() -> None:
    """What a proxy sees: absolute URLs, signed requests, and its own Proxy-Authorization header."""
    through_proxy: list[httpx.Request] = []

    class ProxyStyle(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            request.headers["Proxy-Authorization"] = "Basic cHJveHk6cHc="
            through_proxy.append(request)
            return httpx.Response(202, json=SENT)

    with httpx.Client(mounts={"https://": ProxyStyle()}) as user, FlowrouteClient("k", "s", http_client=user) as fr:
        _flowroute_send(fr)
    (request,) = through_proxy
    assert request.url.host == "api.flowroute.com" and request.headers["authorization"].startswith("Basic ")


def test_a_real_http_proxy_carries_sends_to_the_sandbox(sb: Any, proxy: ForwardProxy) -> None:
    with httpx.Client(proxy=proxy.url) as user, FlowrouteClient(**_fr_kwargs(sb), http_client=user) as fr:
        _flowroute_send(fr)
        fr.routes.list(limit=1)
    assert [(method, url.split("?")[0]) for method, url, _ in proxy.seen] == [
        ("POST", sb.base_urls["flowroute-v2"] + "/v2.1/messages"),
        ("GET", sb.base_urls["flowroute-v2"] + "/v2/routes"),
    ]
    assert sb.stats()["accepted"]["flowroute-v2"] == 1


def test_proxy_variables_are_honoured_by_a_user_client_and_ignored_by_default(
    sb: Any, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", proxy.url)
    with FlowrouteClient(**_fr_kwargs(sb)) as fr:  # default: an explicit transport, no env proxies
        _flowroute_send(fr)
    assert proxy.seen == []
    with httpx.Client() as user, FlowrouteClient(**_fr_kwargs(sb), http_client=user) as fr:  # trust_env=True
        _flowroute_send(fr)
    assert [method for method, _, _ in proxy.seen] == ["POST"]
    assert sb.stats()["accepted"]["flowroute-v2"] == 2


def test_proxy_variables_are_ignored_by_the_pyreqwest_transports(
    sb: Any, proxy: ForwardProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pyreqwest (the async default) would read them as reqwest does; ours are told not to."""
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.setenv(name, proxy.url)

    async def send() -> None:
        async with AsyncFlowrouteClient(**_fr_kwargs(sb)) as fr:  # the default async transport
            await fr.messages.send(to="12066418000", from_="12012673227", body="hi")

    asyncio.run(send())
    with FlowrouteClient(**_fr_kwargs(sb), transport=fast_transport("pyreqwest")) as fr:
        _flowroute_send(fr)
    assert proxy.seen == []
    assert sb.stats()["accepted"]["flowroute-v2"] == 2


# --- async -----------------------------------------------------------------------------------


def test_async_user_client_with_an_event_hook_against_the_sandbox(sb: Any) -> None:
    seen: list[tuple[str, str]] = []

    async def hook(request: httpx.Request) -> None:
        seen.append((request.method, request.url.path))

    async def run() -> list[str]:
        key, secret = sb.credentials["messagemedia-messages-v1"]
        async with (
            httpx.AsyncClient(event_hooks={"request": [hook]}) as user,
            AsyncMessageMediaClient(
                key, secret, hmac=True, base_url=sb.base_urls["messagemedia-messages-v1"], http_client=user
            ) as mm,
        ):
            sent = await mm.messages.send([{"content": "hi", "destination_number": "+61491570156"}])
            assert not user.is_closed
            return [str(m.message_id) for m in dig(sent, "messages")]

    (message_id,) = asyncio.run(run())
    assert seen == [("POST", "/messagemedia/v1/messages")]
    assert sb.stats()["accepted"]["messagemedia-messages-v1"] == 1 and message_id
