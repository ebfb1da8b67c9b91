"""End to end on the sandbox: an inbound STOP through the webhook receiver updates the opt-out list,
the next send consults it and skips the number with a typed result; the sandbox itself refuses or
rejects as the provider does, and START/UNSTOP reverses everything."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from smsclients import BandwidthClient, FlowrouteClient, MessageMediaClient
from smsclients.errors import APIError
from smsclients.sending import optouts
from smsclients.sending.optouts import OptedOutError, SQLiteOptOutStore
from smsclients.webhooks import InboundMessage, MessageMediaSignatureVerifier, MessageStatus, WebhookASGIApp
from smsclients_sandbox import running

from demo.flows_webhooks import Inbox, serving
from demo.steps import BANDWIDTH, BANDWIDTH_FROM, BANDWIDTH_TO, FLOWROUTE_FROM, FLOWROUTE_TO, MESSAGEMEDIA_TO
from tests.fields import dig

WAIT = 15.0  # upper bound; deliveries take milliseconds
OTHER = "12066418001"


@pytest.fixture
def sandbox() -> Iterator[Any]:
    with running(seed=1) as handle:
        yield handle


def _flowroute(sandbox: Any) -> FlowrouteClient:
    return FlowrouteClient(*sandbox.credentials["flowroute-v2"], base_url=sandbox.base_urls["flowroute-v2"])


def _messagemedia(sandbox: Any) -> MessageMediaClient:
    key, secret = sandbox.credentials["messagemedia-messages-v1"]
    return MessageMediaClient(key, secret, base_url=sandbox.base_urls["messagemedia-messages-v1"])


def _inbound(inbox: Inbox, count: int) -> list[InboundMessage]:
    return inbox.wait(lambda events: [e for e in events if isinstance(e, InboundMessage)], count, timeout=WAIT)


def test_flowroute_stop_through_the_receiver_then_a_campaign_skips_the_number(sandbox: Any, tmp_path: Path) -> None:
    store = SQLiteOptOutStore(tmp_path / "optouts.sqlite3")
    inbox = Inbox()
    app = WebhookASGIApp("flowroute", optouts.recording(store, inbox))
    with serving(app) as url, _flowroute(sandbox) as fr:
        sandbox.inject_inbound(
            "flowroute", {"to": FLOWROUTE_FROM, "from": FLOWROUTE_TO, "body": " Stop ", "callback_url": url}
        )
        (stop,) = _inbound(inbox, 1)
        assert stop.keyword == "stop"
        assert store.is_opted_out("flowroute", FLOWROUTE_FROM, FLOWROUTE_TO)

        # The campaign consults the list in one call and skips the number, with a typed result.
        allowed, refused = optouts.filter(store, "flowroute", FLOWROUTE_FROM, [FLOWROUTE_TO, OTHER])
        assert allowed == [OTHER]
        assert [(type(r), r.number) for r in refused] == [(OptedOutError, FLOWROUTE_TO)]
        with pytest.raises(OptedOutError) as caught:
            optouts.check(store, "flowroute", FLOWROUTE_FROM, FLOWROUTE_TO)
        assert caught.value.number == FLOWROUTE_TO
        for number in allowed:
            fr.messages.send(to=number, from_=FLOWROUTE_FROM, body="Sale today")

        # A send that ignored the list gets Flowroute's documented answer from the sandbox: 400, code 1110.
        with pytest.raises(APIError) as answer:
            fr.messages.send(to=FLOWROUTE_TO, from_=FLOWROUTE_FROM, body="Sale today")
        assert answer.value.status_code == 400 and "1110" in str(answer.value)
        # Only that sender: another account number may still text the handset.
        assert sandbox.stats()["accepted"]["flowroute-v2"] == 1

        sandbox.inject_inbound(
            "flowroute", {"to": FLOWROUTE_FROM, "from": FLOWROUTE_TO, "body": "UNSTOP", "callback_url": url}
        )
        assert _inbound(inbox, 2)[1].keyword == "start"
        assert not store.is_opted_out("flowroute", FLOWROUTE_FROM, FLOWROUTE_TO)
        fr.messages.send(to=FLOWROUTE_TO, from_=FLOWROUTE_FROM, body="Welcome back")
    assert sandbox.stats()["accepted"]["flowroute-v2"] == 2
    assert sandbox.stats()["spec_violations"] == 0


def test_flowroute_sandbox_blocks_per_sender_on_both_message_apis(sandbox: Any) -> None:
    sandbox.inject_inbound("flowroute", {"to": FLOWROUTE_FROM, "from": FLOWROUTE_TO, "body": "stop"})
    v21 = httpx.Client(base_url=sandbox.base_urls["flowroute-v2"], auth=sandbox.credentials["flowroute-v2"])
    v2 = httpx.Client(
        base_url=sandbox.base_urls["flowroute-messages-v2"], auth=sandbox.credentials["flowroute-messages-v2"]
    )
    with v21, v2:
        body = {"data": {"type": "message", "attributes": {"to": FLOWROUTE_TO, "from": FLOWROUTE_FROM, "body": "x"}}}
        answer = v21.post("/v2.1/messages", json=body, headers={"Content-Type": "application/vnd.api+json"})
        assert answer.status_code == 400 and "1110" in answer.json()["errors"][0]["detail"]
        answer = v2.post("/messages", json={"to": FLOWROUTE_TO, "from": FLOWROUTE_FROM, "body": "x"})
        assert answer.status_code == 400
        # "STOP PLEASE" is no keyword: nothing changes for another handset.
        sandbox.inject_inbound("flowroute", {"to": FLOWROUTE_FROM, "from": OTHER, "body": "STOP PLEASE"})
        answer = v2.post("/messages", json={"to": OTHER, "from": FLOWROUTE_FROM, "body": "x"})
        assert answer.status_code == 202
    assert sandbox.stats()["spec_violations"] == 0


def test_messagemedia_stop_reply_blacklists_and_start_reverses(sandbox: Any, tmp_path: Path) -> None:
    store = SQLiteOptOutStore(tmp_path / "optouts.sqlite3")
    inbox = Inbox()
    key = sandbox.signature_key()
    verifier = MessageMediaSignatureVerifier({key["key_id"]: key["public_key_pem"]})
    app = WebhookASGIApp("messagemedia", optouts.recording(store, inbox), verifiers=[verifier])
    with serving(app) as url, _messagemedia(sandbox) as mm:
        sent = mm.messages.send([{"content": "Sale", "destination_number": MESSAGEMEDIA_TO, "callback_url": url}])
        message_id = str(dig(sent, "messages[0].message_id"))
        sandbox.inject_reply("STOP", message_id=message_id)
        (stop,) = _inbound(inbox, 1)
        assert stop.keyword == "stop"
        # The receiver recorded it (for every sender when the reply names no number of ours)...
        assert store.is_opted_out("messagemedia", stop.to or optouts.ANY_ACCOUNT, MESSAGEMEDIA_TO)
        # ...and MessageMedia put the handset on the account's blacklist (MM-docs).
        listed = mm.number_authorisation.list_blocked().to_dict()
        assert MESSAGEMEDIA_TO in listed["numbers"]
        sandbox.inject_reply("start", message_id=message_id)
        _inbound(inbox, 2)
        assert MESSAGEMEDIA_TO not in mm.number_authorisation.list_blocked().to_dict()["numbers"]
        assert not store.is_opted_out("messagemedia", stop.to or optouts.ANY_ACCOUNT, MESSAGEMEDIA_TO)


def test_messagemedia_mirror_keeps_the_blacklist_in_step(sandbox: Any, tmp_path: Path) -> None:
    with _messagemedia(sandbox) as mm, SQLiteOptOutStore(tmp_path / "o.sqlite3") as local:
        remote = [f"+6149157{i:04d}" for i in range(105)]  # more than one page of the blacklist
        for start in range(0, len(remote), 10):
            mm.number_authorisation.block(remote[start : start + 10])
        local.add("messagemedia", optouts.ANY_ACCOUNT, "+61400000001")
        local.add("messagemedia", "+61491570157", "61400000002")
        local.add("flowroute", FLOWROUTE_FROM, FLOWROUTE_TO)  # not MessageMedia's business
        mirror = optouts.MessageMediaMirror(local, mm)
        assert isinstance(mirror, optouts.OptOutStore)

        result = mirror.sync()
        assert sorted(result.pulled) == sorted(remote)
        assert result.pushed == ["+61400000001", "+61400000002"]
        assert sorted(mirror.blacklist()) == sorted([*remote, "+61400000001", "+61400000002"])
        assert mirror.is_opted_out("messagemedia", "+61491570157", remote[0])
        assert mirror.sync() == optouts.SyncResult()  # in step: nothing more to do

        # Through the mirror, an opt-out and an opt-in reach MessageMedia too.
        mirror.add("messagemedia", "+61491570157", "+61400000003", source="keyword")
        assert "+61400000003" in mirror.blacklist()
        assert mirror.remove("messagemedia", "+61491570157", remote[0])  # pulled in under ANY_ACCOUNT
        assert remote[0] not in mirror.blacklist()
        assert not mirror.is_opted_out("messagemedia", "+61491570157", remote[0])
        assert not mirror.remove("messagemedia", "+61491570157", "+61499999999")  # on neither list: no error
        mirror.add("flowroute", FLOWROUTE_FROM, OTHER)  # other providers: local only
        assert len(mirror.blacklist()) == 105 + 3 - 1


def test_bandwidth_sandbox_accepts_then_rejects_a_message_to_a_handset_that_opted_out(sandbox: Any) -> None:
    """BW-docs (apiCallbacks/sms.md): delivery code 775, "Rejected due to user opt out"."""
    token, secret = sandbox.credentials["bandwidth-messaging-v1"]
    inbox = Inbox()
    app = WebhookASGIApp("bandwidth", inbox)
    with serving(app) as url, BandwidthClient("u-sandbox", token, secret, base_url=sandbox.base_urls[BANDWIDTH]) as bw:
        sandbox.inject_inbound("bandwidth", {"to": BANDWIDTH_FROM, "from": BANDWIDTH_TO, "text": " stop "})
        # Accepted (201), then failed: nothing tells the sender at send time.
        blocked = bw.messages.send(
            from_=BANDWIDTH_FROM, to=BANDWIDTH_TO, text="Sale", receipt_requested="error", callback_url=url
        )
        message = bw.messages.get(blocked).to_dict()
        assert message["state"] == "error" and message["deliveryState"] == "not-delivered"
        assert message["deliveryCode"] == 775 and "opt out" in message["deliveryDescription"]
        # receiptRequested=error: the failure's receipt reaches the sender's callback.
        statuses = inbox.wait(
            lambda events: [e for e in events if isinstance(e, MessageStatus) and e.error_code == "775"],
            1,
            timeout=WAIT,
        )
        assert statuses[0].message_id == blocked and statuses[0].outcome == "failed"
        (item,) = bw.messages.send_batch([{"from": BANDWIDTH_FROM, "to": BANDWIDTH_TO, "text": "Sale"}])
        batch_id = str(item.to_dict()["location"]).rsplit("/", 1)[1]
        assert bw.messages.get(batch_id).to_dict()["deliveryCode"] == 775
        # Per number: another sender of the account still reaches the handset; another handset is not blocked.
        other = bw.messages.send(from_="+19195550001", to=BANDWIDTH_TO, text="Hi")
        assert bw.messages.get(other).to_dict()["deliveryState"] == "delivered"
        assert (
            bw.messages.get(bw.messages.send(from_=BANDWIDTH_FROM, to="+19195559999", text="Hi")).to_dict()[
                "deliveryCode"
            ]
            == 0
        )

        sandbox.inject_inbound("bandwidth", {"to": BANDWIDTH_FROM, "from": BANDWIDTH_TO, "text": "UNSTOP"})
        again = bw.messages.send(from_=BANDWIDTH_FROM, to=BANDWIDTH_TO, text="Welcome back")
        assert bw.messages.get(again).to_dict()["deliveryState"] == "delivered"
    assert sandbox.stats()["spec_violations"] == 0
