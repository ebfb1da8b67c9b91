"""MessageMedia Messages v1: send, status, cancel, delivery reports and replies.

Progress is deterministic rather than timed: every ``get_message_status`` and every
``check_delivery_reports`` call is one tick, and each tick moves every in-flight message one
step, ``queued -> enroute -> delivered``, queueing a delivery report per step for messages sent
with ``delivery_report: true``. A message scheduled in the future stays ``scheduled`` (and
cancellable) until its time has passed; only then does it start moving. Replies do not happen
by themselves: inject them with ``POST /_sandbox/messagemedia/replies``.

Accounts: the ``Account`` header may name the key's own account or one of :data:`SUB_ACCOUNTS`;
any other is refused with a 403, as the provider refuses an account the key may not act for.
Each account has a prepaid credit count (``GET /v1/messaging/credits``) that every accepted
message decrements.

A message to a magic outcome number (:mod:`smsclients_sandbox.magic`) ends ``undeliverable``, or stays ``enroute``
until its delay has passed; :meth:`MessageMedia.finish` ends one at once (the inbox's buttons).
Every status change is kept in the message's ``history`` for the inbox.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from smsclients_sandbox import magic
from smsclients_sandbox.billing import segments
from smsclients_sandbox.state import State, iso_z, parse_timestamp
from smsclients_sandbox.surfaces import Surface
from smsclients_sandbox.wire import Call, Handler, Operation, ProviderError, Reply, dig

MESSAGES = "mm.msg"
IN_FLIGHT = "mm.inflight"
REPORTS = "mm.dr"
REPLIES = "mm.reply"
CREDITS = "mm.credits"
REPLY_LOG = "mm.reply.log"  # every reply ever injected (confirming removes them from REPLIES)
CHECK_LIMIT = 100
# Sub-accounts of the sandbox's key: the names MM-docs use in its examples (Sub-accounts section
# and vendor_account_id). Any other Account header is a foreign account.
SUB_ACCOUNTS = frozenset({"MyAccount", "SubAccount", "mySubAccount"})
INITIAL_CREDITS = 1000
NEXT_STATUS = {"queued": "enroute", "enroute": "delivered"}
ECHOED = (
    "content",
    "destination_number",
    "callback_url",
    "delivery_report",
    "format",
    "source_number",
    "source_number_type",
    "scheduled",
    "message_expiry_timestamp",
    "metadata",
    "media",
    "subject",
)


class MessageMedia:
    """Handlers of ``messagemedia-messages-v1.yaml`` plus the reply-injection hook."""

    def __init__(self, state: State, surface: Surface) -> None:
        self.state = state
        self.surface = surface
        # Set by the management APIs (messagemedia_management.py): the account's opt-out list,
        # and who hears of each delivery report ("DR") and reply ("MO") besides the callback URL.
        self.blocked: Callable[[str, str], bool] = lambda account, number: False
        self.listeners: list[Callable[[str, dict[str, Any], dict[str, Any]], None]] = []

    def operations(self) -> list[Operation]:
        s = self.surface
        operations = [
            Operation(s, "POST", "/v1/messages", "send_messages", self.send),
            Operation(s, "GET", "/v1/messages/{messageId}", "get_message_status", self.status),
            Operation(s, "PUT", "/v1/messages/{messageId}", "cancel_scheduled_message", self.cancel),
            Operation(s, "GET", "/v1/delivery_reports", "check_delivery_reports", self.check_reports),
            Operation(s, "POST", "/v1/delivery_reports/confirmed", "confirm_delivery_reports", self.confirm_reports),
            Operation(s, "GET", "/v1/replies", "check_replies", self.check_replies),
            Operation(s, "POST", "/v1/replies/confirmed", "confirm_replies", self.confirm_replies),
            Operation(s, "GET", "/v1/messaging/credits", "check_credits_remaining", self.credits),
        ]
        return [replace(op, handler=self._for_account(op.handler)) for op in operations]

    # ------------------------------------------------------------------ accounts
    def _for_account(self, handler: Handler) -> Handler:
        """``handler`` behind the Account check every MessageMedia operation makes."""

        def checked(call: Call) -> Reply:
            account = call.headers.get("account")
            if account is not None and account != call.user and account not in SUB_ACCOUNTS:
                raise ProviderError(403, "Access to the requested account is denied.", details=[f"account: {account}"])
            return handler(call)

        return checked

    @staticmethod
    def _account(call: Call) -> str:
        return call.headers.get("account") or call.user

    def credits(self, call: Call) -> Reply:
        return Reply(200, {"credits": self._credits(self._account(call))})

    def _credits(self, account: str) -> int:
        doc = self.state.store.get(CREDITS, account)
        return INITIAL_CREDITS if doc is None else int(doc["credits"])

    # ------------------------------------------------------------------ messages
    def send(self, call: Call) -> Reply:
        messages = dig(call.body, "messages")
        if not isinstance(messages, list) or not 1 <= len(messages) <= CHECK_LIMIT:
            raise ProviderError(400, "Request failed validation.", details=["messages: 1 to 100 messages required"])
        # All or nothing: check every message before storing any.
        problems = [p for i, m in enumerate(messages) for p in _problems(i, m)]
        if problems:
            raise ProviderError(400, "Request failed validation.", details=problems)
        account = self._account(call)
        now = self.state.now()
        accepted = []
        for item in messages:
            message_id = self.state.ids.uuid("mm.msg")
            message = {k: item[k] for k in ECHOED if k in item}
            scheduled_at = parse_timestamp(item["scheduled"]) if item.get("scheduled") else None
            future = scheduled_at is not None and scheduled_at > now
            stored = {**message, "message_id": message_id, "status": "scheduled" if future else "queued"}
            doc = {
                "message": stored,
                "account": account,
                "scheduled_at": scheduled_at.timestamp() if future and scheduled_at else None,
                "history": [{"status": stored["status"], "at": iso_z(now)}],
                "outcome": magic.outcome(item.get("destination_number")),
                "due": now.timestamp() + magic.DELAY_S,
            }
            self.state.store.put(MESSAGES, message_id, doc)
            self.state.store.put(IN_FLIGHT, message_id, {"id": message_id})
            content = str(item.get("content", ""))
            billed = segments(content) if item.get("format", "SMS") == "SMS" else None
            self.state.stats.accepted(self.surface.name, content, billed)
            accepted.append({**message, "message_id": message_id, "status": "queued"})
        left = max(0, self._credits(account) - len(accepted))
        self.state.store.put(CREDITS, account, {"credits": left})
        return Reply(202, {"messages": accepted})

    def _message(self, call: Call) -> dict[str, Any]:
        doc = self.state.store.get(MESSAGES, call.path_params["messageId"].lower())
        if doc is None:
            raise ProviderError(404, "Resource not found.")
        return doc

    def status(self, call: Call) -> Reply:
        self.advance()
        return Reply(200, self._message(call)["message"])

    def cancel(self, call: Call) -> Reply:
        doc = self._message(call)
        self._release_due(doc)
        message = doc["message"]
        if message["status"] != "scheduled":
            raise ProviderError(
                400,
                "Request failed validation.",
                details=[f"Only scheduled messages can be cancelled; this message is {message['status']}."],
            )
        if dig(call.body, "status") != "cancelled":
            raise ProviderError(400, "Request failed validation.", details=['status: must be "cancelled"'])
        message["status"] = "cancelled"
        self.state.store.put(MESSAGES, message["message_id"], doc)
        self.state.store.delete(IN_FLIGHT, message["message_id"])
        return Reply(200, empty=True)  # Content-Type: the spec's x-content-type

    # ------------------------------------------------------------------ progress
    def _release_due(self, doc: dict[str, Any]) -> bool:
        """A scheduled message whose time has come becomes queued; True if it changed."""
        due = doc.get("scheduled_at")
        if doc["message"]["status"] == "scheduled" and due is not None and due <= self.state.now().timestamp():
            doc["message"]["status"] = "queued"
            doc["scheduled_at"] = None
            return True
        return False

    def advance(self, steps: int = 1) -> None:
        """Move every in-flight message ``steps`` steps forward (one tick each)."""
        for _ in range(steps):
            for message_id in [str(d["id"]) for d in self.state.store.scan(IN_FLIGHT)]:
                doc = self.state.store.get(MESSAGES, message_id)
                if doc is None:
                    self.state.store.delete(IN_FLIGHT, message_id)
                    continue
                message = doc["message"]
                if self._release_due(doc):
                    self.state.store.put(MESSAGES, message_id, doc)
                    continue
                following = NEXT_STATUS.get(message["status"])
                if message["status"] == "queued" and self.blocked(doc["account"], message["destination_number"]):
                    following = "rejected"  # an opted-out number: a delivery report, never a delivery
                outcome = doc.get("outcome") if following == "delivered" else None
                if outcome == "undeliverable":
                    following = "undeliverable"
                elif outcome == "delayed" and self.state.now().timestamp() < float(doc.get("due") or 0):
                    continue  # still on its way
                if following is None:
                    if message["status"] != "scheduled":
                        self.state.store.delete(IN_FLIGHT, message_id)
                    continue
                message["status"] = following
                doc.setdefault("history", []).append({"status": following, "at": iso_z(self.state.now())})
                self.state.store.put(MESSAGES, message_id, doc)
                if following not in NEXT_STATUS:
                    self.state.store.delete(IN_FLIGHT, message_id)
                if message.get("delivery_report") is True:
                    self._report(doc, following)

    def finish(self, message_id: str, status: str) -> dict[str, Any]:
        """End a message now with ``status`` (``delivered``, ``failed``, ...), with its delivery report."""
        doc = self.state.store.get(MESSAGES, message_id.lower())
        if doc is None:
            raise ProviderError(404, "Resource not found.")
        doc["message"]["status"] = status
        doc.setdefault("history", []).append({"status": status, "at": iso_z(self.state.now())})
        self.state.store.put(MESSAGES, doc["message"]["message_id"], doc)
        self.state.store.delete(IN_FLIGHT, doc["message"]["message_id"])
        if doc["message"].get("delivery_report") is True:
            self._report(doc, status)
        return dict(doc["message"])

    def _report(self, doc: dict[str, Any], status: str) -> None:
        message = doc["message"]
        now = iso_z(self.state.now())
        report: dict[str, Any] = {
            "delivery_report_id": self.state.ids.uuid("mm.dr"),
            "message_id": message["message_id"],
            "source_number": message["destination_number"],
            "date_received": now,
            "status": status,
            "delay": 0,
            "submitted_date": now,
            "original_text": message["content"],
            "vendor_account_id": {"vendor_id": "MessageMedia", "account_id": doc["account"]},
        }
        for key in ("callback_url", "metadata"):
            if key in message:
                report[key] = message[key]
        self.state.store.put(REPORTS, report["delivery_report_id"], report)
        self.state.callbacks.messagemedia_report(report)
        for listener in self.listeners:
            listener("DR", report, doc)

    # ------------------------------------------------------------------ check / confirm
    def check_reports(self, call: Call) -> Reply:
        self.advance()
        return Reply(200, {"delivery_reports": self.state.store.scan(REPORTS)[:CHECK_LIMIT]})

    def confirm_reports(self, call: Call) -> Reply:
        return self._confirm(call, "delivery_report_ids", REPORTS)

    def check_replies(self, call: Call) -> Reply:
        return Reply(200, {"replies": self.state.store.scan(REPLIES)[:CHECK_LIMIT]})

    def confirm_replies(self, call: Call) -> Reply:
        return self._confirm(call, "reply_ids", REPLIES)

    def _confirm(self, call: Call, field: str, kind: str) -> Reply:
        ids = dig(call.body, field)
        if not isinstance(ids, list) or not 1 <= len(ids) <= CHECK_LIMIT:
            raise ProviderError(400, "Request failed validation.", details=[f"{field}: 1 to 100 ids required"])
        for item in ids:  # unknown or already confirmed ids are ignored, as the queue semantics allow
            if isinstance(item, str):
                self.state.store.delete(kind, item.lower())
        return Reply(202, empty=True)  # Content-Type: the spec's x-content-type

    # ------------------------------------------------------------------ sandbox hook
    def inject_reply(self, payload: Any, account: str) -> dict[str, Any]:
        """Record an inbound reply and push it to its callback URL.

        ``payload`` is ``{content, message_id?, source_number?, destination_number?, callback_url?}``.
        """
        if not isinstance(payload, dict) or not isinstance(payload.get("content"), str) or not payload["content"]:
            raise ProviderError(400, "Request failed validation.", details=["content: a non-empty string is required"])
        reply: dict[str, Any] = {"reply_id": self.state.ids.uuid("mm.reply"), "content": payload["content"]}
        original = None
        if payload.get("message_id") is not None:
            doc = self.state.store.get(MESSAGES, str(payload["message_id"]).lower())
            if doc is None:
                raise ProviderError(404, "Resource not found.")
            original = doc["message"]
            account = doc["account"]
            reply["message_id"] = original["message_id"]
        source = payload.get("source_number") or (original or {}).get("destination_number") or "+61491570156"
        reply["source_number"] = str(source)
        destination = payload.get("destination_number") or (original or {}).get("source_number")
        if destination:
            reply["destination_number"] = str(destination)
        reply["date_received"] = iso_z(self.state.now())
        for key in ("callback_url", "metadata"):
            if original and key in original:
                reply[key] = original[key]
        reply["vendor_account_id"] = {"vendor_id": "MessageMedia", "account_id": account}
        self.state.store.put(REPLIES, reply["reply_id"], reply)
        self.state.store.put(REPLY_LOG, reply["reply_id"], reply)
        callback = payload.get("callback_url")
        self.state.callbacks.messagemedia_reply(reply, explicit=callback if isinstance(callback, str) else None)
        for listener in self.listeners:
            listener("MO", reply, {"message": original or {}, "account": account})
        return reply


def _problems(index: int, message: Any) -> list[str]:
    """Rules beyond the schema (the schema itself is checked before the handler runs)."""
    where = f"messages[{index}]"
    if not isinstance(message, dict):
        return [f"{where}: must be an object"]
    problems = []
    for key in ("content", "destination_number"):
        if not isinstance(message.get(key), str) or not message[key]:
            problems.append(f"{where}.{key}: is required")
    if "source_number_type" in message and "source_number" not in message:
        problems.append(f"{where}.source_number_type: only valid together with source_number")
    if ("media" in message or "subject" in message) and message.get("format") != "MMS":
        problems.append(f"{where}: media and subject need format MMS")
    for key in ("scheduled", "message_expiry_timestamp"):
        if isinstance(message.get(key), str) and parse_timestamp(message[key]) is None:
            problems.append(f"{where}.{key}: is not a valid date-time")
    return problems
