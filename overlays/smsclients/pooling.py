"""httpx's own async transport as many one-connection pools instead of one large pool.

The async default where pyreqwest cannot be imported, and ``fast_async_transport("httpx")``
(:mod:`smsclients.transports`); the default async transport is pyreqwest's.

httpcore's async pool hands a connection that has just become idle to every queued request; all
but one of them fail, re-queue and rescan the pool (encode/httpcore#1035, open at the time of
writing). With 32 requests in flight that measured 14 pool passes per request and 400-600 sends/s,
against 2,300/s for one sync client. A pool that holds one connection never has a second request
waiting on it while another partition is free, so that churn cannot start.

Partitions are created on demand, and the most recently freed one is reused first, so sequential
use keeps a single keep-alive connection exactly as ``httpx.AsyncHTTPTransport`` does. They belong
to the event loop they were opened on: called from another loop (a second ``asyncio.run()``), the
transport opens new ones there (:class:`~smsclients.lifecycle.LoopBinding`). Each gets the
deadline-enforcing network backend, and bodies are read within the response size limit.
"""

from __future__ import annotations

import ssl
from typing import TYPE_CHECKING

import httpx

from .deadlines import current_limits
from .lifecycle import LoopBinding, LoopEnd
from .shortcuts import aread_limited, install_deadline_backend

if TYPE_CHECKING:
    import asyncio

__all__ = ["DEFAULT_CONNECTIONS", "PartitionedAsyncTransport"]

DEFAULT_CONNECTIONS = 100  # httpx's own default max_connections

_ONE_CONNECTION = httpx.Limits(max_connections=1, max_keepalive_connections=1)


class PartitionedAsyncTransport(httpx.AsyncBaseTransport):
    """``httpx.AsyncHTTPTransport`` split into up to ``connections`` single-connection partitions.

    Each response body is read before its partition is freed (these APIs return small bodies, and
    the retry transport reads them anyway), so a partition is never handed a request while an
    unread response still holds its connection. Beyond ``connections`` requests in flight, a request
    waits in the least busy partition's pool, within the pool timeout, as it would in httpx's pool.
    """

    def __init__(self, *, verify: bool | ssl.SSLContext = True, connections: int = DEFAULT_CONNECTIONS) -> None:
        if connections < 1:
            raise ValueError(f"connections must be at least 1; got {connections}")
        # One context for every partition: building one loads the CA bundle (milliseconds each).
        self._ssl_context = verify if isinstance(verify, ssl.SSLContext) else httpx.create_ssl_context(verify=verify)
        self._limit = connections
        self._partitions: list[httpx.AsyncHTTPTransport] = []
        self._in_flight: list[int] = []
        self._free: list[int] = []  # partitions with nothing in flight, most recently freed last
        self._loop = LoopBinding()
        self._end = LoopEnd(self._loop_ended)

    @property
    def partitions(self) -> int:
        """How many partitions (and so at most how many connections) have been opened so far."""
        return len(self._partitions)

    def _acquire(self) -> int:
        if self._free:
            index = self._free.pop()
        elif len(self._partitions) < self._limit:
            index = len(self._partitions)
            partition = httpx.AsyncHTTPTransport(verify=self._ssl_context, limits=_ONE_CONNECTION)
            install_deadline_backend(partition)
            self._partitions.append(partition)
            self._in_flight.append(0)
        else:
            index = min(range(len(self._in_flight)), key=self._in_flight.__getitem__)
        self._in_flight[index] += 1
        return index

    def _busy(self) -> bool:
        return any(self._in_flight)

    def _release(self, index: int) -> None:
        self._in_flight[index] -= 1
        if self._in_flight[index] == 0:
            self._free.append(index)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self._loop.moved(self._busy):
            # The connections belong to a loop that has ended: they can be neither used nor closed
            # from here (LoopEnd closed them if that loop was ended by asyncio.run).
            self._partitions, self._in_flight, self._free = [], [], []
        await self._end.watch()
        in_flight = self._in_flight  # this generation of partitions
        index = self._acquire()
        try:
            response = await self._partitions[index].handle_async_request(request)
            limits = current_limits()
            try:
                await aread_limited(response, limits.max_response_bytes, limits.deadline, request)
            finally:
                await response.aclose()
            return response
        finally:
            if in_flight is self._in_flight:
                self._release(index)

    async def _loop_ended(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._loop.current is loop:  # not if a later loop has partitions of its own by now
            partitions, self._partitions, self._in_flight, self._free = self._partitions, [], [], []
            for partition in partitions:
                await partition.aclose()

    async def aclose(self) -> None:
        if self._loop.moved(lambda: False):  # closed from a later loop: the connections' loop has gone
            self._partitions, self._in_flight, self._free = [], [], []
        for partition in self._partitions:
            await partition.aclose()
