"""The ``/_sandbox`` endpoints: stats, info, reset and test hooks. Not part of any spec; no auth.

GET  /_sandbox/stats                  accepted counts, markers, duplicates, faults, spec violations
GET  /_sandbox/info                   seed, surfaces and their base URLs, validation and fault settings
POST /_sandbox/reset                  forget all state and stats, start again from the seed
POST /_sandbox/messagemedia/replies   inject an inbound reply {content, message_id?, source_number?,
                                      destination_number?} -> 201 with the stored reply
POST /_sandbox/messagemedia/advance   {steps?: n} move in-flight MessageMedia messages n steps
POST /_sandbox/flowroute/cnams/approve  {id, approved?: true, reason?} approve or reject a CNAM record
GET  /_sandbox/flowroute/cdrexports/<id>.csv.gz  a completed CDR export's file (its download_url)
"""

from __future__ import annotations

import dataclasses
import json
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, Router

from smsclients_sandbox.surfaces import SURFACES
from smsclients_sandbox.wire import ProviderError

if TYPE_CHECKING:
    from smsclients_sandbox.app import SandboxApp


def build(app: SandboxApp) -> Router:
    """A Starlette router bound to one sandbox app."""

    async def stats(request: Request) -> Response:
        return JSONResponse(app.state.stats.snapshot())

    async def info(request: Request) -> Response:
        root = f"{request.url.scheme}://{request.headers.get('host', request.url.netloc)}"
        return JSONResponse(
            {
                "seed": app.options.seed,
                "validate": app.options.validate,
                "persistent": app.options.db is not None,
                "surfaces": {s.name: root + s.prefix for s in SURFACES},
                "faults": dataclasses.asdict(app.options.faults),
            }
        )

    async def reset(request: Request) -> Response:
        app.reset()
        return JSONResponse({"reset": True})

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

    async def cdr_download(request: Request) -> Response:
        data = app.flowroute_services.cdr_download(request.path_params["export_id"])
        if data is None:
            return JSONResponse({"message": "no completed CDR export with that id"}, status_code=404)
        return Response(data, media_type="application/gzip")

    return Router(
        routes=[
            Route("/_sandbox/stats", stats, methods=["GET"]),
            Route("/_sandbox/info", info, methods=["GET"]),
            Route("/_sandbox/reset", reset, methods=["POST"]),
            Route("/_sandbox/messagemedia/replies", inject_reply, methods=["POST"]),
            Route("/_sandbox/messagemedia/advance", advance, methods=["POST"]),
            Route("/_sandbox/flowroute/cnams/approve", approve_cnam, methods=["POST"]),
            Route("/_sandbox/flowroute/cdrexports/{export_id}.csv.gz", cdr_download, methods=["GET"]),
        ]
    )


async def _json(request: Request) -> Any:
    body = await request.body()
    if not body.strip():
        return {}
    try:
        return json.loads(body)
    except ValueError:
        return None
