"""The sync send_many driver: the next windows are sent while one request of a window is still out.

A scripted resource stands in for the provider; the test decides when each request answers, so the
assertions are about order and state, never about time.
"""

from __future__ import annotations

import collections
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from smsclients.sending.drivers import send_many_sync
from smsclients.sending.outbox import SqliteOutbox
from smsclients.sending.results import SendResult

from .support import SENDER, messages
from .test_pipeline import PROFILE, FailingSettle

SAFETY = 30.0  # seconds: only ever reached if a test hangs


class ScriptedSync:
    """A sync ``send`` (called from the driver's threads); ``hold(i)`` keeps message i waiting."""

    def __init__(self) -> None:
        self.lock = threading.Condition()
        self.sent: collections.Counter[int] = collections.Counter()
        self.in_flight = 0
        self.peak = 0
        self.held: dict[int, threading.Event] = {}

    def hold(self, index: int) -> threading.Event:
        self.held[index] = threading.Event()
        return self.held[index]

    def until(self, condition: Callable[[], bool]) -> None:
        with self.lock:
            assert self.lock.wait_for(condition, SAFETY), "the driver never got there"

    def send(self, to: str, text: str) -> str:
        index = int(text.rsplit(" ", 1)[1])
        with self.lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)
            self.lock.notify_all()
        if index in self.held:
            assert self.held[index].wait(SAFETY)
        with self.lock:
            self.in_flight -= 1
            self.sent[index] += 1
            self.lock.notify_all()
        return f"id-{index}"


def _run(resource: ScriptedSync, rows: list[dict[str, Any]], **options: Any) -> Iterator[SendResult]:
    return send_many_sync(resource, PROFILE, rows, {"from_": SENDER, **options}, None)


def test_the_next_windows_are_sent_while_one_request_of_the_first_is_held() -> None:
    resource = ScriptedSync()
    first = resource.hold(0)
    results = _run(resource, messages(12), concurrency=2, window=2)
    got: list[SendResult] = []
    reader = threading.Thread(target=lambda: got.extend(results))
    reader.start()
    # Windows of two, two submitted ahead: messages 1..5 go out while message 0 is held.
    resource.until(lambda: resource.sent.total() == 5)
    assert sorted(resource.sent) == [1, 2, 3, 4, 5] and not got
    first.set()
    reader.join(SAFETY)
    assert [r.index for r in got] == list(range(12)) and all(r.ok for r in got)
    assert resource.peak == 2 and set(resource.sent.values()) == {1}


def test_a_window_smaller_than_the_concurrency_still_fills_every_worker() -> None:
    resource = ScriptedSync()
    events = [resource.hold(index) for index in range(12)]
    got: list[SendResult] = []
    reader = threading.Thread(target=lambda: got.extend(_run(resource, messages(24), concurrency=12, window=3)))
    reader.start()
    resource.until(lambda: resource.in_flight == 12)
    for event in events:
        event.set()
    reader.join(SAFETY)
    assert [r.index for r in got] == list(range(24)) and resource.peak == 12


def test_closing_early_sends_what_was_claimed_and_a_rerun_sends_the_rest_once(tmp_path: Path) -> None:
    path = tmp_path / "campaign.sqlite"
    resource = ScriptedSync()
    results = _run(resource, messages(40), concurrency=3, window=4, outbox=str(path))
    first = next(results)
    results.close()  # type: ignore[attr-defined]
    assert first.index == 0 and first.ok
    outbox = SqliteOutbox(path)
    states = collections.Counter(row.state for row in outbox.rows())
    assert states["sending"] == 0 and states["accepted"] == resource.sent.total() < 40
    outbox.close()
    again = list(_run(resource, messages(40), concurrency=3, window=4, outbox=str(path)))
    assert [r.index for r in again] == list(range(40)) and all(r.ok for r in again)
    assert set(resource.sent.values()) == {1} and resource.sent.total() == 40


def test_an_outbox_that_fails_stops_the_run_and_a_rerun_sends_nothing_twice(tmp_path: Path) -> None:
    outbox = FailingSettle(tmp_path / "o.sqlite", good=3)
    resource = ScriptedSync()
    got: list[SendResult] = []
    error: BaseException | None = None
    try:
        for result in _run(resource, messages(200), concurrency=4, window=8, outbox=outbox):
            got.append(result)
    except Exception as exc:
        error = exc
    assert type(error).__name__ == "OutboxUnavailableError"
    assert resource.sent.total() < 200
    rows = outbox.rows()
    assert all(r.ok and rows[r.index].state == "accepted" for r in got)
    outbox.close()
    again = list(_run(resource, messages(200), concurrency=4, window=8, outbox=str(outbox.path)))
    assert [r.index for r in again] == list(range(200))
    assert {r.state for r in again} <= {"accepted", "unknown"} and set(resource.sent.values()) == {1}
