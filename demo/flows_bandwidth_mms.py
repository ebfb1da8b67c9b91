"""Bandwidth MMS end to end: media, an application, a number attached to it, an MMS and its events.

Upload a picture to Bandwidth's media store, create an application whose ``incomingMessageUrl`` is
a local receiver, allocate an available number and attach it to the application, send an MMS
naming the uploaded media, then receive at the application's URL the outgoing message's event and
a reply (an inbound MMS injected into the sandbox), and read the charges off the account. (BW-docs:
``media`` and ``receiptRequested`` cannot be combined, so an MMS has its ``sent`` event only.) Once on
``BandwidthClient`` and once on the BW-py drop-ins (``bandwidth.client("account" | "messaging")``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smsclients import BandwidthClient
from smsclients.legacy import bandwidth as legacy_bandwidth
from smsclients.webhooks import BasicAuthVerifier, InboundMessage, MessageStatus, WebhookASGIApp

from .flows_webhooks import HOOK_PASSWORD, HOOK_USER, Inbox, _control, _of, sandbox_root, serving
from .steps import BANDWIDTH, BANDWIDTH_TO, BANDWIDTH_USER, Reporter, Target, check

# A 1x1 transparent PNG: a real picture, small enough to read in a log.
PICTURE = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)
PICTURE_TYPE = "image/png"


@dataclass(frozen=True)
class MmsResult:
    media_url: str
    application_id: str
    number: str
    message_id: str
    events: list[MessageStatus]
    reply: InboundMessage
    products: list[str]


def _receiver(inbox: Inbox) -> Any:
    # The application's URL carries Basic credentials, which Bandwidth sends back (BW-docs callbacks.md).
    return WebhookASGIApp("bandwidth", inbox, verifiers=[BasicAuthVerifier(HOOK_USER, HOOK_PASSWORD)])


def _hook_url(root: str) -> str:
    return root.replace("http://", f"http://{HOOK_USER}:{HOOK_PASSWORD}@") + "/application"


def _reply(target: Target, step: Reporter, inbox: Inbox, number: str, media_url: str) -> InboundMessage:
    """A handset answers with a picture: injected into the sandbox, received at the application's URL."""
    inbound = {
        "to": number,
        "from": BANDWIDTH_TO,
        "text": "Nice picture!",
        "media": [media_url],
        "user_id": BANDWIDTH_USER,
    }
    step(
        "inbound mms injected (sandbox)",
        lambda: _control(sandbox_root(target), "POST", "/_sandbox/bandwidth/inbound", inbound),
        lambda r: r["message"]["id"],
    )
    received: list[InboundMessage] = step(
        "inbound mms received at the application",
        lambda: inbox.wait(_of("bandwidth", InboundMessage), 1),
        lambda m: f"{m[0].text!r} + {len(m[0].media_urls)} media",
    )
    check(received[0].media_urls == (media_url,), "the reply lost its media")
    return received[0]


def modern(target: Target, step: Reporter) -> MmsResult:
    """``BandwidthClient``: media, applications, available numbers, phone numbers, messages, account."""
    step.begin("bandwidth mms modern")
    token, secret = target.credentials[BANDWIDTH]
    inbox = Inbox()
    with (
        serving(_receiver(inbox)) as root,
        BandwidthClient(BANDWIDTH_USER, token, secret, base_url=target.base_urls[BANDWIDTH]) as bw,
    ):
        step(
            "media.upload",
            lambda: bw.media.upload("demo-modern.png", PICTURE, content_type=PICTURE_TYPE),
            lambda _: "stored",
        )
        stored = step("media.list", lambda: [m for m in bw.media.iter() if m.media_name == "demo-modern.png"], len)
        media_url = str(stored[0].content)
        copy = step(
            "media.download",
            lambda: bw.media.download("demo-modern.png"),
            lambda f: f"{len(f.content)} bytes {f.content_type}",
        )
        check((copy.content, copy.content_type) == (PICTURE, PICTURE_TYPE), "the media came back changed")
        application_id = step(
            "applications.create",
            lambda: bw.applications.create(name="mms demo (modern)", incoming_message_url=_hook_url(root)),
        )
        offer = step(
            "available_numbers.search_local",
            lambda: bw.available_numbers.search_local(area_code="919", quantity=1),
            lambda o: o[0].number,
        )
        number = str(offer[0].number)
        number_id = step("phone_numbers.allocate", lambda: bw.phone_numbers.allocate(number=number))
        step(
            "phone_numbers.update (attach)",
            lambda: bw.phone_numbers.update(number_id, application_id=application_id),
            lambda _: application_id,
        )
        message_id = step(
            "messages.send (mms)",
            lambda: bw.messages.send(from_=number, to=BANDWIDTH_TO, text="Look at this", media=[media_url]),
        )
        events: list[MessageStatus] = step(
            "message event received at the application",
            lambda: inbox.wait(_of("bandwidth", MessageStatus, message_id), 1),
            lambda e: ", ".join(f"{x.status} ({x.outcome})" for x in e),
        )
        reply = _reply(target, step, inbox, number, media_url)
        charges = step(
            "account.iter_transactions",
            lambda: [t for t in bw.account.iter_transactions(number=number)],
            lambda ts: ", ".join(f"{t.product_type} {t.amount}" for t in ts),
        )
        products = sorted(str(t.product_type) for t in charges)
        check({"mms-out", "mms-in"} <= set(products), "a message was not charged")
        step("account.get", lambda: bw.account.get(), lambda a: f"balance {a.balance}")
        step("phone_numbers.delete (release)", lambda: bw.phone_numbers.delete(number_id), lambda _: number)
        step("applications.delete", lambda: bw.applications.delete(application_id), lambda _: application_id)
        step("media.delete", lambda: bw.media.delete("demo-modern.png"), lambda _: "deleted")
    return MmsResult(media_url, application_id, number, message_id, events, reply, products)


def legacy(target: Target, step: Reporter) -> MmsResult:
    """The BW-py drop-ins: ``bandwidth.client("account", ...)`` for the set-up, ``"messaging"`` to send."""
    step.begin("bandwidth mms legacy")
    token, secret = target.credentials[BANDWIDTH]
    endpoint, _, version = target.base_urls[BANDWIDTH].rpartition("/")
    options = {"api_endpoint": endpoint, "api_version": version}
    inbox = Inbox()
    account = legacy_bandwidth.client("account", BANDWIDTH_USER, token, secret, **options)
    messaging = legacy_bandwidth.client("messaging", BANDWIDTH_USER, token, secret, **options)
    with serving(_receiver(inbox)) as root, account, messaging:
        step(
            "upload_media_file",
            lambda: account.upload_media_file("demo-legacy.png", PICTURE, PICTURE_TYPE),
            lambda r: r[1].status_code,
        )
        listed = step(
            "list_media_files",
            lambda: [m for m in account.list_media_files() if m["media_name"] == "demo-legacy.png"],
            len,
        )
        media_url = str(listed[0]["content"])
        stream, content_type = step(
            "download_media_file", lambda: account.download_media_file("demo-legacy.png"), lambda r: r[1]
        )
        check((stream.read(), content_type) == (PICTURE, PICTURE_TYPE), "the media came back changed")
        application_id = step(
            "create_application",
            lambda: account.create_application(
                "mms demo (legacy)", incoming_message_url=_hook_url(root), callback_http_method="POST"
            ),
        )
        ordered = step(
            "search_and_order_local_numbers",
            lambda: account.search_and_order_local_numbers(area_code="919", quantity=1),
            lambda o: f"{o[0]['number']} ({o[0]['id']})",
        )
        number, number_id = str(ordered[0]["number"]), str(ordered[0]["id"])
        step(
            "update_phone_number (attach)",
            lambda: account.update_phone_number(number_id, application_id=application_id),
            lambda _: application_id,
        )
        message_id = step(
            "send_message (mms)", lambda: messaging.send_message(number, BANDWIDTH_TO, "Look at this", media=media_url)
        )
        events: list[MessageStatus] = step(
            "message event received at the application",
            lambda: inbox.wait(_of("bandwidth", MessageStatus, message_id), 1),
            lambda e: ", ".join(f"{x.status} ({x.outcome})" for x in e),
        )
        reply = _reply(target, step, inbox, number, media_url)
        charges = step(
            "list_account_transactions",
            lambda: list(account.list_account_transactions(number=number)),
            lambda ts: ", ".join(f"{t['product_type']} {t['amount']}" for t in ts),
        )
        products = sorted(str(t["product_type"]) for t in charges)
        check({"mms-out", "mms-in"} <= set(products), "a message was not charged")
        step("get_account", account.get_account, lambda a: f"balance {a['balance']}")
        step("delete_phone_number", lambda: account.delete_phone_number(number_id), lambda _: number)
        step("delete_application", lambda: account.delete_application(application_id), lambda _: application_id)
        step("delete_media_file", lambda: account.delete_media_file("demo-legacy.png"), lambda _: "deleted")
    return MmsResult(media_url, application_id, number, message_id, events, reply, products)
