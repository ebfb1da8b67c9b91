"""The ASGI and WSGI receivers: verify, parse, call the handler, answer what the provider expects."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

import httpx
import pytest
from smsclients.webhooks import (
    BasicAuthVerifier,
    InboundMessage,
    MessageStatus,
    WebhookASGIApp,
    WebhookEvent,
    WebhookWSGIApp,
)

DLR = {
    "delivery_report_id": "693e87f2-a553-4281-9ffe-ddf04cbc4bf3",
    "message_id": "389dc1a8-62a4-4110-ba61-af94806c006f",
    "status": "delivered",
}
BASIC = {"Authorization": "Basic aG9vazpwdw=="}  # hook:pw


def _post(app: Any, path: str, body: bytes, headers: dict[str, str] | None = None) -> httpx.Response:
    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://receiver.test") as client:
            return await client.post(path, content=body, headers=headers or {})

    return asyncio.run(run())


def test_asgi_sync_handler_gets_the_event_and_the_provider_gets_200() -> None:
    seen: list[WebhookEvent] = []
    app = WebhookASGIApp("messagemedia", seen.append)
    response = _post(app, "/mm", json.dumps(DLR).encode())
    assert response.status_code == 200
    assert isinstance(seen[0], MessageStatus) and seen[0].delivered


def test_asgi_async_handler_is_awaited() -> None:
    seen: list[WebhookEvent] = []

    async def handler(event: WebhookEvent) -> None:
        await asyncio.sleep(0)
        seen.append(event)

    body = json.dumps({"to": "12066418000", "from": "18553569768", "body": "hi", "id": "mdr1-1"}).encode()
    assert _post(WebhookASGIApp("flowroute", handler), "/fr", body).status_code == 200
    assert isinstance(seen[0], InboundMessage) and seen[0].text == "hi"


def test_asgi_failing_handler_answers_500_so_the_provider_retries() -> None:
    def handler(event: WebhookEvent) -> None:
        raise RuntimeError("database down")

    response = _post(WebhookASGIApp("messagemedia", handler), "/mm", json.dumps(DLR).encode())
    assert response.status_code == 500
    assert "database" not in response.text


def test_asgi_refuses_unverified_and_unparseable_requests() -> None:
    seen: list[WebhookEvent] = []
    app = WebhookASGIApp("bandwidth", seen.append, verifiers=[BasicAuthVerifier("hook", "pw")])
    event = {"eventType": "sms", "direction": "in", "from": "+1", "to": "+2", "text": "x", "messageId": "m-1"}
    assert _post(app, "/bw", json.dumps(event).encode()).status_code == 403
    assert _post(app, "/bw", b"[1, 2]", BASIC).status_code == 400
    assert _post(app, "/bw", json.dumps(event).encode(), BASIC).status_code == 200
    assert len(seen) == 1


def test_asgi_get_mode_reads_the_query() -> None:
    seen: list[WebhookEvent] = []

    async def run() -> httpx.Response:
        transport = httpx.ASGITransport(app=WebhookASGIApp("bandwidth", seen.append))
        async with httpx.AsyncClient(transport=transport, base_url="http://receiver.test") as client:
            return await client.get(
                "/bw", params={"eventType": "sms", "direction": "out", "state": "sent", "messageId": "m-2"}
            )

    assert asyncio.run(run()).status_code == 200
    assert isinstance(seen[0], MessageStatus) and seen[0].status == "sent" and seen[0].pending


def test_asgi_refuses_a_body_over_the_limit() -> None:
    app = WebhookASGIApp("messagemedia", lambda event: None, max_body_bytes=10)
    assert _post(app, "/mm", json.dumps(DLR).encode()).status_code == 413


def _wsgi(app: WebhookWSGIApp, method: str, body: bytes, **environ: str) -> tuple[str, bytes]:
    status: list[str] = []
    base = {
        "REQUEST_METHOD": method,
        "PATH_INFO": "/hooks",
        "QUERY_STRING": "",
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(body),
    }
    chunks = app({**base, **environ}, lambda s, h: status.append(s))
    return status[0], b"".join(chunks)


def test_wsgi_app_calls_the_handler_and_answers() -> None:
    seen: list[WebhookEvent] = []
    app = WebhookWSGIApp("messagemedia", seen.append)
    status, _ = _wsgi(app, "POST", json.dumps(DLR).encode())
    assert status == "200 OK" and isinstance(seen[0], MessageStatus)
    assert _wsgi(app, "POST", b"not json")[0].startswith("400")


def test_wsgi_verifies_and_reports_handler_failures() -> None:
    def handler(event: WebhookEvent) -> None:
        raise RuntimeError("no")

    app = WebhookWSGIApp("bandwidth", handler, verifiers=[BasicAuthVerifier("hook", "pw")])
    event = json.dumps({"eventType": "sms", "direction": "out", "state": "sent", "messageId": "m-1"}).encode()
    assert _wsgi(app, "POST", event)[0].startswith("403")
    assert _wsgi(app, "POST", event, HTTP_AUTHORIZATION=BASIC["Authorization"])[0].startswith("500")


def test_wsgi_rejects_async_handlers() -> None:
    async def handler(event: WebhookEvent) -> None:
        return None

    with pytest.raises(TypeError):
        WebhookWSGIApp("flowroute", handler)
