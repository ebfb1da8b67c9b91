"""MessageMedia Messages v1 against the sandbox, with plain httpx (Basic auth)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from smsclients_sandbox import SandboxHandle

from tests.sandbox.helpers import client, mm_message

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["message"], str) and body["message"]
    if status == 400:
        assert isinstance(body["details"], list) and body["details"]
    return dict(body)


def _send(c: httpx.Client, *messages: dict[str, Any]) -> list[dict[str, Any]]:
    response = c.post("/v1/messages", json={"messages": list(messages)})
    assert response.status_code == 202, response.text
    result: list[dict[str, Any]] = response.json()["messages"]
    return result


def _future(minutes: int = 60) -> str:
    return (datetime.now(UTC) + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def test_send_echoes_messages_with_id_and_queued_status(messagemedia: httpx.Client) -> None:
    sent = _send(messagemedia, mm_message("one", metadata={"k": "v"}), mm_message("two", format="SMS"))
    assert [m["content"] for m in sent] == ["one", "two"]
    assert all(UUID.fullmatch(m["message_id"]) and m["status"] == "queued" for m in sent)
    assert sent[0]["metadata"] == {"k": "v"}


def test_status_progresses_deterministically(messagemedia: httpx.Client, sb: SandboxHandle) -> None:
    (message,) = _send(messagemedia, mm_message())
    url = f"/v1/messages/{message['message_id']}"
    assert messagemedia.get(url).json()["status"] == "enroute"  # each status look-up is one tick
    assert messagemedia.get(url).json()["status"] == "delivered"
    assert messagemedia.get(url).json()["status"] == "delivered"
    _error(messagemedia.get("/v1/messages/00000000-0000-4000-8000-000000000000"), 404)
    _error(messagemedia.get("/v1/messages/not-a-uuid"), 404)


def test_send_is_all_or_nothing(messagemedia: httpx.Client, sb: SandboxHandle) -> None:
    bad = messagemedia.post("/v1/messages", json={"messages": [mm_message(), {"content": "no destination"}]})
    error = _error(bad, 400)
    assert any("destination_number" in d for d in error["details"])
    too_many = messagemedia.post("/v1/messages", json={"messages": [mm_message()] * 101})
    _error(too_many, 400)
    rule = messagemedia.post(
        "/v1/messages", json={"messages": [mm_message(), mm_message(source_number_type="INTERNATIONAL")]}
    )
    _error(rule, 400)  # source_number_type without source_number: a rule beyond the schema
    assert sb.stats()["accepted"]["messagemedia-messages-v1"] == 0
    malformed = messagemedia.post("/v1/messages", content=b"{", headers={"content-type": "application/json"})
    assert _error(malformed, 400)["details"] == ["Failed to parse message body."]


def test_only_scheduled_messages_can_be_cancelled(messagemedia: httpx.Client) -> None:
    scheduled, immediate, past = _send(
        messagemedia, mm_message(scheduled=_future()), mm_message(), mm_message(scheduled="2016-11-03T11:49:02.807Z")
    )
    assert messagemedia.get(f"/v1/messages/{scheduled['message_id']}").json()["status"] == "scheduled"
    cancel = {"status": "cancelled"}
    done = messagemedia.put(f"/v1/messages/{scheduled['message_id']}", json=cancel)
    assert done.status_code == 200 and done.content == b""
    assert messagemedia.get(f"/v1/messages/{scheduled['message_id']}").json()["status"] == "cancelled"
    _error(messagemedia.put(f"/v1/messages/{scheduled['message_id']}", json=cancel), 400)  # already cancelled
    _error(messagemedia.put(f"/v1/messages/{immediate['message_id']}", json=cancel), 400)
    _error(messagemedia.put(f"/v1/messages/{past['message_id']}", json=cancel), 400)  # scheduled in the past
    _error(messagemedia.put(f"/v1/messages/{scheduled['message_id']}", json={"status": "delivered"}), 400)
    _error(messagemedia.put("/v1/messages/00000000-0000-4000-8000-000000000000", json=cancel), 404)


def test_delivery_reports_check_and_confirm(messagemedia: httpx.Client, sb: SandboxHandle) -> None:
    with_reports, _without = _send(
        messagemedia, mm_message("report me", delivery_report=True, metadata={"a": "b"}), mm_message("silent")
    )
    first = messagemedia.get("/v1/delivery_reports").json()["delivery_reports"]
    assert [(r["message_id"], r["status"]) for r in first] == [(with_reports["message_id"], "enroute")]
    report = first[0]
    assert report["source_number"] == "+61491570156" and report["original_text"] == "report me"
    assert report["metadata"] == {"a": "b"} and report["delay"] == 0
    assert report["vendor_account_id"] == {"vendor_id": "MessageMedia", "account_id": "sandbox-api-key"}

    second = messagemedia.get("/v1/delivery_reports").json()["delivery_reports"]
    assert [r["status"] for r in second] == ["enroute", "delivered"]  # unconfirmed ones stay, oldest first
    confirmed = messagemedia.post(
        "/v1/delivery_reports/confirmed", json={"delivery_report_ids": [r["delivery_report_id"] for r in second]}
    )
    assert confirmed.status_code == 202 and confirmed.content == b""
    assert messagemedia.get("/v1/delivery_reports").json() == {"delivery_reports": []}
    _error(messagemedia.post("/v1/delivery_reports/confirmed", json={"delivery_report_ids": []}), 400)


def test_check_returns_at_most_100_oldest_first(messagemedia: httpx.Client, sb: SandboxHandle) -> None:
    for batch in range(3):
        _send(messagemedia, *[mm_message(f"m{batch}-{i}", delivery_report=True) for i in range(50)])
    sb.advance()  # 150 enroute reports
    reports = messagemedia.get("/v1/delivery_reports").json()["delivery_reports"]
    assert len(reports) == 100
    assert reports[0]["original_text"] == "m0-0" and reports[-1]["original_text"] == "m1-49"
    messagemedia.post(
        "/v1/delivery_reports/confirmed", json={"delivery_report_ids": [r["delivery_report_id"] for r in reports]}
    )
    rest = messagemedia.get("/v1/delivery_reports").json()["delivery_reports"]
    # 50 enroute left from the first tick, and the second tick's 150 delivered reports behind them
    assert rest[0]["original_text"] == "m2-0" and rest[0]["status"] == "enroute" and len(rest) == 100


def test_replies_are_injected_checked_and_confirmed(messagemedia: httpx.Client, sb: SandboxHandle) -> None:
    (message,) = _send(messagemedia, mm_message(source_number="+61491570157", metadata={"k": "v"}))
    reply = sb.inject_reply("Yes please", message_id=message["message_id"])
    assert reply["source_number"] == "+61491570156" and reply["destination_number"] == "+61491570157"
    sb.inject_reply("Unprompted", source_number="+61400000000")
    replies = messagemedia.get("/v1/replies").json()["replies"]
    assert [r["content"] for r in replies] == ["Yes please", "Unprompted"]
    assert replies[0]["message_id"] == message["message_id"] and replies[0]["metadata"] == {"k": "v"}
    assert "destination_number" not in replies[1]
    response = messagemedia.post("/v1/replies/confirmed", json={"reply_ids": [replies[0]["reply_id"]]})
    assert response.status_code == 202
    assert [r["content"] for r in messagemedia.get("/v1/replies").json()["replies"]] == ["Unprompted"]


def test_reply_injection_endpoint_errors(sb: SandboxHandle) -> None:
    with httpx.Client(base_url=sb.url) as c:
        assert c.post("/_sandbox/messagemedia/replies", json={}).status_code == 400
        unknown = c.post(
            "/_sandbox/messagemedia/replies",
            json={"content": "x", "message_id": "00000000-0000-4000-8000-000000000000"},
        )
        assert unknown.status_code == 404


def test_wrong_basic_credentials_get_messagemedia_403(sb: SandboxHandle) -> None:
    with client(sb, "messagemedia-messages-v1", auth=("sandbox-api-key", "wrong")) as c:
        error = _error(c.post("/v1/messages", json={"messages": [mm_message()]}), 403)
        assert error["message"] == "Invalid authentication credentials"
        _error(c.get("/v1/replies"), 403)
    with httpx.Client(base_url=sb.base_urls["messagemedia-messages-v1"]) as anonymous:
        _error(anonymous.get("/v1/delivery_reports"), 403)
    assert sb.stats()["accepted_total"] == 0
