"""Hostile servers on loopback, through every surface and every transport (issue 14's review probes).

* A slow drip (headers, then one byte every 0.2 s; or the headers themselves dripped) must not hold
  a call past its attempt timeout or its call budget (``RetryPolicy.timeout`` / ``total_timeout``):
  a send ends in DeliveryUnknownError, a read in RequestTimeoutError, within a generous bound.
* A huge body, or a small gzip body that decodes to a huge one, is refused past
  ``RetryPolicy.max_response_bytes`` (MalformedResponseError; an accepted send says so), without
  decoding it all into memory.
* An async client used from a second ``asyncio.run()`` works there, on every async transport,
  and a client still busy on another running loop is refused before sending.
* The URL goes out exactly as it was signed (``%2F`` in the query stays ``%2F``) on every transport.

Bounds on wall time are upper bounds a correct client meets by a wide margin (seconds against a
0.5 s attempt timeout), never "faster than" thresholds.
"""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
import threading
import time
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from smsclients import (
    ClientStateError,
    DeliveryUnknownError,
    MalformedResponseError,
    RequestTimeoutError,
    RetryPolicy,
)
from smsclients.auth import content_md5, hmac_signature
from smsclients.transports import ASYNC_KINDS, DEFAULT_ASYNC_KIND, SYNC_KINDS

from .loopback import (
    ASYNC_SURFACES,
    DRIP_BODY,
    DRIP_HEAD,
    SYNC_SURFACES,
    Loopback,
    Received,
    async_client,
    async_read,
    async_send,
    big_body,
    canned,
    close_async,
    loopback,
    respond,
    run_async,
    sync_clients,
    sync_read,
    sync_send,
)

pytest.importorskip("pyreqwest")  # in the dev set; the extra `fast` is optional for users

DRIP_POLICY = RetryPolicy(max_retries=0, timeout=0.5, total_timeout=1.0)
EVERY_TRANSPORT = [("sync", kind) for kind in SYNC_KINDS] + [("async", kind) for kind in ASYNC_KINDS]
TRANSPORT_IDS = [f"{mode}-{kind}" for mode, kind in EVERY_TRANSPORT]

# Every surface on the default transport, and a modern and a legacy surface on each other one: the
# bounds live in the shared core and the transports, so this covers each path without the product.
SYNC_MATRIX = [(surface, "httpx") for surface in SYNC_SURFACES] + [
    (surface, kind) for kind in SYNC_KINDS if kind != "httpx" for surface in ("FlowrouteClient", "legacy.messagemedia")
]
ASYNC_MATRIX = [(surface, DEFAULT_ASYNC_KIND) for surface in ASYNC_SURFACES] + [
    ("AsyncMessageMediaClient", kind) for kind in ASYNC_KINDS if kind != DEFAULT_ASYNC_KIND
]
# A correct client gives up after 0.5 s (1.0 s at most with the call budget); this bound only
# catches a client that waits for the drip (30 s) or for httpx's per-read timeout to trip (which a
# drip never does). It is a hang guard, not a speed check: a loaded machine's scheduling stays far
# inside it.
BOUND = 20.0


def _timed(call: Any) -> tuple[BaseException | None, float]:
    started = time.monotonic()
    try:
        call()
    except Exception as exc:
        return exc, time.monotonic() - started
    return None, time.monotonic() - started


# ----------------------------------------------------------------------------- deadlines


@pytest.mark.parametrize(("surface", "kind"), SYNC_MATRIX)
def test_a_dripping_body_cannot_hold_a_sync_send_or_read(surface: str, kind: str) -> None:
    with loopback(DRIP_BODY) as server:
        clients = sync_clients(server.url, kind, DRIP_POLICY)
        client = clients[surface]
        try:
            sent, sent_took = _timed(sync_send(surface, client))
            read, read_took = _timed(sync_read(surface, client))
        finally:
            for each in clients.values():
                each.close()
    assert isinstance(sent, DeliveryUnknownError), repr(sent)
    assert isinstance(read, RequestTimeoutError), repr(read)
    assert sent_took < BOUND and read_took < BOUND, (sent_took, read_took)
    assert len(server.sends()) == 1  # the send was not repeated


@pytest.mark.parametrize(("surface", "kind"), ASYNC_MATRIX)
def test_a_dripping_body_cannot_hold_an_async_send_or_read(surface: str, kind: str) -> None:
    with loopback(DRIP_BODY) as server:
        client = async_client(surface, server.url, kind, DRIP_POLICY)

        async def both() -> tuple[tuple[BaseException | None, float], tuple[BaseException | None, float]]:
            results: list[tuple[BaseException | None, float]] = []
            for call in (async_send(surface, client), async_read(surface, client)):
                started = time.monotonic()
                try:
                    await call()
                    results.append((None, time.monotonic() - started))
                except Exception as exc:
                    results.append((exc, time.monotonic() - started))
            await client.aclose()
            return results[0], results[1]

        (sent, sent_took), (read, read_took) = asyncio.run(both())
    assert isinstance(sent, DeliveryUnknownError), repr(sent)
    assert isinstance(read, RequestTimeoutError), repr(read)
    assert sent_took < BOUND and read_took < BOUND, (sent_took, read_took)
    assert len(server.sends()) == 1


@pytest.mark.parametrize("kind", EVERY_TRANSPORT, ids=TRANSPORT_IDS)
def test_dripped_headers_cannot_hold_a_send(kind: tuple[str, str]) -> None:
    mode, transport = kind
    with loopback(DRIP_HEAD) as server:
        if mode == "sync":
            clients = sync_clients(server.url, transport, DRIP_POLICY)
            try:
                error, took = _timed(sync_send("FlowrouteClient", clients["FlowrouteClient"]))
            finally:
                for each in clients.values():
                    each.close()
        else:
            client = async_client("AsyncFlowrouteClient", server.url, transport, DRIP_POLICY)
            error, took = _timed(lambda: run_async(async_send("AsyncFlowrouteClient", client)))
            close_async(client)
    assert isinstance(error, DeliveryUnknownError), repr(error)
    assert took < BOUND
    assert len(server.sends()) == 1


@pytest.mark.parametrize("kind", SYNC_KINDS)
def test_the_call_budget_cuts_the_last_attempt(kind: str) -> None:
    """Reads are retried, but the call ends at total_timeout: the attempt running then is cut off."""
    policy = RetryPolicy(max_retries=10, backoff_initial=0.0, backoff_max=0.0, timeout=0.5, total_timeout=1.2)
    with loopback(DRIP_BODY) as server:
        clients = sync_clients(server.url, kind, policy)
        try:
            error, took = _timed(sync_read("FlowrouteClient", clients["FlowrouteClient"]))
        finally:
            for each in clients.values():
                each.close()
    assert isinstance(error, RequestTimeoutError), repr(error)
    assert took < BOUND
    # 0.5 s attempts within a 1.2 s budget: a third attempt starts, and is cut at the budget.
    assert 2 <= len(server.received) <= 4


# ----------------------------------------------------------------------------- response size

SMALL_CAP = RetryPolicy(max_retries=0, timeout=10.0, max_response_bytes=1024 * 1024)


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize(("surface", "kind"), SYNC_MATRIX)
def test_a_body_past_the_size_cap_is_refused_sync(surface: str, kind: str, gzipped: bool) -> None:
    with loopback(big_body(8 * 1024 * 1024, gzipped=gzipped, status=202)) as server:
        clients = sync_clients(server.url, kind, SMALL_CAP)
        try:
            with pytest.raises(MalformedResponseError, match="larger than 1,048,576 bytes") as caught:
                sync_send(surface, clients[surface])()
        finally:
            for each in clients.values():
                each.close()
    assert caught.value.accepted  # a 202 to a send: accepted, do not send again
    assert len(server.sends()) == 1


@pytest.mark.parametrize("gzipped", [False, True], ids=["plain", "gzip"])
@pytest.mark.parametrize(("surface", "kind"), ASYNC_MATRIX)
def test_a_body_past_the_size_cap_is_refused_async(surface: str, kind: str, gzipped: bool) -> None:
    with loopback(big_body(8 * 1024 * 1024, gzipped=gzipped, status=200)) as server:
        client = async_client(surface, server.url, kind, SMALL_CAP)
        try:
            with pytest.raises(MalformedResponseError, match="larger than 1,048,576 bytes") as caught:
                run_async(async_read(surface, client))
        finally:
            close_async(client)
    assert not caught.value.accepted  # a read


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_the_default_cap_stops_a_decompression_bomb_early(mode: str) -> None:
    """63 KiB of gzip that decodes to 64 MiB: refused at the documented 10 MiB default, never decoded whole.

    tracemalloc sees the Python allocations of httpx's own transports (the default ones).
    """
    with loopback(big_body(64 * 1024 * 1024, gzipped=True)) as server:
        policy = RetryPolicy(max_retries=0)
        tracemalloc.start()
        try:
            if mode == "sync":
                clients = sync_clients(server.url, "httpx", policy)
                try:
                    error, _ = _timed(sync_read("FlowrouteClient", clients["FlowrouteClient"]))
                finally:
                    for each in clients.values():
                        each.close()
            else:
                client = async_client("AsyncFlowrouteClient", server.url, DEFAULT_ASYNC_KIND, policy)
                error, _ = _timed(lambda: run_async(async_read("AsyncFlowrouteClient", client)))
                close_async(client)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert isinstance(error, MalformedResponseError) and "larger than 10,485,760 bytes" in str(error), repr(error)
    assert peak < 40 * 1024 * 1024, peak  # it was about 192 MiB


# ----------------------------------------------------------------------------- a second event loop


@pytest.mark.parametrize("kind", ASYNC_KINDS)
@pytest.mark.parametrize("surface", ASYNC_SURFACES)
def test_an_async_client_works_from_a_second_event_loop(surface: str, kind: str) -> None:
    """Created once, used from three asyncio.run() calls: each send goes out once and succeeds."""
    with loopback(canned) as server:
        client = async_client(surface, server.url, kind, RetryPolicy(max_retries=0, timeout=5.0))
        try:
            results = [run_async(async_send(surface, client)) for _ in range(3)]
        finally:
            close_async(client)  # from yet another loop
    assert all(result for result in results)
    assert len(server.sends()) == 3


_EVERY_RUN_CLOSES = """
import asyncio, gc, sys
import uvloop
from smsclients import AsyncFlowrouteClient, RetryPolicy
from smsclients.transports import DEFAULT_ASYNC_KIND, fast_async_transport

url, kind = sys.argv[1], sys.argv[2]
transport = None if kind == DEFAULT_ASYNC_KIND else fast_async_transport(kind)
client = AsyncFlowrouteClient("k", "s", base_url=url, retry=RetryPolicy(max_retries=0), transport=transport)

async def send():
    return (await client.messages.send(to="12065551234", from_="12012673227", body="hi")).data.id

ids = [run(send()) for run in (asyncio.run, uvloop.run, asyncio.run)]  # never closed: as many scripts do
gc.collect()
print(len(ids))
"""


@pytest.mark.parametrize("kind", ["httpx", "aiohttp", "asyncio"])  # pyreqwest's connections are not tied to a loop
def test_each_event_loop_closes_its_connections_before_it_ends(kind: str) -> None:
    """A client used from several asyncio.run() (or uvloop.run()) calls and never closed leaves no
    socket to the garbage collector: each loop closes its connections on the way out (LoopEnd).
    In a fresh interpreter with ResourceWarnings as errors, so any unclosed socket shows."""
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(root / part) for part in ("clients", "overlays"))}
    with loopback(canned) as server:
        done = subprocess.run(
            [sys.executable, "-X", "dev", "-W", "error::ResourceWarning", "-c", _EVERY_RUN_CLOSES, server.url, kind],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "3"
    assert "unclosed" not in done.stderr and "Exception ignored" not in done.stderr, done.stderr
    assert len(server.sends()) == 3


@pytest.mark.parametrize("kind", ["httpx", "aiohttp", "asyncio"])  # pyreqwest's connections are not tied to a loop
def test_a_client_busy_on_another_running_loop_refuses_before_sending(kind: str) -> None:
    held = threading.Event()
    release = threading.Event()

    def slow_then_canned(conn: Any, request: Received) -> bool:
        held.set()
        release.wait(10)
        return canned(conn, request)

    with loopback(slow_then_canned) as server:
        client = async_client("AsyncFlowrouteClient", server.url, kind, RetryPolicy(max_retries=0, timeout=10.0))
        first: list[object] = []
        worker = threading.Thread(target=lambda: first.append(run_async(async_send("AsyncFlowrouteClient", client))))
        worker.start()
        try:
            assert held.wait(10)
            with pytest.raises(ClientStateError, match="another running event loop"):
                run_async(async_send("AsyncFlowrouteClient", client))
            assert len(server.sends()) == 1  # the refused one was never sent
        finally:
            release.set()
            worker.join(10)
        assert first and first[0]  # the request in flight on the other loop was not disturbed
        close_async(client)


# ----------------------------------------------------------------------------- what was signed is sent


def _answer_any(conn: Any, request: Received) -> bool:
    respond(conn, 200, [("Content-Type", "application/json")], b'{"replies": []}')
    return True


def _signature_verifies(request: Received) -> bool:
    fields = dict(part.split("=", 1) for part in request.headers["authorization"].removeprefix("hmac ").split(", "))
    expected = hmac_signature(
        "s",
        method=request.method,
        path=request.target,
        date=request.headers["date"],
        body_md5=content_md5(request.body) if request.body else None,
    )
    return bool(fields["signature"].strip('"') == expected) and base64.b64decode(expected) != b""


@pytest.mark.parametrize("kind", EVERY_TRANSPORT, ids=TRANSPORT_IDS)
def test_the_query_goes_out_exactly_as_signed(kind: tuple[str, str]) -> None:
    mode, transport = kind
    params = {"filter": "a/b", "other": "x y+z?&="}
    with loopback(_answer_any) as server:
        if mode == "sync":
            client = sync_clients(server.url, transport, RetryPolicy())["MessageMediaClient"]
            try:
                client._https[0].get("/v1/replies", params=params)
            finally:
                client.close()
        else:
            aclient = async_client("AsyncMessageMediaClient", server.url, transport, RetryPolicy())

            async def get() -> object:
                try:
                    return await aclient._https[0].get("/v1/replies", params=params)
                finally:
                    await aclient.aclose()

            asyncio.run(get())
    (request,) = server.received
    assert request.target == "/v1/replies?filter=a%2Fb&other=x+y%2Bz%3F%26%3D"
    assert _signature_verifies(request)


def test_loopback_answers_canned_sends() -> None:
    """The helper itself: a send gets the provider's answer and a keep-alive connection."""
    server = Loopback(canned)
    try:
        clients = sync_clients(server.url, "httpx", RetryPolicy(max_retries=0))
        try:
            for surface in SYNC_SURFACES:
                assert sync_send(surface, clients[surface])()
        finally:
            for each in clients.values():
                each.close()
    finally:
        server.close()
    assert len(server.sends()) == len(SYNC_SURFACES)
