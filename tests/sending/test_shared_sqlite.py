"""Workers opening one new SQLite file at once (the outbox, the opt-out list) all get it.

Switching a file to WAL takes a lock SQLite does not wait for: while another connection is writing
(another worker creating the tables), ``PRAGMA journal_mode=WAL`` failed at once with "database is
locked" and the worker died before sending (seen in the full suite: one of two workers sharing an
outbox). ``smsclients.files.shared_sqlite`` retries the switch. Here the other writer is held
open until the opener has been refused once, so each case runs the same way every time.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from smsclients import files
from smsclients.sending.optouts import SQLiteOptOutStore
from smsclients.sending.outbox import SqliteOutbox


def _writer_holding(path: Path) -> sqlite3.Connection:
    """Another connection in the middle of a write (a RESERVED lock), as a worker creating the tables."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE IF NOT EXISTS other (x)")
    holder.execute("BEGIN IMMEDIATE")
    return holder


OPENERS: dict[str, Callable[[Path], Any]] = {
    "outbox": lambda path: SqliteOutbox(path),
    "optouts": lambda path: SQLiteOptOutStore(path),
    "shared_sqlite": lambda path: files.shared_sqlite(path, timeout=30),
}


@pytest.mark.parametrize("opener", list(OPENERS))
def test_a_file_another_worker_is_writing_is_opened_once_it_is_free(
    opener: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "shared.sqlite"
    holder = _writer_holding(path)
    pauses: list[float] = []

    def pause(seconds: float) -> None:  # the opener was refused: now the other worker finishes
        pauses.append(seconds)
        if holder.in_transaction:
            holder.execute("COMMIT")

    monkeypatch.setattr(time, "sleep", pause)  # files.time is this module
    opened = OPENERS[opener](path)
    assert pauses, "the opener was never refused: the case did not happen"
    db = opened if isinstance(opened, sqlite3.Connection) else opened._db
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    holder.close()


def test_a_file_that_stays_locked_is_refused_at_the_timeout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "shared.sqlite"
    holder = _writer_holding(path)
    clock = [0.0]

    def pause(seconds: float) -> None:
        clock[0] += seconds

    monkeypatch.setattr(time, "sleep", pause)  # files.time is this module
    monkeypatch.setattr(time, "monotonic", lambda: clock[0])
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        files.shared_sqlite(path, timeout=2.0)
    assert 1.9 < clock[0] <= 2.0  # waited (on the fake clock) up to the timeout, not past it
    holder.close()


def test_other_errors_are_not_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "not-a-database.sqlite"
    path.write_bytes(b"this is not an SQLite file" * 100)
    monkeypatch.setattr(time, "sleep", lambda seconds: pytest.fail("retried an error that is not a lock"))
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        files.shared_sqlite(path, timeout=30)
