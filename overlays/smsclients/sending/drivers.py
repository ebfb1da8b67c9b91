"""The I/O of ``send_many``: the same steps (:class:`~.campaign.Campaign`) driven by threads or by tasks.

The drivers differ only in how they call the resource (plain call or ``await``), how they run
requests side by side (a thread pool; on asyncio the pipeline of :mod:`.pipeline`; elsewhere an anyio
task group per window) and how they read the input. The async drivers run the outbox's steps in
worker threads, so a busy outbox never holds the event loop (the default in-memory outbox does no
I/O: its steps run inline); the sync driver submits the next windows to its pool while the current
one is sent, so neither waits at a window's end for the last request of it.
"""

from __future__ import annotations

import asyncio
import collections
import inspect
import itertools
from collections.abc import (
    AsyncIterable,
    AsyncIterator,
    Awaitable,
    Callable,
    Iterable,
    Iterator,
    Mapping,
)
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

from ..errors import InputError
from .campaign import Campaign, Chunk, Window
from .profile import BulkProfile
from .results import SendResult

__all__ = ["send_many_async", "send_many_sync"]

T = TypeVar("T")
Step = Callable[..., Awaitable[Any]]  # runs one outbox step: in a worker thread, or inline (in-memory outbox)


def send_many_sync(
    resource: Any, profile: BulkProfile, messages: Iterable[Any], options: Mapping[str, Any], max_cost: int | None
) -> Iterator[SendResult]:
    """Send ``messages`` through the sync ``resource``; one result per message, in input order."""
    source = iter(_iterable(messages))
    campaign = Campaign(profile, options, max_cost)
    start = 0

    def next_window() -> Window | None:
        nonlocal start
        items = list(itertools.islice(source, campaign.window_size))
        if not items:
            return None
        window = campaign.window(items, start)
        start += len(items)
        _reconcile_sync(resource, campaign, window)
        return window

    # Windows are submitted ahead (their requests queue in the pool), so the pool never waits at a
    # window's end for the last request of it: results still come out window by window, in order.
    queued: collections.deque[tuple[Window, list[Future[None]]]] = collections.deque()
    ahead = campaign.ahead(campaign.window_size)
    try:
        with ThreadPoolExecutor(max_workers=campaign.concurrency, thread_name_prefix="send_many") as pool:
            window = next_window()
            try:
                while window is not None or queued:
                    while window is not None and len(queued) <= ahead and campaign.stopped is None:
                        futures = [pool.submit(_send_sync, resource, campaign, c) for c in campaign.chunks(window)]
                        queued.append((window, futures))
                        window = next_window()  # read and recorded while the queued ones are sent
                    if not queued:
                        break
                    done, futures = queued.popleft()
                    for future in futures:
                        future.result()
                    yield from done.results()
                    if campaign.stopped is not None:  # e.g. no pacing storage: never send unpaced
                        raise campaign.stopped
            except GeneratorExit:  # closed early: what was claimed is sent and recorded (the pool waits)
                raise
            except BaseException:  # an error: nothing more starts (claimed rows stay `sending`, reconciled)
                for _, futures in queued:
                    for future in futures:
                        future.cancel()
                raise
    finally:
        campaign.close()


async def to_thread(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in a worker thread: the outbox's I/O (SQLite, Redis) never holds the event loop."""
    import anyio.to_thread

    return await anyio.to_thread.run_sync(function, *args)


def _lookup_resource(resource: Any, campaign: Campaign) -> Any:
    reconciler = campaign.profile.reconciler
    return reconciler.source(resource) if reconciler is not None and reconciler.source is not None else resource


def _iterable(messages: object) -> Iterable[Any]:
    """``messages`` if it is a collection or stream of messages (not one message, not a string)."""
    if isinstance(messages, str | bytes | Mapping) or not isinstance(messages, Iterable):
        raise InputError("messages", "must be an iterable of messages (mappings with 'to' and 'text')")
    return messages


def _reconcile_sync(resource: Any, campaign: Campaign, window: Window) -> None:
    plan = campaign.reconcile_queries(window)
    if plan is None:
        if window.reconcile:
            campaign.reconciled(window, None)
        return
    method, queries = plan
    lookup = getattr(_lookup_resource(resource, campaign), method)
    try:
        listed = [item for query in queries for item in lookup(**query)]
    except Exception as exc:
        campaign.reconciled(window, None, exc)
    else:
        campaign.reconciled(window, listed)


def _send_sync(resource: Any, campaign: Campaign, chunk: Chunk | None) -> None:
    while chunk is not None and chunk.slots:
        if campaign.stopped is not None:
            chunk = campaign.failed(chunk, campaign.stopped)
            break
        method, args, kwargs = campaign.request(chunk)
        try:
            answer = getattr(resource, method)(*args, **kwargs)
        except Exception as exc:
            chunk = campaign.failed(chunk, exc)
        else:
            campaign.answered(chunk, answer)
            chunk = None


async def send_many_async(
    resource: Any,
    profile: BulkProfile,
    messages: Iterable[Any] | AsyncIterable[Any],
    options: Mapping[str, Any],
    max_cost: int | None,
) -> AsyncIterator[SendResult]:
    """Async twin of :func:`send_many_sync` (asyncio or trio), over an async ``resource``.

    On asyncio the windows flow through one pipeline (:mod:`.pipeline`); elsewhere (trio) each
    window is sent in a task group before the next is read.
    """
    if not isinstance(messages, AsyncIterable):
        _iterable(messages)
    campaign = await to_thread(Campaign, profile, options, max_cost)
    source = _aiter(messages)
    step = _inline if campaign.outbox_in_memory else to_thread
    cancelled = False
    windows: _Windows | None = None
    try:
        if _on_asyncio():
            from .pipeline import Pipelined

            windows = Pipelined(resource, campaign, source, _take, step, _reconcile_async)
        else:
            windows = _Windowed(resource, campaign, source, step)
        # Only this generator yields: no task group or cleanup spans a yield of a nested generator.
        while (window := await windows.next_window()) is not None:
            for result in window.results():
                yield result
            if campaign.stopped is not None:  # e.g. no pacing storage: never send unpaced
                raise campaign.stopped
    except asyncio.CancelledError:
        cancelled = True
        raise
    finally:
        try:
            if windows is not None:
                await windows.close(cancelled)  # closed early: the driver finishes what it claimed
        finally:
            campaign.close()


class _Windows(Protocol):
    async def next_window(self) -> Window | None: ...
    async def close(self, cancelled: bool) -> None: ...


def _on_asyncio() -> bool:
    import sniffio

    return sniffio.current_async_library() == "asyncio"


async def _inline(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` on the event loop: for the in-memory outbox, which does no I/O."""
    return function(*args)


class _Windowed:
    """Each window read, then sent in a task group of its own (nothing in flight between windows)."""

    def __init__(self, resource: Any, campaign: Campaign, source: AsyncIterator[Any], step: Step) -> None:
        self.resource, self.campaign, self.source, self.step = resource, campaign, source, step
        self.start = 0

    async def next_window(self) -> Window | None:
        import anyio  # here: only async sends need it

        campaign, step = self.campaign, self.step
        items = await _take(self.source, campaign.window_size)
        if not items:
            return None
        window: Window = await step(campaign.window, items, self.start)
        self.start += len(items)
        await _reconcile_async(self.resource, campaign, window, step)
        chunks = await step(campaign.chunks, window)
        limiter = anyio.CapacityLimiter(campaign.concurrency)
        async with anyio.create_task_group() as group:
            for chunk in chunks:
                group.start_soon(_send_async, self.resource, campaign, chunk, limiter, step)
        return window

    async def close(self, cancelled: bool) -> None:
        return None


async def _aiter(messages: Iterable[Any] | AsyncIterable[Any]) -> AsyncIterator[Any]:
    if isinstance(messages, AsyncIterable):
        async for item in messages:
            yield item
    else:
        for item in messages:
            yield item


async def _take(source: AsyncIterator[Any], count: int) -> list[Any]:
    items = []
    async for item in source:
        items.append(item)
        if len(items) >= count:
            break
    return items


async def _reconcile_async(resource: Any, campaign: Campaign, window: Window, step: Step) -> None:
    plan = campaign.reconcile_queries(window)
    if plan is None:
        if window.reconcile:
            await step(campaign.reconciled, window, None)
        return
    method, queries = plan
    lookup = getattr(_lookup_resource(resource, campaign), method)
    try:
        listed = []
        for query in queries:
            found = lookup(**query)
            if inspect.isawaitable(found):  # a check answered at once (a list)
                listed.extend(await found)
            else:
                listed.extend([item async for item in found])
    except Exception as exc:
        await step(campaign.reconciled, window, None, exc)
    else:
        await step(campaign.reconciled, window, listed)


async def _send_async(resource: Any, campaign: Campaign, chunk: Chunk | None, limiter: Any, step: Step) -> None:
    async with limiter:
        while chunk is not None and chunk.slots:
            if campaign.stopped is not None:
                chunk = await step(campaign.failed, chunk, campaign.stopped)
                break
            method, args, kwargs = campaign.request(chunk)
            try:
                answer = await getattr(resource, method)(*args, **kwargs)
            except Exception as exc:
                chunk = await step(campaign.failed, chunk, exc)
            else:
                await step(campaign.answered, chunk, answer)
                chunk = None
