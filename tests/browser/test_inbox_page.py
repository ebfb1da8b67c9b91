"""The inbox page in a real browser: live updates, replies as the handset, faults and magic numbers."""

from __future__ import annotations

from typing import Any

import pytest
from smsclients import BandwidthClient, FlowrouteClient, MessageMediaClient
from smsclients.errors import RateLimitError
from smsclients.webhooks import InboundMessage, MessageMediaSignatureVerifier, WebhookASGIApp
from smsclients_sandbox import SandboxHandle

from demo.flows_webhooks import Inbox, serving

FR_FROM, FR_TO = "12012673227", "12066418000"
BW_FROM, BW_TO = "+19195551212", "+19195551213"
MM_TO = "+61491570156"


def _flowroute(sb: SandboxHandle) -> FlowrouteClient:
    return FlowrouteClient(*sb.credentials["flowroute-v2"], base_url=sb.base_urls["flowroute-v2"])


def _bandwidth(sb: SandboxHandle) -> BandwidthClient:
    token, secret = sb.credentials["bandwidth-messaging-v1"]
    return BandwidthClient("u-browser", token, secret, base_url=sb.base_urls["bandwidth-messaging-v1"])


def _messagemedia(sb: SandboxHandle) -> MessageMediaClient:
    return MessageMediaClient(
        *sb.credentials["messagemedia-messages-v1"], base_url=sb.base_urls["messagemedia-messages-v1"]
    )


def _open(page: Any, provider: str, handset: str) -> None:
    page.locator(f"button.conversation[data-provider={provider}]", has_text=handset).click()
    page.wait_for_selector(f"#reply-form[data-key$='|{handset}']")


def test_messages_sent_through_each_client_appear_without_a_reload(page: Any, sandbox: SandboxHandle) -> None:
    with _flowroute(sandbox) as fr:
        fr.messages.send(to=FR_TO, from_=FR_FROM, body="from flowroute")
    with _bandwidth(sandbox) as bw:
        bw.messages.send(from_=BW_FROM, to=BW_TO, text="from bandwidth")
    with _messagemedia(sandbox) as mm:
        mm.messages.send([{"content": "from messagemedia ☃", "destination_number": MM_TO}])
    for provider, handset, text in (
        ("flowroute", FR_TO, "from flowroute"),
        ("bandwidth", BW_TO, "from bandwidth"),
        ("messagemedia", MM_TO, "from messagemedia ☃"),
    ):
        _open(page, provider, handset)
        bubble = page.locator(".bubble.out", has_text=text)
        bubble.wait_for()
        assert "segment" in bubble.inner_text()
    assert "UCS-2" in page.locator(".bubble.out", has_text="☃").inner_text()  # the encoding is shown
    assert page.evaluate("window.__sameDocument") is True


def test_a_reply_typed_in_the_page_reaches_the_apps_webhook_verified(page: Any, sandbox: SandboxHandle) -> None:
    key = sandbox.signature_key()
    inbox = Inbox()
    receiver = WebhookASGIApp(
        "messagemedia", inbox, verifiers=[MessageMediaSignatureVerifier({key["key_id"]: key["public_key_pem"]})]
    )
    with serving(receiver) as url:
        with _messagemedia(sandbox) as mm:
            mm.messages.send([{"content": "Reply STOP to opt out", "destination_number": MM_TO, "callback_url": url}])
        page.wait_for_selector("button.conversation[data-provider=messagemedia]")
        _open(page, "messagemedia", MM_TO)
        page.fill("#reply-text", "ST")
        with _messagemedia(sandbox) as mm:  # a live update while the reply is being typed
            mm.messages.send([{"content": "One more thing", "destination_number": MM_TO, "callback_url": url}])
        page.locator(".bubble.out", has_text="One more thing").wait_for()
        assert page.input_value("#reply-text") == "ST"
        assert page.evaluate("document.activeElement && document.activeElement.id") == "reply-text"
        page.type("#reply-text", "OP")
        page.click("#reply-send")
        page.locator(".bubble.in", has_text="STOP").wait_for()
        [event] = inbox.wait(lambda events: [e for e in events if isinstance(e, InboundMessage)], 1)
    assert event.text == "STOP" and event.from_ == MM_TO
    page.locator(".callback[data-event=reply] .status", has_text="delivered").wait_for()  # the attempt is shown
    assert page.evaluate("window.__sameDocument") is True


def test_a_fault_rate_switched_on_in_the_page_fails_the_next_send(page: Any, sandbox: SandboxHandle) -> None:
    page.fill("#rate_429", "1")
    page.click("#apply-faults")
    page.locator("#fault-state", has_text="rate_429 1").wait_for()
    with _flowroute(sandbox) as fr, pytest.raises(RateLimitError):
        fr.messages.send(to=FR_TO, from_=FR_FROM, body="refused", max_retries=0)
    page.locator(".request.fault", has_text="fault 429").wait_for()  # highlighted in the request log
    page.fill("#rate_429", "0")
    page.click("#apply-faults")
    page.wait_for_selector("#fault-state:empty", state="attached")
    with _flowroute(sandbox) as fr:
        fr.messages.send(to=FR_TO, from_=FR_FROM, body="accepted again", max_retries=0)


def test_realistic_mode_a_queued_fault_and_reset_from_the_page(page: Any, sandbox: SandboxHandle) -> None:
    for enabled in (True, False):
        with page.expect_response("**/_sandbox/realistic") as answered:
            page.set_checked("#realistic", enabled)
        assert answered.value.ok and sandbox.app.realistic is enabled
    page.click("#fail-next")
    page.locator("#fault-state", has_text="1 queued").wait_for()
    with _bandwidth(sandbox) as bw, pytest.raises(RateLimitError):
        bw.messages.send(from_=BW_FROM, to=BW_TO, text="refused once", max_retries=0)
    with _bandwidth(sandbox) as bw:
        bw.messages.send(from_=BW_FROM, to=BW_TO, text="then accepted")
    page.locator("button.conversation[data-provider=bandwidth]").wait_for()
    page.click("#reset")
    page.locator("#conversations .empty").wait_for()
    assert sandbox.stats()["accepted_total"] == 0
    assert page.evaluate("window.__sameDocument") is True


def test_magic_numbers_are_listed_and_their_outcomes_shown(page: Any, sandbox: SandboxHandle) -> None:
    page.click("summary:has-text('Magic numbers')")
    for case in ("invalid-number", "unroutable", "opted-out", "rate-limited", "carrier-rejected", "delayed"):
        page.locator(f"tr[data-magic={case}]").wait_for()
    with _bandwidth(sandbox) as bw:
        bw.messages.send(from_=BW_FROM, to="+15005550011", text="never arrives")
        bw.messages.send(from_=BW_FROM, to="+15005550012", text="arrives late")
    _open(page, "bandwidth", "+15005550011")
    page.locator(".bubble[data-status=not-delivered]", has_text="never arrives").wait_for()
    _open(page, "bandwidth", "+15005550012")
    late = page.locator(".bubble[data-status=waiting]", has_text="arrives late")
    late.locator("[data-outcome=delivered]").click()  # the page's "mark delivered" button
    page.locator(".bubble[data-status=delivered]", has_text="arrives late").wait_for()


def test_a_view_sent_before_a_switch_is_answered_never_flips_it_back(page: Any, sandbox: SandboxHandle) -> None:
    held: list[Any] = []
    page.route("**/_sandbox/realistic", lambda route: held.append(route))  # the switch's request waits until released
    page.click("#realistic")
    page.wait_for_function("document.getElementById('realistic').checked")
    with _bandwidth(sandbox) as bw:  # a new view, still with realistic mode off, reaches the page
        bw.messages.send(from_=BW_FROM, to=BW_TO, text="while the switch is pending")
    page.locator("button.conversation[data-provider=bandwidth]").wait_for()
    assert page.is_checked("#realistic") and sandbox.app.realistic is False
    with page.expect_response("**/_sandbox/realistic") as answered:
        held[0].continue_()
    assert answered.value.ok and sandbox.app.realistic is True
    assert page.is_checked("#realistic")
