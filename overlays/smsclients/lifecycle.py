"""Context-manager support for every client object, written once.

Each facade and legacy client owns an httpx connection pool; ``with`` closes it on the way out.
A class supplies ``close()`` (or ``aclose()``) and inherits the rest.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

__all__ = ["AsyncClosable", "Closable"]


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
