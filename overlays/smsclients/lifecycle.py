"""Lifecycle support for every client object, written once.

Each facade and legacy client owns an httpx connection pool; ``with`` closes it on the way out.
A class supplies ``close()`` (or ``aclose()``) and inherits the rest.

Async connections belong to the event loop they were opened on. :class:`LoopBinding` lets an
async transport notice that it is now called from another loop (a second ``asyncio.run()``) and
open new connections there instead of failing on the old ones.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

from collections.abc import Callable
from types import TracebackType
from typing import Self

from .errors import ClientStateError

__all__ = ["AsyncClosable", "Closable", "LoopBinding"]


class Closable:
    """``with client: ...`` calls ``client.close()``."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class AsyncClosable:
    """``async with client: ...`` awaits ``client.aclose()``."""

    async def aclose(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()


class LoopBinding:
    """The event loop an async transport's connections were opened on.

    Call :meth:`moved` before each request, with a function telling whether the transport has
    requests in flight: False while the loop is the same (or the caller runs
    on trio, whose connections are not tied to an asyncio loop); True once when it changed, and the
    transport then drops its connections (they cannot be used, nor even closed, from this loop)
    and opens new ones. If the old loop is still running with requests of this transport in
    flight, dropping them would break those requests, so :class:`ClientStateError` is raised
    before anything is sent.
    """

    __slots__ = ("_loop", "previous")

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self.previous: asyncio.AbstractEventLoop | None = None  # the loop given up by the last move

    def moved(self, busy: Callable[[], bool]) -> bool:
        import asyncio  # here: a sync client never pays for importing asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not asyncio (trio through anyio): nothing is bound to a loop here
            return False
        current = self._loop
        if loop is current:
            return False
        self._loop = loop
        if current is None:
            return False
        if current.is_running() and busy():
            self._loop = current
            raise ClientStateError(
                "this async client is in use on another running event loop; use one client per loop (nothing was sent)"
            )
        self.previous = current
        return True
