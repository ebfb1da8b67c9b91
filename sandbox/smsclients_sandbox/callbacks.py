"""Calling back like the providers: status events and inbound messages sent to callback URLs.

Providers hand events to :class:`Callbacks` while they handle a request; nothing is sent there.
A small pool of worker threads (:class:`Dispatcher`) delivers them in the background, so request
handling never waits for a receiver, and a receiver that does not answer as the provider expects
gets the provider's retries, with every delay multiplied by ``callback_time_scale`` (0.001 by
default: Flowroute's 30 s become 30 ms):

* Flowroute: success is ``200`` only; otherwise four more attempts at 30-second intervals
  ("Receive an inbound message"; used for delivery receipts too, for which none is documented).
* MessageMedia: any 2xx; otherwise retries "in an exponentially backing off fashion", here after
  30, 60, 120, 240 and 480 s (the steps are ours; the documents give none).
* Bandwidth: any 2xx; no retry schedule is documented, but a failed request to ``callbackUrl`` is
  sent to ``fallbackUrl``; ``callbackTimeout`` (ms, at most 10,000) bounds each request.

Every attempt has one deadline for the whole exchange (connect, send, status line and headers), so
a receiver that stalls or drips bytes is cut at the timeout. Only loopback URLs are called unless
the operator opted in (:mod:`smsclients_sandbox.callback_policy`); a refused URL is recorded, logged
(redacted) and not retried.

Where a callback goes is decided in one place, :func:`resolve_callback_url`. Every attempt is
counted (``GET /_sandbox/stats``, key ``callbacks``) and logged (``GET /_sandbox/callbacks``).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import json
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlencode, urlsplit

import httpx

from smsclients_sandbox import webhook_payloads
from smsclients_sandbox.callback_policy import HINT, REFUSED, is_loopback_url, redact
from smsclients_sandbox.signing import WebhookSigner
from smsclients_sandbox.surfaces import BANDWIDTH_V1, FLOWROUTE_MESSAGES_V2, FLOWROUTE_V2, MESSAGEMEDIA_V1, Surface
from smsclients_sandbox.validation import validator_for

if TYPE_CHECKING:
    from smsclients_sandbox.state import State
    from smsclients_sandbox.surfaces import Provider

log = logging.getLogger("sandbox.callbacks")

RETRY_DELAYS: dict[Provider, tuple[float, ...]] = {
    "flowroute": (30.0, 30.0, 30.0, 30.0),
    "bandwidth": (),
    "messagemedia": (30.0, 60.0, 120.0, 240.0, 480.0),
}
DEFAULT_TIMEOUT_S = 10.0
LOG_LIMIT = 500
USER_AGENT = "smsclients-sandbox-callbacks"

# Events the start-up default URL (``--callback-url PROVIDER=URL``) receives: Flowroute's account-level
# SMS / MMS / DLR callbacks, Bandwidth's application incomingMessageUrl (outbound events go to the
# message's callbackUrl only), MessageMedia's account webhooks.
DEFAULT_URL_EVENTS: dict[Provider, frozenset[str]] = {
    "flowroute": frozenset({"sms", "mms", "dlr"}),
    "bandwidth": frozenset({"message"}),
    "messagemedia": frozenset({"delivery_report", "reply"}),
}


def resolve_callback_url(
    state: State, provider: Provider, event: str, *, explicit: str | None = None, number: str | None = None
) -> str | None:
    """Where a callback goes, or None: the one place that decides.

    ``event`` is Flowroute's ``sms`` / ``mms`` / ``dlr``, Bandwidth's ``message`` (inbound) /
    ``status``, MessageMedia's ``delivery_report`` / ``reply``. In order: the URL given with the
    message or the injection (``dlr_callback``, ``callbackUrl``, ``callback_url``), then URLs stored
    through the provider's API for ``number`` and for the account (:func:`stored_callback_url`),
    then the start-up default for the provider.
    """
    if explicit:
        return explicit
    stored = stored_callback_url(state, provider, event, number)
    if stored:
        return stored
    if event in DEFAULT_URL_EVENTS[provider]:
        return state.options.callback_urls.get(provider)
    return None


# Flowroute's callback types (set through its API) for the events the sandbox sends.
FLOWROUTE_KINDS = {"sms": "sms_callback", "mms": "mms_callback", "dlr": "sms_dlr_callback"}


def stored_callback_url(state: State, provider: Provider, event: str, number: str | None) -> str | None:
    """Number-level, then account-level callback URLs set through the provider's API.

    Flowroute's ``/v2.1/messages/{callback_type}`` (account) and
    ``/v2/numbers/{id}/relationships/{callback_type}`` (number) are stored by
    :mod:`smsclients_sandbox.callback_urls`; the other providers set callbacks per message only.
    """
    kind = FLOWROUTE_KINDS.get(event) if provider == "flowroute" else None
    if kind is None:
        return None
    return state.callback_url("flowroute-v2", kind, number)


@dataclass
class Delivery:
    """One event on its way to a receiver, with every attempt made so far."""

    id: int
    provider: Provider
    event: str
    method: str
    url: str
    body: bytes
    content_type: str | None
    retry_delays: tuple[float, ...]
    fallback_url: str | None = None
    timeout_s: float = DEFAULT_TIMEOUT_S
    sign: bool = False
    owner: str | None = None  # the account it is about (Bandwidth: the user id), for the failure listeners
    headers: dict[str, str] = field(default_factory=dict)
    """Headers of the receiver's choosing (a MessageMedia webhook's ``headers``)."""
    attempts: list[dict[str, Any]] = field(default_factory=list)
    state: str = "pending"
    signature_headers: dict[str, str] = field(default_factory=dict)  # of the last signed attempt

    def describe(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "provider": self.provider,
            "event": self.event,
            "method": self.method,
            "url": redact(self.url),
            "state": self.state,
            "attempts": [{**a, "url": redact(a["url"])} for a in self.attempts],
            "body": self.body.decode("utf-8", errors="replace"),
            "signature_headers": dict(self.signature_headers),
        }


def _succeeded(provider: Provider, status: int | None) -> bool:
    if status is None:
        return False
    if provider == "flowroute":
        return status == 200  # "Anything else (or no response) will trigger a retransmission"
    return 200 <= status < 300


class Dispatcher:
    """Delivers :class:`Delivery` items from worker threads, retrying on the provider's schedule."""

    def __init__(
        self, time_scale: float, signer: WebhookSigner, workers: int = 4, *, allow_external: bool = False
    ) -> None:
        self.time_scale = time_scale
        self.signer = signer
        self.allow_external = allow_external
        self._workers = workers
        self._cond = threading.Condition()
        self._queue: list[tuple[float, int, int, str, int]] = []  # (due, seq, delivery id, url, generation)
        self._sequence = itertools.count()
        self._ids = itertools.count(1)
        self._deliveries: dict[int, Delivery] = {}
        self._log: deque[int] = deque()
        self._counts: dict[str, dict[str, int]] = {}
        self._in_flight = 0
        self._generation = 0
        self._threads: list[threading.Thread] = []
        self._stopping = False
        self._failure_listeners: list[Callable[[Delivery], None]] = []

    # ------------------------------------------------------------------ submitting
    def on_failure(self, listener: Callable[[Delivery], None]) -> None:
        """Call ``listener`` (on a worker thread, under the dispatcher's lock) for each delivery given up."""
        self._failure_listeners.append(listener)

    def submit(self, delivery: Delivery, delay_s: float = 0.0) -> None:
        with self._cond:
            if self._stopping:
                return
            delivery.id = next(self._ids)
            self._deliveries[delivery.id] = delivery
            self._log.append(delivery.id)
            while len(self._log) > LOG_LIMIT:
                old = self._deliveries.get(self._log[0])
                if old is not None and old.state == "pending":
                    break  # never forget a delivery still on its way
                self._deliveries.pop(self._log.popleft(), None)
            self._count(delivery.provider, "submitted")
            self._push(delivery, delivery.url, delay_s * self.time_scale)
            self._start_workers()

    def _push(self, delivery: Delivery, url: str, delay_s: float) -> None:
        heapq.heappush(
            self._queue, (time.monotonic() + delay_s, next(self._sequence), delivery.id, url, self._generation)
        )
        self._cond.notify()

    def _start_workers(self) -> None:
        if self._threads:
            return
        for index in range(self._workers):
            thread = threading.Thread(target=self._work, name=f"sandbox-callbacks-{index}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def _count(self, provider: str, name: str) -> None:
        counts = self._counts.setdefault(provider, {})
        counts[name] = counts.get(name, 0) + 1

    # ------------------------------------------------------------------ delivering
    def _work(self) -> None:
        # Each worker owns an event loop and an async client: asyncio.timeout gives every attempt one
        # deadline for the whole exchange, which httpx's per-read timeouts do not (a drip resets them).
        loop = asyncio.new_event_loop()
        client = httpx.AsyncClient(follow_redirects=False, headers={"User-Agent": USER_AGENT}, trust_env=False)
        try:
            self._serve(loop, client)
        finally:
            loop.run_until_complete(client.aclose())
            loop.close()

    def _serve(self, loop: asyncio.AbstractEventLoop, client: httpx.AsyncClient) -> None:
        while True:
            with self._cond:
                while not self._stopping and (not self._queue or self._queue[0][0] > time.monotonic()):
                    timeout = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._cond.wait(timeout)
                if self._stopping:
                    return
                _, _, delivery_id, url, generation = heapq.heappop(self._queue)
                delivery = self._deliveries.get(delivery_id)
                if delivery is None or generation != self._generation:
                    continue
                self._in_flight += 1
            started = time.monotonic()
            try:
                status, error = loop.run_until_complete(self._attempt(client, delivery, url))
            except BaseException:
                with self._cond:
                    self._in_flight -= 1
                    self._cond.notify_all()
                raise
            # Settled before it stops counting as in flight, under one lock: a waiter never sees the
            # sandbox idle between an attempt and its retry, fallback or filed error.
            with self._cond:
                if generation == self._generation:
                    self._settle(delivery, url, status, error, time.monotonic() - started)
                self._in_flight -= 1
                self._cond.notify_all()

    async def _attempt(self, client: httpx.AsyncClient, delivery: Delivery, url: str) -> tuple[int | None, str | None]:
        if not self.allow_external and not is_loopback_url(url):
            return None, REFUSED
        headers = {**delivery.headers, **({"Content-Type": delivery.content_type} if delivery.content_type else {})}
        try:
            # Credentials in the URL (Bandwidth's way to ask for Basic auth) go in the header only:
            # httpx logs every request's URL, and the password must not reach a log.
            target = httpx.URL(url)
            auth = httpx.BasicAuth(target.username, target.password) if target.userinfo else None
            target = target.copy_with(username=None, password=None) if target.userinfo else target
            async with asyncio.timeout(delivery.timeout_s):
                request = client.build_request(
                    delivery.method, target, content=delivery.body or None, headers=headers, timeout=delivery.timeout_s
                )
                if delivery.sign:
                    path = request.url.raw_path.decode("ascii")
                    signed = self.signer.headers(f"{delivery.method} {path} HTTP/1.1", delivery.body)
                    request.headers.update(signed)
                    delivery.signature_headers = dict(signed)  # shown in the inbox
                # The status is all that counts; the body is never read, so a dripping body costs nothing.
                response = await client.send(request, auth=auth, stream=True)
                await response.aclose()
                return response.status_code, None
        except (TimeoutError, httpx.TimeoutException):
            return None, "Timeout"  # the deadline or one of httpx's phase timeouts: the same limit
        except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
            return None, type(exc).__name__

    def _settle(
        self, delivery: Delivery, url: str, status: int | None, error: str | None, duration_s: float = 0.0
    ) -> None:
        """Record an attempt, then finish, retry later, or fall back (caller holds the lock)."""
        attempt = {"url": url, "status": status, "error": error, "at": time.time(), "ms": round(duration_s * 1000, 1)}
        delivery.attempts.append(attempt)
        self._count(delivery.provider, "attempts")
        if _succeeded(delivery.provider, status):
            delivery.state = "delivered"
            self._count(delivery.provider, "delivered")
            return
        self._count(delivery.provider, "failed_attempts")
        if error == REFUSED:
            # Calling it again would be refused again: no retries (a loopback fallback is still tried).
            log.warning("callback %s to %s not sent: %s", delivery.id, redact(url), HINT)
            self._count(delivery.provider, "refused")
            if delivery.fallback_url and url != delivery.fallback_url:
                self._count(delivery.provider, "fallbacks")
                self._push(delivery, delivery.fallback_url, 0.0)
            else:
                delivery.state = "refused"
            return
        tries_here = sum(1 for a in delivery.attempts if a["url"] == url)
        if url == delivery.url and tries_here <= len(delivery.retry_delays):
            self._count(delivery.provider, "retries")
            self._push(delivery, url, delivery.retry_delays[tries_here - 1] * self.time_scale)
        elif delivery.fallback_url and url != delivery.fallback_url:
            self._count(delivery.provider, "fallbacks")
            self._push(delivery, delivery.fallback_url, 0.0)
        else:
            delivery.state = "failed"
            self._count(delivery.provider, "gave_up")
            for listener in self._failure_listeners:
                listener(delivery)
            log.info("callback %s to %s given up after %d attempts", delivery.id, redact(url), len(delivery.attempts))

    # ------------------------------------------------------------------ observing and stopping
    def pending(self) -> int:
        with self._cond:
            return len(self._queue) + self._in_flight

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is queued or in flight (True), or ``timeout`` seconds passed (False)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._queue or self._in_flight:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(min(remaining, 0.05))
        return True

    def snapshot(self) -> dict[str, Any]:
        with self._cond:
            names = (
                "submitted", "attempts", "delivered", "failed_attempts", "retries", "fallbacks", "gave_up", "refused",
            )  # fmt: skip
            providers = {p: {n: self._counts.get(p, {}).get(n, 0) for n in names} for p in RETRY_DELAYS}
            totals = {n: sum(c[n] for c in providers.values()) for n in names}
            return {**totals, "pending": len(self._queue) + self._in_flight, "by_provider": providers}

    def deliveries(self) -> list[dict[str, Any]]:
        with self._cond:
            return [self._deliveries[i].describe() for i in self._log if i in self._deliveries]

    def reset(self) -> None:
        """Forget everything queued and recorded (attempts in flight finish but are not recorded)."""
        with self._cond:
            self._generation += 1
            self._queue.clear()
            self._deliveries.clear()
            self._log.clear()
            self._counts.clear()
            self._cond.notify_all()

    def close(self, timeout: float = 5.0) -> None:
        """Stop the workers; deliveries still queued are dropped."""
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout)


class Callbacks:
    """What the provider modules call when something happens that the provider would call back about."""

    def __init__(self, state: State) -> None:
        options = state.options
        self.state = state
        self.signer = WebhookSigner(options.seed, options.messagemedia_signature_digest)
        self.dispatcher = Dispatcher(
            options.callback_time_scale, self.signer, allow_external=options.allow_external_callbacks
        )

    # ------------------------------------------------------------------ Flowroute
    def flowroute_sent(self, record: dict[str, Any], dlr_callback: str | None, mdr_url: str) -> None:
        """Delivery receipts of a v2.1 message, to its ``dlr_callback`` (or the account's DLR URL)."""
        url = resolve_callback_url(
            self.state, "flowroute", "dlr", explicit=dlr_callback, number=record["attributes"]["from"]
        )
        if url is None:
            return
        for step, document in enumerate(webhook_payloads.flowroute_receipts(record, mdr_url)):
            # One second apart (scaled), so receipts arrive in the order they happen.
            self._submit(FLOWROUTE_V2, "FlowrouteDeliveryReceiptWebhook", "dlr", url, document, delay_s=float(step))

    def flowroute_received(
        self, record: dict[str, Any], media_urls: list[str], *, explicit: str | None, flat: bool = False
    ) -> str | None:
        """An inbound message to the number's / account's SMS or MMS callback URL; returns the URL used."""
        event = "mms" if media_urls else "sms"
        attributes = record["attributes"]
        url = resolve_callback_url(self.state, "flowroute", event, explicit=explicit, number=attributes["to"])
        if url is None:
            return None
        if flat:
            body = webhook_payloads.flowroute_v2_inbound(
                record["id"], attributes["to"], attributes["from"], attributes["body"]
            )
            self._submit(FLOWROUTE_MESSAGES_V2, "FlowrouteInboundMessageWebhook", event, url, body)
        else:
            document = webhook_payloads.flowroute_inbound(record, url, media_urls)
            self._submit(FLOWROUTE_V2, "FlowrouteMessageWebhook", event, url, document)
        return url

    # ------------------------------------------------------------------ Bandwidth
    def bandwidth_sent(self, message: dict[str, Any], message_uri: str) -> None:
        """The outgoing message's events: ``sent``, and its delivery receipt when ``receiptRequested`` is ``all``."""
        url = resolve_callback_url(self.state, "bandwidth", "status", explicit=message.get("callbackUrl"))
        if url is None:
            return
        self._bandwidth(message, url, webhook_payloads.bandwidth_event(message, message_uri), "status")
        receipt = message.get("receiptRequested")
        # BW-docs: "all" asks for every receipt, "error" for the receipt of a message that failed.
        if receipt == "all" or (receipt == "error" and message.get("deliveryState") == "not-delivered"):
            event = webhook_payloads.bandwidth_event(message, message_uri, delivery=True)
            self._bandwidth(message, url, event, "status", delay_s=1.0)

    def bandwidth_receipt(self, message: dict[str, Any], message_uri: str) -> None:
        """A later delivery receipt of an outgoing message (its final ``deliveryState``)."""
        url = resolve_callback_url(self.state, "bandwidth", "status", explicit=message.get("callbackUrl"))
        if url is not None:
            event = webhook_payloads.bandwidth_event(message, message_uri, delivery=True)
            self._bandwidth(message, url, event, "status")

    def bandwidth_received(self, message: dict[str, Any], message_uri: str, *, explicit: str | None) -> str | None:
        url = resolve_callback_url(self.state, "bandwidth", "message", explicit=explicit, number=message["to"])
        if url is None:
            return None
        self._bandwidth(message, url, webhook_payloads.bandwidth_event(message, message_uri), "message")
        return url

    def _bandwidth(
        self, message: dict[str, Any], url: str, event: dict[str, Any], name: str, delay_s: float = 0.0
    ) -> None:
        timeout = min(float(message.get("callbackTimeout") or 10_000), 10_000.0) / 1000
        fallback = message.get("fallbackUrl")
        if str(message.get("callbackHttpMethod", "post")).lower() == "get":
            params = webhook_payloads.bandwidth_query(event)
            self._check(BANDWIDTH_V1, "BandwidthMessageEvent", dict(params))
            delivery = self._delivery("bandwidth", name, "GET", _with_query(url, params), b"", None)
            delivery.fallback_url = _with_query(fallback, params) if fallback else None
        else:
            self._check(BANDWIDTH_V1, "BandwidthMessageEvent", event)
            delivery = self._delivery("bandwidth", name, "POST", url, _json(event), "application/json; charset=utf-8")
            delivery.fallback_url = fallback
        delivery.timeout_s = timeout
        delivery.owner = _bandwidth_user(event.get("messageUri"))
        self.dispatcher.submit(delivery, delay_s)

    # ------------------------------------------------------------------ MessageMedia
    def messagemedia_report(self, report: dict[str, Any]) -> None:
        url = resolve_callback_url(self.state, "messagemedia", "delivery_report", explicit=report.get("callback_url"))
        if url is not None:
            body = webhook_payloads.messagemedia_report(report)
            self._submit(MESSAGEMEDIA_V1, "MessageMediaDeliveryReportWebhook", "delivery_report", url, body)

    def messagemedia_reply(self, reply: dict[str, Any], *, explicit: str | None) -> str | None:
        url = resolve_callback_url(
            self.state,
            "messagemedia",
            "reply",
            explicit=explicit or reply.get("callback_url"),
            number=reply.get("destination_number"),
        )
        if url is not None:
            self._submit(MESSAGEMEDIA_V1, "MessageMediaReplyWebhook", "reply", url, reply)
        return url

    def messagemedia_templated(
        self,
        event: str,
        method: str,
        url: str,
        body: bytes,
        content_type: str,
        headers: dict[str, str],
        *,
        read_timeout_ms: int | None = None,
        retries: int | None = None,
        retry_delay_s: int | None = None,
    ) -> None:
        """A delivery through an account webhook: its own method, headers, rendered template and
        retry settings (``read_timeout`` in ms, ``retries``, ``retry_delay`` in s), signed."""
        delivery = self._delivery("messagemedia", event, method, url, body, content_type)
        delivery.sign, delivery.headers = True, dict(headers)
        if read_timeout_ms is not None:
            delivery.timeout_s = read_timeout_ms / 1000
        if retries is not None or retry_delay_s is not None:
            count = len(delivery.retry_delays) if retries is None else retries
            delays = delivery.retry_delays if retry_delay_s is None else (float(retry_delay_s),) * count
            delivery.retry_delays = tuple(delays[:count])
        self.dispatcher.submit(delivery)

    # ------------------------------------------------------------------ common
    def _submit(
        self, surface: Surface, component: str, event: str, url: str, body: dict[str, Any], delay_s: float = 0.0
    ) -> None:
        self._check(surface, component, body)
        content_type = surface.media_type if surface.provider == "flowroute" else "application/json"
        delivery = self._delivery(surface.provider, event, "POST", url, _json(body), content_type)
        delivery.sign = surface.provider == "messagemedia"
        self.dispatcher.submit(delivery, delay_s)

    @staticmethod
    def _delivery(
        provider: Provider, event: str, method: str, url: str, body: bytes, content_type: str | None
    ) -> Delivery:
        return Delivery(0, provider, event, method, url, body, content_type, RETRY_DELAYS[provider])

    def _check(self, surface: Surface, component: str, body: dict[str, Any]) -> None:
        """A callback body that violates the spec's webhook schema is a sandbox bug: loud, counted, still sent."""
        if not self.state.options.validate:
            return
        errors = validator_for(surface).schema_errors(component, body)
        if errors:
            self.state.stats.spec_violation()
            log.error("SANDBOX BUG: a %s callback violates %s: %s", surface.name, component, " | ".join(errors))
            self.state.journal.note(
                surface=surface.name,
                provider=surface.provider,
                method="CALLBACK",
                path=component,
                operation=None,
                status=None,
                spec_violation=" | ".join(errors),
            )

    def close(self) -> None:
        self.dispatcher.close()

    def reset(self) -> None:
        self.dispatcher.reset()
        self.signer.disable()


def _bandwidth_user(message_uri: Any) -> str | None:
    """The user id of a Catapult message URL (``…/users/{userId}/messages/{id}``)."""
    parts = urlsplit(str(message_uri or "")).path.split("/")
    return unquote(parts[parts.index("users") + 1]) if "users" in parts[:-1] else None


def _with_query(url: str, params: list[tuple[str, str]]) -> str:
    return url + ("&" if urlsplit(url).query else "?") + urlencode(params)


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
