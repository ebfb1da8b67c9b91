"""A borrowed ``http_client`` whose hooks raise never turns a received answer into "may have been sent".

Against a real loopback server (bodies are streamed, not pre-read as MockTransport does), for the
sync and async facades and every network transport a borrowed client may use: an error status is
the typed APIError with the provider's message; a 2xx a hook refused is a MalformedResponseError
that says whether a send was accepted; a request hook that raises means nothing was sent.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from smsclients import (
    AsyncFlowrouteClient,
    AuthenticationError,
    DeliveryUnknownError,
    FlowrouteClient,
    MalformedResponseError,
    RetryPolicy,
    ServerError,
    TransportError,
)
from smsclients.transports import DEFAULT_ASYNC_KIND, fast_async_transport, fast_transport

from tests.reliability.loopback import Loopback, Received, loopback, respond

NO_RETRY = RetryPolicy(max_retries=0, timeout=30.0)
ERROR_BODY = {"errors": [{"id": "x", "status": 0, "title": "Denied", "detail": "provider says no"}]}
SENT = {"data": {"type": "message", "id": "mdr2-1", "links": {"self": "https://x.test/v2.1/messages/mdr2-1"}}}
FOUND = {"data": {"type": "message", "id": "mdr2-1", "attributes": {}}}


def _answering(status: int) -> Callable[[socket.socket, Received], bool]:
    def answer(conn: socket.socket, request: Received) -> bool:
        body: object = ERROR_BODY
        if 200 <= status < 300:
            body = SENT if request.method == "POST" else FOUND
        # A body big enough that nothing buffers it whole before the hooks run.
        payload = json.dumps(body).encode() + b" " * 200_000
        respond(conn, status, [("Content-Type", "application/json"), ("X-Request-Id", "req-7")], payload)
        return True

    return answer


@pytest.fixture
def server(request: pytest.FixtureRequest) -> Iterator[Loopback]:
    with loopback(_answering(request.param)) as running:
        yield running


def _raise_for_status(response: httpx.Response) -> None:
    response.raise_for_status()


def _raise_other(response: httpx.Response) -> None:
    raise ValueError(f"refused {response.status_code}")


def _read_then_raise(response: httpx.Response) -> None:
    response.read()
    response.raise_for_status()


SYNC_HOOKS = {"raise_for_status": _raise_for_status, "other": _raise_other, "read_then_raise": _read_then_raise}


def _async(hook: Callable[[httpx.Response], None]) -> Callable[[httpx.Response], Any]:
    async def run(response: httpx.Response) -> None:
        if hook is _read_then_raise:
            await response.aread()
            response.raise_for_status()
        else:
            hook(response)

    return run


def _sync_network(kind: str) -> httpx.BaseTransport | None:
    if kind != "httpx":
        pytest.importorskip(kind)
        return fast_transport(kind)
    return None


def _async_network(kind: str) -> httpx.AsyncBaseTransport | None:
    if kind != DEFAULT_ASYNC_KIND:  # the default through transport=None
        pytest.importorskip({"aiohttp": "httpx_aiohttp", "httpx": "httpx"}.get(kind, kind))
        return fast_async_transport(kind)
    return None


def _sync_call(server: Loopback, kind: str, hook: str, call: str) -> object:
    user = httpx.Client(transport=_sync_network(kind), event_hooks={"response": [SYNC_HOOKS[hook]]})
    with user, FlowrouteClient("k", "s", base_url=server.url, retry=NO_RETRY, http_client=user) as fr:
        if call == "send":
            return fr.messages.send(to="12065551234", from_="12012673227", body="hi")
        return fr.messages.get("mdr2-1")


def _async_call(server: Loopback, kind: str, hook: str, call: str) -> object:
    async def run() -> object:
        user = httpx.AsyncClient(transport=_async_network(kind), event_hooks={"response": [_async(SYNC_HOOKS[hook])]})
        async with user, AsyncFlowrouteClient("k", "s", base_url=server.url, retry=NO_RETRY, http_client=user) as fr:
            if call == "send":
                return await fr.messages.send(to="12065551234", from_="12012673227", body="hi")
            return await fr.messages.get("mdr2-1")

    return asyncio.run(run())


SYNC = [("sync", kind) for kind in ("httpx", "pyreqwest")]
ASYNC = [("async", kind) for kind in ("httpx", "pyreqwest", "aiohttp")]


def _run(mode: str, server: Loopback, kind: str, hook: str, call: str) -> object:
    return (_sync_call if mode == "sync" else _async_call)(server, kind, hook, call)


@pytest.mark.parametrize(("mode", "kind"), SYNC + ASYNC)
@pytest.mark.parametrize("hook", sorted(SYNC_HOOKS))
@pytest.mark.parametrize(
    ("server", "call", "expected"),
    [
        (401, "get", AuthenticationError),
        (401, "send", AuthenticationError),
        (500, "send", ServerError),
        (503, "send", ServerError),
        (503, "get", ServerError),
    ],
    indirect=["server"],
)
def test_an_error_status_a_hook_raised_on_is_the_typed_error(
    mode: str, kind: str, hook: str, server: Loopback, call: str, expected: type[Exception]
) -> None:
    with pytest.raises(expected) as caught:
        _run(mode, server, kind, hook, call)
    assert not isinstance(caught.value, TransportError)
    assert "provider says no" in str(caught.value)  # the body as received, not lost to the hook
    assert len(server.received) == 1


@pytest.mark.parametrize(("mode", "kind"), SYNC + ASYNC)
@pytest.mark.parametrize(("server", "call"), [(202, "send"), (200, "get")], indirect=["server"])
def test_a_2xx_a_hook_refused_is_malformed_and_a_send_says_it_was_accepted(
    mode: str, kind: str, server: Loopback, call: str
) -> None:
    with pytest.raises(MalformedResponseError) as caught:
        _run(mode, server, kind, "other", call)
    assert not isinstance(caught.value, DeliveryUnknownError)
    assert caught.value.accepted is (call == "send")
    assert "ValueError" in str(caught.value)


@pytest.mark.parametrize(("mode", "kind"), SYNC + ASYNC)
@pytest.mark.parametrize("server", [202], indirect=True)
def test_hooks_that_do_not_raise_leave_a_send_alone(mode: str, kind: str, server: Loopback) -> None:
    seen: list[int] = []

    def note(response: httpx.Response) -> None:
        seen.append(response.status_code)

    # The read_then_raise hook on a 2xx raises nothing: the send's result comes back.
    result = _run(mode, server, kind, "read_then_raise", "send")
    assert result is not None
    if mode == "sync":
        user = httpx.Client(event_hooks={"response": [note]})
        with user, FlowrouteClient("k", "s", base_url=server.url, retry=NO_RETRY, http_client=user) as fr:
            fr.messages.send(to="12065551234", from_="12012673227", body="hi")
        assert seen == [202]


@pytest.mark.parametrize("server", [202], indirect=True)
def test_a_request_hook_that_raises_sent_nothing(server: Loopback) -> None:
    def refuse(request: httpx.Request) -> None:
        raise RuntimeError("no")

    async def refuse_async(request: httpx.Request) -> None:
        raise RuntimeError("no")

    user = httpx.Client(event_hooks={"request": [refuse]})
    with user, FlowrouteClient("k", "s", base_url=server.url, retry=NO_RETRY, http_client=user) as fr:
        with pytest.raises(TransportError, match="was not sent") as caught:
            fr.messages.send(to="12065551234", from_="12012673227", body="hi")
        assert not isinstance(caught.value, DeliveryUnknownError)

    async def run() -> None:
        auser = httpx.AsyncClient(event_hooks={"request": [refuse_async]})
        async with auser, AsyncFlowrouteClient("k", "s", base_url=server.url, http_client=auser) as afr:
            await afr.messages.send(to="12065551234", from_="12012673227", body="hi")

    with pytest.raises(TransportError, match="was not sent") as caught_async:
        asyncio.run(run())
    assert not isinstance(caught_async.value, DeliveryUnknownError)
    assert server.received == []
