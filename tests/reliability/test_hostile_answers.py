"""Hostile answers to every public method of every client (modern and legacy, sync and async).

The methods and the arguments that make each one send a request come from the fuzz suite, so a
method added there is covered here too. Behind an ``httpx.MockTransport``:

* a 2xx whose body is JSON nested 100,000 deep (the review's ``b"[" * 100_000 + b"]" * 100_000``)
  or merely deeper than ``MAX_JSON_DEPTH`` gives MalformedResponseError, never a RecursionError;
  for a send it says the server accepted the request (``accepted=True``);
* a 3xx with a success-shaped body is a RedirectError, never a result: only a 2xx is success;
* a Bandwidth 201 with two ``Location`` headers is ambiguous: MalformedResponseError.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from smsclients import (
    IDEMPOTENT_METHODS,
    AsyncBandwidthClient,
    BandwidthClient,
    DeliveryUnknownError,
    MalformedResponseError,
    RedirectError,
    SmsClientError,
)
from smsclients.legacy import bandwidth as legacy_bandwidth
from smsclients.responses import MAX_JSON_DEPTH, parse_json_body

from .test_fuzz import API, CLIENTS, METHODS, NO_RETRY, _close, _consume, _resolve, _valid_args

DEEPEST = b"[" * 100_000 + b"]" * 100_000
JUST_TOO_DEEP = json.dumps({"data": {"id": "mdr2-1", "x": json.loads("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH)}})
SUCCESS_SHAPED = json.dumps(
    {
        "data": {"id": "mdr2-39cadeace66e11e7aff806cd7f24ba2d", "type": "message", "attributes": {}},
        "messages": [{"message_id": "82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b", "status": "queued"}],
    }
).encode()


class Answering:
    """A MockTransport answering every request with ``reply(request)``; counts the requests."""

    def __init__(self, reply: Callable[[httpx.Request], httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []
        self._reply = reply
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self._reply(request)


def _call(client_name: str, path: str, reply: Callable[[httpx.Request], httpx.Response]) -> tuple[Any, Answering]:
    """Run one method against ``reply``; returns (its exception or result, the transport)."""
    answering = Answering(reply)
    client = CLIENTS[client_name](answering.transport)
    args, kwargs = _valid_args(client_name, path)
    try:
        result = _resolve(client, path)(*args, **kwargs)
        if path.endswith(".send_many"):
            return _send_many_error(result), answering
        _consume(result)
    except Exception as exc:
        return exc, answering
    finally:
        _close(client)
    return None, answering


def _send_many_error(results: Any) -> BaseException | None:
    """send_many keeps each message's error in its result: the first one, as the answer raised it
    (a send whose outcome is unknown is a DeliveryUnknownError per message, with that as its cause)."""
    if hasattr(results, "__aiter__"):

        async def collect() -> list[Any]:
            return [result async for result in results]

        found = asyncio.run(collect())
    else:
        found = list(results)
    error = next((result.error for result in found if result.error is not None), None)
    if isinstance(error, DeliveryUnknownError) and isinstance(error.__cause__, SmsClientError):
        return error.__cause__
    return error


def _documented_success(path: str, request: httpx.Request) -> int:
    """The success status the spec documents for the request: 201 for a purchase or a new route,
    202 for the other POSTs (sends, confirms), 200 for reads.

    An undocumented 2xx reaches the facades' own parsing, which is told the status but not the
    method, so there an unparseable body is MalformedResponseError without ``accepted``.
    """
    if request.method != "POST":
        return 200
    return 201 if path.endswith(("purchase", "create", "purchase_a_phone_number", "create_an_inbound_route")) else 202


@pytest.mark.parametrize("body", [DEEPEST, JUST_TOO_DEEP.encode()], ids=["100k-deep", "just-too-deep"])
@pytest.mark.parametrize(("client_name", "path"), METHODS, ids=[f"{c}:{p}" for c, p in METHODS])
def test_unparseable_success_bodies_are_malformed_responses(client_name: str, path: str, body: bytes) -> None:
    outcome, answering = _call(
        client_name,
        path,
        lambda request: httpx.Response(
            _documented_success(path, request), headers={"content-type": "application/json"}, content=body
        ),
    )
    if not answering.requests:
        return  # nothing was asked of the server (e.g. a pager not iterated far enough)
    assert outcome is None or isinstance(outcome, MalformedResponseError), repr(outcome)
    unsafe = answering.requests[-1].method not in IDEMPOTENT_METHODS
    # For a send whose answer's body was the problem (not, say, a missing Location): accepted.
    if isinstance(outcome, MalformedResponseError) and unsafe and "JSON" in outcome.message:
        assert outcome.accepted, outcome
        assert "accepted" in str(outcome) and "do not send it again" in str(outcome)


@pytest.mark.parametrize("status", [302, 307])
@pytest.mark.parametrize(("client_name", "path"), METHODS, ids=[f"{c}:{p}" for c, p in METHODS])
def test_a_redirect_is_never_a_success(client_name: str, path: str, status: int) -> None:
    outcome, answering = _call(
        client_name,
        path,
        lambda request: httpx.Response(
            status,
            headers={"content-type": "application/json", "location": f"{API}/elsewhere", "link": ""},
            content=SUCCESS_SHAPED,
        ),
    )
    if not answering.requests:
        return
    assert isinstance(outcome, RedirectError), repr(outcome)
    assert outcome.status_code == status and outcome.location == f"{API}/elsewhere"
    assert len(answering.requests) == 1  # not followed, not retried
    not_repeatable = answering.requests[0].method not in IDEMPOTENT_METHODS  # a send, a purchase, a route update
    assert outcome.outcome_unknown is (not_repeatable and status == 302)


def test_redirect_messages_say_what_happened_to_a_send() -> None:
    for status, expected in ((307, "was not accepted"), (308, "was not accepted"), (303, "may or may not")):

        def answer(request: httpx.Request, status: int = status) -> httpx.Response:
            return httpx.Response(status, content=SUCCESS_SHAPED)

        outcome, _ = _call("FlowrouteClient", "messages.send", answer)
        assert isinstance(outcome, RedirectError) and expected in outcome.message, outcome


def _two_locations(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        201,
        headers=[("Location", f"{API}/v1/users/u-1/messages/m-1"), ("Location", f"{API}/v1/users/u-1/messages/m-2")],
    )


def test_two_location_headers_are_an_ambiguous_answer() -> None:
    transport = httpx.MockTransport(_two_locations)
    with (
        BandwidthClient("u-1", "t", "s", base_url=API + "/v1", retry=NO_RETRY, transport=transport) as client,
        pytest.raises(MalformedResponseError, match="2 location headers") as caught,
    ):
        client.messages.send(from_="+19195551212", to="+19195554444", text="hi")
    assert caught.value.accepted  # a 201 to a send: do not send it again

    async def run() -> None:
        async with AsyncBandwidthClient(
            "u-1", "t", "s", base_url=API + "/v1", retry=NO_RETRY, transport=transport
        ) as c:
            with pytest.raises(MalformedResponseError, match="2 location headers"):
                await c.messages.send(from_="+19195551212", to="+19195554444", text="hi")

    asyncio.run(run())
    with (
        legacy_bandwidth.Client("u-1", "t", "s", api_endpoint=API, retry=NO_RETRY, transport=transport) as legacy,
        pytest.raises(MalformedResponseError, match="2 location headers"),
    ):
        legacy.send_message("+19195551212", "+19195554444", "hi")


def test_one_location_header_still_gives_the_id() -> None:
    def one(request: httpx.Request) -> httpx.Response:
        return httpx.Response(201, headers={"Location": f"{API}/v1/users/u-1/messages/m-1"})

    with BandwidthClient("u-1", "t", "s", base_url=API + "/v1", transport=httpx.MockTransport(one)) as client:
        assert client.messages.send(from_="+19195551212", to="+19195554444", text="hi") == "m-1"


# ----------------------------------------------------------------------------- parse_json_body itself


@pytest.mark.parametrize(
    "body",
    [DEEPEST, b"{", b"\xff\xfe\x00", b"", b"[1,]", "[" * 5000 + "]" * 5000, JUST_TOO_DEEP],
    ids=["100k-deep", "truncated", "not-utf8", "empty", "trailing-comma", "str-5000-deep", "just-too-deep"],
)
def test_parse_json_body_turns_every_unparseable_body_into_one_typed_error(body: bytes | str) -> None:
    with pytest.raises(MalformedResponseError) as caught:
        parse_json_body(body, status_code=202, method="POST")
    assert caught.value.accepted and caught.value.status_code == 202
    with pytest.raises(MalformedResponseError) as read:
        parse_json_body(body, status_code=200, method="GET")
    assert not read.value.accepted and "do not send" not in str(read.value)
    assert isinstance(read.value, SmsClientError)


def test_parse_json_body_accepts_what_the_apis_send() -> None:
    depth = MAX_JSON_DEPTH
    nested = "[" * depth + "]" * depth
    assert parse_json_body(nested.encode()) == json.loads(nested)  # exactly at the limit
    wide = json.dumps([{"a": [1, {"b": None}]}] * 5000)
    assert parse_json_body(wide) == json.loads(wide)
    assert parse_json_body(b'{"k": "\\u00e9"}', status_code=200, method="GET") == {"k": "é"}
