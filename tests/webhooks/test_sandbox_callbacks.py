"""The sandbox's callbacks end to end, through the ASGI receiver served by uvicorn on 127.0.0.1.

Each test runs its own sandbox (``smsclients_sandbox.running``), so callback counts are its own.
Retry delays run at the sandbox's default time scale (Flowroute's 30 s become 30 ms).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from messagemedia_messages_v1_client.resources import NewMessageParams
from smsclients import BandwidthClient
from smsclients.webhooks import (
    BasicAuthVerifier,
    InboundMessage,
    MessageMediaSignatureVerifier,
    MessageStatus,
    Provider,
    WebhookASGIApp,
    WebhookEvent,
)
from smsclients_sandbox import running
from smsclients_sandbox.callbacks import resolve_callback_url

from demo import flows_webhooks
from demo.flows_webhooks import Inbox, serving
from demo.steps import FLOWROUTE_FROM, FLOWROUTE_TO, MESSAGEMEDIA_TO, Reporter, Target
from tests.fields import dig
from tests.sandboxed import flowroute as _flowroute
from tests.sandboxed import messagemedia as _messagemedia

WAIT = 15.0  # upper bound; deliveries take milliseconds


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with running(seed=1) as handle:
        yield handle


class Flaky:
    """A handler that fails its first ``failures`` calls (so the receiver answers 500), then records."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.calls: list[WebhookEvent] = []
        self.inbox = Inbox()

    def __call__(self, event: WebhookEvent) -> None:
        self.calls.append(event)
        if len(self.calls) <= self.failures:
            raise RuntimeError("not ready yet")
        self.inbox(event)


def test_the_demo_flow_receives_every_callback_verified(sandbox: Any) -> None:
    target = Target(
        base_urls=sandbox.base_urls,
        credentials=sandbox.credentials,
        inject_reply=lambda content, message_id: sandbox.inject_reply(content, message_id=message_id),
    )
    result = flows_webhooks.modern(target, Reporter(open("/dev/null", "w")))  # noqa: SIM115
    kinds = sorted((e.provider, e.kind) for e in result.events)
    assert kinds == sorted(
        [("flowroute", "message_status")] * 3
        + [("flowroute", "inbound_message"), ("bandwidth", "inbound_message"), ("messagemedia", "inbound_message")]
        + [("bandwidth", "message_status")] * 2
        + [("messagemedia", "message_status")] * 2
    )
    assert result.duplicates == 0
    assert sandbox.wait_for_callbacks(WAIT)
    stats = sandbox.stats()
    callbacks = stats["callbacks"]
    totals = (callbacks["submitted"], callbacks["delivered"], callbacks["gave_up"], callbacks["pending"])
    assert totals == (len(result.events), len(result.events), 0, 0)
    # Every receiver answered as its provider expects, the first time.
    assert callbacks["attempts"] == len(result.events) == 10
    assert stats["spec_violations"] == 0  # every callback body matched its webhook schema


@pytest.mark.parametrize("provider", ["flowroute", "messagemedia"])
def test_a_receiver_failing_twice_gets_the_event_on_the_third_attempt(sandbox: Any, provider: Provider) -> None:
    handler = Flaky(failures=2)
    verifiers = []
    if provider == "messagemedia":  # signed: each retry is signed again, the replay check lets it through
        key = sandbox.signature_key()
        verifiers = [MessageMediaSignatureVerifier({key["key_id"]: key["public_key_pem"]})]
    app = WebhookASGIApp(provider, handler, verifiers=verifiers)
    with serving(app) as url:
        if provider == "flowroute":
            sandbox.inject_inbound(
                "flowroute", {"to": FLOWROUTE_FROM, "from": FLOWROUTE_TO, "body": "hi", "callback_url": url + "/in"}
            )
        else:
            with _messagemedia(sandbox) as mm:
                message: NewMessageParams = {
                    "content": "hi",
                    "destination_number": MESSAGEMEDIA_TO,
                    "callback_url": url + "/mm",
                }
                message_id = str(dig(mm.messages.send([message]), "messages[0].message_id"))
            sandbox.inject_reply("yes", message_id=message_id)
        received = handler.inbox.wait(lambda events: events, 1, timeout=WAIT)
        assert sandbox.wait_for_callbacks(WAIT)
    assert isinstance(received[0], InboundMessage)
    assert len(handler.calls) == 3
    assert len({event.event_id for event in handler.calls}) == 1  # the same event each time: deduplicable
    (delivery,) = sandbox.callbacks()
    assert [attempt["status"] for attempt in delivery["attempts"]] == [500, 500, 200]
    assert delivery["state"] == "delivered"
    counts = sandbox.stats()["callbacks"]["by_provider"][provider]
    assert (counts["attempts"], counts["retries"], counts["delivered"], counts["gave_up"]) == (3, 2, 1, 0)


def test_flowroute_gives_up_after_four_resends_and_says_so(sandbox: Any) -> None:
    handler = Flaky(failures=100)
    with serving(WebhookASGIApp("flowroute", handler)) as url:
        with _flowroute(sandbox) as fr:
            fr.messages.send(to=FLOWROUTE_TO, from_=FLOWROUTE_FROM, body="hi", dlr_callback=url + "/dlr")
        assert sandbox.wait_for_callbacks(WAIT)
    deliveries = sandbox.callbacks()
    assert len(deliveries) == 3  # one per delivery receipt
    assert all(d["state"] == "failed" and len(d["attempts"]) == 5 for d in deliveries)
    counts = sandbox.stats()["callbacks"]
    assert (counts["attempts"], counts["retries"], counts["gave_up"], counts["delivered"]) == (15, 12, 3, 0)


def _answering(status: int, seen: list[str]) -> Callable[..., Any]:
    async def app(scope: dict[str, Any], receive: Callable[..., Any], send: Callable[..., Any]) -> None:
        if scope["type"] != "http":
            return
        seen.append(scope["path"])
        await send({"type": "http.response.start", "status": status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    return app


def test_only_200_counts_for_flowroute_while_messagemedia_takes_any_2xx(sandbox: Any) -> None:
    seen: list[str] = []
    with serving(_answering(204, seen)) as url:
        sandbox.inject_inbound("flowroute", {"to": FLOWROUTE_FROM, "from": FLOWROUTE_TO, "callback_url": url + "/fr"})
        with _messagemedia(sandbox) as mm:
            message: NewMessageParams = {
                "content": "hi",
                "destination_number": MESSAGEMEDIA_TO,
                "callback_url": url + "/mm",
            }
            message_id = str(dig(mm.messages.send([message]), "messages[0].message_id"))
        sandbox.inject_reply("yes", message_id=message_id)
        assert sandbox.wait_for_callbacks(WAIT)
    assert seen.count("/fr") == 5 and seen.count("/mm") == 1
    by_provider = sandbox.stats()["callbacks"]["by_provider"]
    assert by_provider["flowroute"]["gave_up"] == 1 and by_provider["messagemedia"]["delivered"] == 1


def test_bandwidth_get_mode_basic_credentials_and_fallback(sandbox: Any) -> None:
    inbox = Inbox()
    seen: list[str] = []
    verifier = BasicAuthVerifier("hook", "hook-secret")
    with (
        serving(_answering(503, seen)) as failing,
        serving(WebhookASGIApp("bandwidth", inbox, verifiers=[verifier])) as url,
    ):
        callback = url.replace("http://", "http://hook:hook-secret@")
        token, secret = sandbox.credentials["bandwidth-messaging-v1"]
        with BandwidthClient("u-1", token, secret, base_url=sandbox.base_urls["bandwidth-messaging-v1"]) as bw:
            message_id = bw.messages.send(
                from_="+19195551212",
                to="+19195554444",
                text="hi",
                callback_url=failing + "/primary",
                fallback_url=callback + "/fallback",
                callback_http_method="get",
                receipt_requested="all",
            )
        events = inbox.wait(lambda found: found, 2, timeout=WAIT)
        assert sandbox.wait_for_callbacks(WAIT)
    assert all(isinstance(e, MessageStatus) and e.message_id == message_id for e in events)
    assert sorted(e.status for e in events) == ["delivered", "sent"]
    assert seen == ["/primary", "/primary"]  # no retry schedule: one try, then the fallbackUrl
    deliveries = sandbox.callbacks()
    assert all(d["method"] == "GET" and "hook-secret" not in str(d) for d in deliveries)
    assert sandbox.stats()["callbacks"]["by_provider"]["bandwidth"]["fallbacks"] == 2


def test_request_handling_does_not_wait_for_a_slow_receiver(sandbox: Any) -> None:
    release = threading.Event()
    inbox = Inbox()

    def slow(event: WebhookEvent) -> None:
        release.wait(WAIT)
        inbox(event)

    with serving(WebhookASGIApp("flowroute", slow)) as url:
        with _flowroute(sandbox) as fr:
            sent = fr.messages.send(to=FLOWROUTE_TO, from_=FLOWROUTE_FROM, body="hi", dlr_callback=url + "/dlr")
            # The send returned while the receiver is still holding the first receipt.
            assert not release.is_set() and dig(sent, "data.id")
            assert sandbox.stats()["callbacks"]["pending"] >= 1
            sent_id = dig(sent, "data.id")
            assert dig(fr.messages.get(str(sent_id)), "data.id") == sent_id  # the sandbox still answers
        release.set()
        assert len(inbox.wait(lambda found: found, 3, timeout=WAIT)) == 3


def test_start_up_callback_urls_and_the_resolver() -> None:
    inbox = Inbox()
    inbound = {"to": FLOWROUTE_FROM, "from": FLOWROUTE_TO, "body": "in", "format": "v2"}
    with (
        serving(WebhookASGIApp("flowroute", inbox)) as url,
        running(callback_urls={"flowroute": url + "/a"}) as sandbox,
    ):
        # No URL of its own: the start-up default plays the account's SMS and DLR callback URLs.
        sandbox.inject_inbound("flowroute", inbound)
        with _flowroute(sandbox) as fr:
            fr.messages.send(to=FLOWROUTE_TO, from_=FLOWROUTE_FROM, body="out")
        events = inbox.wait(lambda found: found, 4, timeout=WAIT)
        state = sandbox.app.state
        assert resolve_callback_url(state, "flowroute", "dlr", explicit="https://x.test/m") == "https://x.test/m"
        assert resolve_callback_url(state, "bandwidth", "status") is None
        assert resolve_callback_url(state, "flowroute", "mms", number=FLOWROUTE_FROM) == url + "/a"
    flat = [e for e in events if isinstance(e, InboundMessage)]
    assert len(flat) == 1 and flat[0].message_id is not None and flat[0].message_id.startswith("mdr1-")
    assert sum(isinstance(e, MessageStatus) for e in events) == 3


def test_stored_callback_urls_plug_in_through_one_function(monkeypatch: pytest.MonkeyPatch) -> None:
    """Number- and account-level URLs set through the API (stored_callback_url) win over the start-up default."""
    from smsclients_sandbox import callbacks

    with running(seed=1, callback_urls={"flowroute": "https://default.test/"}) as sandbox:
        state = sandbox.app.state
        monkeypatch.setattr(callbacks, "stored_callback_url", lambda s, p, e, n: "https://stored.test/" if n else None)
        assert resolve_callback_url(state, "flowroute", "sms", number=FLOWROUTE_FROM) == "https://stored.test/"
        assert resolve_callback_url(state, "flowroute", "sms") == "https://default.test/"
        assert (
            resolve_callback_url(state, "flowroute", "dlr", explicit="https://msg.test/", number="1")
            == "https://msg.test/"
        )


def test_the_sandbox_stops_cleanly_with_callbacks_still_queued() -> None:
    with running(seed=1, callback_time_scale=100.0) as sandbox:  # retries far in the future
        sandbox.inject_inbound(
            "flowroute", {"to": FLOWROUTE_FROM, "from": FLOWROUTE_TO, "callback_url": "http://127.0.0.1:9/closed"}
        )
        dispatcher = sandbox.app.state.callbacks.dispatcher
        assert not dispatcher.wait_idle(0.5)  # the first attempt failed; the retry waits 3,000 s
    assert dispatcher._threads and not any(thread.is_alive() for thread in dispatcher._threads)


def test_callback_urls_set_through_the_api_route_the_sandbox_webhooks(sandbox: Any) -> None:
    """Account-level and number-level URLs, set with the generated modern surface, decide where an
    inbound message goes when it carries no URL of its own: the number's own URL wins."""
    inbox = Inbox()
    with serving(WebhookASGIApp("flowroute", inbox)) as url, _flowroute(sandbox) as fr:
        fr.callbacks.set_account_sms_callback(callback_url=url + "/account")
        sandbox.inject_inbound("flowroute", {"to": FLOWROUTE_FROM, "from": FLOWROUTE_TO, "body": "to the account"})
        fr.callbacks.set_number_callback(FLOWROUTE_FROM, "sms_callback", callback_url=url + "/number")
        sandbox.inject_inbound("flowroute", {"to": FLOWROUTE_FROM, "from": FLOWROUTE_TO, "body": "to the number"})
        received = inbox.wait(lambda events: events, 2, timeout=WAIT)
        assert sandbox.wait_for_callbacks(WAIT)
        stored = fr.callbacks.get_account_sms_callback().to_dict()
        assert stored["data"]["attributes"]["callback_url"] == url + "/account"
    assert sorted(event.text for event in received if isinstance(event, InboundMessage)) == [
        "to the account",
        "to the number",
    ]
    assert sorted(delivery["url"] for delivery in sandbox.callbacks()) == [url + "/account", url + "/number"]
