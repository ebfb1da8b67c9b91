"""LinkPager (lazy, bounded, same-origin) and QueueDrainer (confirm only what was handled)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from smsclients import (
    AsyncLinkPager,
    AsyncQueueDrainer,
    InputError,
    LinkPager,
    MalformedResponseError,
    Page,
    QueueDrainer,
)
from smsclients.pagination import _REMEMBERED_BATCHES, _DrainState

BASE = "https://api.example.test"


class FakeLinkedList:
    """Three pages of three items behind absolute next links; records every fetch."""

    def __init__(self, pages: int = 3, per_page: int = 3) -> None:
        self.pages = [[f"p{p}i{i}" for i in range(per_page)] for p in range(pages)]
        self.fetches: list[str] = []

    def _page(self, index: int) -> Page[str]:
        link = f"{BASE}/v2/numbers?limit=3&offset={3 * (index + 1)}" if index + 1 < len(self.pages) else None
        return self.pages[index], link

    def first(self) -> Page[str]:
        self.fetches.append("first")
        return self._page(0)

    def follow(self, url: str) -> Page[str]:
        self.fetches.append(url)
        return self._page(int(url.rsplit("=", 1)[1]) // 3)

    async def afirst(self) -> Page[str]:
        return self.first()

    async def afollow(self, url: str) -> Page[str]:
        return self.follow(url)


def test_link_pager_walks_all_pages_lazily() -> None:
    source = FakeLinkedList()
    pager = LinkPager(source.first, source.follow, base_url=BASE)
    assert source.fetches == []  # nothing before iteration
    iterator = iter(pager)
    assert source.fetches == []
    assert next(iterator) == "p0i0"
    assert source.fetches == ["first"]
    rest = list(iterator)
    assert ["p0i0", *rest] == [item for page in source.pages for item in page]
    assert source.fetches == ["first", f"{BASE}/v2/numbers?limit=3&offset=3", f"{BASE}/v2/numbers?limit=3&offset=6"]


@pytest.mark.parametrize(("limit", "fetches"), [(0, 0), (1, 1), (3, 1), (4, 2), (7, 3), (100, 3)])
def test_link_pager_limit_fetches_only_needed_pages(limit: int, fetches: int) -> None:
    source = FakeLinkedList()
    items = list(LinkPager(source.first, source.follow, base_url=BASE, max_items=limit))
    assert items == [item for page in source.pages for item in page][:limit]
    assert len(source.fetches) == fetches


def test_link_pager_is_reiterable_from_the_start() -> None:
    source = FakeLinkedList(pages=2)
    pager = LinkPager(source.first, source.follow, base_url=BASE, max_items=2)
    assert list(pager) == list(pager) == ["p0i0", "p0i1"]


@pytest.mark.parametrize(
    "link",
    [
        "https://evil.example/v2/numbers?offset=3",
        "http://api.example.test/v2/numbers?offset=3",  # scheme downgrade
        "https://api.example.test:8443/v2/numbers?offset=3",  # other port
        "https://api.example.test.evil.example/v2/numbers",
    ],
)
def test_link_pager_refuses_other_origins(link: str) -> None:
    followed: list[str] = []

    def follow(url: str) -> Page[str]:
        followed.append(url)
        return [], None

    pager = LinkPager(lambda: (["a"], link), follow, base_url=BASE + "/")
    iterator = iter(pager)
    assert next(iterator) == "a"
    with pytest.raises(MalformedResponseError, match="refusing"):
        next(iterator)
    assert followed == []


def test_link_pager_accepts_same_origin_with_explicit_default_port_and_relative_links() -> None:
    pages: dict[str, Page[str]] = {
        f"{BASE}/v1/x?page=2": (["b"], "/v1/x?page=3"),  # relative: resolved against base_url
        f"{BASE}/v1/x?page=3": (["c"], None),
    }
    seen: list[str] = []

    def follow(url: str) -> Page[str]:
        seen.append(url)
        return pages[url]

    pager = LinkPager(lambda: (["a"], "https://API.example.test:443/v1/x?page=2"), follow, base_url=BASE)
    assert list(pager) == ["a", "b", "c"]
    assert seen == [f"{BASE}/v1/x?page=2", f"{BASE}/v1/x?page=3"]


def test_link_pager_stops_on_a_repeated_link() -> None:
    calls: list[str] = []

    def follow(url: str) -> Page[str]:
        calls.append(url)
        return ["again"], url  # the server keeps pointing at the same page

    pager = LinkPager(lambda: (["first"], f"{BASE}/loop"), follow, base_url=BASE)
    assert list(pager) == ["first", "again"]
    assert calls == [f"{BASE}/loop"]


def test_link_pager_continues_past_empty_pages() -> None:
    pages: dict[str, Page[str]] = {f"{BASE}/2": ([], f"{BASE}/3"), f"{BASE}/3": (["z"], None)}
    pager = LinkPager(lambda: ([], f"{BASE}/2"), pages.__getitem__, base_url=BASE)
    assert list(pager) == ["z"]


def test_link_pager_rejects_negative_limit() -> None:
    with pytest.raises(InputError) as info:
        LinkPager(lambda: ([], None), lambda url: ([], None), base_url=BASE, max_items=-1)
    assert info.value.field == "max_items"


def test_async_link_pager() -> None:
    source = FakeLinkedList()

    async def collect(limit: int | None) -> list[str]:
        return [item async for item in AsyncLinkPager(source.afirst, source.afollow, base_url=BASE, max_items=limit)]

    assert source.fetches == []
    assert asyncio.run(collect(None)) == [item for page in source.pages for item in page]
    assert len(source.fetches) == 3
    source.fetches.clear()
    assert asyncio.run(collect(4)) == ["p0i0", "p0i1", "p0i2", "p1i0"]
    assert len(source.fetches) == 2


def test_async_link_pager_refuses_other_origin() -> None:
    async def first() -> Page[str]:
        return ["a"], "https://evil.example/next"

    async def follow(url: str) -> Page[str]:
        raise AssertionError("must not be called")

    async def collect() -> list[str]:
        return [item async for item in AsyncLinkPager(first, follow, base_url=BASE)]

    with pytest.raises(MalformedResponseError):
        asyncio.run(collect())


# --- QueueDrainer -------------------------------------------------------------------------


class FakeQueue:
    """A MessageMedia-style queue: check returns up to `batch` oldest unconfirmed items."""

    def __init__(self, items: list[str], batch: int = 2, *, confirm_lags: bool = False) -> None:
        self.items = list(items)
        self.batch = batch
        self.confirm_lags = confirm_lags  # confirm accepted but check keeps returning the items
        self.checks = 0
        self.confirmed: list[list[str]] = []

    def check(self) -> list[str]:
        self.checks += 1
        return self.items[: self.batch]

    def confirm(self, ids: list[str]) -> None:
        self.confirmed.append(list(ids))
        if not self.confirm_lags:
            self.items = [item for item in self.items if item not in ids]

    async def acheck(self) -> list[str]:
        return self.check()

    async def aconfirm(self, ids: list[str]) -> None:
        self.confirm(ids)


def test_queue_iteration_confirms_a_batch_only_after_its_loop_bodies_finished() -> None:
    queue = FakeQueue(["a", "b", "c"])
    events: list[str] = []
    for item in QueueDrainer(queue.check, queue.confirm, str):
        events.append(f"start {item}")
        assert queue.confirmed == ([] if item in ("a", "b") else [["a", "b"]])
        events.append(f"end {item}")
    assert queue.confirmed == [["a", "b"], ["c"]]
    assert events == ["start a", "end a", "start b", "end b", "start c", "end c"]
    assert queue.checks == 3  # the last check found the queue empty


def test_queue_iteration_exception_leaves_batch_unconfirmed() -> None:
    queue = FakeQueue(["a", "b", "c"])
    with pytest.raises(RuntimeError):
        for item in QueueDrainer(queue.check, queue.confirm, str):
            if item == "b":
                raise RuntimeError("handler failed")
    assert queue.confirmed == []
    assert queue.items == ["a", "b", "c"]  # redelivered next time: at-least-once


def test_queue_iteration_exception_in_a_later_batch_keeps_earlier_confirmations() -> None:
    queue = FakeQueue(["a", "b", "c", "d"])
    with pytest.raises(RuntimeError):
        for item in QueueDrainer(queue.check, queue.confirm, str):
            if item == "d":
                raise RuntimeError("handler failed")
    assert queue.confirmed == [["a", "b"]]
    assert queue.items == ["c", "d"]


def test_queue_iteration_limit_confirms_only_taken_items() -> None:
    queue = FakeQueue(["a", "b", "c", "d"])
    assert list(QueueDrainer(queue.check, queue.confirm, str, max_items=3)) == ["a", "b", "c"]
    assert queue.confirmed == [["a", "b"], ["c"]]
    assert queue.items == ["d"]
    assert queue.checks == 2


def test_queue_stops_on_empty_check() -> None:
    queue = FakeQueue([])
    assert list(QueueDrainer(queue.check, queue.confirm, str)) == []
    assert queue.checks == 1 and queue.confirmed == []


def test_queue_stops_when_check_returns_only_already_confirmed_ids() -> None:
    queue = FakeQueue(["a", "b"], confirm_lags=True)
    assert list(QueueDrainer(queue.check, queue.confirm, str)) == ["a", "b"]
    assert queue.confirmed == [["a", "b"]]
    assert queue.checks == 2


def test_queue_skips_already_confirmed_ids_in_a_mixed_batch() -> None:
    responses = [["a", "b"], ["b", "c"], ["c"]]
    confirmed: list[list[str]] = []
    drained = list(QueueDrainer(lambda: responses.pop(0), confirmed.append, str))
    assert drained == ["a", "b", "c"]
    assert confirmed == [["a", "b"], ["c"]]


def test_queue_remembers_only_recent_batches() -> None:
    """Memory stays flat over a long drain: only the last few batches' ids are kept for replay checks."""
    queue = FakeQueue([f"r{n}" for n in range(1000)], batch=10)
    state: _DrainState[str] = _DrainState(str, None)
    for batch_number in range(100):
        batch = state.fresh(queue.check())
        assert batch == [f"r{n}" for n in range(batch_number * 10, batch_number * 10 + 10)]
        queue.confirm(batch)
        state.confirmed(batch)
        assert len(state._recent) <= _REMEMBERED_BATCHES
    assert state.handled == 1000
    assert state.fresh(["r999", "r990"]) == []  # a replay of the last batch is still recognised


def test_queue_uses_id_of() -> None:
    reports = [{"delivery_report_id": "r1"}, {"delivery_report_id": "r2"}]
    queue = FakeQueue(["r1", "r2"])
    drainer = QueueDrainer(
        lambda: [r for r in reports if r["delivery_report_id"] in queue.check()],
        queue.confirm,
        lambda r: r["delivery_report_id"],
    )
    assert [r["delivery_report_id"] for r in drainer] == ["r1", "r2"]
    assert queue.confirmed == [["r1", "r2"]]


def test_drain_confirms_handled_and_reraises() -> None:
    queue = FakeQueue(["a", "b", "c", "d", "e"])
    handled: list[str] = []

    def handler(item: str) -> None:
        if item == "d":
            raise ValueError("bad item")
        handled.append(item)

    with pytest.raises(ValueError, match="bad item"):
        QueueDrainer(queue.check, queue.confirm, str).drain(handler)
    assert handled == ["a", "b", "c"]
    assert queue.confirmed == [["a", "b"], ["c"]]
    assert queue.items == ["d", "e"]


def test_drain_returns_count_and_respects_limit() -> None:
    queue = FakeQueue(["a", "b", "c", "d", "e"])
    handled: list[str] = []
    assert QueueDrainer(queue.check, queue.confirm, str).drain(handled.append) == 5
    assert handled == ["a", "b", "c", "d", "e"]
    queue = FakeQueue(["a", "b", "c"])
    assert QueueDrainer(queue.check, queue.confirm, str, max_items=1).drain(lambda item: None) == 1
    assert queue.confirmed == [["a"]]


def test_drain_first_item_failing_confirms_nothing() -> None:
    queue = FakeQueue(["a", "b"])

    def handler(item: str) -> None:
        raise KeyError(item)

    with pytest.raises(KeyError):
        QueueDrainer(queue.check, queue.confirm, str).drain(handler)
    assert queue.confirmed == []


def test_async_queue_iteration_and_drain() -> None:
    queue = FakeQueue(["a", "b", "c"])

    async def iterate() -> list[str]:
        seen: list[str] = []
        async for item in AsyncQueueDrainer(queue.acheck, queue.aconfirm, str):
            assert queue.confirmed == ([] if item in ("a", "b") else [["a", "b"]])
            seen.append(item)
        return seen

    assert asyncio.run(iterate()) == ["a", "b", "c"]
    assert queue.confirmed == [["a", "b"], ["c"]]

    queue = FakeQueue(["a", "b", "c"])

    async def handler(item: str) -> None:
        if item == "c":
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        asyncio.run(AsyncQueueDrainer(queue.acheck, queue.aconfirm, str).drain(handler))
    assert queue.confirmed == [["a", "b"]]


def test_async_queue_exception_leaves_batch_unconfirmed() -> None:
    queue = FakeQueue(["a", "b"])

    async def iterate() -> None:
        items: AsyncIterator[str] = AsyncQueueDrainer(queue.acheck, queue.aconfirm, str).__aiter__()
        async for item in items:
            if item == "b":
                raise RuntimeError("handler failed")

    with pytest.raises(RuntimeError):
        asyncio.run(iterate())
    assert queue.confirmed == []
