"""Transport security: no credentials over clear text, TLS verification on by default.

* ``http://`` to a host other than loopback is refused (InsecureURLError, before any request) by
  every facade and legacy client;
* the TLS context each client builds verifies certificates and host names (CERT_REQUIRED,
  check_hostname), for the default transport and for ``smsclients.transports`` (the fast
  transports are checked when their optional packages are installed);
* end to end: a loopback HTTPS server with a self-signed certificate is refused by every client
  and never sees a request.
"""

from __future__ import annotations

import asyncio
import http.server
import importlib.util
import ssl
import threading
from collections.abc import Callable, Iterator
from typing import Any, ClassVar

import httpx
import pytest
from smsclients import (
    AsyncBandwidthClient,
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    BandwidthClient,
    FlowrouteClient,
    InputError,
    InsecureURLError,
    MessageMediaClient,
    RetryPolicy,
    SmsClientError,
)
from smsclients import transports as fast
from smsclients.asyncio_transport import AsyncioTransport
from smsclients.legacy import bandwidth as legacy_bandwidth
from smsclients.legacy import flowroute_messaging as legacy_flowroute_messaging
from smsclients.legacy import flowroute_v3 as legacy_flowroute_v3
from smsclients.legacy import messagemedia as legacy_messagemedia

from .loopback import server_tls

NO_RETRY = RetryPolicy(max_retries=0, timeout=5.0)

# Client factories taking (base URL, optional transport). The legacy Flowroute messaging base URI
# ends in /v2 and the legacy Bandwidth endpoint has the version added.
SyncFactory = Callable[[str, httpx.BaseTransport | None], Any]
SYNC: dict[str, SyncFactory] = {
    "FlowrouteClient": lambda url, t: FlowrouteClient("k", "s", base_url=url, retry=NO_RETRY, transport=t),
    "BandwidthClient": lambda url, t: BandwidthClient("u-1", "t", "s", base_url=url, retry=NO_RETRY, transport=t),
    "MessageMediaClient": lambda url, t: MessageMediaClient("k", "s", base_url=url, retry=NO_RETRY, transport=t),
    "MessageMediaClient(hmac)": lambda url, t: MessageMediaClient(
        "k", "s", hmac=True, base_url=url, retry=NO_RETRY, transport=t
    ),
    "legacy FlowroutenumbersandmessagingClient": lambda url, t: legacy_flowroute_v3.FlowroutenumbersandmessagingClient(
        "k", "s", base_uri=url, retry=NO_RETRY, transport=t
    ),
    "legacy flowroute_messaging.APIController": lambda url, t: legacy_flowroute_messaging.APIController(
        "k", "s", base_uri=url.rstrip("/") + "/v2", retry=NO_RETRY, transport=t
    ),
    "legacy bandwidth.Client": lambda url, t: legacy_bandwidth.Client(
        "u-1", "t", "s", api_endpoint=url, retry=NO_RETRY, transport=t
    ),
    "legacy MessageMediaMessagesClient": lambda url, t: legacy_messagemedia.MessageMediaMessagesClient(
        "k", "s", base_url=url, retry=NO_RETRY, transport=t
    ),
}
# These drop-ins check their settings on use, as the vendor SDKs did (docs/migration/): a
# call made here must be refused before anything is sent; ``_built`` makes them build their client.
USE: dict[str, Callable[[Any], Any]] = {
    "legacy FlowroutenumbersandmessagingClient": lambda c: c.routes.list_inbound_routes(),
    "legacy flowroute_messaging.APIController": lambda c: c.get_message_lookup("mdr1-" + "ab" * 16),
    "legacy bandwidth.Client": lambda c: c.get_message("m-1"),
}
BUILD: dict[str, Callable[[Any], Any]] = {
    "legacy FlowroutenumbersandmessagingClient": lambda c: c._connection(),
    "legacy flowroute_messaging.APIController": lambda c: c._messages(),
    "legacy bandwidth.Client": lambda c: c._connection().client,
}
AsyncFactory = Callable[[str, httpx.AsyncBaseTransport | None], Any]
ASYNC: dict[str, AsyncFactory] = {
    "AsyncFlowrouteClient": lambda url, t: AsyncFlowrouteClient("k", "s", base_url=url, retry=NO_RETRY, transport=t),
    "AsyncBandwidthClient": lambda url, t: AsyncBandwidthClient(
        "u-1", "t", "s", base_url=url, retry=NO_RETRY, transport=t
    ),
    "AsyncMessageMediaClient": lambda url, t: AsyncMessageMediaClient(
        "k", "s", base_url=url, retry=NO_RETRY, transport=t
    ),
}

INSECURE = [
    "http://api.flowroute.com",
    "http://10.0.0.1:8080",
    "http://[2001:db8::1]",
    "http://localhost.example.com",
    "http://127.0.0.1.nip.io",
]


def _close(client: Any) -> None:
    closer = getattr(client, "aclose", None)
    if closer is not None:
        asyncio.run(closer())
    else:
        client.close()


# ----------------------------------------------------------------------------- http:// refused


@pytest.mark.parametrize("url", INSECURE)
@pytest.mark.parametrize("name", [*SYNC, *ASYNC])
def test_http_to_a_non_loopback_host_is_refused(name: str, url: str) -> None:
    requests: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        return httpx.Response(500)

    if name in USE:
        client = SYNC[name](url, httpx.MockTransport(record))
        with pytest.raises(InsecureURLError) as raised:
            USE[name](client)
    elif name in SYNC:
        with pytest.raises(InsecureURLError) as raised:
            SYNC[name](url, httpx.MockTransport(record))
    else:
        with pytest.raises(InsecureURLError) as raised:
            ASYNC[name](url, httpx.MockTransport(record))
    assert isinstance(raised.value, InputError) and isinstance(raised.value, ValueError)
    assert "https://" in str(raised.value)
    assert requests == []


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080"])
@pytest.mark.parametrize("name", [*SYNC, *ASYNC])
def test_http_to_loopback_and_https_are_accepted(name: str, url: str) -> None:
    for base in (url, "https://api.example.test"):
        client = SYNC[name](base, None) if name in SYNC else ASYNC[name](base, None)
        _close(client)


# ----------------------------------------------------------------------------- TLS contexts


_Verifying = ssl.SSLContext | fast.AsyncPyreqwestTransport | AsyncioTransport


def _ssl_contexts(root: object) -> list[_Verifying]:
    """Every SSL context reachable from a client: httpx clients -> retry transport -> httpcore pool;
    the pyreqwest transports, whose TLS settings live in Rust; and the async default, whose context
    is built on its first https request."""
    found: list[_Verifying] = []
    seen: set[int] = set()

    def walk(obj: object, depth: int) -> None:
        if id(obj) in seen or depth > 8:
            return
        seen.add(id(obj))
        if isinstance(obj, _Verifying):
            found.append(obj)
            return
        if isinstance(obj, (str, bytes, int, float, bool, type)) or obj is None:
            return
        if isinstance(obj, dict):
            values: list[object] = list(obj.values())
        elif isinstance(obj, (list, tuple, set)):
            values = list(obj)
        else:
            try:
                values = list(vars(obj).values())
            except TypeError:
                return
        for value in values:
            walk(value, depth + 1)

    walk(root, 0)
    return found


def _assert_verifying(contexts: list[_Verifying]) -> None:
    assert contexts, "no SSL context found"
    for context in contexts:
        if isinstance(context, AsyncioTransport):
            assert context.verify is True
            assert context._context().verify_mode == ssl.CERT_REQUIRED and context._context().check_hostname
            continue
        if isinstance(context, fast.AsyncPyreqwestTransport):
            assert context.verify is True  # end to end: test_async_clients_refuse_an_untrusted_certificate
            continue
        assert context.verify_mode == ssl.CERT_REQUIRED
        assert context.check_hostname is True


@pytest.mark.parametrize("name", [*SYNC, *ASYNC])
def test_tls_verification_is_on_by_default(name: str) -> None:
    client = (
        SYNC[name]("https://api.example.test", None) if name in SYNC else ASYNC[name]("https://api.example.test", None)
    )
    try:
        # A drop-in builds, on use, the client a first call would use (this sends nothing).
        built = BUILD[name](client) if name in BUILD else None
        _assert_verifying(_ssl_contexts(client) + (_ssl_contexts(built) if built is not None else []))
    finally:
        _close(client)


def test_tls_verification_is_on_for_the_transports_module_httpx_kind() -> None:
    sync_transport = fast.fast_transport("httpx")
    async_transport = fast.fast_async_transport("httpx")
    try:
        _assert_verifying(_ssl_contexts(sync_transport))
        _assert_verifying(_ssl_contexts(async_transport))
        client = FlowrouteClient("k", "s", base_url="https://api.example.test", transport=sync_transport)
        _assert_verifying(_ssl_contexts(client))
    finally:
        sync_transport.close()
        asyncio.run(async_transport.aclose())


# ----------------------------------------------------------------------------- end to end


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self._answer()

    def do_POST(self) -> None:
        self._answer()

    def _answer(self) -> None:
        type(self).seen.append(self.path)
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # failed handshakes are the point of the test


@pytest.fixture(scope="module")
def self_signed_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A loopback HTTPS server whose certificate (for localhost) no client trusts."""
    made = server_tls(tmp_path_factory.mktemp("tls"))
    if made is None:
        pytest.skip("openssl is not installed: cannot make a self-signed certificate")
    context, _ = made
    server = _QuietServer(("127.0.0.1", 0), _Recorder)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"https://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _first_call(client: Any) -> Any:
    """One request through the client's public API (a read where there is one)."""
    for path in (
        "routes.list",
        "messages.get",
        "messages.status",
        "routes.list_inbound_routes",
        "get_message_lookup",
        "get_message",
        "messages.get_message_status",
    ):
        target: Any = client
        try:
            for part in path.split("."):
                target = getattr(target, part)
        except AttributeError:
            continue
        if path.endswith("routes.list") or path.endswith("list_inbound_routes"):
            return target()
        if "lookup" in path:
            return target("mdr1-0d436467ea1fb01d15c8be83a909013c")
        if path == "messages.get":
            return target("m-abc") if isinstance(client, (BandwidthClient, AsyncBandwidthClient)) else target("mdr2-1")
        return target("82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b" if "status" in path else "m-abc")
    raise AssertionError(f"no read method found on {client!r}")


def _sync_transports() -> list[tuple[str, httpx.BaseTransport | None]]:
    kinds: list[tuple[str, httpx.BaseTransport | None]] = [
        ("default", None),
        ("transports:httpx", fast.fast_transport("httpx")),
    ]
    if importlib.util.find_spec("pyreqwest") is not None:
        kinds.append(("transports:pyreqwest", fast.fast_transport("pyreqwest")))
    return kinds


def _names_the_certificate(error: BaseException) -> bool:
    """True if any link of the exception chain says the certificate was refused."""
    seen: BaseException | None = error
    while seen is not None:
        text = f"{seen!r} {seen}".lower()
        if "certificate" in text or "unknownissuer" in text or "self-signed" in text or "self signed" in text:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@pytest.mark.parametrize("name", list(SYNC))
def test_an_untrusted_certificate_is_refused_before_any_request(name: str, self_signed_server: str) -> None:
    _Recorder.seen.clear()
    for kind, transport in _sync_transports():
        client = SYNC[name](self_signed_server, transport)
        try:
            with pytest.raises(SmsClientError) as raised:
                _first_call(client)
            assert _names_the_certificate(raised.value), (kind, raised.value)
        finally:
            client.close()
    assert _Recorder.seen == []


def _async_transports() -> list[tuple[str, httpx.AsyncBaseTransport | None]]:
    kinds: list[tuple[str, httpx.AsyncBaseTransport | None]] = [("default", None), ("transports:httpx", None)]
    for kind, module in (("pyreqwest", "pyreqwest"), ("aiohttp", "httpx_aiohttp"), ("asyncio", "httptools")):
        if importlib.util.find_spec(module) is not None:
            kinds.append((f"transports:{kind}", None))
    return kinds


@pytest.mark.parametrize("name", list(ASYNC))
def test_async_clients_refuse_an_untrusted_certificate(name: str, self_signed_server: str) -> None:
    _Recorder.seen.clear()

    async def attempt(kind: str) -> None:
        transport = None if kind == "default" else fast.fast_async_transport(kind.split(":")[1])
        client = ASYNC[name](self_signed_server, transport)
        try:
            with pytest.raises(SmsClientError):
                await _first_call(client)
        finally:
            await client.aclose()

    for kind, _ in _async_transports():
        asyncio.run(attempt(kind))
    assert _Recorder.seen == []


@pytest.mark.parametrize(
    ("kind", "module"), [("pyreqwest", "pyreqwest"), ("aiohttp", "httpx_aiohttp"), ("asyncio", "httptools")]
)
def test_fast_transports_refuse_an_untrusted_certificate(kind: str, module: str, self_signed_server: str) -> None:
    """The optional fast transports (extra ``fast``), when installed: TLS verification on by default."""
    if importlib.util.find_spec(module) is None:
        pytest.skip(f"optional package {module} is not installed (extra 'fast')")
    _Recorder.seen.clear()

    async def attempt() -> None:
        async with AsyncFlowrouteClient(
            "k", "s", base_url=self_signed_server, retry=NO_RETRY, transport=fast.fast_async_transport(kind)
        ) as client:
            with pytest.raises(SmsClientError):
                await client.routes.list()

    asyncio.run(attempt())
    if kind == "pyreqwest":
        with (
            FlowrouteClient(
                "k", "s", base_url=self_signed_server, retry=NO_RETRY, transport=fast.fast_transport(kind)
            ) as client,
            pytest.raises(SmsClientError),
        ):
            client.routes.list()
    assert _Recorder.seen == []
