"""The asyncio send_many pipeline: no pause between windows, nothing left half-done when it ends early.

A scripted resource stands in for the provider so that each test decides when each request
answers: the assertions are about order and state, never about time.
"""

from __future__ import annotations

import asyncio
import collections
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from pathlib import Path
from typing import Any

import pytest
from smsclients.sending import drivers
from smsclients.sending.drivers import send_many_async
from smsclients.sending.outbox import SqliteOutbox
from smsclients.sending.profile import BulkProfile
from smsclients.sending.redis_outbox import OutboxUnavailableError
from smsclients.sending.results import SendResult

from .support import SENDER, messages

PROFILE = BulkProfile(
    provider="scripted",
    single="send",
    batch=None,
    max_batch=1,
    single_args=lambda message, key: {"to": message.to, "text": message.text},
    single_id=lambda answer: str(answer),
)
SAFETY = 30  # seconds: only ever reached if a test hangs


class Scripted:
    """An async ``send`` whose answers the test controls: ``hold(i)`` keeps message i waiting."""

    def __init__(self) -> None:
        self.started: list[int] = []
        self.sent: collections.Counter[int] = collections.Counter()
        self.in_flight = 0
        self.peak = 0
        self.held: dict[int, asyncio.Event] = {}
        self.cancelled: list[int] = []
        self.watchers: list[tuple[Callable[[], bool], asyncio.Event]] = []

    def hold(self, index: int) -> asyncio.Event:
        self.held[index] = asyncio.Event()
        return self.held[index]

    async def until(self, condition: Callable[[], bool]) -> None:
        event = asyncio.Event()
        self.watchers.append((condition, event))
        self._check()
        await asyncio.wait_for(event.wait(), SAFETY)

    def _check(self) -> None:
        for condition, event in self.watchers:
            if condition():
                event.set()

    async def send(self, to: str, text: str) -> str:
        index = int(text.rsplit(" ", 1)[1])
        self.started.append(index)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        self._check()
        try:
            await asyncio.sleep(0)
            if index in self.held:
                await self.held[index].wait()
        except asyncio.CancelledError:
            self.cancelled.append(index)
            raise
        finally:
            self.in_flight -= 1
        self.sent[index] += 1
        self._check()
        return f"id-{index}"


def _run(resource: Scripted, rows: list[dict[str, Any]], **options: Any) -> AsyncIterator[SendResult]:
    return send_many_async(resource, PROFILE, rows, {"from_": SENDER, **options}, None)


def test_the_next_window_is_sent_while_the_last_request_of_one_is_in_flight() -> None:
    async def main() -> list[SendResult]:
        resource = Scripted()
        first = resource.hold(0)
        results: list[SendResult] = []

        async def consume() -> None:
            results.extend([r async for r in _run(resource, messages(8), concurrency=2, window=2)])

        task = asyncio.ensure_future(consume())
        # Messages 2..5 belong to the next two windows (the most it prepares ahead of the reader):
        # they go out while message 0 is still held.
        await resource.until(lambda: resource.sent.total() == 5)
        assert resource.started[0] == 0 and 0 not in resource.sent and not results
        assert sorted(resource.sent) == [1, 2, 3, 4, 5]
        first.set()
        await asyncio.wait_for(task, SAFETY)
        assert resource.peak == 2  # never more than concurrency in flight
        return results

    results = asyncio.run(main())
    assert [r.index for r in results] == list(range(8))
    assert [r.message_id for r in results] == [f"id-{i}" for i in range(8)]


async def _held_run(resource: Scripted, held: int, rows: list[dict[str, Any]], **options: Any) -> asyncio.Task[None]:
    """Messages 0..held-1 wait; returns the reading task once all of them are in flight."""
    for index in range(held):
        resource.hold(index)

    async def consume() -> None:
        async for _ in _run(resource, rows, **options):
            pass

    task = asyncio.ensure_future(consume())
    await resource.until(lambda: resource.in_flight == held)
    return task


def test_a_window_smaller_than_the_concurrency_still_fills_every_sender() -> None:
    async def main() -> Scripted:
        resource = Scripted()
        # Four windows of three, all in flight at once.
        task = await _held_run(resource, 12, messages(24), concurrency=12, window=3)
        for event in resource.held.values():
            event.set()
        await asyncio.wait_for(task, SAFETY)
        return resource

    resource = asyncio.run(main())
    assert resource.peak == 12 and set(resource.sent.values()) == {1} and resource.sent.total() == 24


def test_concurrency_stays_full_and_bounded_over_many_windows() -> None:
    async def main() -> tuple[Scripted, list[SendResult]]:
        resource = Scripted()
        results = [r async for r in _run(resource, messages(300), concurrency=7, window=10)]
        return resource, results

    resource, results = asyncio.run(main())
    assert resource.peak == 7
    assert [r.index for r in results] == list(range(300)) and all(r.ok for r in results)
    assert set(resource.sent.values()) == {1}


@pytest.mark.parametrize("outbox_kind", ["memory", "file"])
def test_every_result_is_recorded_before_it_is_yielded(tmp_path: Path, outbox_kind: str) -> None:
    outbox = SqliteOutbox(tmp_path / "o.sqlite")
    options: dict[str, Any] = {"outbox": outbox} if outbox_kind == "file" else {}

    async def main() -> list[str]:
        seen = []
        async for result in _run(Scripted(), messages(60), concurrency=5, window=8, **options):
            if outbox_kind == "file":
                row = outbox.rows()[result.index]
                seen.append(f"{row.state}:{row.message_id}")
            else:
                seen.append(f"{result.state}:{result.message_id}")
        return seen

    assert asyncio.run(main()) == [f"accepted:id-{i}" for i in range(60)]


def test_closing_early_finishes_what_was_claimed_and_a_rerun_sends_the_rest_once(tmp_path: Path) -> None:
    path = tmp_path / "campaign.sqlite"
    rows = messages(40)

    async def first_run(resource: Scripted) -> SendResult:
        results = _run(resource, rows, concurrency=3, window=4, outbox=str(path))
        assert isinstance(results, AsyncGenerator)
        first: SendResult = await results.__anext__()
        await results.aclose()
        return first

    resource = Scripted()
    first = asyncio.run(first_run(resource))
    assert first.index == 0 and first.ok
    outbox = SqliteOutbox(path)
    states = collections.Counter(row.state for row in outbox.rows())
    assert states["sending"] == 0  # nothing claimed is left half-done
    assert states["accepted"] == resource.sent.total() and states["accepted"] < 40
    outbox.close()

    async def rerun() -> list[SendResult]:
        return [r async for r in _run(resource, rows, concurrency=3, window=4, outbox=str(path))]

    again = asyncio.run(rerun())
    assert [r.index for r in again] == list(range(40)) and all(r.ok for r in again)
    assert set(resource.sent.values()) == {1} and resource.sent.total() == 40


def test_cancelling_the_reader_cancels_the_requests_in_flight_and_leaves_no_task() -> None:
    async def main() -> Scripted:
        resource = Scripted()
        task = await _held_run(resource, 3, messages(30), concurrency=3, window=6)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert asyncio.all_tasks() == {asyncio.current_task()}
        return resource

    resource = asyncio.run(main())
    assert sorted(resource.cancelled) == [0, 1, 2] and resource.sent.total() == 0


class FailingSettle(SqliteOutbox):
    """An outbox whose answers cannot be written after the first ``good`` ones."""

    def __init__(self, path: Path, good: int) -> None:
        super().__init__(path)
        self.good = good

    def settle(self, outcomes: Any, worker: str | None = None) -> None:
        if self.good <= 0:
            raise OutboxUnavailableError("the outbox cannot be written")
        self.good -= 1
        super().settle(outcomes, worker)


def test_an_outbox_that_fails_stops_the_run_with_its_error(tmp_path: Path) -> None:
    outbox = FailingSettle(tmp_path / "o.sqlite", good=2)

    async def main() -> tuple[Scripted, list[SendResult]]:
        resource = Scripted()
        results: list[SendResult] = []
        with pytest.raises(OutboxUnavailableError):
            async for result in _run(resource, messages(200), concurrency=4, window=8, outbox=outbox):
                results.append(result)
        assert asyncio.all_tasks() == {asyncio.current_task()}
        return resource, results

    resource, results = asyncio.run(main())
    assert resource.sent.total() < 200  # it stopped sending
    rows = outbox.rows()
    assert all(r.ok and rows[r.index].state == "accepted" for r in results)
    outbox.close()

    async def rerun() -> list[SendResult]:  # the outbox works again: nothing is sent twice
        return [r async for r in _run(resource, messages(200), concurrency=4, window=8, outbox=str(outbox.path))]

    again = asyncio.run(rerun())
    assert [r.index for r in again] == list(range(200))
    assert {r.state for r in again} <= {"accepted", "unknown"} and set(resource.sent.values()) == {1}


class FailingOptOuts:
    """An opt-out list that answers ``good`` queries, then cannot be read."""

    def __init__(self, good: int) -> None:
        self.good = good

    def opted_out(self, provider: str, sender: str, numbers: list[str]) -> set[str]:
        if self.good <= 0:
            raise ConnectionError("the list is gone")
        self.good -= 1
        return set()


def test_a_window_that_cannot_be_prepared_raises_after_the_windows_before_it() -> None:
    from smsclients.sending.optouts import OptOutsUnavailableError

    async def main() -> tuple[Scripted, list[SendResult]]:
        resource = Scripted()
        results: list[SendResult] = []
        with pytest.raises(OptOutsUnavailableError):
            async for result in _run(resource, messages(20), concurrency=2, window=5, optouts=FailingOptOuts(2)):
                results.append(result)
        return resource, results

    resource, results = asyncio.run(main())
    assert [r.index for r in results] == list(range(10)) and all(r.ok for r in results)
    assert resource.sent.total() == 10


def test_the_windowed_driver_used_outside_asyncio_keeps_the_same_results(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(drivers, "_on_asyncio", lambda: False)  # as under trio: the anyio task-group driver

    async def main() -> tuple[Scripted, list[SendResult]]:
        resource = Scripted()
        return resource, [r async for r in _run(resource, messages(50), concurrency=4, window=12)]

    resource, results = asyncio.run(main())
    assert [r.index for r in results] == list(range(50)) and all(r.ok for r in results)
    assert resource.peak <= 4 and set(resource.sent.values()) == {1}


ABANDONED = """
import asyncio, sys
from tests.sending.test_pipeline import Scripted, _run
from tests.sending.support import messages

async def main(how):
    resource = Scripted()
    results = _run(resource, messages(500), concurrency=4, window=8)
    async for result in results:
        if result.index == 3:
            if how == "raise":
                raise RuntimeError("the application's own error")
            break  # and the iterator is dropped without aclose()
    await asyncio.sleep(0)

try:
    asyncio.run(main(sys.argv[1]))
except RuntimeError as exc:
    print("raised:", exc)
print("returned")
"""


@pytest.mark.parametrize("how", ["raise", "break"])
def test_an_iterator_the_application_drops_ends_cleanly_with_asyncio_run(how: str) -> None:
    """The loop's own clean-up closes it (asyncgen finaliser, then asyncio.run's shutdown): no
    'Task was destroyed but it is pending', no 'coroutine ignored GeneratorExit', no hang."""
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(root / p) for p in ("clients", "overlays", "sandbox", "."))}
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", ABANDONED, how],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
        timeout=SAFETY * 2,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "returned"
    assert done.stderr == ""
