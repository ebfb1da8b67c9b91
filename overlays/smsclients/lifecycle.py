"""Lifecycle support for every client object, written once.

Each facade and legacy client owns an httpx connection pool; ``with`` closes it on the way out.
A class supplies ``close()`` (or ``aclose()``) and inherits the rest.

Async connections belong to the event loop they were opened on. :class:`LoopBinding` lets an
async transport notice that it is now called from another loop (a second ``asyncio.run()``) and
open new connections there instead of failing on the old ones; :class:`LoopEnd` lets it close
them before their loop is closed, while the loop can still close them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import asyncio

from collections.abc import AsyncGenerator, Awaitable, Callable
from types import TracebackType
from typing import Self

from .errors import ClientStateError

__all__ = ["AsyncClosable", "Closable", "LoopBinding", "LoopEnd"]


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

    @property
    def current(self) -> asyncio.AbstractEventLoop | None:
        """The loop the transport's connections belong to now (None before the first request)."""
        return self._loop

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


class LoopEnd:
    """Runs ``cleanup(loop)`` on each asyncio loop the transport was used on, just before it closes.

    Once a loop is closed, the sockets opened on it can no longer be closed through it, and each
    is left to the garbage collector ("unclosed transport" ResourceWarnings). ``asyncio.run`` and
    ``uvloop.run`` close every async generator still open before they close the loop
    (``loop.shutdown_asyncgens()``, PEP 525), so :meth:`watch` parks one for the loop's lifetime
    whose ``finally`` runs the clean-up. Call :meth:`watch` before each request: after the first
    call on a loop it only compares the loop. Not on asyncio (trio), it does nothing.
    """

    __slots__ = ("_cleanup", "_loop", "_watch")

    def __init__(self, cleanup: Callable[[asyncio.AbstractEventLoop], Awaitable[None]]) -> None:
        self._cleanup = cleanup
        self._loop: asyncio.AbstractEventLoop | None = None
        self._watch: AsyncGenerator[None, None] | None = None  # held: the loop keeps only a weak reference

    async def watch(self) -> None:
        import asyncio  # here: a sync client never pays for importing asyncio

        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if loop is self._loop:
            return
        self._loop = loop
        self._watch = watch = self._until_the_end(loop)
        await watch.__anext__()

    async def _until_the_end(self, loop: asyncio.AbstractEventLoop) -> AsyncGenerator[None, None]:
        try:
            yield
        finally:
            await self._cleanup(loop)
