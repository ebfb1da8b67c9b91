"""App assembly and the request pipeline every API call goes through.

Order per request: route -> faults (429/503/latency/reset-before) -> auth -> parse ->
request validation -> handler -> response validation -> reset-after -> send. Faults sit in
front like a provider's edge (a 429 never reaches auth); auth comes before validation like at
the providers (a bad request with bad credentials is a 401/403). ``/_sandbox/*`` is served by
:mod:`smsclients_sandbox.control` without auth or faults; ``/`` and ``/_sandbox/inbox/*`` by
:mod:`smsclients_sandbox.inbox` (the web inbox), which also guards the control API against
cross-site requests. A send to a magic number (:mod:`smsclients_sandbox.magic`) is answered
with its error after validation, instead of the handler.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from smsclients_sandbox import control, errors, inbox, magic
from smsclients_sandbox.accepted import AcceptedRequests, accepted_requests
from smsclients_sandbox.auth import Authenticator, AuthError
from smsclients_sandbox.faults import (
    FAULT_HEADER,
    ConnectionReset,
    FaultHeaderError,
    FaultInjector,
    FaultPlan,
    quiet_reset_logs,
)
from smsclients_sandbox.options import FaultOptions, SandboxOptions
from smsclients_sandbox.providers.bandwidth import Bandwidth
from smsclients_sandbox.providers.bandwidth_account import BandwidthAccount, remember_users
from smsclients_sandbox.providers.bandwidth_numbers import BandwidthNumbers
from smsclients_sandbox.providers.flowroute_messages import FlowrouteMessages
from smsclients_sandbox.providers.flowroute_numbers import FlowrouteAccount, FlowrouteNumbers
from smsclients_sandbox.providers.flowroute_porting import FlowroutePortOrders
from smsclients_sandbox.providers.flowroute_services import FlowrouteServices
from smsclients_sandbox.providers.messagemedia import MessageMedia
from smsclients_sandbox.providers.messagemedia_management import MessageMediaManagement
from smsclients_sandbox.realistic import REALISTIC_HEADER, RealisticHeaderError, realistic_wanted, vary
from smsclients_sandbox.routing import Match, Router
from smsclients_sandbox.send_limits import SendLimits
from smsclients_sandbox.state import State
from smsclients_sandbox.storage import open_store
from smsclients_sandbox.surfaces import (
    BANDWIDTH_V1,
    FLOWROUTE_MESSAGES_V2,
    FLOWROUTE_V2,
    MESSAGEMEDIA_V1,
    SURFACES,
    Surface,
)
from smsclients_sandbox.validation import Problem, SpecRequest, SpecResponse, dumps, validator_for
from smsclients_sandbox.wire import Call, Operation, ProviderError, Reply

log = logging.getLogger("sandbox")

MALFORMED_MM = "Request failed to parse correctly. Please ensure input is valid and try again."


class SandboxApp:
    """The ASGI application: four provider surfaces plus the ``/_sandbox`` control endpoints."""

    def __init__(self, options: SandboxOptions) -> None:
        self.options = options
        self.store = open_store(options.db)
        self.state = State(options, self.store)
        self.auth = Authenticator(options)
        self.faults = FaultInjector(options.faults, options.seed)
        self.send_limits = SendLimits()
        self.account = FlowrouteAccount(self.state)
        self.messagemedia = MessageMedia(self.state, MESSAGEMEDIA_V1)
        self.messagemedia_management = MessageMediaManagement(self.state, MESSAGEMEDIA_V1, self.messagemedia)
        self.validators = {s.name: validator_for(s) for s in SURFACES}
        numbers = FlowrouteNumbers(self.state, FLOWROUTE_V2, self.account)
        self.flowroute_services = FlowrouteServices(self.state, FLOWROUTE_V2, self.account, numbers)
        self.flowroute_port_orders = FlowroutePortOrders(
            self.state, FLOWROUTE_V2, self.account, self.flowroute_services.is_portable
        )
        self.flowroute_messages = FlowrouteMessages(self.state, FLOWROUTE_MESSAGES_V2, FLOWROUTE_V2, self.account)
        self.bandwidth_account = BandwidthAccount(self.state, BANDWIDTH_V1)
        self.bandwidth_numbers = BandwidthNumbers(self.state, BANDWIDTH_V1, self.bandwidth_account)
        self.bandwidth = Bandwidth(
            self.state, BANDWIDTH_V1, self.validators[BANDWIDTH_V1.name], self.bandwidth_account, self.bandwidth_numbers
        )
        operations = [
            # Services first: their concrete paths (/v2.1/messages/sms_callback, the number
            # relationships) must win over the templated message and callback paths.
            *self.flowroute_services.operations(),
            *self.flowroute_port_orders.operations(),
            *self.flowroute_messages.operations(),
            *numbers.operations(),
            *remember_users(
                self.state,
                [
                    *self.bandwidth.operations(),
                    *self.bandwidth_account.operations(),
                    *self.bandwidth_numbers.operations(),
                ],
            ),
            *self.messagemedia.operations(),
            *self.messagemedia_management.operations(),
        ]
        self.operations = operations
        # What the real APIs took beyond the documented requests (the spec's x-accepted-requests).
        self.accepted: dict[Operation, AcceptedRequests] = {}
        for op in operations:
            variants = accepted_requests(self.validators[op.surface.name].document, op.method, op.template)
            if variants is not None:
                self.accepted[op] = variants
        # The Content-Type of each documented answer, to send it even on an empty body.
        self.response_types = {
            op: response_media_types(self.validators[op.surface.name].document, op) for op in operations
        }
        self.router = Router(operations)
        self.control = control.build(self)
        self.realistic = options.realistic  # switched at run time by POST /_sandbox/realistic
        self.journal = self.state.journal
        self.inbox = inbox.build(self)
        self.initialise()
        quiet_reset_logs()

    def initialise(self) -> None:
        """Seed data that must exist before the first request (idempotent on a reused SQLite file)."""
        self.account.initialise()
        self.flowroute_services.initialise()

    def reset(self) -> None:
        """Forget everything (messages, purchases, stats) and start over from the seed.

        The fault RNG starts over too, so a reset sandbox injects the same faults as a new one; rates
        and queued faults set at run time are dropped, and the clock is the real one again.
        """
        self.store.clear()
        self.state.callbacks.reset()
        self.faults = FaultInjector(self.options.faults, self.options.seed)
        self.send_limits.reset()
        self.state.clock_offset = timedelta(0)
        self.realistic = self.options.realistic
        self.journal.reset()
        self.initialise()

    def set_fault_rates(self, faults: FaultOptions) -> None:
        """Replace the fault rates from now on (drawn from the seed afresh; queued faults stay)."""
        self.faults.set_rates(faults, self.options.seed)

    def close(self) -> None:
        """Stop the callback workers (deliveries still queued are dropped), then the store."""
        self.state.callbacks.close()
        self.store.close()

    # ------------------------------------------------------------------ ASGI
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        path: str = scope["path"]
        if path == "/" or path == "/_sandbox" or path.startswith("/_sandbox/"):
            await self.inbox(scope, receive, send)  # the page, and the control API behind its guard
            return
        match = self.router.resolve(scope["method"], path)
        if match is None:
            await _send_plain(send, 404, "Not found: the sandbox serves /flowroute, /bandwidth/v1, /messagemedia\n")
            return
        request = Request(scope, receive)
        body = await request.body()
        try:
            plan = self.faults.plan(request.headers.get(FAULT_HEADER))
            realistic = realistic_wanted(self.realistic, request.headers.get(REALISTIC_HEADER))
        except (FaultHeaderError, RealisticHeaderError) as exc:
            await _send_plain(send, 400, f"{exc}\n")
            return
        note: dict[str, Any] = {
            "surface": match.surface.name,
            "provider": match.surface.provider,
            "method": request.method,
            "path": path,
            "operation": match.operation.operation_id if match.operation else None,
        }
        if plan.latency_ms:
            self.state.stats.fault("latency")
            note["latency_ms"] = plan.latency_ms
            await asyncio.sleep(plan.latency_ms / 1000)
        if plan.reset_before:
            self.state.stats.fault("reset-before")
            self.journal.note(**note, status=None, fault="reset-before")
            await _reset(send, None)
        if plan.status is not None:
            self.state.stats.fault(str(plan.status))
            self.journal.note(**note, status=plan.status, fault=str(plan.status))
            await self._send(send, match.surface, _fault_reply(match.surface, plan))
            return
        reply = self.handle(match, request, body, realistic=realistic)
        fault = "reset-after" if plan.reset_after else "stall-after" if plan.stall_after_ms else None
        self.journal.note(**note, status=reply.status, fault=fault, **reply.notes)
        if plan.reset_after:
            self.state.stats.fault("reset-after")
            await _reset(send, reply)
        if plan.stall_after_ms:
            self.state.stats.fault("stall-after")
            await asyncio.sleep(plan.stall_after_ms / 1000)  # a client that gave up is gone; sending is a no-op
        await self._send(send, match.surface, reply)

    # ------------------------------------------------------------------ pipeline
    def handle(self, match: Match, request: Request, body: bytes, *, realistic: bool = False) -> Reply:
        """Everything between routing and sending; synchronous so state changes are atomic.

        In realistic mode the reply is varied (:mod:`smsclients_sandbox.realistic`) before it
        is checked against the spec: the variants are documented ones, so they must conform.
        """
        surface = match.surface
        op = match.operation
        if op is None:
            if match.allowed:
                error = ProviderError(405, f"Method {request.method} not allowed; use {', '.join(match.allowed)}")
                return errors.render(surface, error)
            return errors.render(surface, ProviderError(404, "Resource not found."))

        # An empty query value (`?state=`) counts as absent: openapi-core rejects empty values
        # (allowEmptyValue defaults to false) while the specs put no minLength on those strings.
        query = QueryParams([(k, v) for k, v in request.query_params.multi_items() if v != ""])
        headers = request.headers
        # Auth sees the request as sent (signatures cover it); validation and the handler see it in
        # the documented form when it is one of the forms the real API also accepted.
        spec_headers, documented = list(headers.items()), body
        accepted = self.accepted.get(op)
        if accepted is not None:
            spec_headers, documented = accepted.apply(spec_headers, body)
        spec_request = None
        if self.options.validate:
            spec_request = SpecRequest(
                surface, request.method, match.rel_path, query.multi_items(), spec_headers, documented
            )

        try:
            user = self.auth.check(surface, request.method, self._signed_paths(request, match), headers, body)
        except AuthError as exc:
            return self._checked(request, op, spec_request, errors.render(surface, _auth_error(surface, str(exc))))

        try:
            parsed = documented if op.raw_body else json.loads(documented) if documented.strip() else None
        except (ValueError, UnicodeDecodeError):
            error = ProviderError(400, "The request body is not valid JSON.", kind="invalid-json")
            if surface.provider == "messagemedia":
                error = ProviderError(400, MALFORMED_MM, details=["Failed to parse message body."])
            return errors.render(surface, error)

        if spec_request is not None:
            problems = self.validators[surface.name].request_problems(spec_request)
            if problems and op.lenient_body and op.lenient_body(parsed):
                problems = [p for p in problems if p.location != "body"]
            if problems:
                # Not checked against the spec: it cannot describe answers to requests it forbids
                # (several operations declare no 4xx for them; see sandbox/README.md).
                return errors.render(surface, _request_error(surface, problems))

        if realistic:
            try:
                self.send_limits.check(surface.provider, op.operation_id, str(user), parsed)
            except ProviderError as exc:
                # Refused at the provider's edge, like the fault injector's 429: not checked against
                # the spec (Flowroute's send declares no 429), and nothing is stored.
                self.state.stats.rate_limited()
                reply = errors.render(surface, exc)
                if exc.status == 429:
                    reply.headers["Retry-After"] = "1"
                return reply

        # A Bandwidth batch is answered item by item, so its handler checks each item itself.
        for number in magic.destinations(op.operation_id, parsed if not isinstance(parsed, list) else []):
            case = magic.error_case(number)
            if case is not None:
                reply = errors.render(surface, magic.provider_error(surface, case, number))
                reply.notes["magic"] = f"{number}: {case}"
                if case == "rate-limited":
                    reply.headers["Retry-After"] = str(self.faults.options.retry_after_s)
                    return reply  # the fault injector's answer, which the specs leave undeclared
                return self._checked(request, op, spec_request, reply)

        call = Call(
            surface=surface,
            operation_id=op.operation_id,
            method=request.method,
            path_params=match.params,
            query=query,
            headers=headers,
            body=parsed,
            base_url=_base_url(request, surface),
            user=user,
        )
        try:
            reply = op.handler(call)
        except ProviderError as exc:
            reply = errors.render(surface, exc)
        if realistic:
            reply = vary(surface, op.operation_id, reply)
        return self._checked(request, op, spec_request, reply)

    def _typed(self, op: Operation, reply: Reply) -> Reply:
        """The reply with the media type its spec declares for its status (the provider's ``Content-Type``)."""
        if reply.media_type is None:
            declared = self.response_types.get(op, {})
            status = str(reply.status)
            # The most specific response the spec declares for the status (one without content: none).
            reply.media_type = next(
                (declared[key] for key in (status, f"{status[0]}XX", "default") if key in declared), None
            )
        return reply

    def _checked(self, request: Request, op: Operation, spec_request: SpecRequest | None, reply: Reply) -> Reply:
        """The reply itself, or a loud 500 if it violates the spec (a sandbox bug)."""
        reply = self._typed(op, reply)
        if spec_request is None:
            return reply
        surface = op.surface
        violations = self.validators[surface.name].response_problems(spec_request, _spec_response(surface, reply))
        if not violations:
            return reply
        self.state.stats.spec_violation()
        log.error(
            "SANDBOX BUG: %s %s (%s) answered %s, which violates %s: %s",
            request.method,
            request.url.path,
            op.operation_id,
            reply.status,
            surface.spec_file,
            " | ".join(violations),
        )
        error = ProviderError(500, "Sandbox bug: the response violated the spec. " + " | ".join(violations))
        bug = errors.render(surface, error)
        bug.notes["spec_violation"] = " | ".join(violations)
        return bug

    @staticmethod
    def _signed_paths(request: Request, match: Match) -> list[str]:
        """Request-line paths an HMAC signature may cover: as sent, or as the spec path."""
        raw = request.scope.get("raw_path")
        sent = raw.decode("latin-1").split("?", 1)[0] if isinstance(raw, bytes) else request.url.path
        paths = list(dict.fromkeys([sent, request.url.path, match.surface.server_base_path + match.rel_path]))
        query = request.url.query
        return paths + [f"{p}?{query}" for p in paths] if query else paths

    async def _send(self, send: Send, surface: Surface, reply: Reply) -> None:
        status, headers, data = _encode(surface, reply)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": data})


def _encode(surface: Surface, reply: Reply) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    if isinstance(reply.body, bytes):  # a file, as stored
        data = reply.body
    else:
        data = b"" if reply.empty or reply.body is None else dumps(reply.body)
    headers = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers.items()]
    if data or (reply.media_type and reply.status not in NO_CONTENT_TYPE):
        # An empty answer carries one too where the provider sends one (spec: content or x-content-type).
        headers.append((b"content-type", (reply.media_type or surface.media_type).encode()))
    headers.append((b"content-length", str(len(data)).encode()))
    return reply.status, headers, data


# Statuses that never carry a body, so never a Content-Type.
NO_CONTENT_TYPE = frozenset({204, 304})


def response_media_types(document: Mapping[str, Any], op: Operation) -> dict[str, str | None]:
    """Status key (``"200"``, ``"2XX"``, ``"default"``) -> the media type the spec declares for it (or None).

    The first key of the response's ``content``; for an answer the provider sends without a body
    but with a ``Content-Type``, the response's ``x-content-type`` (specs/CONVENTIONS.md).
    """
    operation = document.get("paths", {}).get(op.template, {}).get(op.method.lower(), {})
    types: dict[str, str | None] = {}
    for status, response in (operation.get("responses") or {}).items():
        if not isinstance(response, Mapping):
            continue
        if "$ref" in response:
            response = _component(document, response["$ref"])
        content = response.get("content") or {}
        declared = next(iter(content), None) or response.get("x-content-type")
        types[str(status)] = declared if isinstance(declared, str) else None
    return types


def _component(document: Mapping[str, Any], ref: str) -> Mapping[str, Any]:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node.get(part, {}) if isinstance(node, Mapping) else {}
    return node if isinstance(node, Mapping) else {}


def _spec_response(surface: Surface, reply: Reply) -> SpecResponse:
    status, raw_headers, data = _encode(surface, reply)
    headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in raw_headers}
    return SpecResponse(status, headers, data)


def _base_url(request: Request, surface: Surface) -> str:
    """The surface's URL on the host the client called, for absolute links (links.next, Location)."""
    host = request.headers.get("host") or f"{request.url.hostname}:{request.url.port}"
    return f"{request.url.scheme}://{host}{surface.prefix}"


def _auth_error(surface: Surface, reason: str) -> ProviderError:
    if surface.provider == "flowroute":
        return ProviderError(401, "Authentication failed.", title="Unauthorized")
    if surface.provider == "bandwidth":
        return ProviderError(401, f"Authentication failed: {reason}.")
    # MessageMedia answers 403 for every authentication problem (docs/providers.md §4.5).
    return ProviderError(403, "Invalid authentication credentials", details=[reason])


def _request_error(surface: Surface, problems: list[Problem]) -> ProviderError:
    """The provider's status and shape for a request that violates the spec."""
    details = [p.describe() for p in problems]
    locations = {p.location for p in problems}
    if locations & {"path", "operation"}:
        if surface.provider == "messagemedia":
            return ProviderError(404, "Resource not found.", details=details)
        return ProviderError(404, "The specified resource was not found.", details=details)
    if surface.provider == "flowroute":
        if "media-type" in locations:
            return ProviderError(400, "Unsupported content type.", details=details)
        if surface is FLOWROUTE_MESSAGES_V2 and any(
            m.startswith(("to:", "from:")) for p in problems for m in p.messages
        ):
            # FR-lib: 403 when `to` is not an 11-digit E.164 number or `from` is not authorised.
            return ProviderError(403, "Invalid to or from number.", details=details)
        return ProviderError(422, "You tried to enter an incorrect value.", details=details)
    if surface.provider == "bandwidth":
        return ProviderError(400, "The request is invalid:", details=details)
    return ProviderError(400, "Request failed validation.", details=details)


def _fault_reply(surface: Surface, plan: FaultPlan) -> Reply:
    status = plan.status or 503
    message = "Rate limit exceeded (sandbox fault)" if status == 429 else "Service unavailable (sandbox fault)"
    reply = errors.render(surface, ProviderError(status, message))
    reply.headers["Retry-After"] = str(plan.retry_after_s)
    return reply


async def _reset(send: Send, reply: Reply | None) -> None:
    """Start a response, then raise so uvicorn drops the connection mid-response.

    The declared Content-Length is never satisfied, so the client cannot mistake the truncated
    response for a complete one: it sees a transport error, never a status.
    """
    length = len(dumps(reply.body)) if reply is not None and reply.body is not None else 0
    await send(
        {
            "type": "http.response.start",
            "status": reply.status if reply is not None else 200,
            "headers": [(b"content-length", str(length + 1).encode())],
        }
    )
    raise ConnectionReset("sandbox fault: connection reset")


async def _send_plain(send: Send, status: int, text: str) -> None:
    data = text.encode()
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


def build_app(options: SandboxOptions) -> SandboxApp:
    return SandboxApp(options)


__all__ = ["SandboxApp", "build_app"]
