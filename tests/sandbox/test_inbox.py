"""The inbox's data and actions without a browser: magic numbers, outcomes, the guard, the event stream.

The page itself is driven by a real browser in ``tests/browser``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from smsclients_sandbox import SandboxHandle, magic, running

from tests.sandbox.helpers import FR_JSON, client

FR_FROM = "12012673227"  # an account number of the seed (S001)
BW_FROM = "+19195551212"
ERROR_CASES = sorted(set(magic.ERROR_NUMBERS.values()))
NUMBER_OF: dict[str, str] = {case: number for number, case in magic.ERROR_NUMBERS.items()}
OUTCOME_NUMBER: dict[str, str] = {name: number for number, name in magic.OUTCOME_NUMBERS.items()}


@pytest.fixture(scope="module")
def sb() -> Iterator[SandboxHandle]:
    with running(seed=3) as handle:
        yield handle


@pytest.fixture(autouse=True)
def _fresh(sb: SandboxHandle) -> None:
    sb.reset()


def _send(sb: SandboxHandle, surface: str, to: str) -> httpx.Response:
    """One send to ``to`` on ``surface``, in the body shape that surface documents."""
    with client(sb, surface) as http:
        if surface == "flowroute-messages-v2":
            return http.post("/messages", json={"to": to, "from": FR_FROM, "body": "hi"})
        if surface == "flowroute-v2":
            body = {"data": {"type": "message", "attributes": {"to": to, "from": FR_FROM, "body": "hi"}}}
            return http.post("/v2.1/messages", content=json.dumps(body), headers=FR_JSON)
        if surface == "bandwidth-messaging-v1":
            return http.post("/users/u-1/messages", json={"from": BW_FROM, "to": "+" + to, "text": "hi"})
        message: dict[str, Any] = {"content": "hi", "destination_number": "+" + to, "delivery_report": True}
        return http.post("/v1/messages", json={"messages": [message]})


SURFACES = ["flowroute-messages-v2", "flowroute-v2", "bandwidth-messaging-v1", "messagemedia-messages-v1"]


@pytest.mark.parametrize("surface", SURFACES)
@pytest.mark.parametrize("case", ERROR_CASES)
def test_each_magic_error_number_answers_the_providers_error(sb: SandboxHandle, surface: str, case: str) -> None:
    response = _send(sb, surface, NUMBER_OF[case])
    provider = surface.split("-")[0]
    expected = magic.ERRORS[case][provider]  # type: ignore[index]
    status = 403 if (surface == "flowroute-messages-v2" and expected.status == 422) else expected.status
    assert response.status_code == status
    body = response.json()
    if provider == "flowroute":
        assert body["errors"][0]["status"] == status and body["errors"][0]["detail"] == expected.message
    elif provider == "bandwidth":
        assert body["message"] == expected.message and {"code", "category"} <= set(body)
    else:
        assert body["message"] in ("Request failed validation.", expected.message)
    if case == "rate-limited":
        assert response.headers["Retry-After"] == "1"
    assert sb.stats()["accepted"][surface] == 0  # nothing was sent
    assert sb.stats()["spec_violations"] == 0


def test_a_magic_number_in_a_bandwidth_batch_fails_that_item_only(sb: SandboxHandle) -> None:
    items = [{"from": BW_FROM, "to": "+15005550003", "text": "a"}, {"from": BW_FROM, "to": "+15550001", "text": "b"}]
    with client(sb, "bandwidth-messaging-v1") as http:
        results = http.post("/users/u-1/messages", json=items).json()
    assert results[0]["result"] == "error" and results[0]["error"]["code"] == "forbidden"
    assert results[1]["result"] == "accepted"


def test_the_typed_clients_raise_the_typed_error(sb: SandboxHandle) -> None:
    from smsclients import BandwidthClient, FlowrouteClient, MessageMediaClient
    from smsclients.errors import BadRequestError, PermissionDeniedError, RateLimitError, UnprocessableEntityError

    key, secret = sb.credentials["flowroute-v2"]
    with FlowrouteClient(key, secret, base_url=sb.base_urls["flowroute-v2"]) as fr:
        with pytest.raises(UnprocessableEntityError, match="cannot be routed"):
            fr.messages.send(to="15005550002", from_=FR_FROM, body="hi")
        with pytest.raises(RateLimitError):
            fr.messages.send(to="15005550004", from_=FR_FROM, body="hi", max_retries=0)
    token, bw_secret = sb.credentials["bandwidth-messaging-v1"]
    bw = BandwidthClient("u-1", token, bw_secret, base_url=sb.base_urls["bandwidth-messaging-v1"])
    with bw, pytest.raises(PermissionDeniedError, match="opted out"):
        bw.messages.send(from_=BW_FROM, to="+15005550003", text="hi")
    key, secret = sb.credentials["messagemedia-messages-v1"]
    mm = MessageMediaClient(key, secret, base_url=sb.base_urls["messagemedia-messages-v1"])
    with mm, pytest.raises(BadRequestError, match="not a valid phone number"):
        mm.messages.send([{"content": "hi", "destination_number": "+15005550001"}])


def _status(sb: SandboxHandle, surface: str, response: httpx.Response) -> str:
    """The message's current status as its provider reports it."""
    with client(sb, surface) as http:
        if surface == "flowroute-v2":
            record_id = response.json()["data"]["id"]
            return str(http.get(f"/v2.1/messages/{record_id}").json()["data"]["attributes"]["status"])
        if surface == "bandwidth-messaging-v1":
            return str(httpx.get(response.headers["Location"], auth=sb.credentials[surface]).json()["deliveryState"])
        message_id = response.json()["messages"][0]["message_id"]
        for _ in range(3):  # every look-up is one tick: queued -> enroute -> final
            status = str(http.get(f"/v1/messages/{message_id}").json()["status"])
        return status


FINAL = {
    "flowroute-v2": {"delivered": "delivered", "undeliverable": "undelivered", "delayed": "message buffered"},
    "bandwidth-messaging-v1": {"delivered": "delivered", "undeliverable": "not-delivered", "delayed": "waiting"},
    "messagemedia-messages-v1": {"delivered": "delivered", "undeliverable": "undeliverable", "delayed": "enroute"},
}


@pytest.mark.parametrize("surface", sorted(FINAL))
@pytest.mark.parametrize("outcome", ["delivered", "undeliverable", "delayed"])
def test_each_magic_outcome_number_ends_as_documented(sb: SandboxHandle, surface: str, outcome: str) -> None:
    response = _send(sb, surface, OUTCOME_NUMBER[outcome])
    assert response.status_code in (201, 202)
    assert _status(sb, surface, response) == FINAL[surface][outcome]
    if outcome == "delayed":
        sb.advance_clock(magic.DELAY_S)
        assert _status(sb, surface, response) == "delivered"


def test_the_flowroute_v2_surface_accepts_outcome_numbers(sb: SandboxHandle) -> None:
    # Messages v2 records carry no status (FR-lib), so an outcome number is an ordinary send there.
    assert _send(sb, "flowroute-messages-v2", OUTCOME_NUMBER["undeliverable"]).status_code == 202


def _token(sb: SandboxHandle) -> str:
    page = httpx.get(sb.url + "/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    found = re.search(r'name="sandbox-token" content="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_the_page_is_served_with_its_assets_and_no_internet(sb: SandboxHandle) -> None:
    page = httpx.get(sb.url + "/").text
    assert "http://" not in page and "https://" not in page  # nothing from a CDN
    for asset in ("inbox.css", "inbox.js"):
        response = httpx.get(f"{sb.url}/_sandbox/inbox/static/{asset}")
        assert response.status_code == 200 and "https://" not in response.text


def test_browser_actions_need_the_same_origin_and_the_token(sb: SandboxHandle) -> None:
    token = _token(sb)
    body = {"enabled": True}
    evil = {"Origin": "http://evil.example", "X-Sandbox-Token": token}
    assert httpx.post(sb.url + "/_sandbox/realistic", json=body, headers=evil).status_code == 403
    cross = {"Sec-Fetch-Site": "cross-site", "X-Sandbox-Token": token}
    assert httpx.post(sb.url + "/_sandbox/reset", json={}, headers=cross).status_code == 403
    assert httpx.post(sb.url + "/_sandbox/realistic", json=body, headers={"Origin": sb.url}).status_code == 403
    assert httpx.get(sb.url + "/_sandbox/inbox/view").json()["realistic"] is False  # nothing changed
    same = {"Origin": sb.url, "Sec-Fetch-Site": "same-origin", "X-Sandbox-Token": token}
    assert httpx.post(sb.url + "/_sandbox/realistic", json=body, headers=same).json() == {"realistic": True}
    # A program (no Origin, no Sec-Fetch-*) uses the control API as before.
    assert httpx.post(sb.url + "/_sandbox/realistic", json={"enabled": False}).status_code == 200
    assert httpx.get(sb.url + "/_sandbox/inbox/view").json()["realistic"] is False


def test_the_page_refuses_a_foreign_host_name(sb: SandboxHandle) -> None:
    # A DNS name rebound to 127.0.0.1 reaches the socket but not the page.
    assert httpx.get(sb.url + "/", headers={"Host": "attacker.example"}).status_code == 403
    assert httpx.get(sb.url + "/_sandbox/inbox/view", headers={"Host": "localhost"}).status_code == 200


def test_the_guard_refuses_remote_clients_unless_shared() -> None:
    from smsclients_sandbox.inbox.guard import refusal

    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "path": "/",
        "headers": [(b"host", b"192.0.2.7:8080")],
        "client": ("192.0.2.9", 5000),
    }
    assert refusal(scope, "127.0.0.1", "t", page=True) is not None
    assert refusal(scope, "0.0.0.0", "t", page=True) is None  # --host 0.0.0.0: shared on purpose


def test_marking_an_outcome_changes_the_record_and_calls_back(sb: SandboxHandle) -> None:
    response = _send(sb, "messagemedia-messages-v1", "61491570156")
    message_id = response.json()["messages"][0]["message_id"]
    marked = httpx.post(
        sb.url + "/_sandbox/messages/outcome", json={"provider": "messagemedia", "id": message_id, "outcome": "failed"}
    )
    assert marked.status_code == 200 and marked.json()["status"] == "failed"
    with client(sb, "messagemedia-messages-v1") as http:
        assert http.get(f"/v1/messages/{message_id}").json()["status"] == "failed"
        assert [r["status"] for r in http.get("/v1/delivery_reports").json()["delivery_reports"]] == ["failed"]
    bad = httpx.post(sb.url + "/_sandbox/messages/outcome", json={"provider": "messagemedia", "id": message_id})
    assert bad.status_code == 400 and "outcome" in bad.json()["message"]
    unknown = {"provider": "bandwidth", "id": "m-nope", "user_id": "u-1", "outcome": "delivered"}
    assert httpx.post(sb.url + "/_sandbox/messages/outcome", json=unknown).status_code == 404


def test_the_view_groups_conversations_and_keeps_secrets_out(sb: SandboxHandle) -> None:
    _send(sb, "bandwidth-messaging-v1", "15550001")
    _send(sb, "flowroute-v2", "12066418000")
    sb.inject_inbound("flowroute", {"to": FR_FROM, "from": "12066418000", "body": "hello back"})
    view = httpx.get(sb.url + "/_sandbox/inbox/view").json()
    pairs = {(c["provider"], c["own"], c["handset"]): c for c in view["conversations"]}
    flowroute = pairs[("flowroute", FR_FROM, "12066418000")]
    assert [m["direction"] for m in flowroute["messages"]] == ["out", "in"]
    assert flowroute["messages"][0]["timeline"][-1]["status"] == "delivered"
    assert pairs[("bandwidth", BW_FROM, "+15550001")]["account"] == "u-1"
    text = json.dumps(view)
    for _user, secret in sb.options.credentials.values():
        assert secret not in text


def test_the_event_stream_sends_the_view_and_each_change(sb: SandboxHandle) -> None:
    with httpx.stream("GET", sb.url + "/_sandbox/inbox/events", timeout=30) as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        lines = stream.iter_lines()
        first = _next_view(lines)
        assert first["conversations"] == []
        _send(sb, "messagemedia-messages-v1", "61491570156")
        second = _next_view(lines)
        assert second["version"] > first["version"] and len(second["conversations"]) == 1


def _next_view(lines: Iterator[str]) -> dict[str, Any]:
    for line in lines:
        if line.startswith("data: "):
            return dict(json.loads(line[len("data: ") :]))
    raise AssertionError("the stream ended")


def test_the_command_prints_the_inbox_url_and_opens_it(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    opened = tmp_path / "opened.txt"
    fake_browser = tmp_path / "browser.py"
    fake_browser.write_text(f"import sys, pathlib\npathlib.Path({str(opened)!r}).write_text(sys.argv[1])\n")
    env = {**os.environ, "BROWSER": f"{sys.executable} {fake_browser} %s", "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "smsclients_sandbox", "--port", "0", "--open", "--log-level", "warning"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        line = process.stderr.readline()
        found = re.match(r"inbox: (http://127\.0\.0\.1:\d+/) ", line)
        assert found is not None, line
        deadline = time.monotonic() + 60  # generous: a busy machine; ends as soon as the browser was started
        while not opened.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert opened.read_text() == found.group(1)
        assert httpx.get(found.group(1)).status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)


@pytest.mark.parametrize("provider", ["flowroute", "bandwidth"])
def test_marking_failed_sends_the_providers_receipt_callback(sb: SandboxHandle, provider: str) -> None:
    hook = "http://127.0.0.1:9/dlr"  # nothing listens: the attempts are recorded all the same
    if provider == "flowroute":
        body = {"to": "12066418000", "from": FR_FROM, "body": "hi", "dlr_callback": hook}
        with client(sb, "flowroute-v2") as http:
            sent = http.post("/v2.1/messages", content=json.dumps(body), headers=FR_JSON)
        request = {"provider": "flowroute", "id": sent.json()["data"]["id"], "outcome": "failed"}
        final, event = "undelivered", "dlr"
    else:
        item = {"from": BW_FROM, "to": "+15550002", "text": "hi", "callbackUrl": hook, "receiptRequested": "all"}
        with client(sb, "bandwidth-messaging-v1") as http:
            sent = http.post("/users/u-9/messages", json=item)
        message_id = sent.headers["Location"].rsplit("/", 1)[1]
        request = {"provider": "bandwidth", "id": message_id, "user_id": "u-9", "outcome": "failed"}
        final, event = "not-delivered", "status"
    before = len(sb.callbacks())
    marked = httpx.post(sb.url + "/_sandbox/messages/outcome", json=request)
    assert marked.status_code == 200
    assert final in json.dumps(marked.json())
    receipts = [d for d in sb.callbacks()[before:] if d["event"] == event]
    assert len(receipts) == 1 and final in receipts[0]["body"]
    assert sb.stats()["spec_violations"] == 0  # the receipt matches the spec's webhook schema


@pytest.mark.parametrize("backend", ["memory", "sqlite"])
def test_stores_list_their_collections_by_prefix(tmp_path: Path, backend: str) -> None:
    from smsclients_sandbox.storage import open_store

    store = open_store(str(tmp_path / "s.sqlite") if backend == "sqlite" else None)
    store.put("bw.msg:u-1", "a", {"x": 1})
    store.put("bw.msg:u-2", "b", {"x": 2})
    store.put("mm.msg", "c", {"x": 3})
    assert sorted(store.kinds("bw.msg:")) == ["bw.msg:u-1", "bw.msg:u-2"]
    store.delete("bw.msg:u-2", "b")
    assert store.kinds("bw.msg:") == ["bw.msg:u-1"]
    store.close()


def test_spec_violations_and_faults_are_flagged_in_the_request_log(sb: SandboxHandle) -> None:
    from smsclients_sandbox.surfaces import MESSAGEMEDIA_V1

    sb.fail_next("503")
    assert _send(sb, "flowroute-v2", "12066418000").status_code == 503
    sb.app.state.callbacks._check(MESSAGEMEDIA_V1, "MessageMediaReplyWebhook", {"reply_id": 1})  # a sandbox bug
    requests = httpx.get(sb.url + "/_sandbox/inbox/view").json()["requests"]
    assert [r["fault"] for r in requests if r["method"] == "POST"] == ["503"]
    [violation] = [r for r in requests if r.get("spec_violation")]
    assert violation["method"] == "CALLBACK" and violation["path"] == "MessageMediaReplyWebhook"
