"""Bandwidth Catapult Messaging v1 against the sandbox, with plain httpx."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from smsclients_sandbox import SandboxHandle

from tests.sandbox.helpers import bw_message, client

USER = "u-sandbox"
MESSAGES = f"/users/{USER}/messages"


def _error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["message"], str) and body["message"]
    assert isinstance(body["code"], str) and body["code"]
    return dict(body)


def _next_link(response: httpx.Response) -> str | None:
    header = response.headers.get("link")
    if header is None:
        return None
    found = re.fullmatch(r'<([^>]+)>; rel="next"', header)
    assert found, header
    return found.group(1)


def _all_pages(c: httpx.Client, params: dict[str, Any]) -> list[list[dict[str, Any]]]:
    response = c.get(MESSAGES, params=params)
    pages = []
    while True:
        assert response.status_code == 200, response.text
        pages.append(response.json())
        url = _next_link(response)
        if url is None:
            return pages
        response = c.get(url)


def test_send_one_returns_201_with_location_and_no_body(bandwidth: httpx.Client) -> None:
    sent = bandwidth.post(MESSAGES, json=bw_message("hello"))
    assert sent.status_code == 201
    assert sent.content == b""
    location = sent.headers["location"]
    assert location.startswith(f"{str(bandwidth.base_url).rstrip('/')}{MESSAGES}/m-")
    message_id = location.rsplit("/", 1)[1]
    got = bandwidth.get(location)
    assert got.status_code == 200
    message = got.json()
    assert message["id"] == message["messageId"] == message_id
    assert (message["from"], message["to"], message["text"]) == ("+19195551212", "+19195551213", "hello")
    assert message["direction"] == "out" and message["state"] == "sent"


def test_messages_are_stored_per_user(bandwidth: httpx.Client) -> None:
    location = bandwidth.post(MESSAGES, json=bw_message()).headers["location"]
    message_id = location.rsplit("/", 1)[1]
    _error(bandwidth.get(f"/users/u-other/messages/{message_id}"), 404)
    assert bandwidth.get("/users/u-other/messages").json() == []
    assert len(bandwidth.get(MESSAGES).json()) == 1


def test_batch_reports_each_item(bandwidth: httpx.Client, sb: SandboxHandle) -> None:
    batch = [
        bw_message("one"),
        {"from": "+19195551212", "text": "no recipient"},
        bw_message("two", to="not-a-number"),
        bw_message("three"),
    ]
    response = bandwidth.post(MESSAGES, json=batch)
    assert response.status_code == 202, response.text
    results = response.json()
    assert [r["result"] for r in results] == ["accepted", "error", "error", "accepted"]
    assert results[1]["error"]["code"] == "blank-property"
    assert results[1]["error"]["category"] == "bad-request"
    assert "to" in results[1]["error"]["message"]
    assert results[2]["error"]["code"] == "invalid-property"
    texts = [bandwidth.get(r["location"]).json()["text"] for r in results if r["result"] == "accepted"]
    assert texts == ["one", "three"]
    assert sb.stats()["accepted"]["bandwidth-messaging-v1"] == 2


def test_batch_over_50_and_empty_batch_are_rejected_whole(bandwidth: httpx.Client) -> None:
    _error(bandwidth.post(MESSAGES, json=[bw_message()] * 51), 400)
    _error(bandwidth.post(MESSAGES, json=[]), 400)
    assert bandwidth.get(MESSAGES).json() == []


def test_list_pages_with_link_header_in_both_orders(bandwidth: httpx.Client) -> None:
    for i in range(7):
        assert bandwidth.post(MESSAGES, json=bw_message(f"m{i}")).status_code == 201
    ascending = _all_pages(bandwidth, {"size": 3})
    assert [len(p) for p in ascending] == [3, 3, 1]
    assert [m["text"] for p in ascending for m in p] == [f"m{i}" for i in range(7)]

    descending = _all_pages(bandwidth, {"size": 2, "sortOrder": "desc"})
    assert len(descending) == 4
    assert [m["text"] for p in descending for m in p] == [f"m{i}" for i in reversed(range(7))]

    first = bandwidth.get(MESSAGES, params={"size": 3, "to": "+19195551213"})
    url = _next_link(first)
    assert url is not None
    query = parse_qs(urlsplit(url).query)
    assert query["to"] == ["+19195551213"] and query["size"] == ["3"] and "sortKeyGT" in query


def test_list_filters(bandwidth: httpx.Client) -> None:
    bandwidth.post(MESSAGES, json=bw_message("a", to="+15550000001"))
    bandwidth.post(MESSAGES, json=bw_message("b", to="+15550000002"))
    assert [m["text"] for m in bandwidth.get(MESSAGES, params={"to": "+15550000002"}).json()] == ["b"]
    assert len(bandwidth.get(MESSAGES, params={"direction": "out", "state": "sent"}).json()) == 2
    assert bandwidth.get(MESSAGES, params={"direction": "in"}).json() == []
    assert len(bandwidth.get(MESSAGES, params={"fromDateTime": "2000-01-01 00:00:00"}).json()) == 2
    assert bandwidth.get(MESSAGES, params={"toDateTime": "2000-01-01"}).json() == []
    assert bandwidth.get(MESSAGES, params={"deliveryState": "not-delivered"}).json() == []


def test_wrong_credentials_get_bandwidth_401(sb: SandboxHandle) -> None:
    with client(sb, "bandwidth-messaging-v1", auth=("sandbox-api-token", "nope")) as c:
        error = _error(c.get(MESSAGES), 401)
        assert error["code"] == "unauthorized"
        _error(c.post(MESSAGES, json=bw_message()), 401)
    assert sb.stats()["accepted_total"] == 0


def test_spec_violations_get_bandwidth_400(bandwidth: httpx.Client) -> None:
    _error(bandwidth.post(MESSAGES, json={"from": "+19195551212"}), 400)  # `to` missing
    _error(bandwidth.post(MESSAGES, json=bw_message(to="12345")), 400)  # not E.164
    _error(bandwidth.get(MESSAGES, params={"size": 1001}), 400)
    _error(bandwidth.get(MESSAGES, params={"sortOrder": "sideways"}), 400)
    _error(bandwidth.get(MESSAGES, params={"fromDateTime": "yesterday"}), 400)
    _error(bandwidth.post(MESSAGES, content=b"[{", headers={"content-type": "application/json"}), 400)
    _error(bandwidth.get(f"{MESSAGES}/m-missing"), 404)
    assert bandwidth.get(MESSAGES).json() == []
