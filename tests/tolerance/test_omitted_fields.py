"""Documented real answers that leave out fields the public documents do not require still succeed.

Flowroute's number details came back without a top-level ``links`` (its public ``Number`` schema
has none) and failed with ``MalformedResponseError``. Through each modern client, an answer holding
only an id (everything else omitted) parses; a body of the wrong shape still fails.
``tests/contract/test_public_required.py`` keeps every response schema's ``required`` within what the
public documents require.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from smsclients import BandwidthClient, FlowrouteClient, MalformedResponseError, MessageMediaClient


def _answering(body: Any, content_type: str = "application/json") -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=json.dumps(body).encode(), headers={"Content-Type": content_type})

    return httpx.MockTransport(handler)


CASES: dict[str, tuple[Any, str, Callable[[httpx.MockTransport], Any], Callable[[Any], Any]]] = {
    # (body, content type, call, what the caller reads)
    "flowroute number without links": (
        {"data": {"type": "number", "id": "12064201234", "attributes": {"value": "12064201234"}}},
        "application/vnd.api+json",
        lambda t: FlowrouteClient("key", "secret", transport=t).numbers.get("12064201234"),
        lambda result: result.data.id,
    ),
    "flowroute number with only an id": (
        {"data": {"id": "12064201234"}},
        "application/vnd.api+json",
        lambda t: FlowrouteClient("key", "secret", transport=t).numbers.get("12064201234"),
        lambda result: result.data.id,
    ),
    "bandwidth message with only an id": (
        {"id": "m-1"},
        "application/json",
        lambda t: BandwidthClient("u-1", "token", "secret", transport=t).messages.get("m-1"),
        lambda result: result.id,
    ),
    "messagemedia message with only an id": (
        {"message_id": "877c19ef-fa2e-4cec-827a-e1df9b5509f7"},
        "application/json",
        lambda t: MessageMediaClient("key", "secret", transport=t).messages.status(
            "877c19ef-fa2e-4cec-827a-e1df9b5509f7"
        ),
        lambda result: result.message_id,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_an_answer_without_unrequired_fields_parses(case: str) -> None:
    body, content_type, call, read = CASES[case]
    result = call(_answering(body, content_type))
    assert read(result) in ("12064201234", "m-1", "877c19ef-fa2e-4cec-827a-e1df9b5509f7")


def test_a_body_of_the_wrong_shape_still_fails() -> None:
    transport = _answering(["12064201234"], "application/vnd.api+json")
    with pytest.raises(MalformedResponseError, match="does not match the API spec"):
        FlowrouteClient("key", "secret", transport=transport).numbers.get("12064201234")


def test_a_pending_item_without_an_id_is_never_confirmed() -> None:
    requests: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        requests.append(request)
        if request.method == "GET":
            body = {"delivery_reports": [{"message_id": "877c19ef-fa2e-4cec-827a-e1df9b5509f7", "status": "delivered"}]}
            return httpx.Response(200, json=body)
        return httpx.Response(202)

    handled: list[Any] = []
    with (
        MessageMediaClient("key", "secret", transport=httpx.MockTransport(handler)) as mm,
        pytest.raises(MalformedResponseError, match="without delivery_report_id cannot be confirmed"),
    ):
        mm.delivery_reports.drain(handled.append)
    assert [request.method for request in requests] == ["GET"]  # nothing confirmed with a made-up id
