"""The sandbox as MessageMedia's stand-in, on the wire: Account checks, Content-Type, credits.

Requests are written as the vendor SDKs sent them (messages-python-sdk v1.1.0 and v2.1.3: a
lowercase ``account`` header, ``content-type: application/json; charset=utf-8``, their
user-agents), so these also show the sandbox accepts what the SDKs sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

MESSAGE = {"content": "hi", "destination_number": "+61491570156", "scheduled": "2099-01-01T00:00:00.000Z"}
UUID = "877c19ef-fa2e-4cec-827a-e1df9b5509f7"
V1_HEADERS = {
    "accept": "application/json",
    "content-type": "application/json; charset=utf-8",
    "user-agent": "messagemedia-messages-python-sdk-1.1.0",
}


@pytest.fixture
def mm(sandbox_server: Any) -> Iterator[httpx.Client]:
    from smsclients_sandbox.testing import client_environment

    sandbox_server.reset()
    env = client_environment(sandbox_server)
    auth = (env["MESSAGEMEDIA_API_KEY"], env["MESSAGEMEDIA_API_SECRET"])
    with httpx.Client(base_url=env["MESSAGEMEDIA_BASE_URL"], auth=auth, headers=V1_HEADERS) as client:
        yield client


def _calls(mm: httpx.Client, account: dict[str, str]) -> list[httpx.Response]:
    sent = mm.post("/v1/messages", json={"messages": [MESSAGE]}, headers=account)
    answers = [sent]
    if sent.status_code == 202:
        message_id = sent.json()["messages"][0]["message_id"]
        answers.append(mm.get(f"/v1/messages/{message_id}", headers=account))
        answers.append(mm.put(f"/v1/messages/{message_id}", json={"status": "cancelled"}, headers=account))
    answers += [
        mm.get("/v1/delivery_reports", headers=account),
        mm.post("/v1/delivery_reports/confirmed", json={"delivery_report_ids": [UUID]}, headers=account),
        mm.get("/v1/replies", headers=account),
        mm.post("/v1/replies/confirmed", json={"reply_ids": [UUID]}, headers=account),
        mm.get("/v1/messaging/credits", headers=account),
    ]
    return answers


@pytest.mark.parametrize("account", [{}, {"account": "MyAccount"}, {"Account": "SubAccount"}])
def test_every_answer_is_labelled_even_when_empty(mm: httpx.Client, account: dict[str, str]) -> None:
    answers = _calls(mm, account)
    assert [a.status_code for a in answers] == [202, 200, 200, 200, 202, 200, 202, 200]
    # The confirms' 202s are text/plain as MM-docs declare them; every other answer is JSON.
    confirms = {4, 6}
    for index, answer in enumerate(answers):
        expected = "text/plain" if index in confirms else "application/json"
        assert answer.headers["content-type"].startswith(expected), answer.request.url
        assert len(answer.headers.get_list("content-type")) == 1
    assert answers[2].content == b"" and answers[4].content == b""


def test_the_key_s_own_account_is_accepted(mm: httpx.Client, sandbox_server: Any) -> None:
    from smsclients_sandbox.testing import client_environment

    own = client_environment(sandbox_server)["MESSAGEMEDIA_API_KEY"]
    assert [a.status_code for a in _calls(mm, {"Account": own})] == [202, 200, 200, 200, 202, 200, 202, 200]


@pytest.mark.parametrize("account", ["INVALID ACCOUNT", "someone-else", "myaccount"])
def test_a_foreign_account_is_refused_on_every_operation(mm: httpx.Client, account: str) -> None:
    answers = _calls(mm, {"account": account})
    assert [a.status_code for a in answers] == [403] * 6  # send, 2 checks, 2 confirms, credits
    for answer in answers:
        assert answer.headers["content-type"].startswith("application/json")
        assert "account" in answer.json()["message"].lower()


def test_credits_are_counted_per_account_and_sends_decrement_them(mm: httpx.Client) -> None:
    before = mm.get("/v1/messaging/credits").json()["credits"]
    before_sub = mm.get("/v1/messaging/credits", headers={"Account": "SubAccount"}).json()["credits"]
    assert mm.post("/v1/messages", json={"messages": [MESSAGE, MESSAGE]}).status_code == 202
    assert mm.get("/v1/messaging/credits").json()["credits"] == before - 2
    assert mm.get("/v1/messaging/credits", headers={"Account": "SubAccount"}).json()["credits"] == before_sub
    assert mm.post("/v1/messages", json={"messages": [{"content": "x"}]}).status_code == 400  # refused: not counted
    assert mm.get("/v1/messaging/credits").json()["credits"] == before - 2
