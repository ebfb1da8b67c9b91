"""The sandbox's web inbox: a page at ``/`` showing every message, receipt, callback and request.

Routes (the page uses only these and the control API of :mod:`smsclients_sandbox.control`):

GET  /                               the page (plain HTML/CSS/JS shipped in ``static/``; no CDN)
GET  /_sandbox/inbox/static/<file>   its stylesheet and script
GET  /_sandbox/inbox/view            everything the page shows, as JSON (:mod:`.view`)
GET  /_sandbox/inbox/events          the same as server-sent events, a new one on every change
POST /_sandbox/realistic             {enabled: bool}: switch realistic mode on or off
POST /_sandbox/messages/outcome      {provider, id, outcome: "delivered" | "failed", user_id?}: end an
                                     outbound message now (status, receipt, callback)

Every ``/_sandbox`` request passes :func:`.guard.refusal` first (loopback, Host, cross-site).
"""

from __future__ import annotations

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Mount, Route, Router
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from smsclients_sandbox.inbox.guard import TOKEN_HEADER, refusal
from smsclients_sandbox.inbox.view import snapshot
from smsclients_sandbox.wire import ProviderError

if TYPE_CHECKING:
    from smsclients_sandbox.app import SandboxApp

STATIC = Path(__file__).resolve().parent / "static"
# How often an open event stream looks for changes, and how long one stream lasts: browsers
# reconnect by themselves (after ``retry``), and a bounded stream never holds up a shutdown.
POLL_S = 0.2
STREAM_S = 15.0
OUTCOMES = {"delivered": True, "failed": False}


def build(app: SandboxApp) -> ASGIApp:
    """The page, its data and actions, with the control API (``app.control``) behind the same guard."""
    token = secrets.token_urlsafe(24)

    async def page(request: Request) -> Response:
        html = (STATIC / "index.html").read_text(encoding="utf-8").replace("{{TOKEN}}", token)
        return HTMLResponse(html, headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"})

    async def view(request: Request) -> Response:
        return JSONResponse(snapshot(app), headers={"Cache-Control": "no-store"})

    async def events(request: Request) -> Response:
        return StreamingResponse(
            _stream(app, request),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
        )

    async def realistic(request: Request) -> Response:
        payload = await _json(request)
        enabled = payload.get("enabled") if isinstance(payload, dict) else None
        if not isinstance(enabled, bool):
            return JSONResponse({"message": "expected {enabled: true | false}"}, status_code=400)
        app.realistic = enabled
        return JSONResponse({"realistic": app.realistic})

    async def outcome(request: Request) -> Response:
        payload = await _json(request)
        if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
            return JSONResponse({"message": "expected {provider, id, outcome, user_id?}"}, status_code=400)
        delivered = OUTCOMES.get(str(payload.get("outcome")))
        if delivered is None:
            return JSONResponse({"message": "outcome must be delivered or failed"}, status_code=400)
        provider, message_id = payload.get("provider"), payload["id"]
        try:
            if provider == "messagemedia":
                result = app.messagemedia.finish(message_id, "delivered" if delivered else "failed")
            elif provider == "flowroute":
                result = app.flowroute_messages.finish(message_id, delivered)
            elif provider == "bandwidth":
                user_id = payload.get("user_id")
                if not isinstance(user_id, str):
                    return JSONResponse({"message": "user_id (a string) is required for bandwidth"}, status_code=400)
                result = app.bandwidth.finish(user_id, message_id, delivered)
            else:
                return JSONResponse({"message": "provider must be flowroute, bandwidth or messagemedia"}, 400)
        except ProviderError as exc:
            return JSONResponse({"message": exc.message}, status_code=exc.status)
        return JSONResponse(result)

    router = Router(
        routes=[
            Route("/", page, methods=["GET"]),
            Route("/_sandbox/inbox/view", view, methods=["GET"]),
            Route("/_sandbox/inbox/events", events, methods=["GET"]),
            Mount("/_sandbox/inbox/static", StaticFiles(directory=STATIC)),
            Route("/_sandbox/realistic", realistic, methods=["POST"]),
            Route("/_sandbox/messages/outcome", outcome, methods=["POST"]),
        ],
        default=app.control,
    )

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        page_path = path == "/" or path.startswith("/_sandbox/inbox")
        reason = refusal(scope, app.options.host, token, page=page_path)
        if reason is not None:
            await _forbidden(reason)(scope, receive, send)
            return
        await router(scope, receive, send)
        if scope["method"] not in ("GET", "HEAD"):
            app.journal.bump()

    return guarded


def _forbidden(reason: str) -> Response:
    # JSON like every other control API answer, so scripts read one shape.
    return JSONResponse({"message": f"refused: {reason}"}, status_code=403)


def _version(app: SandboxApp) -> tuple[Any, ...]:
    callbacks = app.state.callbacks.dispatcher.snapshot()
    return (app.journal.version, callbacks["submitted"], callbacks["attempts"], app.state.clock_offset)


async def _stream(app: SandboxApp, request: Request) -> AsyncIterator[str]:
    """One ``data:`` event with the whole view now and after every change, for up to STREAM_S."""
    yield "retry: 500\n\n"
    seen: tuple[Any, ...] | None = None
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STREAM_S
    while loop.time() < deadline:  # a closed connection cancels this generator (StreamingResponse)
        current = _version(app)
        if current != seen:
            seen = current
            yield f"event: view\ndata: {json.dumps(snapshot(app), separators=(',', ':'))}\n\n"
        await asyncio.sleep(POLL_S)


async def _json(request: Request) -> Any:
    body = await request.body()
    try:
        return json.loads(body) if body.strip() else {}
    except ValueError:
        return None


__all__ = ["TOKEN_HEADER", "build"]
