"""The receivers under the conditions of real deployments.

A signed request replayed while the first copy is still being handled (handled once), a proxy hop
that speaks HTTP/1.0 (a genuine signature still verifies), chunked WSGI bodies, a client that goes
away mid-body, provider names that do not exist. Synchronisation is by events, with generous limits.
"""

from __future__ import annotations

import asyncio
import base64
import io
import json
import threading
from collections.abc import Callable, MutableMapping
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from smsclients import InputError
from smsclients.webhooks import (
    PROVIDERS,
    MessageMediaSignatureVerifier,
    ReplayCache,
    WebhookASGIApp,
    WebhookEvent,
    WebhookRequest,
    WebhookVerificationError,
    WebhookWSGIApp,
    messagemedia_request_lines,
    parse_event,
    process,
    provider_name,
)

DATE = "Tue, 17 Jul 2018 04:52:31 GMT"
NOW = datetime(2018, 7, 17, 4, 52, 31, tzinfo=UTC).timestamp()
BODY = json.dumps({"delivery_report_id": "r-1", "message_id": "m-1", "status": "delivered"}).encode()
LIMIT = 30.0  # seconds to wait for something that happens within milliseconds


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _verifier(key: rsa.RSAPrivateKey) -> MessageMediaSignatureVerifier:
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return MessageMediaSignatureVerifier(public, clock=lambda: NOW)


def _signed(key: rsa.RSAPrivateKey, request_line: str, body: bytes = BODY) -> dict[str, str]:
    signature = key.sign(request_line.encode() + DATE.encode() + body, padding.PKCS1v15(), hashes.SHA256())
    return {
        "X-MESSAGEMEDIA-KEY-ID": "k-1",
        "X-MESSAGEMEDIA-CIPHER-TYPE": "RSA",
        "X-MESSAGEMEDIA-DIGEST-TYPE": "SHA256",
        "X-MESSAGEMEDIA-SIGNATURE": base64.b64encode(signature).decode(),
        "Date": DATE,
    }


def _environ(headers: dict[str, str], body: bytes, **extra: Any) -> dict[str, Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/hooks",
        "QUERY_STRING": "",
        "CONTENT_LENGTH": str(len(body)),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body),
    }
    environ.update({"HTTP_" + name.upper().replace("-", "_"): value for name, value in headers.items()})
    environ.update(extra)
    return environ


def _call(app: WebhookWSGIApp, environ: dict[str, Any]) -> int:
    statuses: list[str] = []
    app(environ, lambda status, headers: statuses.append(status))
    return int(statuses[0].split()[0])


class BlockingHandler:
    """A handler that signals when it starts and waits until released (or fails on request)."""

    def __init__(self, fail_first: bool = False) -> None:
        self.entered = threading.Event()
        self.release = threading.Event()
        self.calls: list[WebhookEvent] = []
        self.fail_first = fail_first

    def __call__(self, event: WebhookEvent) -> None:
        self.calls.append(event)
        self.entered.set()
        assert self.release.wait(LIMIT), "the test never released the handler"
        if self.fail_first and len(self.calls) == 1:
            raise RuntimeError("database down")


# ----------------------------------------------------------------------------- concurrent replays


def test_wsgi_concurrent_replay_is_handled_once(key: rsa.RSAPrivateKey) -> None:
    handler = BlockingHandler()
    app = WebhookWSGIApp("messagemedia", handler, verifiers=[_verifier(key)])
    headers = _signed(key, "POST /hooks HTTP/1.1")
    first: list[int] = []
    thread = threading.Thread(target=lambda: first.append(_call(app, _environ(headers, BODY))))
    thread.start()
    try:
        assert handler.entered.wait(LIMIT)
        assert _call(app, _environ(headers, BODY)) == 409  # the copy, while the first is being handled
    finally:
        handler.release.set()
        thread.join(LIMIT)
    assert first == [200]
    assert _call(app, _environ(headers, BODY)) == 403  # handled: a later replay is refused
    assert len(handler.calls) == 1


def test_wsgi_redelivery_after_a_failed_handler_is_handled(key: rsa.RSAPrivateKey) -> None:
    handler = BlockingHandler(fail_first=True)
    handler.release.set()
    app = WebhookWSGIApp("messagemedia", handler, verifiers=[_verifier(key)])
    headers = _signed(key, "POST /hooks HTTP/1.1")
    assert _call(app, _environ(headers, BODY)) == 500
    assert _call(app, _environ(headers, BODY)) == 200  # the claim was released
    assert _call(app, _environ(headers, BODY)) == 403
    assert len(handler.calls) == 2


def _asgi_post(app: WebhookASGIApp, headers: dict[str, str], body: bytes = BODY) -> Any:
    transport = httpx.ASGITransport(app=app)
    client = httpx.AsyncClient(transport=transport, base_url="http://receiver.test")

    async def post() -> int:
        async with client:
            return (await client.post("/hooks", content=body, headers=headers)).status_code

    return post()


def test_asgi_concurrent_replay_is_handled_once(key: rsa.RSAPrivateKey) -> None:
    handler = BlockingHandler()
    app = WebhookASGIApp("messagemedia", handler, verifiers=[_verifier(key)])
    headers = _signed(key, "POST /hooks HTTP/1.1")

    async def run() -> tuple[int, int, int]:
        first = asyncio.create_task(_asgi_post(app, headers))
        try:
            # The sync handler runs in a worker thread: wait for it without blocking the loop.
            assert await asyncio.to_thread(handler.entered.wait, LIMIT)
            second = await _asgi_post(app, headers)
        finally:
            handler.release.set()
        return await first, second, await _asgi_post(app, headers)

    assert asyncio.run(run()) == (200, 409, 403)
    assert len(handler.calls) == 1


def test_asgi_cancelled_handler_releases_the_claim(key: rsa.RSAPrivateKey) -> None:
    """A request cancelled mid-handler (server shutdown, client gone) leaves no claim behind."""
    started = asyncio.Event()
    calls: list[WebhookEvent] = []

    async def handler(event: WebhookEvent) -> None:
        calls.append(event)
        if len(calls) == 1:
            started.set()
            await asyncio.Event().wait()  # never returns: cancelled below

    app = WebhookASGIApp("messagemedia", handler, verifiers=[_verifier(key)])
    headers = _signed(key, "POST /hooks HTTP/1.1")

    async def run() -> int:
        first = asyncio.create_task(_asgi_post(app, headers))
        await asyncio.wait_for(started.wait(), LIMIT)
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        return int(await _asgi_post(app, headers))

    assert asyncio.run(run()) == 200
    assert len(calls) == 2


# ----------------------------------------------------------------------------- HTTP versions


@pytest.mark.parametrize(
    ("signed", "received"), [("1.1", "1.0"), ("1.0", "1.1"), ("1.1", "1.1"), ("1.0", "1.0"), ("1.1", "2")]
)
def test_a_genuine_signature_passes_whichever_http_version_the_last_hop_spoke(
    key: rsa.RSAPrivateKey, signed: str, received: str
) -> None:
    seen: list[WebhookEvent] = []
    app = WebhookWSGIApp("messagemedia", seen.append, verifiers=[_verifier(key)])
    headers = _signed(key, f"POST /hooks HTTP/{signed}")
    assert _call(app, _environ(headers, BODY, SERVER_PROTOCOL=f"HTTP/{received}")) == 200
    assert len(seen) == 1


def test_asgi_http_1_0_request_passes(key: rsa.RSAPrivateKey) -> None:
    seen: list[WebhookEvent] = []
    app = WebhookASGIApp("messagemedia", seen.append, verifiers=[_verifier(key)])
    headers = [(k.lower().encode(), v.encode()) for k, v in _signed(key, "POST /hooks HTTP/1.1").items()]
    sent: list[MutableMapping[str, Any]] = []

    async def run() -> None:
        messages = [{"type": "http.request", "body": BODY, "more_body": False}]

        async def receive() -> dict[str, Any]:
            return messages.pop(0)

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        scope = {"type": "http", "http_version": "1.0", "method": "POST", "path": "/hooks", "headers": headers}
        await app(scope, receive, send)

    asyncio.run(run())
    assert sent[0]["status"] == 200 and len(seen) == 1


def test_only_the_version_may_differ(key: rsa.RSAPrivateKey) -> None:
    assert messagemedia_request_lines("POST /a?b=1 HTTP/2") == (
        "POST /a?b=1 HTTP/2",
        "POST /a?b=1 HTTP/1.1",
        "POST /a?b=1 HTTP/1.0",
    )
    assert messagemedia_request_lines("POST /a HTTP/1.1") == ("POST /a HTTP/1.1", "POST /a HTTP/1.0")
    assert messagemedia_request_lines("POST /a") == ("POST /a",)
    verifier = _verifier(key)
    headers = _signed(key, "POST /hooks HTTP/1.1")
    for method, target in (("PUT", "/hooks"), ("POST", "/hooks2"), ("POST", "/hooks?x=1")):
        request = WebhookRequest.build(method, target, headers, BODY, http_version="1.0")
        with pytest.raises(WebhookVerificationError) as caught:
            verifier.verify(request)
        assert caught.value.check == "signature"


# ----------------------------------------------------------------------------- bodies


def test_wsgi_reads_a_chunked_body_to_its_end() -> None:
    seen: list[WebhookEvent] = []
    app = WebhookWSGIApp("messagemedia", seen.append)
    environ = _environ({}, BODY, **{"wsgi.input_terminated": True})
    del environ["CONTENT_LENGTH"]
    assert _call(app, environ) == 200
    assert seen[0].message_id == "m-1"


class Trickle(io.RawIOBase):
    """A stream that returns a few bytes per read, as a socket may."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk, self.data = self.data[:3], self.data[3:]
        return chunk


@pytest.mark.parametrize("chunked", [True, False])
def test_wsgi_body_read_in_short_pieces_is_whole(chunked: bool) -> None:
    seen: list[WebhookEvent] = []
    environ = _environ({}, BODY, **{"wsgi.input": Trickle(BODY), "wsgi.input_terminated": chunked})
    if chunked:
        del environ["CONTENT_LENGTH"]
    assert _call(WebhookWSGIApp("messagemedia", seen.append), environ) == 200 and len(seen) == 1


@pytest.mark.parametrize("chunked", [True, False])
def test_wsgi_body_over_the_limit_is_413_either_way(chunked: bool) -> None:
    seen: list[WebhookEvent] = []
    body = json.dumps({**json.loads(BODY), "padding": "x" * 200}).encode()
    environ = _environ({}, body, **{"wsgi.input_terminated": chunked})
    if chunked:
        del environ["CONTENT_LENGTH"]
    assert _call(WebhookWSGIApp("messagemedia", seen.append, max_body_bytes=100), environ) == 413
    assert not seen


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", "+5", "1_0", "\u0661"])
def test_wsgi_bad_content_length_is_400(length: str) -> None:
    seen: list[WebhookEvent] = []
    assert _call(WebhookWSGIApp("messagemedia", seen.append), _environ({}, BODY, CONTENT_LENGTH=length)) == 400
    assert not seen


def test_wsgi_body_shorter_than_its_length_is_not_handled() -> None:
    seen: list[WebhookEvent] = []
    environ = _environ({}, BODY, CONTENT_LENGTH=str(len(BODY) + 10))
    assert _call(WebhookWSGIApp("messagemedia", seen.append), environ) == 400
    assert not seen


def test_asgi_client_gone_mid_body_is_not_handled() -> None:
    seen: list[WebhookEvent] = []
    app = WebhookASGIApp("messagemedia", seen.append)
    sent: list[MutableMapping[str, Any]] = []
    half = len(BODY) // 2

    async def run(messages: list[dict[str, Any]]) -> None:
        async def receive() -> dict[str, Any]:
            return messages.pop(0)

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        await app({"type": "http", "method": "POST", "path": "/hooks", "headers": []}, receive, send)

    # The first half of a body that parses on its own, then the client is gone.
    whole = json.dumps({"message_id": "m-1"}).encode()
    asyncio.run(run([{"type": "http.request", "body": whole, "more_body": True}, {"type": "http.disconnect"}]))
    asyncio.run(run([{"type": "http.request", "body": BODY[:half], "more_body": True}, {"type": "http.disconnect"}]))
    asyncio.run(run([{"type": "http.disconnect"}]))
    assert not seen and not sent


# ----------------------------------------------------------------------------- provider names


@pytest.mark.parametrize("name", ["twilio", "", "flow route", "messagemedia ", None, 3])
def test_an_unknown_provider_is_an_input_error_listing_the_names(name: Any) -> None:
    attempts: list[Callable[[], object]] = [
        lambda: WebhookASGIApp(name, print),
        lambda: WebhookWSGIApp(name, print),
        lambda: parse_event(name, method="POST", headers={}, body=BODY),
        lambda: process(name, WebhookRequest.build("POST", "/", {}, BODY)),
        lambda: provider_name(name),
    ]
    for attempt in attempts:
        with pytest.raises(InputError) as caught:
            attempt()
        assert caught.value.field == "provider"
        assert all(repr(valid) in str(caught.value) for valid in PROVIDERS)


def test_provider_names_are_case_insensitive_and_come_back_canonical() -> None:
    assert WebhookASGIApp("MessageMedia", print).provider == "messagemedia"  # type: ignore[arg-type]
    assert provider_name("FLOWROUTE") == "flowroute"


# ----------------------------------------------------------------------------- event-id deduplication

FLOWROUTE_MESSAGE = json.dumps({"to": "12066418000", "from": "18553569768", "body": "hi", "id": "mdr1-1"}).encode()


def test_wsgi_deduplicate_claims_the_event_id_before_handling() -> None:
    """Unsigned providers retry too: with ``deduplicate`` a concurrent copy is 409, a later one 200 unhandled."""
    handler = BlockingHandler()
    app = WebhookWSGIApp("flowroute", handler, deduplicate=ReplayCache())
    first: list[int] = []
    thread = threading.Thread(target=lambda: first.append(_call(app, _environ({}, FLOWROUTE_MESSAGE))))
    thread.start()
    try:
        assert handler.entered.wait(LIMIT)
        assert _call(app, _environ({}, FLOWROUTE_MESSAGE)) == 409
    finally:
        handler.release.set()
        thread.join(LIMIT)
    assert first == [200]
    assert _call(app, _environ({}, FLOWROUTE_MESSAGE)) == 200  # handled before: acknowledged, not handled again
    assert len(handler.calls) == 1
    other = FLOWROUTE_MESSAGE.replace(b"mdr1-1", b"mdr1-2")
    assert _call(app, _environ({}, other)) == 200 and len(handler.calls) == 2


def test_asgi_deduplicate_frees_the_id_when_the_handler_fails(key: rsa.RSAPrivateKey) -> None:
    handler = BlockingHandler(fail_first=True)
    handler.release.set()
    cache = ReplayCache()
    app = WebhookASGIApp("messagemedia", handler, verifiers=[_verifier(key)], deduplicate=cache)

    async def run() -> list[int]:
        statuses = [await _asgi_post(app, _signed(key, "POST /hooks HTTP/1.1"))]
        statuses.append(await _asgi_post(app, _signed(key, "POST /hooks HTTP/1.1")))  # the redelivery
        # The provider's next attempt is signed again (a new signature over a new body layout): a
        # different request carrying the same event is acknowledged without handling it again.
        again = BODY.replace(b", ", b",")
        statuses.append(await _asgi_post(app, _signed(key, "POST /hooks HTTP/1.1", again), again))
        return statuses

    assert asyncio.run(run()) == [500, 200, 200]
    assert len(handler.calls) == 2


# ----------------------------------------------------------------------------- the cache itself


def test_exactly_one_of_many_concurrent_claims_wins() -> None:
    cache = ReplayCache()
    start = threading.Barrier(16)
    results: list[str] = []
    lock = threading.Lock()

    def claim() -> None:
        start.wait(LIMIT)
        state = cache.claim(b"signature", NOW)
        with lock:
            results.append(state)

    threads = [threading.Thread(target=claim) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(LIMIT)
    assert sorted(results) == ["claimed"] + ["in_progress"] * 15


def test_claims_are_settled_and_expire() -> None:
    cache = ReplayCache(ttl=10, max_entries=3)
    assert cache.claim(b"a", NOW) == "claimed" and cache.contains(b"a", NOW)
    cache.release(b"a")
    assert not cache.contains(b"a", NOW)
    assert cache.claim(b"a", NOW) == "claimed"
    cache.accept(b"a", NOW)
    assert cache.claim(b"a", NOW + 9) == "accepted"
    assert cache.claim(b"a", NOW + 10) == "claimed"  # expired: the clock-skew check refuses it by then
    for name in (b"b", b"c", b"d", b"e"):
        cache.accept(name, NOW + 11)
    assert cache.contains(b"e", NOW + 11) and not cache.contains(b"b", NOW + 11)  # bounded, oldest first


# ----------------------------------------------------------------------------- request targets as sent


def _sign_bytes(key: rsa.RSAPrivateKey, request_line: bytes) -> dict[str, str]:
    headers = _signed(key, "POST / HTTP/1.1")
    signature = key.sign(request_line + DATE.encode() + BODY, padding.PKCS1v15(), hashes.SHA256())
    headers["X-MESSAGEMEDIA-SIGNATURE"] = base64.b64encode(signature).decode()
    return headers


def test_a_target_with_raw_non_ascii_bytes_verifies_as_sent(key: rsa.RSAPrivateKey) -> None:
    raw_target = b"/hooks/caf\xc3\xa9?n=\xc3\xa9"
    headers = _sign_bytes(key, b"POST " + raw_target + b" HTTP/1.1")
    seen: list[WebhookEvent] = []
    # WSGI: servers give the raw target as Latin-1 text (PEP 3333).
    wsgi = WebhookWSGIApp("messagemedia", seen.append, verifiers=[_verifier(key)])
    assert _call(wsgi, _environ(headers, BODY, RAW_URI=raw_target.decode("latin-1"))) == 200
    # ASGI: raw_path and query_string are bytes.
    asgi = WebhookASGIApp("messagemedia", seen.append, verifiers=[_verifier(key)])
    sent: list[MutableMapping[str, Any]] = []

    async def run() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": BODY, "more_body": False}

        async def send(message: MutableMapping[str, Any]) -> None:
            sent.append(message)

        path, _, query = raw_target.partition(b"?")
        scope = {
            "type": "http",
            "http_version": "1.1",
            "method": "POST",
            "path": path.decode("utf-8"),
            "raw_path": path,
            "query_string": query,
            "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        }
        await asgi(scope, receive, send)

    asyncio.run(run())
    assert sent[0]["status"] == 200 and len(seen) == 2


def _asgi_run(app: WebhookASGIApp, receive: Any) -> list[MutableMapping[str, Any]]:
    sent: list[MutableMapping[str, Any]] = []

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app({"type": "http", "method": "POST", "path": "/hooks", "headers": []}, receive, send))
    return sent


@pytest.mark.parametrize("chunks", [[BODY], [BODY[:10], BODY[10:]]])
def test_asgi_client_gone_after_the_whole_body_is_not_handled(chunks: list[bytes]) -> None:
    seen: list[WebhookEvent] = []
    messages: list[dict[str, Any]] = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks)
    ]
    messages.append({"type": "http.disconnect"})

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    assert _asgi_run(WebhookASGIApp("messagemedia", seen.append), receive) == []
    assert not seen


def test_asgi_client_still_there_after_the_body_is_handled_and_its_wait_cancelled() -> None:
    seen: list[WebhookEvent] = []
    waits: list[str] = []
    messages: list[dict[str, Any]] = [{"type": "http.request", "body": BODY, "more_body": False}]

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop(0)
        waits.append("waiting")  # as a server does: the next message is a disconnect, once there is one
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            waits.append("cancelled")
            raise
        raise AssertionError("unreachable")

    sent = _asgi_run(WebhookASGIApp("messagemedia", seen.append), receive)
    assert len(seen) == 1 and sent[0]["status"] == 200
    assert waits == ["waiting", "cancelled"]  # no receive left waiting behind the request
