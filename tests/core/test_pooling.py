"""PartitionedAsyncTransport: httpx's async transport as one-connection partitions, against a real socket."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from smsclients.pooling import PartitionedAsyncTransport

_BODY = b'{"ok": true}'
_RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (len(_BODY), _BODY)


class _Server:
    """A keep-alive HTTP/1.1 responder that answers after ``delay`` and records each connection's port."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.client_ports: set[int] = set()
        self.requests = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.client_ports.add(writer.get_extra_info("peername")[1])
        try:
            while await reader.readuntil(b"\r\n\r\n"):  # the requests in these tests have no body
                self.requests += 1
                await asyncio.sleep(self.delay)
                writer.write(_RESPONSE)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@asynccontextmanager
async def _serving(delay: float = 0.0) -> AsyncIterator[tuple[_Server, str]]:
    server = _Server(delay)
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0)
    port = listener.sockets[0].getsockname()[1]
    try:
        yield server, f"http://127.0.0.1:{port}/"
    finally:
        listener.close()


def _run(test: Callable[[], Coroutine[Any, Any, None]]) -> None:
    asyncio.run(test())


async def _get(transport: PartitionedAsyncTransport, url: str) -> httpx.Response:
    return await transport.handle_async_request(httpx.Request("GET", url))


def test_sequential_requests_reuse_one_connection() -> None:
    async def test() -> None:
        async with _serving() as (server, url):
            transport = PartitionedAsyncTransport()
            for _ in range(10):
                response = await _get(transport, url)
                assert response.status_code == 200
            await transport.aclose()
        assert (transport.partitions, len(server.client_ports), server.requests) == (1, 1, 10)

    _run(test)


def test_concurrent_requests_each_get_a_connection_and_a_read_body() -> None:
    async def test() -> None:
        async with _serving(delay=0.05) as (server, url):
            transport = PartitionedAsyncTransport()
            responses = await asyncio.gather(*(_get(transport, url) for _ in range(16)))
            assert [r.content for r in responses] == [_BODY] * 16  # already read: .content needs no aread()
            assert all(r.is_closed for r in responses)
            again = await asyncio.gather(*(_get(transport, url) for _ in range(16)))
            assert all(r.status_code == 200 for r in again)
            await transport.aclose()
        assert (transport.partitions, len(server.client_ports), server.requests) == (16, 16, 32)

    _run(test)


def test_more_requests_than_connections_wait_their_turn() -> None:
    async def test() -> None:
        async with _serving(delay=0.01) as (server, url):
            transport = PartitionedAsyncTransport(connections=2)
            responses = await asyncio.gather(*(_get(transport, url) for _ in range(7)))
            await transport.aclose()
        assert all(r.status_code == 200 for r in responses)
        assert (transport.partitions, len(server.client_ports), server.requests) == (2, 2, 7)

    _run(test)


def test_a_failed_request_frees_its_partition() -> None:
    async def test() -> None:
        transport = PartitionedAsyncTransport(connections=1)
        async with _serving() as (_, url):
            closed_port_url = url  # the listener closes when the block ends
        with pytest.raises(httpx.ConnectError):
            await _get(transport, closed_port_url)
        async with _serving() as (server, url):
            assert transport._free == [0]  # free again, so it is reused rather than queued on
            assert (await _get(transport, url)).status_code == 200
        await transport.aclose()
        assert (transport.partitions, server.requests) == (1, 1)

    _run(test)


def test_cancelled_request_frees_its_partition() -> None:
    async def test() -> None:
        async with _serving(delay=10) as (_, url):
            transport = PartitionedAsyncTransport(connections=1)
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(_get(transport, url), timeout=0.05)
            assert transport._free == [0]
            await transport.aclose()

    _run(test)


def test_connections_must_be_positive() -> None:
    with pytest.raises(ValueError, match="connections must be at least 1; got 0"):
        PartitionedAsyncTransport(connections=0)
