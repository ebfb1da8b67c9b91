"""Ready-made receivers: an ASGI app and a WSGI app that verify, parse, call your handler, answer.

Standard library only; mount them in any framework (see the README, "Receiving webhooks"). The
answer is what the providers expect: 200 once your handler returned, so the provider stops
retrying; 500 when your handler raised, so the provider sends the event again; 403 for a request
that failed verification and 400 for a body no provider sends (neither is retried usefully, and
neither says more than the check's name, which is logged).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..errors import InputError
from .errors import WebhookVerificationError
from .events import WebhookEvent
from .parsing import parse_event
from .request import WebhookRequest
from .templates import WebhookTemplate
from .verification import Verifier

__all__ = ["DEFAULT_MAX_BODY_BYTES", "Answer", "Handler", "WebhookASGIApp", "WebhookWSGIApp", "accepted", "process"]

log = logging.getLogger("smsclients.webhooks")

# The ASGI callable's types, spelled as the ASGI specification (and Starlette) do.
Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

Handler = Callable[[WebhookEvent], Any]
Template = WebhookTemplate | str | Mapping[str, str]
"""Your function: takes the event; may be ``async``. Raise to make the provider retry."""

DEFAULT_MAX_BODY_BYTES = 1_048_576  # webhook bodies are a few hundred bytes; MMS attachments stay well below


@dataclass(frozen=True)
class Answer:
    """The HTTP answer to a webhook request."""

    status: int
    text: str


RECEIVED = Answer(200, "OK\n")
FAILED_HANDLER = Answer(500, "the handler failed; send it again\n")
TOO_LARGE = Answer(413, "request body too large\n")


def accepted(request: WebhookRequest, verifiers: Sequence[Verifier]) -> None:
    """Tell the verifiers that want to know (replay checks) that the request's event was handled."""
    for verifier in verifiers:
        hook = getattr(verifier, "accepted", None)
        if hook is not None:
            hook(request)


def process(
    provider: str, request: WebhookRequest, verifiers: Sequence[Verifier] = (), template: Template | None = None
) -> WebhookEvent | Answer:
    """Verify and parse one request: the event, or the answer to give instead (403 / 400).

    ``template``: the payload template of a MessageMedia webhook (see ``parse_event``)."""
    for verifier in verifiers:
        try:
            verifier.verify(request)
        except WebhookVerificationError as exc:
            log.warning("%s webhook refused: %s", provider, exc)
            return Answer(403, f"verification failed ({exc.check})\n")
    try:
        return parse_event(
            provider,
            method=request.method,
            headers=request.headers,
            body=request.body,
            query=request.query,
            template=template,
        )
    except InputError as exc:
        log.warning("%s webhook not understood: %s", provider, exc)
        return Answer(400, f"not a {provider} webhook: {exc.field}\n")


class _Receiver:
    """What both receivers are configured with: the provider, your handler, the checks, a body limit."""

    def __init__(
        self,
        provider: str,
        handler: Handler,
        *,
        verifiers: Iterable[Verifier] = (),
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        template: Template | None = None,
    ) -> None:
        self.provider = provider
        self.handler = handler
        self.verifiers = tuple(verifiers)
        self.max_body_bytes = max_body_bytes
        # Checked now: a template that cannot be read is the integrator's error, not the sender's.
        self.template = None if template is None else WebhookTemplate.of(template)


class WebhookASGIApp(_Receiver):
    """ASGI application receiving one provider's webhooks.

    ``handler`` may be a coroutine function (awaited) or a plain function (run in a worker thread,
    so a slow handler does not stall the event loop).
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        body = await _read_body(receive, self.max_body_bytes)
        if body is None:
            await _send(send, TOO_LARGE)
            return
        raw_path = scope.get("raw_path")
        target = raw_path.decode("latin-1") if isinstance(raw_path, bytes) else quote(scope.get("path", "/"))
        query = scope.get("query_string", b"")
        if query:
            target += "?" + (query.decode("latin-1") if isinstance(query, bytes) else str(query))
        client = scope.get("client")
        request = WebhookRequest.build(
            scope.get("method", "GET"),
            target,
            scope.get("headers", ()),
            body,
            client_address=client[0] if client else None,
            http_version=scope.get("http_version", "1.1"),
        )
        result = process(self.provider, request, self.verifiers, self.template)
        if isinstance(result, Answer):
            await _send(send, result)
            return
        try:
            if inspect.iscoroutinefunction(self.handler):
                await self.handler(result)
            else:
                returned = await asyncio.to_thread(self.handler, result)
                if inspect.isawaitable(returned):
                    await returned
        except Exception:
            log.exception("%s webhook handler failed on %s", self.provider, result.event_id)
            await _send(send, FAILED_HANDLER)
            return
        accepted(request, self.verifiers)
        await _send(send, RECEIVED)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _send(send: Send, answer: Answer) -> None:
    data = answer.text.encode("utf-8")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


_REASONS = {200: "OK", 400: "Bad Request", 403: "Forbidden", 413: "Content Too Large", 500: "Internal Server Error"}
# Characters that stay as they are when a decoded WSGI path is quoted back into a request target.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


class WebhookWSGIApp(_Receiver):
    """WSGI application receiving one provider's webhooks; ``handler`` is a plain function."""

    def __init__(
        self,
        provider: str,
        handler: Handler,
        *,
        verifiers: Iterable[Verifier] = (),
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        template: Template | None = None,
    ) -> None:
        if inspect.iscoroutinefunction(handler):
            raise TypeError("a WSGI app calls its handler synchronously; use WebhookASGIApp for async handlers")
        super().__init__(provider, handler, verifiers=verifiers, max_body_bytes=max_body_bytes, template=template)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        answer = self._answer(environ)
        data = answer.text.encode("utf-8")
        start_response(
            f"{answer.status} {_REASONS.get(answer.status, '')}".rstrip(),
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))],
        )
        return [data]

    def _answer(self, environ: dict[str, Any]) -> Answer:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > self.max_body_bytes:
            return TOO_LARGE
        stream = environ.get("wsgi.input")
        body = stream.read(length) if stream is not None and length > 0 else b""
        protocol = str(environ.get("SERVER_PROTOCOL", "HTTP/1.1"))
        request = WebhookRequest.build(
            str(environ.get("REQUEST_METHOD", "GET")),
            _target(environ),
            _wsgi_headers(environ),
            body,
            client_address=environ.get("REMOTE_ADDR"),
            http_version=protocol.removeprefix("HTTP/"),
        )
        result = process(self.provider, request, self.verifiers, self.template)
        if isinstance(result, Answer):
            return result
        try:
            self.handler(result)
        except Exception:
            log.exception("%s webhook handler failed on %s", self.provider, result.event_id)
            return FAILED_HANDLER
        accepted(request, self.verifiers)
        return RECEIVED


def _target(environ: dict[str, Any]) -> str:
    """The request target as sent: servers that keep it say so (RAW_URI, REQUEST_URI), else it is rebuilt."""
    for key in ("RAW_URI", "REQUEST_URI"):
        value = environ.get(key)
        if isinstance(value, str) and value.startswith("/"):
            return value
    path = str(environ.get("SCRIPT_NAME", "")) + str(environ.get("PATH_INFO", ""))
    target = quote(path.encode("latin-1"), safe=_PATH_SAFE) or "/"
    query = environ.get("QUERY_STRING")
    return f"{target}?{query}" if query else target


def _wsgi_headers(environ: dict[str, Any]) -> list[tuple[str, str]]:
    headers = []
    for key, value in environ.items():
        if key.startswith("HTTP_"):
            headers.append((key[5:].replace("_", "-").lower(), str(value)))
        elif key in ("CONTENT_TYPE", "CONTENT_LENGTH") and value:
            headers.append((key.replace("_", "-").lower(), str(value)))
    return headers
