"""Iterating the providers' two multi-page styles.

* Link paging (Flowroute ``links.next``, Bandwidth ``Link: rel="next"``): :class:`LinkPager`
  follows next-page URLs lazily, never to another origin (the client would attach credentials).
* Check/confirm queues (MessageMedia delivery reports and replies): :class:`QueueDrainer`
  confirms items only after they were handled, so a crash means redelivery, not loss.

The provider supplies the I/O as callables; the classes only hold the iteration rules, which are
shared by the sync and async variants through the small helpers below.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import Generic, TypeAlias, TypeVar

import httpx

from .errors import InputError, MalformedResponseError
from .redaction import redact_url

__all__ = ["AsyncLinkPager", "AsyncQueueDrainer", "LinkPager", "Page", "QueueDrainer", "same_origin"]

logger = logging.getLogger("smsclients.pagination")

T = TypeVar("T")

Page: TypeAlias = tuple[list[T], str | None]
"""One page: its items, and the absolute URL of the next page (None on the last page)."""


def _check_max_items(max_items: int | None) -> int | None:
    # Type first: comparing a str with 0 would raise a bare TypeError.
    if max_items is not None and (isinstance(max_items, bool) or not isinstance(max_items, int) or max_items < 0):
        raise InputError("max_items", "must be >= 0 or None")
    return max_items


def same_origin(url: httpx.URL, base: httpx.URL) -> bool:
    """Whether ``url`` is on ``base``'s origin (scheme, host, port): where the client's credentials may go."""
    # httpx normalises scheme/host case and drops default ports, so equal origins compare equal.
    return (url.scheme, url.host, url.port) == (base.scheme, base.host, base.port)


class _LinkFollower:
    """Validates next-page URLs for one iteration: same origin as base_url, never seen before."""

    def __init__(self, base_url: str) -> None:
        self._base = httpx.URL(base_url)
        self._seen: set[str] = set()

    def next_url(self, link: str | None) -> str | None:
        """The absolute URL to fetch next, or None to stop; raises on a link to another origin."""
        if not link:
            return None
        url = self._base.join(link)  # tolerates a relative link; an absolute one is unchanged
        if not same_origin(url, self._base):
            raise MalformedResponseError(
                f"next-page link {redact_url(url)!r} leaves the API origin {redact_url(self._base)!r}; "
                "refusing to follow it (the request would carry credentials)"
            )
        absolute = str(url)
        if absolute in self._seen:
            # A server that repeats a link would otherwise make us loop for ever.
            logger.warning("next-page link %s repeated; stopping pagination", url.path)
            return None
        self._seen.add(absolute)
        return absolute


class _Quota:
    """Counts items against an optional cap (``max_items``)."""

    def __init__(self, max_items: int | None) -> None:
        self._left = max_items

    @property
    def exhausted(self) -> bool:
        return self._left is not None and self._left <= 0

    def take(self) -> None:
        if self._left is not None:
            self._left -= 1


class LinkPager(Generic[T]):
    """Iterate the items of a link-paged list, fetching pages only as needed.

    Nothing is requested until iteration starts, and iteration stops fetching as soon as ``max_items``
    items were yielded. Each ``iter()`` starts again from the first page.
    """

    def __init__(
        self,
        first: Callable[[], Page[T]],
        follow: Callable[[str], Page[T]],
        *,
        max_items: int | None = None,
        base_url: str,
    ) -> None:
        self._first = first
        self._follow = follow
        self._max_items = _check_max_items(max_items)
        self._base_url = base_url

    def __iter__(self) -> Iterator[T]:
        quota = _Quota(self._max_items)
        if quota.exhausted:
            return
        follower = _LinkFollower(self._base_url)
        items, link = self._first()
        while True:
            for item in items:
                yield item
                quota.take()
                if quota.exhausted:
                    return
            url = follower.next_url(link)
            if url is None:
                return
            items, link = self._follow(url)


class AsyncLinkPager(Generic[T]):
    """Async twin of :class:`LinkPager` (``async for``)."""

    def __init__(
        self,
        first: Callable[[], Awaitable[Page[T]]],
        follow: Callable[[str], Awaitable[Page[T]]],
        *,
        max_items: int | None = None,
        base_url: str,
    ) -> None:
        self._first = first
        self._follow = follow
        self._max_items = _check_max_items(max_items)
        self._base_url = base_url

    async def __aiter__(self) -> AsyncIterator[T]:
        quota = _Quota(self._max_items)
        if quota.exhausted:
            return
        follower = _LinkFollower(self._base_url)
        items, link = await self._first()
        while True:
            for item in items:
                yield item
                quota.take()
                if quota.exhausted:
                    return
            url = follower.next_url(link)
            if url is None:
                return
            items, link = await self._follow(url)


# A queue replays a confirmed item only while the confirm is taking effect, i.e. on the next check
# or two; remembering the last few batches catches that without memory growing with the queue.
_REMEMBERED_BATCHES = 4


def _typed_id_of(id_of: Callable[[T], str]) -> Callable[[T], str]:
    """The generated id reader, its refusal of an item without an id typed as MalformedResponseError.

    Responses may leave any field out (tolerant reader); an item whose id is missing still parses,
    but it cannot be confirmed (nor told apart from a replay), so a queue run stops there.
    """

    def read(item: T) -> str:
        try:
            return id_of(item)
        except ValueError as exc:
            raise MalformedResponseError(str(exc)) from exc

    return read


class _DrainState(Generic[T]):
    """What one drain run remembers: recently confirmed ids (to detect a queue that replays them) and the cap."""

    def __init__(self, id_of: Callable[[T], str], max_items: int | None) -> None:
        self._id_of = _typed_id_of(id_of)
        self._recent: deque[frozenset[str]] = deque(maxlen=_REMEMBERED_BATCHES)
        self.quota = _Quota(max_items)
        self.handled = 0

    def fresh(self, batch: Iterable[T]) -> list[T]:
        """The batch minus items confirmed in the last few batches of this run.

        Empty means stop: the queue is empty, or it still returns what we confirmed (the confirm
        has not taken effect yet), and polling again would spin.
        """
        return [item for item in batch if not any(self._id_of(item) in ids for ids in self._recent)]

    def id_of(self, item: T) -> str:
        return self._id_of(item)

    def confirmed(self, ids: list[str]) -> None:
        self._recent.append(frozenset(ids))
        self.handled += len(ids)


class QueueDrainer(Generic[T]):
    """Check -> handle -> confirm loop over a MessageMedia-style queue, at-least-once.

    Iterating yields each item; a batch is confirmed when the consumer asks for the item after the
    batch's last one, i.e. after the loop body returned for every item in it. If the loop body
    raises (or breaks), that batch stays unconfirmed and is delivered again next time: items may be
    seen twice, never lost. :meth:`drain` confirms more precisely (every item whose handler returned).
    ``max_items`` caps the number of items taken in one run.
    """

    def __init__(
        self,
        check: Callable[[], list[T]],
        confirm: Callable[[list[str]], None],
        id_of: Callable[[T], str],
        *,
        max_items: int | None = None,
    ) -> None:
        self._check = check
        self._confirm = confirm
        self._id_of = id_of
        self._max_items = _check_max_items(max_items)

    def __iter__(self) -> Iterator[T]:
        state = _DrainState(self._id_of, self._max_items)
        while not state.quota.exhausted:
            batch = state.fresh(self._check())
            if not batch:
                return
            done: list[str] = []
            for item in batch:
                if state.quota.exhausted:
                    break
                yield item
                # Execution resumes here only when the consumer's loop body finished with `item`.
                done.append(state.id_of(item))
                state.quota.take()
            self._confirm(done)
            state.confirmed(done)

    def drain(self, handler: Callable[[T], None]) -> int:
        """Handle every item, confirming each batch's handled ids; returns how many were handled.

        On the first handler exception the ids handled so far are confirmed, then it is re-raised
        (the failed item and the rest of its batch stay in the queue).
        """
        state = _DrainState(self._id_of, self._max_items)
        while not state.quota.exhausted:
            batch = state.fresh(self._check())
            if not batch:
                break
            done: list[str] = []
            try:
                for item in batch:
                    if state.quota.exhausted:
                        break
                    handler(item)
                    done.append(state.id_of(item))
                    state.quota.take()
            finally:
                # Also on error: what was handled must not be delivered again.
                if done:
                    self._confirm(done)
                    state.confirmed(done)
        return state.handled


class AsyncQueueDrainer(Generic[T]):
    """Async twin of :class:`QueueDrainer` (``async for`` and ``await drain(handler)``)."""

    def __init__(
        self,
        check: Callable[[], Awaitable[list[T]]],
        confirm: Callable[[list[str]], Awaitable[None]],
        id_of: Callable[[T], str],
        *,
        max_items: int | None = None,
    ) -> None:
        self._check = check
        self._confirm = confirm
        self._id_of = id_of
        self._max_items = _check_max_items(max_items)

    async def __aiter__(self) -> AsyncIterator[T]:
        state = _DrainState(self._id_of, self._max_items)
        while not state.quota.exhausted:
            batch = state.fresh(await self._check())
            if not batch:
                return
            done: list[str] = []
            for item in batch:
                if state.quota.exhausted:
                    break
                yield item
                done.append(state.id_of(item))
                state.quota.take()
            await self._confirm(done)
            state.confirmed(done)

    async def drain(self, handler: Callable[[T], Awaitable[None]]) -> int:
        """Async twin of :meth:`QueueDrainer.drain`; ``handler`` is a coroutine function."""
        state = _DrainState(self._id_of, self._max_items)
        while not state.quota.exhausted:
            batch = state.fresh(await self._check())
            if not batch:
                break
            done: list[str] = []
            try:
                for item in batch:
                    if state.quota.exhausted:
                        break
                    await handler(item)
                    done.append(state.id_of(item))
                    state.quota.take()
            finally:
                if done:
                    await self._confirm(done)
                    state.confirmed(done)
        return state.handled
