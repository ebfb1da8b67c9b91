"""Ready-made receivers: an ASGI app and a WSGI app that verify, parse, call your handler, answer.

Standard library only; mount them in any framework (see docs/guides/webhooks.md). The
answer is what the providers expect: 200 once your handler returned, so the provider stops
retrying; 500 when your handler raised, so the provider sends the event again; 403 for a request
that failed verification, 409 for a copy of a signed request that is being handled right now, 400
for a request no provider sends, 413 for a body over the limit (none says more than the check's or
field's name, which is logged). A request whose client went away before its body arrived is not
handled at all. With ``deduplicate``, event ids are claimed the same way: 409 for an event being
handled, 200 without calling the handler for one handled before.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from ..errors import InputError
from .errors import WebhookVerificationError
from .events import Provider, WebhookEvent
from .parsing import parse_event, provider_name
from .replay import ReplayCache
from .request import WebhookRequest
from .templates import WebhookTemplate
from .verification import Verifier

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "Answer",
    "Handler",
    "WebhookASGIApp",
    "WebhookWSGIApp",
    "accepted",
    "process",
    "released",
]

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
DUPLICATE = Answer(200, "OK (this event was handled before)\n")
IN_PROGRESS = Answer(409, "this request is being handled; send it again later\n")
FAILED_HANDLER = Answer(500, "the handler failed; send it again\n")
TOO_LARGE = Answer(413, "request body too large\n")
BAD_LENGTH = Answer(400, "the Content-Length is not a length\n")
INCOMPLETE = Answer(400, "the request body ended before its Content-Length\n")


def accepted(request: WebhookRequest, verifiers: Sequence[Verifier]) -> None:
    """Tell the verifiers that want to know (replay checks) that the request's event was handled."""
    _tell(request, verifiers, "accepted")


def released(request: WebhookRequest, verifiers: Sequence[Verifier]) -> None:
    """Tell the verifiers that want to know (replay checks) that the request's event was not handled."""
    _tell(request, verifiers, "released")


def _tell(request: WebhookRequest, verifiers: Sequence[Verifier], hook_name: str) -> None:
    for verifier in verifiers:
        hook = getattr(verifier, hook_name, None)
        if hook is not None:
            hook(request)


def process(
    provider: Provider, request: WebhookRequest, verifiers: Sequence[Verifier] = (), template: Template | None = None
) -> WebhookEvent | Answer:
    """Verify and parse one request: the event, or the answer to give instead (403 / 409 / 400).

    When an answer is returned, the verifiers that had passed the request are released (see
    :func:`released`); once the event is returned, call :func:`accepted` or :func:`released`.
    ``template``: the payload template of a MessageMedia webhook (see ``parse_event``).
    """
    name = provider_name(provider)
    for index, verifier in enumerate(verifiers):
        try:
            verifier.verify(request)
        except (WebhookVerificationError, InputError) as exc:
            released(request, verifiers[:index])
            return _refusal(name, exc)
    try:
        return parse_event(
            name,
            method=request.method,
            headers=request.headers,
            body=request.body,
            query=request.query,
            template=template,
        )
    except InputError as exc:
        released(request, verifiers)
        return _refusal(name, exc)


def _refusal(provider: str, error: WebhookVerificationError | InputError) -> Answer:
    if isinstance(error, WebhookVerificationError):
        log.warning("%s webhook refused: %s", provider, error)
        if error.check == "replay_in_progress":
            return IN_PROGRESS
        return Answer(403, f"verification failed ({error.check})\n")
    log.warning("%s webhook not understood: %s", provider, error)
    return Answer(400, f"not a {provider} webhook: {_short(error.field)}\n")


def _short(text: str) -> str:
    """A field name fit to answer with: printable ASCII, not too long (JSON keys can be anything)."""
    cleaned = re.sub(r"[^ -~]", "?", text)
    return cleaned if len(cleaned) <= 80 else cleaned[:77] + "..."


class _Receiver:
    """What both receivers are configured with: the provider, your handler, the checks, a body limit,
    and optionally a :class:`ReplayCache` of event ids (``deduplicate``).

    With ``deduplicate``, an event's ``event_id`` is claimed before the handler runs: a delivery of
    an event that is being handled is answered 409, one of an event that was handled (within the
    cache's ``ttl``) 200 without calling the handler, and a failed handler frees the id for the
    provider's next attempt. It remembers within one process only; the deduplication in
    your database (docs/guides/webhooks.md) is what holds across processes and restarts.
    """

    def __init__(
        self,
        provider: Provider,
        handler: Handler,
        *,
        verifiers: Iterable[Verifier] = (),
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        deduplicate: ReplayCache | None = None,
        template: Template | None = None,
    ) -> None:
        self.provider: Provider = provider_name(provider)  # an unknown name is an InputError listing the valid ones
        self.handler = handler
        self.verifiers = tuple(verifiers)
        if isinstance(max_body_bytes, bool) or not isinstance(max_body_bytes, int) or max_body_bytes < 0:
            raise InputError("max_body_bytes", "must be a number of bytes, 0 or more")
        self.max_body_bytes = max_body_bytes
        # Checked now: a template that cannot be read is the integrator's error, not the sender's.
        self.template = None if template is None else WebhookTemplate.of(template)
        self.deduplicate = deduplicate

    def _start(self, request: WebhookRequest, event: WebhookEvent) -> Answer | None:
        """Claim the event for handling; or the answer to give instead (a duplicate's)."""
        if self.deduplicate is None:
            return None
        state = self.deduplicate.claim(event.event_id.encode("utf-8"), time.time())
        if state == "claimed":
            return None
        if state == "accepted":  # handled before: this delivery is done as well
            accepted(request, self.verifiers)
            return DUPLICATE
        released(request, self.verifiers)
        return IN_PROGRESS

    def _finish(self, request: WebhookRequest, event: WebhookEvent, handled: bool) -> Answer:
        """Settle every claim on the request (kept if handled, freed if not); the answer to give."""
        (accepted if handled else released)(request, self.verifiers)
        if self.deduplicate is not None:
            key = event.event_id.encode("utf-8")
            if handled:
                self.deduplicate.accept(key, time.time())
            else:
                self.deduplicate.release(key)
        return RECEIVED if handled else FAILED_HANDLER


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
            log.warning("%s webhook not handled: the client disconnected before sending the whole body", self.provider)
            return  # nobody to answer, and a partial body must not be handled
        if isinstance(body, Answer):
            await _send(send, body)
            return
        raw_path = scope.get("raw_path")
        target = raw_path.decode("latin-1") if isinstance(raw_path, bytes) else quote(scope.get("path", "/"))
        query = scope.get("query_string", b"")
        if query:
            target += "?" + (query.decode("latin-1") if isinstance(query, bytes) else str(query))
        client = scope.get("client")
        try:
            request = WebhookRequest.build(
                scope.get("method", "GET"),
                target,
                scope.get("headers", ()),
                body,
                client_address=client[0] if client else None,
                http_version=scope.get("http_version", "1.1"),
            )
        except InputError as exc:  # a scope no server should give; answered, not raised
            await _send(send, _refusal(self.provider, exc))
            return
        result = process(self.provider, request, self.verifiers, self.template)
        if isinstance(result, Answer):
            await _send(send, result)
            return
        if await _gone(receive):
            log.warning("%s webhook not handled: the client disconnected before it was handled", self.provider)
            return  # the provider saw no answer and sends it again: handling it now would be a duplicate
        instead = self._start(request, result)
        if instead is not None:
            await _send(send, instead)
            return
        handled = False
        try:
            if inspect.iscoroutinefunction(self.handler):
                await self.handler(result)
            else:
                returned = await asyncio.to_thread(self.handler, result)
                if inspect.isawaitable(returned):
                    await returned
            handled = True
        except Exception:
            log.exception("%s webhook handler failed on %s", self.provider, result.event_id)
        finally:  # also when cancelled: no claim may outlive the request
            answer = self._finish(request, result, handled)
        await _send(send, answer)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


async def _read_body(receive: Receive, limit: int) -> bytes | Answer | None:
    """The body; the 413 answer when it is over ``limit``; None when the client went away first."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = bytes(message.get("body", b""))
        size += len(chunk)
        if size > limit:
            return TOO_LARGE
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _gone(receive: Receive) -> bool:
    """Whether the client already disconnected after sending its whole body (never waits for it).

    After the body, an ASGI server's ``receive`` returns only ``http.disconnect``, and only once the
    client is gone: one turn of the loop delivers a disconnect already known; else the wait is cancelled.
    """
    current = asyncio.current_task()
    waiting = asyncio.ensure_future(receive())
    await asyncio.sleep(0)
    if not waiting.done():
        waiting.cancel()
        try:
            await waiting
        except asyncio.CancelledError:
            if current is not None and current.cancelling():
                raise  # the request itself was cancelled, not only this wait
        except Exception:  # a server whose receive fails on cancel: nothing known
            pass
        return False
    if waiting.cancelled() or waiting.exception() is not None:
        return False
    message = waiting.result()
    return isinstance(message, Mapping) and message.get("type") == "http.disconnect"


async def _send(send: Send, answer: Answer) -> None:
    data = answer.text.encode("utf-8", "replace")
    headers = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


_REASONS = {
    200: "OK",
    400: "Bad Request",
    403: "Forbidden",
    409: "Conflict",
    413: "Content Too Large",
    500: "Internal Server Error",
}
# Characters that stay as they are when a decoded WSGI path is quoted back into a request target.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


class WebhookWSGIApp(_Receiver):
    """WSGI application receiving one provider's webhooks; ``handler`` is a plain function."""

    def __init__(
        self,
        provider: Provider,
        handler: Handler,
        *,
        verifiers: Iterable[Verifier] = (),
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        deduplicate: ReplayCache | None = None,
        template: Template | None = None,
    ) -> None:
        if inspect.iscoroutinefunction(handler):
            raise TypeError("a WSGI app calls its handler synchronously; use WebhookASGIApp for async handlers")
        super().__init__(
            provider,
            handler,
            verifiers=verifiers,
            max_body_bytes=max_body_bytes,
            deduplicate=deduplicate,
            template=template,
        )

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        answer = self._answer(environ)
        data = answer.text.encode("utf-8", "replace")
        start_response(
            f"{answer.status} {_REASONS.get(answer.status, '')}".rstrip(),
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(data)))],
        )
        return [data]

    def _answer(self, environ: dict[str, Any]) -> Answer:
        body = _wsgi_body(environ, self.max_body_bytes)
        if isinstance(body, Answer):
            return body
        protocol = str(environ.get("SERVER_PROTOCOL", "HTTP/1.1"))
        try:
            request = WebhookRequest.build(
                str(environ.get("REQUEST_METHOD", "GET")),
                _target(environ),
                _wsgi_headers(environ),
                body,
                client_address=environ.get("REMOTE_ADDR"),
                http_version=protocol.removeprefix("HTTP/"),
            )
        except InputError as exc:  # an environ no server should give; answered, not raised
            return _refusal(self.provider, exc)
        result = process(self.provider, request, self.verifiers, self.template)
        if isinstance(result, Answer):
            return result
        instead = self._start(request, result)
        if instead is not None:
            return instead
        handled = False
        try:
            self.handler(result)
            handled = True
        except Exception:
            log.exception("%s webhook handler failed on %s", self.provider, result.event_id)
        finally:
            answer = self._finish(request, result, handled)
        return answer


_DIGITS = re.compile(r"[0-9]+")
_CHUNK = 65_536


def _wsgi_body(environ: dict[str, Any], limit: int) -> bytes | Answer:
    """The body: ``CONTENT_LENGTH`` bytes, or, without one, up to the end of a ``wsgi.input_terminated``
    stream (a chunked request); over ``limit`` either way is a 413."""
    stream = environ.get("wsgi.input")
    declared = str(environ.get("CONTENT_LENGTH") or "").strip()
    if declared:
        if not _DIGITS.fullmatch(declared):
            return BAD_LENGTH
        length = int(declared)
        if length > limit:
            return TOO_LARGE
    elif environ.get("wsgi.input_terminated"):
        length = limit + 1  # read to the end, but no further than just past the limit
    else:
        return b""  # PEP 3333: without a length, reading could block; there is no body
    if stream is None or length == 0:
        return b"" if length == 0 or not declared else INCOMPLETE
    chunks: list[bytes] = []
    size = 0
    try:
        while size < length:
            chunk = stream.read(min(_CHUNK, length - size))
            if not chunk:
                break
            chunks.append(bytes(chunk))
            size += len(chunk)
    except OSError:  # the client went away mid-body
        return INCOMPLETE
    if size > limit:
        return TOO_LARGE
    if declared and size < length:
        return INCOMPLETE
    return b"".join(chunks)


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
