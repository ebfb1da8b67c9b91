"""MessageMedia flow, with HTTP Basic and with HMAC: send, status, schedule and cancel, delivery
reports (check and confirm), replies (inject one through the sandbox, check and confirm)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from messagemedia_messages_v1_client.resources import NewMessageParams
from smsclients import MessageMediaClient
from smsclients.legacy.messagemedia import (
    CancelScheduledMessageRequest,
    ConfirmDeliveryReportsAsReceivedRequest,
    ConfirmRepliesAsReceivedRequest,
    MessageMediaMessagesClient,
)

from .present import known
from .steps import MESSAGEMEDIA, MESSAGEMEDIA_TO, Reporter, Target, check


@dataclass(frozen=True)
class MessageMediaResult:
    message_id: str
    statuses: list[str]
    scheduled_id: str
    delivery_report_ids: list[str]
    reply_id: str
    reply_content: str


def _auth_name(hmac: bool) -> str:
    return "hmac" if hmac else "basic"


def modern(target: Target, step: Reporter, *, hmac: bool) -> MessageMediaResult:
    """``MessageMediaClient(..., hmac=...)``: ``.messages``, ``.delivery_reports``, ``.replies``."""
    step.begin(f"messagemedia {_auth_name(hmac)} modern")
    key, secret = target.credentials[MESSAGEMEDIA]
    text = f"demo ({_auth_name(hmac)}, modern)"
    with MessageMediaClient(key, secret, hmac=hmac, base_url=target.base_urls[MESSAGEMEDIA]) as mm:
        sent = step(
            "messages.send",
            lambda: mm.messages.send(
                [{"content": text, "destination_number": MESSAGEMEDIA_TO, "delivery_report": True}]
            ),
            lambda r: f"{known(r.messages)[0].message_id} {known(r.messages)[0].status}",
        )
        message_id = known(known(sent.messages)[0].message_id, "the message's id")
        statuses: list[str] = []
        for attempt in (1, 2):  # each status call is one sandbox tick: queued -> enroute -> delivered
            message = step(f"messages.status #{attempt}", lambda: mm.messages.status(message_id), lambda m: m.status)
            statuses.append(str(message.status))
        check(statuses[-1] == "delivered", f"status {statuses[-1]}, expected delivered")
        later: list[NewMessageParams] = [
            {"content": f"{text} later", "destination_number": MESSAGEMEDIA_TO, "scheduled": target.schedule_at}
        ]
        scheduled = step(
            "messages.send (scheduled)",
            lambda: mm.messages.send(later),
            lambda r: f"{known(r.messages)[0].message_id} at {known(r.messages)[0].scheduled}",
        )
        scheduled_id = known(known(scheduled.messages)[0].message_id, "the message's id")
        step("messages.cancel", lambda: mm.messages.cancel(scheduled_id), lambda _: f"{scheduled_id} cancelled")
        reports = step(
            "delivery_reports.check",
            lambda: [r for r in mm.delivery_reports.check() if r.message_id == message_id],
            lambda found: ", ".join(str(r.status) for r in found),
        )
        report_ids = [str(report.delivery_report_id) for report in reports]
        check(len(report_ids) > 0, "no delivery report for the message")
        step("delivery_reports.confirm", lambda: mm.delivery_reports.confirm(report_ids), lambda _: len(report_ids))
        step("reply injected (sandbox)", lambda: target.inject_reply("Yes please", message_id), lambda _: "Yes please")
        replies = step(
            "replies.check",
            lambda: [r for r in mm.replies.check() if r.message_id == message_id],
            lambda found: ", ".join(repr(r.content) for r in found),
        )
        check(len(replies) == 1, "expected exactly one reply to the message")
        reply_id = str(replies[0].reply_id)
        step("replies.confirm", lambda: mm.replies.confirm([reply_id]), lambda _: reply_id)
        left = step("replies.check (after confirm)", lambda: mm.replies.check(), lambda found: f"{len(found)} left")
        check(reply_id not in [str(r.reply_id) for r in left], "a confirmed reply came back")
        return MessageMediaResult(message_id, statuses, scheduled_id, report_ids, reply_id, str(replies[0].content))


def legacy(target: Target, step: Reporter, *, hmac: bool) -> MessageMediaResult:
    """The 1.1.0 drop-in ``MessageMediaMessagesClient(key, secret, use_hmac)``: plain dicts and 1.1.0 models."""
    step.begin(f"messagemedia {_auth_name(hmac)} legacy")
    key, secret = target.credentials[MESSAGEMEDIA]
    text = f"demo ({_auth_name(hmac)}, legacy)"
    client = MessageMediaMessagesClient(key, secret, hmac, base_url=target.base_urls[MESSAGEMEDIA])
    with client:
        body = {"messages": [{"content": text, "destination_number": MESSAGEMEDIA_TO, "delivery_report": True}]}
        sent = step(
            "create_send_messages", lambda: client.messages.create_send_messages(body), lambda r: _first(r.messages)
        )
        message_id = str((sent.messages or [{}])[0]["message_id"])
        statuses: list[str] = []
        for attempt in (1, 2):
            message = step(
                f"get_message_status #{attempt}",
                lambda: client.messages.get_message_status(message_id),
                lambda m: m["status"],
            )
            statuses.append(str(message["status"]))
        check(statuses[-1] == "delivered", f"status {statuses[-1]}, expected delivered")
        when = target.schedule_at.strftime("%Y-%m-%dT%H:%M:%S.000Z")
        later = {"messages": [{"content": f"{text} later", "destination_number": MESSAGEMEDIA_TO, "scheduled": when}]}
        scheduled = step(
            "create_send_messages (scheduled)",
            lambda: client.messages.create_send_messages(later),
            lambda r: _first(r.messages),
        )
        scheduled_id = str((scheduled.messages or [{}])[0]["message_id"])
        step(
            "update_cancel_scheduled_message",
            lambda: client.messages.update_cancel_scheduled_message(
                scheduled_id, CancelScheduledMessageRequest("cancelled")
            ),
            lambda _: f"{scheduled_id} cancelled",
        )
        checked = step(
            "get_check_delivery_reports",
            lambda: client.delivery_reports.get_check_delivery_reports(),
            lambda r: f"{len(r.delivery_reports or [])} reports",
        )
        report_ids = [
            str(report["delivery_report_id"])
            for report in checked.delivery_reports or []
            if report["message_id"] == message_id
        ]
        check(len(report_ids) > 0, "no delivery report for the message")
        step(
            "create_confirm_delivery_reports_as_received",
            lambda: client.delivery_reports.create_confirm_delivery_reports_as_received(
                ConfirmDeliveryReportsAsReceivedRequest(report_ids)
            ),
            lambda _: len(report_ids),
        )
        # Not an opt-out keyword: a "Stop" reply puts the handset on the account's blacklist (as
        # MessageMedia does), and the flows after this one send to it.
        step("reply injected (sandbox)", lambda: target.inject_reply("Nope", message_id), lambda _: "Nope")
        replies = step(
            "get_check_replies",
            lambda: client.replies.get_check_replies(),
            lambda r: f"{len(r.replies or [])} replies",
        )
        mine = [reply for reply in replies.replies or [] if reply["message_id"] == message_id]
        check(len(mine) == 1, "expected exactly one reply to the message")
        reply_id = str(mine[0]["reply_id"])
        step(
            "create_confirm_replies_as_received",
            lambda: client.replies.create_confirm_replies_as_received(ConfirmRepliesAsReceivedRequest([reply_id])),
            lambda _: reply_id,
        )
        return MessageMediaResult(message_id, statuses, scheduled_id, report_ids, reply_id, str(mine[0]["content"]))


def _first(messages: list[dict[str, Any]] | None) -> str:
    check(bool(messages), "no message in the response")
    first = (messages or [{}])[0]
    return f"{first.get('message_id')} {first.get('status')}"


# ----------------------------------------------------------------------------- management APIs

# The payload of the demo's webhook, in MessageMedia's template language: the receiver is told the
# same template, so `parse_event` reads each templated body into a typed MessageStatus.
DEMO_TEMPLATE = (
    '{"report": "$drId", "message": "$mtId", "state": "$status", "code": "$statusCode",'
    ' "handset": "$sourceAddress", "at": "$submittedTimestamp", "attempt": $retryCount}'
)
BLOCKED_TO = "+61491570157"


@dataclass(frozen=True)
class TemplatedWebhookResult:
    message_id: str
    statuses: list[str]
    blocked_status: str
    carrier: str


def templated_webhooks(target: Target, step: Reporter) -> TemplatedWebhookResult:
    """Webhooks with a template, signed with a key of our own; the opt-out list; a number lookup."""
    from smsclients.webhooks import MessageMediaSignatureVerifier, MessageStatus, WebhookASGIApp

    from .flows_webhooks import Inbox, serving

    step.begin("messagemedia mgmt modern")
    key, secret = target.credentials[MESSAGEMEDIA]
    inbox = Inbox()
    with MessageMediaClient(key, secret, base_url=target.base_urls[MESSAGEMEDIA]) as mm:
        signing = step("signature_keys.create", lambda: mm.signature_keys.create(digest="SHA256"), lambda k: k.key_id)
        key_id, public_key = str(signing.key_id), str(signing.public_key)
        step("signature_keys.enable", lambda: mm.signature_keys.enable(key_id), lambda k: f"{k.key_id} {k.enabled}")
        verifier = MessageMediaSignatureVerifier({key_id: public_key})
        app = WebhookASGIApp("messagemedia", inbox, verifiers=[verifier], template=DEMO_TEMPLATE)
        try:
            with serving(app) as url:
                hook = step(
                    "webhooks.create (templated)",
                    lambda: mm.webhooks.create(
                        url=url + "/reports",
                        method="POST",
                        encoding="JSON",
                        events=["ENROUTE_DR", "DELIVERED_DR"],
                        template=DEMO_TEMPLATE,
                    ),
                    lambda w: w.id,
                )
                hook_id = str(hook.id)
                listed = step("webhooks.list", lambda: mm.webhooks.list(page=0, page_size=10), lambda p: p.page_size)
                page = listed.page_data if isinstance(listed.page_data, list) else []
                check(any(w.id == hook_id for w in page), "the new webhook is not listed")
                step("webhooks.update", lambda: mm.webhooks.update(hook_id, retry_delay=5), lambda w: w.retry_delay)
                sent = step(
                    "messages.send",
                    lambda: mm.messages.send(
                        [{"content": "templated", "destination_number": MESSAGEMEDIA_TO, "delivery_report": True}]
                    ),
                    lambda r: known(r.messages, "messages")[0].message_id,
                )
                message_id = str(known(sent.messages, "messages")[0].message_id)
                for attempt in (1, 2):  # each status call is one sandbox tick: enroute, then delivered
                    step(f"messages.status #{attempt}", lambda: mm.messages.status(message_id), lambda m: m.status)

                def mine(events: list[Any]) -> list[MessageStatus]:
                    return [e for e in events if isinstance(e, MessageStatus) and e.message_id == message_id]

                reports = step(
                    "templated reports received (signed)",
                    lambda: inbox.wait(mine, 2),
                    lambda found: ", ".join(f"{e.status} {e.error_code}" for e in found),
                )
                statuses = sorted(str(e.status) for e in reports)  # deliveries run in parallel: any order
                check(statuses == ["delivered", "enroute"], f"statuses {statuses}")
                step("webhooks.delete", lambda: mm.webhooks.delete(hook_id), lambda _: hook_id)
        finally:
            mm.signature_keys.disable()  # back to the sandbox's own key for the flows after this one
            mm.signature_keys.delete(key_id)
        step("number_authorisation.block", lambda: mm.number_authorisation.block([BLOCKED_TO]), lambda r: r.numbers)
        authorised = step(
            "number_authorisation.is_authorised",
            lambda: mm.number_authorisation.is_authorised(f"{MESSAGEMEDIA_TO},{BLOCKED_TO}"),
            lambda r: ", ".join(f"{n.number} {n.authorised}" for n in known(r.numbers, "numbers")),
        )
        check(
            [n.authorised for n in known(authorised.numbers, "numbers")] == [True, False],
            "the blocked number is authorised",
        )
        blocked = step(
            "messages.send (to the opted-out number)",
            lambda: mm.messages.send([{"content": "never delivered", "destination_number": BLOCKED_TO}]),
            lambda r: known(r.messages, "messages")[0].status,
        )
        blocked_id = str(known(blocked.messages, "messages")[0].message_id)
        blocked_status = step("messages.status", lambda: mm.messages.status(blocked_id), lambda m: m.status)
        check(blocked_status.status == "rejected", f"a message to an opted-out number is {blocked_status.status}")
        step("number_authorisation.unblock", lambda: mm.number_authorisation.unblock(BLOCKED_TO), lambda _: BLOCKED_TO)
        found = step(
            "lookups.lookup",
            lambda: mm.lookups.lookup(MESSAGEMEDIA_TO, options="carrier,type"),
            lambda r: f"{r.country_code} {r.type_} {r.carrier.name if r.carrier else None}",
        )
        carrier = found.carrier.name if found.carrier else None
        return TemplatedWebhookResult(message_id, statuses, str(blocked_status.status), str(carrier))


def management_legacy(target: Target, step: Reporter) -> dict[str, Any]:
    """The Webhooks and Lookups SDK drop-ins: their clients, controllers, models and argument orders."""
    from smsclients.legacy.messagemedia_lookups import MessageMediaLookupsClient
    from smsclients.legacy.messagemedia_webhooks import (
        CreateWebhookRequest,
        MessageMediaWebhooksClient,
        UpdateWebhookRequest,
    )

    step.begin("messagemedia mgmt legacy")
    key, secret = target.credentials[MESSAGEMEDIA]
    base = target.base_urls[MESSAGEMEDIA]
    with MessageMediaWebhooksClient(key, secret, base_uri=base) as client:
        webhooks = client.webhooks
        body = CreateWebhookRequest("http://webhook.com", "POST", "JSON", None, ["ENROUTE_DR"], DEMO_TEMPLATE)
        created = step("create_webhook", lambda: webhooks.create_webhook(body), lambda r: r["id"])
        step("retrieve_webhook", lambda: webhooks.retrieve_webhook(0, 10), lambda r: len(r["pageData"]))
        update = UpdateWebhookRequest("https://myurl.com", "POST", "FORM_ENCODED", ["ENROUTE_DR"], "id=$mtId")
        step("update_webhook", lambda: webhooks.update_webhook(created["id"], update), lambda r: r["encoding"])
        step("delete_webhook", lambda: webhooks.delete_webhook(created["id"]), lambda _: created["id"])
    with MessageMediaLookupsClient(key, secret, base_uri=base) as lookups_client:
        found = step(
            "get_lookup_a_phone_number",
            lambda: lookups_client.lookups.get_lookup_a_phone_number(MESSAGEMEDIA_TO, "carrier,type"),
            lambda r: f"{r.country_code} {r.mtype} {r.carrier}",
        )
    return {"webhook_id": created["id"], "country_code": found.country_code}
