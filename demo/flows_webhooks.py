"""Inbound traffic: a local receiver gets the delivery receipts of messages sent here and one inbound
message per provider, verified and parsed by :mod:`smsclients.webhooks` (modern surface).

The receiver is :class:`smsclients.webhooks.WebhookASGIApp` (one per provider, mounted under
``/flowroute``, ``/bandwidth`` and ``/messagemedia``) served by uvicorn on 127.0.0.1. Each one
verifies the way its provider documents: Flowroute by source address (here the sandbox's loopback
address stands in for Flowroute's), Bandwidth by the Basic credentials embedded in the callback URL,
MessageMedia by the RSA signature, checked with the sandbox's published public key.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
from messagemedia_messages_v1_client.resources import NewMessageParams
from smsclients import BandwidthClient, FlowrouteClient, MessageMediaClient
from smsclients.webhooks import (
    BasicAuthVerifier,
    InboundMessage,
    MessageMediaSignatureVerifier,
    MessageStatus,
    SourceAddressVerifier,
    WebhookASGIApp,
    WebhookEvent,
)

from .present import known
from .steps import (
    BANDWIDTH,
    BANDWIDTH_FROM,
    BANDWIDTH_TO,
    BANDWIDTH_USER,
    FLOWROUTE_FROM,
    FLOWROUTE_TO,
    FLOWROUTE_V2,
    MESSAGEMEDIA,
    MESSAGEMEDIA_TO,
    Reporter,
    Target,
    check,
)

# Basic credentials the demo embeds in its Bandwidth callback URLs (Bandwidth sends them back).
HOOK_USER, HOOK_PASSWORD = "demo-hook", "demo-hook-password"
WAIT_S = 15.0  # upper bound for callbacks to arrive; they take milliseconds


class Inbox:
    """The demo's handler: keeps each event once (providers retry, so ``event_id`` deduplicates)."""

    def __init__(self) -> None:
        self.events: list[WebhookEvent] = []
        self.duplicates = 0
        self._seen: set[str] = set()
        self._cond = threading.Condition()

    def __call__(self, event: WebhookEvent) -> None:
        with self._cond:
            if event.event_id in self._seen:
                self.duplicates += 1
                return
            self._seen.add(event.event_id)
            self.events.append(event)
            self._cond.notify_all()

    def wait(self, wanted: Callable[[list[WebhookEvent]], list[Any]], count: int, timeout: float = WAIT_S) -> list[Any]:
        """The events ``wanted`` picks, once there are ``count`` of them (AssertionError after ``timeout``)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(found := wanted(self.events)) < count:
                remaining = deadline - time.monotonic()
                check(remaining > 0, f"only {len(found)} of {count} callbacks arrived within {timeout:.0f}s")
                self._cond.wait(remaining)
            return found


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Run an ASGI app with uvicorn on a free 127.0.0.1 port in a thread; yields its root URL."""
    import socket

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server = uvicorn.Server(uvicorn.Config(app, lifespan="off", log_level="error", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="webhook-receiver", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            check(thread.is_alive() and time.monotonic() < deadline, "the webhook receiver did not start")
            time.sleep(0.005)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def receiver_app(inbox: Inbox, messagemedia_key: dict[str, Any]) -> Any:
    """One verifying receiver per provider, mounted by path (any ASGI router does; this is Starlette's)."""
    from starlette.routing import Mount, Router

    mm_verifier = MessageMediaSignatureVerifier({messagemedia_key["key_id"]: messagemedia_key["public_key"]})
    return Router(
        routes=[
            Mount("/flowroute", WebhookASGIApp("flowroute", inbox, verifiers=[SourceAddressVerifier(["127.0.0.1"])])),
            Mount(
                "/bandwidth",
                WebhookASGIApp("bandwidth", inbox, verifiers=[BasicAuthVerifier(HOOK_USER, HOOK_PASSWORD)]),
            ),
            Mount("/messagemedia", WebhookASGIApp("messagemedia", inbox, verifiers=[mm_verifier])),
        ]
    )


def sandbox_root(target: Target) -> str:
    parts = urlsplit(target.base_urls[FLOWROUTE_V2])
    return f"{parts.scheme}://{parts.netloc}"


def _control(root: str, method: str, path: str, payload: Any = None) -> Any:
    with httpx.Client(base_url=root, timeout=10) as client:
        response = client.request(method, path, json=payload)
    response.raise_for_status()
    return response.json()


@dataclass(frozen=True)
class WebhooksResult:
    events: list[WebhookEvent]
    duplicates: int


def _of(
    provider: str, kind: type[WebhookEvent], message_id: str | None = None
) -> Callable[[list[WebhookEvent]], list[Any]]:
    def pick(events: list[WebhookEvent]) -> list[Any]:
        return [
            e
            for e in events
            if e.provider == provider and isinstance(e, kind) and (message_id is None or e.message_id == message_id)
        ]

    return pick


def _statuses(events: list[MessageStatus]) -> str:
    return ", ".join(f"{e.status} ({e.outcome})" for e in events)


def modern(target: Target, step: Reporter) -> WebhooksResult:
    """Send with callback URLs on the modern clients, inject one inbound message per provider, receive all."""
    step.begin("webhooks modern")
    root = sandbox_root(target)
    inbox = Inbox()
    key = step(
        "signature key (sandbox)",
        lambda: _control(root, "GET", "/_sandbox/messagemedia/signature_key"),
        lambda k: f"{k['key_id']} {k['digest']}",
    )
    with serving(receiver_app(inbox, key)) as url:
        step("receiver started", lambda: url)
        bandwidth_url = url.replace("http://", f"http://{HOOK_USER}:{HOOK_PASSWORD}@") + "/bandwidth"

        # Flowroute: delivery receipts to the message's dlr_callback, an inbound SMS to the SMS callback.
        with FlowrouteClient(*target.credentials[FLOWROUTE_V2], base_url=target.base_urls[FLOWROUTE_V2]) as fr:
            sent = step(
                "flowroute messages.send (dlr_callback)",
                lambda: fr.messages.send(
                    to=FLOWROUTE_TO, from_=FLOWROUTE_FROM, body="webhook demo", dlr_callback=url + "/flowroute/dlr"
                ),
                lambda r: known(known(r.data).id),
            )
        mdr_id = known(known(sent.data).id, "the message's id")
        receipts = step(
            "flowroute receipts received", lambda: inbox.wait(_of("flowroute", MessageStatus, mdr_id), 3), _statuses
        )
        check(any(r.delivered for r in receipts), "no Flowroute receipt says 'delivered'")
        inbound = {
            "to": FLOWROUTE_FROM,
            "from": FLOWROUTE_TO,
            "body": "Reply from a handset",
            "callback_url": url + "/flowroute/sms",
        }
        step(
            "flowroute inbound injected (sandbox)",
            lambda: _control(root, "POST", "/_sandbox/flowroute/inbound", inbound),
            lambda r: r["record"]["id"],
        )
        received = step(
            "flowroute inbound received",
            lambda: inbox.wait(_of("flowroute", InboundMessage), 1),
            lambda m: repr(m[0].text),
        )
        check(received[0].text == inbound["body"], "another Flowroute inbound text")

        # Bandwidth: events as GET query parameters, the URL carrying Basic credentials.
        token, secret = target.credentials[BANDWIDTH]
        with BandwidthClient(BANDWIDTH_USER, token, secret, base_url=target.base_urls[BANDWIDTH]) as bw:
            message_id = step(
                "bandwidth messages.send (callback, GET)",
                lambda: bw.messages.send(
                    from_=BANDWIDTH_FROM,
                    to=BANDWIDTH_TO,
                    text="webhook demo",
                    callback_url=bandwidth_url + "/status",
                    callback_http_method="get",
                    receipt_requested="all",
                ),
            )
        events = step(
            "bandwidth events received", lambda: inbox.wait(_of("bandwidth", MessageStatus, message_id), 2), _statuses
        )
        check(any(e.delivered for e in events), "no Bandwidth delivery receipt")
        inbound = {
            "to": BANDWIDTH_FROM,
            "from": BANDWIDTH_TO,
            "text": "Reply from a handset",
            "user_id": BANDWIDTH_USER,
            "callback_url": bandwidth_url + "/messages",
        }
        step(
            "bandwidth inbound injected (sandbox)",
            lambda: _control(root, "POST", "/_sandbox/bandwidth/inbound", inbound),
            lambda r: r["message"]["id"],
        )
        received = step(
            "bandwidth inbound received",
            lambda: inbox.wait(_of("bandwidth", InboundMessage), 1),
            lambda m: repr(m[0].text),
        )
        check(received[0].text == inbound["text"], "another Bandwidth inbound text")

        # MessageMedia: signed delivery reports and a signed reply to the message's callback_url.
        key_id, secret = target.credentials[MESSAGEMEDIA]
        with MessageMediaClient(key_id, secret, base_url=target.base_urls[MESSAGEMEDIA]) as mm:
            message: NewMessageParams = {
                "content": "webhook demo",
                "destination_number": MESSAGEMEDIA_TO,
                "delivery_report": True,
                "callback_url": url + "/messagemedia/hooks",
            }
            sent_mm = step(
                "messagemedia messages.send (callback_url)",
                lambda: mm.messages.send([message]),
                lambda r: known(known(r.messages)[0].message_id),
            )
            mm_id = known(known(sent_mm.messages)[0].message_id, "the message's id")
            for attempt in (1, 2):  # each status call is one sandbox tick: queued -> enroute -> delivered
                step(f"messagemedia messages.status #{attempt}", lambda: mm.messages.status(mm_id), lambda m: m.status)
        reports = step(
            "messagemedia reports received (signed)",
            lambda: inbox.wait(_of("messagemedia", MessageStatus, mm_id), 2),
            _statuses,
        )
        check(any(r.delivered for r in reports), "no MessageMedia report says 'delivered'")
        step(
            "messagemedia reply injected (sandbox)",
            lambda: target.inject_reply("Yes please", mm_id),
            lambda _: "Yes please",
        )
        replies = step(
            "messagemedia reply received (signed)",
            lambda: inbox.wait(_of("messagemedia", InboundMessage), 1),
            lambda m: repr(m[0].text),
        )
        check(replies[0].in_reply_to == mm_id, "the reply answers another message")
    return WebhooksResult(list(inbox.events), inbox.duplicates)
