"""``client.with_options(...)``: a copy with some settings replaced, on the same connection pool."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
import pytest
from smsclients import (
    AsyncBandwidthClient,
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    BandwidthClient,
    FlowrouteClient,
    InputError,
    InsecureURLError,
    MalformedResponseError,
    MessageMediaClient,
    RetryPolicy,
    ServerError,
)

MDR = "mdr2-39cadeace66e11e7aff806cd7f24ba2d"
FOUND = {"data": {"type": "message", "id": MDR, "attributes": {"body": "hi", "from": "1", "to": "2"}}}


class Recorder(httpx.BaseTransport):
    """Answers every request with ``status`` and keeps it; counts closes."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[httpx.Request] = []
        self.closed = 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, json=FOUND if self.status == 200 else {})

    def close(self) -> None:
        self.closed += 1


class AsyncRecorder(httpx.AsyncBaseTransport):
    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.closed = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json=FOUND)

    async def aclose(self) -> None:
        self.closed += 1


def _send(call: Any, *args: Any) -> None:
    """Make the call; only the request it sent matters, not whether the canned answer parses."""
    with contextlib.suppress(MalformedResponseError):
        call(*args)


def _policy(client: Any, root: int = 0) -> RetryPolicy:
    policy: RetryPolicy = client._https[root]._transport.policy
    return policy


def test_a_copy_overrides_and_shares_the_pool() -> None:
    network = Recorder()
    original = FlowrouteClient("k", "s", transport=network, retry=RetryPolicy(timeout=20.0, max_retries=3))
    copy = original.with_options(timeout=4.0, max_retries=0, headers={"X-Trace": "t-1"})
    assert type(copy) is FlowrouteClient
    _send(copy.messages.get, MDR)
    _send(original.messages.get, MDR)
    first, second = network.requests  # both went through the one network transport
    assert first.headers["X-Trace"] == "t-1" and "x-trace" not in second.headers
    assert first.headers["authorization"] == second.headers["authorization"]  # same credentials
    assert first.extensions["timeout"]["read"] == 4.0 and second.extensions["timeout"]["read"] == 20.0
    for root in (0, 1):  # both API roots of the client
        assert (_policy(copy, root).timeout, _policy(copy, root).max_retries) == (4.0, 0)
        assert (_policy(original, root).timeout, _policy(original, root).max_retries) == (20.0, 3)
    copy.close()
    assert network.closed == 0  # closing the copy leaves the shared pool open
    _send(original.messages.get, MDR)
    original.close()
    assert network.closed > 0


def test_max_retries_of_a_copy_applies() -> None:
    network = Recorder(status=503)
    with BandwidthClient("u-1", "t", "s", transport=network, retry=RetryPolicy(backoff_initial=0.0)) as bw:
        with pytest.raises(ServerError):
            bw.with_options(max_retries=0).messages.get("m-1")
        assert len(network.requests) == 1
        with pytest.raises(ServerError):
            bw.messages.get("m-1")
        assert len(network.requests) == 1 + 3


def test_base_url_moves_every_root() -> None:
    network = Recorder()
    with FlowrouteClient("k", "s", transport=network) as fr:
        moved = fr.with_options(base_url="https://staging.example.test/")
        assert moved.base_url == "https://staging.example.test"
        _send(moved.messages.get, MDR)
        _send(moved.messages_v2.get, "mdr1-e3672cb28a9d422a9671945c9bc4eb9a")
        assert [str(r.url) for r in network.requests] == [
            f"https://staging.example.test/v2.1/messages/{MDR}",
            "https://staging.example.test/v2/messages/mdr1-e3672cb28a9d422a9671945c9bc4eb9a",
        ]
        assert fr.base_url == "https://api.flowroute.com"
    with BandwidthClient("u-1", "t", "s", transport=network) as bw:
        _send(bw.with_options(base_url="https://bw.example.test/v1").messages.get, "m-1")
        assert str(network.requests[-1].url) == "https://bw.example.test/v1/users/u-1/messages/m-1"


def test_settings_of_the_client_stay() -> None:
    network = Recorder()
    with MessageMediaClient("k", "s", hmac=True, account="acct-9", transport=network) as mm:
        copy = mm.with_options(headers={"X-Trace": "1"})
        assert repr(copy) == repr(mm)
        _send(copy.messages.status, "82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b")
        request = network.requests[-1]
        assert request.headers["account"] == "acct-9" and request.headers["authorization"].startswith("hmac")


def test_bad_options_are_refused_before_anything_is_built() -> None:
    with FlowrouteClient("k", "s", transport=Recorder()) as fr:
        with pytest.raises(InsecureURLError):
            fr.with_options(base_url="http://api.example.test")
        with pytest.raises(InputError, match="query"):
            fr.with_options(base_url="https://api.example.test?x=1")
        with pytest.raises(InputError, match="timeout"):
            fr.with_options(timeout=-1)
        with pytest.raises(InputError, match="retry"):
            fr.with_options(retry="often")  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="max_retry"):
            fr.with_options(max_retry=2)  # type: ignore[call-arg]
        with pytest.raises(InputError, match="headers"):
            _send(fr.with_options(headers={"X-Bad": "a\nb"}).messages.get, MDR)


@pytest.mark.parametrize("cls", [AsyncFlowrouteClient, AsyncBandwidthClient, AsyncMessageMediaClient])
def test_async_copies_share_the_pool_too(cls: type[Any]) -> None:
    network = AsyncRecorder()
    args = ("u-1", "t", "s") if cls is AsyncBandwidthClient else ("k", "s")

    async def run() -> None:
        original = cls(*args, transport=network)
        copy = original.with_options(timeout=7.0, headers={"X-Trace": "a"})
        assert type(copy) is cls
        client: Any = copy
        try:
            if cls is AsyncFlowrouteClient:
                await client.messages.get(MDR)
            elif cls is AsyncBandwidthClient:
                await client.messages.get("m-1")
            else:
                await client.messages.status("82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b")
        except MalformedResponseError:  # the canned answer's shape is not what is tested
            pass
        await copy.aclose()
        assert network.closed == 0
        await original.aclose()

    asyncio.run(run())
    (request,) = network.requests
    assert request.headers["X-Trace"] == "a" and request.extensions["timeout"]["read"] == 7.0
    assert network.closed > 0
