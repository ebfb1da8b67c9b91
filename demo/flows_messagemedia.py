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
        step("reply injected (sandbox)", lambda: target.inject_reply("Stop", message_id), lambda _: "Stop")
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
