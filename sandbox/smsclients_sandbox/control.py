"""The ``/_sandbox`` endpoints: stats, info, reset and test hooks. Not part of any spec; no auth.

No auth, but no cross-site use either: a web page the developer visits must not be able to reset
the sandbox or make it call a URL. So every ``POST`` must be ``Content-Type: application/json``
(which a browser only sends cross-site after a CORS preflight this server never approves), and a
request whose ``Sec-Fetch-Site`` or ``Origin`` says it comes from another site is refused (403).

GET  /_sandbox/stats                  accepted counts, markers, duplicates, faults, spec violations
GET  /_sandbox/info                   seed, surfaces and their base URLs, validation and fault settings, clock
POST /_sandbox/reset                  forget all state and stats, start again from the seed (faults and
                                      clock as at start-up too)
POST /_sandbox/faults                 {rates?: {FaultOptions fields}, next?: [fault, ...]}: replace the
                                      fault rates (fields left out are off) and/or queue one-shot faults
                                      (X-Sandbox-Fault syntax) for the next API requests
POST /_sandbox/clock                  {advance_s: n}: move the sandbox's clock n seconds forward
                                      (scheduled MessageMedia messages fall due)
POST /_sandbox/messagemedia/replies   inject an inbound reply {content, message_id?, source_number?,
                                      destination_number?} -> 201 with the stored reply
POST /_sandbox/messagemedia/advance   {steps?: n} move in-flight MessageMedia messages n steps
POST /_sandbox/flowroute/cnams/approve  {id, approved?: true, reason?} approve or reject a CNAM record
GET  /_sandbox/flowroute/cdrexports/<id>.csv.gz  a completed CDR export's file (its download_url)
POST /_sandbox/flowroute/portorders/advance  {id, status?, reason?} Flowroute's next step for a port order
PUT|GET /_sandbox/flowroute/portorder-files/<order>/<file>?token=  a port order document's upload /
                                      download URL (what request_upload and get_file answer)
POST /_sandbox/flowroute/inbound      a message to an account number {to, from, body?, media_urls?,
                                      callback_url?, format?: "v2.1" | "v2"} -> 201, sent to the callback URL
POST /_sandbox/bandwidth/inbound      a message to a number {to, from, text?, media?, user_id?, callback_url?,
                                      callback_http_method?: "post" | "get"} -> 201, sent to the callback URL
GET  /_sandbox/messagemedia/signature_key   the public key MessageMedia webhooks are signed with
GET  /_sandbox/callbacks              every callback delivery and its attempts (newest last)
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from smsclients_sandbox.faults import FaultHeaderError
from smsclients_sandbox.options import FaultOptions
from smsclients_sandbox.surfaces import BANDWIDTH_V1, SURFACES
from smsclients_sandbox.wire import ProviderError

if TYPE_CHECKING:
    from smsclients_sandbox.app import SandboxApp

# Far enough for any schedule a test needs, and nowhere near datetime's limits.
MAX_ADVANCE_S = 10 * 366 * 86400
MAX_OFFSET_S = 100 * 366 * 86400


def cross_site_refusal(request: Request) -> str | None:
    """Why a control request is refused as (possibly) cross-site, or None to serve it."""
    site = request.headers.get("sec-fetch-site")
    if site is not None and site.strip().lower() not in ("same-origin", "none"):
        return f"cross-site requests are refused (Sec-Fetch-Site: {site})"
    origin = request.headers.get("origin")
    if origin is not None:
        own = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
        if origin.rstrip("/").lower() != own.lower():
            return f"cross-site requests are refused (Origin: {origin})"
    if request.method == "POST":
        media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        if media != "application/json":
            return f"the control API takes Content-Type: application/json (got {media or 'none'!r})"
    return None


def build(app: SandboxApp) -> ASGIApp:
    """The control endpoints bound to one sandbox app, behind the cross-site guard."""

    async def stats(request: Request) -> Response:
        return JSONResponse({**app.state.stats.snapshot(), "callbacks": app.state.callbacks.dispatcher.snapshot()})

    async def info(request: Request) -> Response:
        root = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
        return JSONResponse(
            {
                "seed": app.options.seed,
                "validate": app.options.validate,
                "persistent": app.options.db is not None,
                "surfaces": {s.name: root + s.prefix for s in SURFACES},
                "faults": dataclasses.asdict(app.faults.options),
                "queued_faults": app.faults.queued,
                "clock_offset_s": app.state.clock_offset.total_seconds(),
            }
        )

    async def reset(request: Request) -> Response:
        app.reset()
        return JSONResponse({"reset": True})

    async def faults(request: Request) -> Response:
        payload = await _json(request)
        if not isinstance(payload, dict) or not set(payload) <= {"rates", "next"}:
            return _bad_request("expected {rates?: {...}, next?: [fault, ...]}")
        rates, queued = payload.get("rates"), payload.get("next", [])
        if not isinstance(queued, list) or not all(isinstance(fault, str) for fault in queued):
            return _bad_request("next must be a list of X-Sandbox-Fault values")
        try:
            options = FaultOptions(**rates) if rates is not None else None
            if options is not None:
                options.validate()
            app.faults.queue(queued)  # parses every entry first: a bad one queues nothing
        except (TypeError, ValueError, FaultHeaderError) as exc:
            return _bad_request(str(exc))
        if options is not None:
            app.set_fault_rates(options)
        return JSONResponse({"rates": dataclasses.asdict(app.faults.options), "queued": app.faults.queued})

    async def clock(request: Request) -> Response:
        payload = await _json(request)
        seconds = payload.get("advance_s") if isinstance(payload, dict) else None
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 <= seconds <= MAX_ADVANCE_S:
            return _bad_request(f"advance_s must be a number of seconds from 0 to {MAX_ADVANCE_S}")
        if (app.state.clock_offset + timedelta(seconds=seconds)).total_seconds() > MAX_OFFSET_S:
            return _bad_request("the clock is as far ahead as it goes; reset the sandbox")
        app.state.clock_offset += timedelta(seconds=seconds)
        return JSONResponse(
            {"now": app.state.now().isoformat(), "clock_offset_s": app.state.clock_offset.total_seconds()}
        )

    async def inject_reply(request: Request) -> Response:
        payload = await _json(request)
        user = app.options.credentials["messagemedia"][0]
        try:
            reply = app.messagemedia.inject_reply(payload, user)
        except ProviderError as exc:
            return JSONResponse({"message": exc.message, "details": exc.details}, status_code=exc.status)
        return JSONResponse(reply, status_code=201)

    async def advance(request: Request) -> Response:
        payload = await _json(request)
        steps = payload.get("steps", 1) if isinstance(payload, dict) else 1
        if not isinstance(steps, int) or not 0 <= steps <= 100:
            return JSONResponse({"message": "steps must be an integer from 0 to 100"}, status_code=400)
        app.messagemedia.advance(steps)
        return JSONResponse({"advanced": steps})

    async def approve_cnam(request: Request) -> Response:
        payload = await _json(request)
        if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
            return JSONResponse({"message": "id (a string) is required"}, status_code=400)
        approved = payload.get("approved", True)
        reason = payload.get("reason")
        try:
            record = app.flowroute_services.decide_cnam(payload["id"], approved is not False, reason)
        except ProviderError as exc:
            return JSONResponse({"message": exc.message}, status_code=exc.status)
        return JSONResponse(record)

    async def advance_port_order(request: Request) -> Response:
        payload = await _json(request)
        if not isinstance(payload, dict) or not isinstance(payload.get("id"), str):
            return JSONResponse({"message": "id (a string) is required"}, status_code=400)
        status, reason = payload.get("status"), payload.get("reason")
        if not isinstance(status, str | None) or not isinstance(reason, str | None):
            return JSONResponse({"message": "status and reason must be strings"}, status_code=400)
        try:
            return JSONResponse(app.flowroute_port_orders.advance(payload["id"], status, reason))
        except ProviderError as exc:
            return JSONResponse({"message": exc.message}, status_code=exc.status)

    async def port_order_file(request: Request) -> Response:
        ids = (request.path_params["order_id"], request.path_params["file_id"], request.query_params.get("token", ""))
        try:
            if request.method == "PUT":
                app.flowroute_port_orders.store_upload(*ids, await request.body())
                return Response(status_code=200)
            return Response(app.flowroute_port_orders.read_upload(*ids), media_type="application/octet-stream")
        except ProviderError as exc:
            return JSONResponse({"message": exc.message}, status_code=exc.status)

    async def cdr_download(request: Request) -> Response:
        data = app.flowroute_services.cdr_download(request.path_params["export_id"])
        if data is None:
            return JSONResponse({"message": "no completed CDR export with that id"}, status_code=404)
        return Response(data, media_type="application/gzip")

    async def flowroute_inbound(request: Request) -> Response:
        try:
            result = app.flowroute_messages.inject_inbound(await _json(request))
        except ProviderError as exc:
            return JSONResponse({"message": exc.message}, status_code=exc.status)
        return JSONResponse(result, status_code=201)

    async def bandwidth_inbound(request: Request) -> Response:
        root = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
        try:
            result = app.bandwidth.inject_inbound(await _json(request), root + BANDWIDTH_V1.prefix)
        except ProviderError as exc:
            return JSONResponse({"message": exc.message, "code": exc.kind or None}, status_code=exc.status)
        return JSONResponse(result, status_code=201)

    async def signature_key(request: Request) -> Response:
        # The key pair is made on first use; that takes a moment, so not on the event loop.
        return JSONResponse(await asyncio.to_thread(app.state.callbacks.signer.public_key))

    async def callbacks(request: Request) -> Response:
        return JSONResponse({"deliveries": app.state.callbacks.dispatcher.deliveries()})

    router = Router(
        routes=[
            Route("/_sandbox/flowroute/inbound", flowroute_inbound, methods=["POST"]),
            Route("/_sandbox/bandwidth/inbound", bandwidth_inbound, methods=["POST"]),
            Route("/_sandbox/messagemedia/signature_key", signature_key, methods=["GET"]),
            Route("/_sandbox/callbacks", callbacks, methods=["GET"]),
            Route("/_sandbox/stats", stats, methods=["GET"]),
            Route("/_sandbox/info", info, methods=["GET"]),
            Route("/_sandbox/reset", reset, methods=["POST"]),
            Route("/_sandbox/faults", faults, methods=["POST"]),
            Route("/_sandbox/clock", clock, methods=["POST"]),
            Route("/_sandbox/messagemedia/replies", inject_reply, methods=["POST"]),
            Route("/_sandbox/messagemedia/advance", advance, methods=["POST"]),
            Route("/_sandbox/flowroute/cnams/approve", approve_cnam, methods=["POST"]),
            Route("/_sandbox/flowroute/cdrexports/{export_id}.csv.gz", cdr_download, methods=["GET"]),
            Route("/_sandbox/flowroute/portorders/advance", advance_port_order, methods=["POST"]),
            Route("/_sandbox/flowroute/portorder-files/{order_id}/{file_id}", port_order_file, methods=["PUT", "GET"]),
        ]
    )

    async def guarded(scope: Scope, receive: Receive, send: Send) -> None:
        refusal = cross_site_refusal(Request(scope))
        if refusal is not None:
            await JSONResponse({"message": refusal}, status_code=403)(scope, receive, send)
            return
        await router(scope, receive, send)

    return guarded


def _bad_request(message: str) -> Response:
    return JSONResponse({"message": message}, status_code=400)


async def _json(request: Request) -> Any:
    body = await request.body()
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except ValueError:
        return None
