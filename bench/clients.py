"""One factory per benchmark row: each returns a checked "send one SMS" and a closer.

Every send checks the outcome (status and id); a mismatch raises :class:`BenchError`, so no number
can come from failing calls.
"""

from __future__ import annotations

import asyncio
import base64
import http.client
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
from messagemedia_messages_v1_client.resources import NewMessageParams
from smsclients import (
    AsyncBandwidthClient,
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    BandwidthClient,
    FlowrouteClient,
    MessageMediaClient,
)
from smsclients.legacy.bandwidth import Client as LegacyBandwidth
from smsclients.legacy.flowroute_v3 import FlowroutenumbersandmessagingClient
from smsclients.legacy.messagemedia import MessageMediaMessagesClient
from smsclients.transports import DEFAULT_ASYNC_KIND, fast_async_transport, fast_transport

from bench.rawserver import BufferedProtocol
from demo.present import known

FR = ("sandbox-access-key", "sandbox-secret-key")
BW = ("sandbox-api-token", "sandbox-api-secret")
MM = ("sandbox-api-key", "sandbox-api-secret")
BW_USER = "u-bench"
FR_FROM, FR_TO = "12012673227", "12065551234"
BW_FROM, BW_TO = "+12065551234", "+12065551235"
MM_TO = "+61491570156"


class BenchError(AssertionError):
    """A benchmarked call did not succeed as expected."""


def check(ok: bool, what: str) -> None:
    if not ok:
        raise BenchError(what)


@dataclass
class SyncRow:
    name: str
    kind: str  # "ours-modern", "ours-legacy", "old-sdk", "raw"
    send: Callable[[], None]
    close: Callable[[], None]


@dataclass
class AsyncRow:
    name: str
    kind: str
    send: Callable[[], Awaitable[None]]
    close: Callable[[], Awaitable[None]]


def _transport(kind: str) -> httpx.BaseTransport | None:
    return None if kind == "httpx" else fast_transport(kind)


def _async_transport(kind: str) -> httpx.AsyncBaseTransport | None:
    # The default kind's rows give no transport: they measure what the default install does.
    return None if kind == DEFAULT_ASYNC_KIND else fast_async_transport(kind)


def sync_rows(base: str, transports: list[str], *, old_sdks: bool) -> list[SyncRow]:
    rows: list[SyncRow] = []
    for t in transports:
        fr = FlowrouteClient(*FR, base_url=f"{base}/flowroute", transport=_transport(t))

        def fr_send(fr: FlowrouteClient = fr) -> None:
            check(
                known(known(fr.messages.send(to=FR_TO, from_=FR_FROM, body="hi").data).id).startswith("mdr2-"), "fr id"
            )

        rows.append(SyncRow(f"Flowroute modern [{t}]", "ours-modern", fr_send, fr.close))

        frl = FlowroutenumbersandmessagingClient(*FR, base_uri=f"{base}/flowroute", transport=_transport(t))
        fr_body = {"data": {"type": "message", "attributes": {"to": FR_TO, "from": FR_FROM, "body": "hi"}}}

        def frl_send(frl: FlowroutenumbersandmessagingClient = frl, fr_body: dict[str, Any] = fr_body) -> None:
            result = frl.messages.send_a_message(fr_body)
            check(str(result["data"]["id"]).startswith("mdr2-"), "flowroute legacy id")

        rows.append(SyncRow(f"Flowroute legacy v3 [{t}]", "ours-legacy", frl_send, frl.close))

        bw = BandwidthClient(BW_USER, *BW, base_url=f"{base}/bandwidth/v1", transport=_transport(t))

        def bw_send(bw: BandwidthClient = bw) -> None:
            check(bw.messages.send(from_=BW_FROM, to=BW_TO, text="hi").startswith("m-"), "bandwidth id")

        rows.append(SyncRow(f"Bandwidth modern [{t}]", "ours-modern", bw_send, bw.close))

        bwl = LegacyBandwidth(BW_USER, *BW, api_endpoint=f"{base}/bandwidth", api_version="v1", transport=_transport(t))

        def bwl_send(bwl: LegacyBandwidth = bwl) -> None:
            check(bwl.send_message(BW_FROM, BW_TO, "hi").startswith("m-"), "bandwidth legacy id")

        rows.append(SyncRow(f"Bandwidth legacy 3.x [{t}]", "ours-legacy", bwl_send, bwl.close))

        mm = MessageMediaClient(*MM, base_url=f"{base}/messagemedia", transport=_transport(t))
        mm_messages: list[NewMessageParams] = [{"content": "hi", "destination_number": MM_TO}]

        def mm_send(mm: MessageMediaClient = mm, mm_messages: list[NewMessageParams] = mm_messages) -> None:
            message_id = known(mm.messages.send(mm_messages).messages)[0].message_id
            check(isinstance(message_id, str) and len(message_id) == 36, "messagemedia id")

        rows.append(SyncRow(f"MessageMedia modern [{t}]", "ours-modern", mm_send, mm.close))

        mml = MessageMediaMessagesClient(*MM, base_url=f"{base}/messagemedia", transport=_transport(t))
        mm_body = {"messages": mm_messages}

        def mml_send(mml: MessageMediaMessagesClient = mml, mm_body: dict[str, Any] = mm_body) -> None:
            messages = mml.messages.create_send_messages(mm_body).messages or []
            check(bool(messages) and len(str(messages[0]["message_id"])) == 36, "messagemedia legacy id")

        rows.append(SyncRow(f"MessageMedia legacy 1.1 [{t}]", "ours-legacy", mml_send, mml.close))

    if old_sdks:
        from bench import oldsdks

        mm_old = oldsdks.messagemedia_110(f"{base}/messagemedia", *MM, MM_TO)

        def mm_old_send() -> None:
            check(len(mm_old()) == 36, "messagemedia 1.1.0 id")

        rows.append(SyncRow("old SDK: MessageMedia 1.1.0 (Basic)", "old-sdk", mm_old_send, lambda: None))
        bw_old = oldsdks.bandwidth_303(f"{base}/bandwidth", BW_USER, *BW, BW_FROM, BW_TO)

        def bw_old_send() -> None:
            check(bw_old().startswith("m-"), "bandwidth 3.0.3 id")

        rows.append(SyncRow("old SDK: Bandwidth 3.0.3", "old-sdk", bw_old_send, lambda: None))

    rows += raw_rows(base, transports)
    return rows


def raw_rows(base: str, transports: list[str]) -> list[SyncRow]:
    rows: list[SyncRow] = []
    auth = (FR[0], FR[1])
    payload = {"data": {"type": "message", "attributes": {"to": FR_TO, "from": FR_FROM, "body": "hi"}}}
    for t in transports:
        client = httpx.Client(base_url=f"{base}/flowroute", auth=auth, transport=fast_transport(t))

        def raw_send(client: httpx.Client = client) -> None:
            response = client.post("/v2.1/messages", json=payload)
            check(response.status_code == 202 and response.json()["data"]["id"].startswith("mdr2-"), "raw httpx")

        rows.append(SyncRow(f"raw httpx.Client [{t}]", "raw", raw_send, client.close))

    url = httpx.URL(base)
    conn = http.client.HTTPConnection(url.host, url.port)
    token = base64.b64encode(f"{FR[0]}:{FR[1]}".encode()).decode()
    headers = {"Authorization": f"Basic {token}", "Content-Type": "application/json"}
    body = json.dumps(payload).encode()
    path = f"{url.raw_path.decode().rstrip('/')}/flowroute/v2.1/messages"

    def hc_send() -> None:
        conn.request("POST", path, body, headers)
        response = conn.getresponse()
        data = response.read()
        check(response.status == 202 and json.loads(data)["data"]["id"].startswith("mdr2-"), "raw http.client")

    rows.append(SyncRow("raw http.client keep-alive", "raw", hc_send, conn.close))
    return rows


def async_rows(base: str, transports: list[str]) -> list[AsyncRow]:
    """Must be called inside the running event loop that will use the clients."""
    rows: list[AsyncRow] = []
    for t in transports:
        fr = AsyncFlowrouteClient(*FR, base_url=f"{base}/flowroute", transport=_async_transport(t))

        async def fr_send(fr: AsyncFlowrouteClient = fr) -> None:
            check(
                known(known((await fr.messages.send(to=FR_TO, from_=FR_FROM, body="hi")).data).id).startswith("mdr2-"),
                "flowroute id",
            )

        rows.append(AsyncRow(f"async Flowroute modern [{t}]", "ours-async", fr_send, fr.aclose))
        bw = AsyncBandwidthClient(BW_USER, *BW, base_url=f"{base}/bandwidth/v1", transport=_async_transport(t))

        async def bw_send(bw: AsyncBandwidthClient = bw) -> None:
            check((await bw.messages.send(from_=BW_FROM, to=BW_TO, text="hi")).startswith("m-"), "bandwidth id")

        rows.append(AsyncRow(f"async Bandwidth modern [{t}]", "ours-async", bw_send, bw.aclose))
        mm = AsyncMessageMediaClient(*MM, base_url=f"{base}/messagemedia", transport=_async_transport(t))
        mm_messages: list[NewMessageParams] = [{"content": "hi", "destination_number": MM_TO}]

        async def mm_send(mm: AsyncMessageMediaClient = mm, mm_messages: list[NewMessageParams] = mm_messages) -> None:
            message_id = known((await mm.messages.send(mm_messages)).messages)[0].message_id
            check(isinstance(message_id, str) and len(message_id) == 36, "messagemedia id")

        rows.append(AsyncRow(f"async MessageMedia modern [{t}]", "ours-async", mm_send, mm.aclose))
    return rows


def raw_async_row(base: str) -> AsyncRow:
    """Plain ``httpx.AsyncClient`` with httpx's own pool (what smsclients.pooling improves on)."""
    client = httpx.AsyncClient(base_url=f"{base}/flowroute", auth=FR)
    payload = {"data": {"type": "message", "attributes": {"to": FR_TO, "from": FR_FROM, "body": "hi"}}}

    async def raw_send() -> None:
        response = await client.post("/v2.1/messages", json=payload)
        check(response.status_code == 202 and response.json()["data"]["id"].startswith("mdr2-"), "raw async httpx")

    return AsyncRow("raw httpx.AsyncClient (httpx's one pool)", "raw", raw_send, client.aclose)


@dataclass
class BulkRow:
    name: str
    kind: str
    run: Callable[[int], Awaitable[None]]  # sends N messages, checking every result
    close: Callable[[], Awaitable[None]]


def send_many_row(base: str, transport: str) -> BulkRow:
    """``AsyncFlowrouteClient.messages.send_many`` with 64 in flight (the default outbox, in memory)."""
    fr = AsyncFlowrouteClient(*FR, base_url=f"{base}/flowroute", transport=_async_transport(transport))

    async def run(count: int, fr: AsyncFlowrouteClient = fr) -> None:
        rows = ({"to": FR_TO, "text": "hi"} for _ in range(count))
        done = 0
        async for result in fr.messages.send_many(rows, from_=FR_FROM, concurrency=64):
            check(result.ok and (result.message_id or "").startswith("mdr2-"), "send_many result")
            done += 1
        check(done == count, "send_many count")

    return BulkRow(f"send_many: async Flowroute modern [{transport}]", "ours-async", run, fr.aclose)


class _FloorConnection(BufferedProtocol):
    """One keep-alive connection of the floor client: one request at a time, Content-Length framing."""

    def __init__(self) -> None:
        super().__init__()
        self.waiter: asyncio.Future[bytes] | None = None

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.buffer[:end].lower()
        length = int(head.split(b"content-length:", 1)[1].split(b"\r\n", 1)[0])
        if len(self.buffer) >= end + 4 + length and self.waiter is not None:
            body, self.buffer = self.buffer[end + 4 : end + 4 + length], self.buffer[end + 4 + length :]
            self.waiter.set_result(body)


def floor_async_row(base: str) -> AsyncRow:
    """The harness's ceiling: a minimal asyncio HTTP/1.1 client (canned request, no checks but the id).

    No client does less per request, so its rate is the most any client can reach on this machine
    and server; the other rows are read against it as well as against the bound."""
    host, port = base.removeprefix("http://").split(":")
    payload = json.dumps({"data": {"type": "message", "attributes": {"to": FR_TO, "from": FR_FROM, "body": "hi"}}})
    auth = base64.b64encode(":".join(FR).encode()).decode()
    request = (
        f"POST /flowroute/v2.1/messages HTTP/1.1\r\nhost: {host}:{port}\r\nauthorization: Basic {auth}\r\n"
        f"content-type: application/vnd.api+json\r\ncontent-length: {len(payload)}\r\n\r\n{payload}"
    ).encode()
    idle: list[_FloorConnection] = []

    async def floor_send() -> None:
        loop = asyncio.get_running_loop()
        connection = idle.pop() if idle else (await loop.create_connection(_FloorConnection, host, int(port)))[1]
        assert connection.transport is not None
        connection.waiter = loop.create_future()
        connection.transport.write(request)
        body = await connection.waiter
        idle.append(connection)
        check(b'"mdr2-' in body, "floor id")

    async def close() -> None:
        for connection in idle:
            if connection.transport is not None:
                connection.transport.close()

    return AsyncRow("floor: minimal asyncio HTTP/1.1 client (calibration)", "raw", floor_send, close)
