"""The issue's acceptance, end to end on the sandbox, for each provider, sync and async: a handset
texts STOP, the webhook receiver (``optouts.recording``) records it, a bulk send (``send_many(...,
optouts=)``) skips that number and reports it; START lets the next campaign reach it again."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Literal

import pytest
from smsclients import (
    AsyncBandwidthClient,
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    BandwidthClient,
    FlowrouteClient,
    MessageMediaClient,
)
from smsclients.sending import SendResult
from smsclients.sending.optouts import MessageMediaMirror, OptedOutError, SQLiteOptOutStore, recording
from smsclients.webhooks import InboundMessage, MessageMediaSignatureVerifier, WebhookASGIApp
from smsclients_sandbox.testing import SmsSandbox

from demo.flows_webhooks import Inbox, serving

from .support import FLOWROUTE_SENDER, SENDER

Provider = Literal["flowroute", "bandwidth", "messagemedia"]
WAIT = 15.0  # an upper bound; callbacks take milliseconds
MM_SENDER = "+61491570157"
HANDSET = {"flowroute": "12066418000", "bandwidth": "+12064329999", "messagemedia": "+61491570156"}
OTHERS = {
    "flowroute": ["12066418001", "12066418002"],
    "bandwidth": ["+12064329997", "+12064329998"],
    "messagemedia": ["+61491570158", "+61491570159"],
}
FROM = {"flowroute": FLOWROUTE_SENDER, "bandwidth": SENDER, "messagemedia": MM_SENDER}
CLIENTS: dict[str, tuple[Any, Any]] = {
    "flowroute": (FlowrouteClient, AsyncFlowrouteClient),
    "bandwidth": (BandwidthClient, AsyncBandwidthClient),
    "messagemedia": (MessageMediaClient, AsyncMessageMediaClient),
}


class Receiver:
    """The integrator's webhook endpoint: the receiver records STOP/START in the list, then the handler runs."""

    def __init__(self, sandbox: SmsSandbox, provider: Provider, store: Any, asynchronous: bool) -> None:
        self.sandbox, self.provider, self.inbox = sandbox, provider, Inbox()
        handler: Callable[[Any], Any] = self.inbox
        if asynchronous:  # an async handler: the wrapper writes the list in a worker thread

            async def handler(event: Any) -> None:
                self.inbox(event)

        verifiers = []
        if provider == "messagemedia":
            key = sandbox.signature_key()
            verifiers.append(MessageMediaSignatureVerifier({key["key_id"]: key["public_key_pem"]}))
        self.app = WebhookASGIApp(provider, recording(store, handler), verifiers=verifiers)
        self.url = ""
        self.mm_message_id = ""

    def text(self, body: str) -> InboundMessage:
        """The handset texts ``body`` to the sender number; returns the event the handler got."""
        count = len(self._inbound()) + 1
        handset, sender = HANDSET[self.provider], FROM[self.provider]
        if self.provider == "flowroute":
            # Flowroute writes numbers as digits (11-digit E.164 without the +); the list compares digits.
            payload = {"to": sender.lstrip("+"), "from": handset, "body": body, "callback_url": self.url}
            self.sandbox.inject_inbound("flowroute", payload)
        elif self.provider == "bandwidth":
            payload = {"to": sender, "from": handset, "text": body, "callback_url": self.url}
            self.sandbox.inject_inbound("bandwidth", payload)
        else:  # a MessageMedia reply answers a message the account sent
            self.sandbox.inject_reply(body, message_id=self.mm_message_id)
        found: list[InboundMessage] = self.inbox.wait(self._inbound, count, timeout=WAIT)
        return found[count - 1]

    def _inbound(self, events: list[Any] | None = None) -> list[InboundMessage]:
        return [e for e in (self.inbox.events if events is None else events) if isinstance(e, InboundMessage)]


@contextmanager
def _receiver(sandbox: SmsSandbox, provider: Provider, store: Any, asynchronous: bool) -> Iterator[Receiver]:
    receiver = Receiver(sandbox, provider, store, asynchronous)
    with serving(receiver.app) as url:
        receiver.url = url
        yield receiver


def _campaign(provider: str, asynchronous: bool, rows: list[dict[str, Any]], **options: Any) -> list[SendResult]:
    sync_class, async_class = CLIENTS[provider]
    if not asynchronous:
        with sync_class() as client:
            return list(client.messages.send_many(rows, from_=FROM[provider], **options))

    async def main() -> list[SendResult]:
        async with async_class() as client:
            return [r async for r in client.messages.send_many(rows, from_=FROM[provider], **options)]

    return asyncio.run(main())


def _rows(provider: str, tag: str) -> list[dict[str, Any]]:
    numbers = [OTHERS[provider][0], HANDSET[provider], OTHERS[provider][1]]
    return [{"to": n, "text": f"Sale {tag} mk-{tag}{i:06x}"} for i, n in enumerate(numbers)]


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("provider", ["flowroute", "bandwidth", "messagemedia"])
def test_stop_then_a_bulk_send_skips_and_reports_the_number_and_start_allows_it_again(
    sandbox: SmsSandbox, tmp_path: Path, provider: Provider, asynchronous: bool
) -> None:
    store = SQLiteOptOutStore(tmp_path / "optouts.sqlite3")
    handset = HANDSET[provider]
    with _receiver(sandbox, provider, store, asynchronous) as receiver:
        if provider == "messagemedia":  # the handset answers a first message (its callback: the receiver)
            first = _campaign(provider, asynchronous, [{"to": handset, "text": "Hi", "callback_url": receiver.url}])
            assert first[0].ok and first[0].message_id
            receiver.mm_message_id = first[0].message_id
        before = sandbox.accepted(provider)

        stop = receiver.text(" Stop ")
        assert stop.keyword == "stop" and stop.from_ is not None

        outbox = str(tmp_path / "spring.sqlite")
        results = _campaign(provider, asynchronous, _rows(provider, "a"), optouts=store, outbox=outbox)
        assert [r.state for r in results] == ["accepted", "skipped", "accepted"]
        skipped = results[1]
        assert isinstance(skipped.error, OptedOutError) and skipped.message_id is None
        assert (skipped.error.provider, skipped.error.number) == (provider, handset)
        assert handset in str(skipped.error)
        assert sandbox.accepted(provider) == before + 2  # the handset got nothing

        start = receiver.text("start")
        assert start.keyword == "start"
        assert not store.is_opted_out(provider, FROM[provider], handset)
        # The spring campaign keeps its record (re-running it never sends what it skipped);
        # the next campaign reaches the handset again.
        again = _campaign(provider, asynchronous, _rows(provider, "a"), optouts=store, outbox=outbox)
        assert [r.state for r in again] == ["accepted", "skipped", "accepted"] and all(r.resumed for r in again)
        summer = _campaign(provider, asynchronous, _rows(provider, "b"), optouts=store)
        assert [r.state for r in summer] == ["accepted"] * 3
    assert sandbox.accepted(provider) == before + 5
    stats = sandbox.stats()
    assert stats["duplicates"] == [] and stats["spec_violations"] == 0


def test_messagemedia_with_the_mirror_as_the_list(sandbox: SmsSandbox, tmp_path: Path) -> None:
    """The receiver and the campaign share a MessageMediaMirror: MessageMedia's blacklist is the source."""
    handset = HANDSET["messagemedia"]
    with MessageMediaClient() as mm, SQLiteOptOutStore(tmp_path / "optouts.sqlite3") as local:
        mirror = MessageMediaMirror(local, mm)
        with _receiver(sandbox, "messagemedia", mirror, False) as receiver:
            first = _campaign("messagemedia", False, [{"to": handset, "text": "Hi", "callback_url": receiver.url}])
            receiver.mm_message_id = str(first[0].message_id)
            assert receiver.text("STOP").keyword == "stop"
            assert handset in mm.number_authorisation.list_blocked().to_dict()["numbers"]

            results = _campaign("messagemedia", False, _rows("messagemedia", "m"), optouts=mirror)
            assert [r.state for r in results] == ["accepted", "skipped", "accepted"]
            assert isinstance(results[1].error, OptedOutError)

            assert receiver.text("START").keyword == "start"
            assert handset not in mm.number_authorisation.list_blocked().to_dict()["numbers"]
            again = _campaign("messagemedia", False, _rows("messagemedia", "n"), optouts=mirror)
            assert [r.state for r in again] == ["accepted"] * 3
    assert sandbox.stats()["spec_violations"] == 0
