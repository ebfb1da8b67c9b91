"""The durable outbox of a campaign: each message's state, written before and after each attempt.

    pending -> sending -> accepted (with the provider's id) | failed (with the error) | unknown
                       -> skipped (the recipient opted out: settled before any request)

A message is claimed (``pending`` -> ``sending``, atomically, by one worker) and committed before
its request leaves; its outcome is committed when the answer is read. So after a crash (``kill
-9`` at any moment) a message is either settled, or ``sending``: it may have been sent, and the
campaign reconciles it with the provider before anything is sent again. ``failed`` rows that the
provider certainly refused for now (rate limit, no connection) are claimed again by the next run.

:class:`SqliteOutbox` (the default: one file, shared by the processes of a machine) and
:class:`~smsclients.sending.redis_outbox.RedisOutbox` (shared by machines) keep the same rules.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from ..errors import InputError
from ..files import file_path, shared_sqlite

__all__ = ["PENDING", "Outbox", "Row", "Settle", "SqliteOutbox", "new_worker", "worker_alive"]

PENDING, SENDING, ACCEPTED, FAILED, UNKNOWN = "pending", "sending", "accepted", "failed", "unknown"
SKIPPED = "skipped"  # claimed, then found on the opt-out list: settled, never sent
STATES = (PENDING, SENDING, ACCEPTED, FAILED, UNKNOWN, SKIPPED)

_HOST = socket.gethostname()
_LIVE_WORKERS: set[str] = set()  # the runs of this process still going (their claims are not abandoned)
_LIVE_LOCK = threading.Lock()


def new_worker() -> str:
    """A worker id for one run: host, pid and a random part; registered live until :func:`retire`."""
    worker = f"{_HOST}|{os.getpid()}|{uuid.uuid4().hex[:12]}"
    with _LIVE_LOCK:
        _LIVE_WORKERS.add(worker)
    return worker


def retire(worker: str) -> None:
    with _LIVE_LOCK:
        _LIVE_WORKERS.discard(worker)


def worker_alive(worker: str | None, attempt_at: float | None, lease: float, now: float | None = None) -> bool:
    """Whether the worker that left a row ``sending`` may still be at it (so the row is not abandoned).

    On this host the answer is exact (its process is gone, or it is this process and the run has
    ended); for another host, a claim older than ``lease`` seconds is abandoned.
    """
    if not worker:
        return False
    host, _, rest = worker.partition("|")
    pid_text = rest.partition("|")[0]
    if host == _HOST and pid_text.isdigit():
        pid = int(pid_text)
        if pid == os.getpid():
            with _LIVE_LOCK:
                return worker in _LIVE_WORKERS
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # alive, another user's
            return True
        return True
    moment = now if now is not None else time.time()
    return attempt_at is not None and moment - attempt_at < lease


@dataclass(frozen=True)
class Row:
    """One message's record."""

    seq: int
    fingerprint: str
    key: str
    state: str
    message: Mapping[str, Any]
    message_id: str | None = None
    error: Mapping[str, Any] | None = None
    retry: bool = False
    claimed_by: str | None = None
    attempt_at: float | None = None
    evidence: str | None = None


@dataclass(frozen=True)
class Settle:
    """An outcome to record: the new state, and the id, error and evidence that go with it."""

    seq: int
    state: str
    message_id: str | None = None
    error: Mapping[str, Any] | None = None
    retry: bool = False
    evidence: str | None = None


class Outbox(Protocol):
    """What a campaign needs from its store; every method is atomic on its own."""

    def open(self, provider: str) -> str:
        """Start using the store for ``provider``; returns the campaign's id (the same on every run)."""
        ...

    def register(self, rows: Sequence[tuple[int, str, Mapping[str, Any], str]]) -> dict[int, Row]:
        """Add ``(seq, fingerprint, message, key)`` rows not there yet; return every row as stored."""
        ...

    def claim(self, seqs: Iterable[int], worker: str, *, states: Sequence[str] = (PENDING,)) -> set[int]:
        """Move the rows that are in ``states``, or ``failed`` in a way that may be retried, to
        ``sending`` for ``worker``; returns the seqs it got. Rows another worker holds are left alone."""
        ...

    def mark_unknown(self, seq: int, worker: str | None, evidence: str) -> bool:
        """``sending`` (by ``worker``) -> ``unknown``; False if the row moved on meanwhile."""
        ...

    def release(self, seq: int) -> bool:
        """``unknown`` -> ``pending`` (reconciliation showed it was never sent); False if it moved on."""
        ...

    def settle(self, outcomes: Sequence[Settle], worker: str | None = None) -> None:
        """Record outcomes (only of rows ``worker`` holds, when given)."""
        ...

    def counts(self) -> dict[str, int]:
        """How many rows are in each state."""
        ...

    def close(self) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (
    seq INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL,
    key TEXT NOT NULL,
    state TEXT NOT NULL,
    message TEXT NOT NULL,
    message_id TEXT,
    error TEXT,
    retry INTEGER NOT NULL DEFAULT 0,
    claimed_by TEXT,
    attempt_at REAL,
    evidence TEXT,
    updated_at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS outbox_state ON outbox (state);
"""


class SqliteOutbox:
    """The outbox in one SQLite file (WAL): shared by the threads and processes of one machine.

    Claims run in ``BEGIN IMMEDIATE`` transactions, so two workers never claim one row; every
    state change is committed before the method returns.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        if not isinstance(path, str | os.PathLike):
            raise InputError("outbox", "must be a file path or an Outbox")
        self.path = Path(file_path(path, "outbox"))
        self._lock = threading.Lock()
        self._db = shared_sqlite(self.path, timeout=60.0)
        self._db.execute("PRAGMA synchronous=NORMAL")  # WAL: a committed change survives a killed process
        self._db.executescript(_SCHEMA)

    def _write(self, statements: Iterable[tuple[str, Sequence[Any]]]) -> list[sqlite3.Cursor]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cursors = [self._db.execute(sql, params) for sql, params in statements]
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
            return cursors

    def open(self, provider: str) -> str:
        campaign = uuid.uuid4().hex[:12]
        self._write(
            [
                ("INSERT OR IGNORE INTO meta VALUES ('provider', ?)", (provider,)),
                ("INSERT OR IGNORE INTO meta VALUES ('campaign', ?)", (campaign,)),
            ]
        )
        with self._lock:
            meta = dict(self._db.execute("SELECT name, value FROM meta").fetchall())
        if meta["provider"] != provider:
            raise InputError("outbox", f"belongs to a {meta['provider']} campaign, not {provider}")
        return str(meta["campaign"])

    def register(self, rows: Sequence[tuple[int, str, Mapping[str, Any], str]]) -> dict[int, Row]:
        if not rows:
            return {}
        now = time.time()
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT OR IGNORE INTO outbox (seq, fingerprint, key, state, message, updated_at) "
                    "VALUES (?, ?, ?, 'pending', ?, ?)",
                    [(seq, fp, key, json.dumps(message, default=str), now) for seq, fp, message, key in rows],
                )
                found = self._db.execute(
                    f"SELECT * FROM outbox WHERE seq IN ({','.join('?' * len(rows))})",
                    [row[0] for row in rows],
                ).fetchall()
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")
        return {record[0]: _row(record) for record in found}

    def claim(self, seqs: Iterable[int], worker: str, *, states: Sequence[str] = (PENDING,)) -> set[int]:
        wanted = list(seqs)
        if not wanted:
            return set()
        now = time.time()
        marks = ",".join("?" * len(wanted))
        state_marks = ",".join("?" * len(states))
        update = (
            f"UPDATE outbox SET state='sending', claimed_by=?, attempt_at=?, updated_at=? "
            f"WHERE seq IN ({marks}) AND (state IN ({state_marks}) OR (state='failed' AND retry=1))"
        )
        select = f"SELECT seq FROM outbox WHERE seq IN ({marks}) AND state='sending' AND claimed_by=?"
        _, got = self._write([(update, [worker, now, now, *wanted, *states]), (select, [*wanted, worker])])
        return {seq for (seq,) in got.fetchall()}

    def mark_unknown(self, seq: int, worker: str | None, evidence: str) -> bool:
        (cursor,) = self._write(
            [
                (
                    "UPDATE outbox SET state='unknown', evidence=?, updated_at=? "
                    "WHERE seq=? AND state='sending' AND claimed_by IS ?",
                    (evidence, time.time(), seq, worker),
                )
            ]
        )
        return cursor.rowcount == 1

    def release(self, seq: int) -> bool:
        (cursor,) = self._write(
            [("UPDATE outbox SET state='pending', updated_at=? WHERE seq=? AND state='unknown'", (time.time(), seq))]
        )
        return cursor.rowcount == 1

    def settle(self, outcomes: Sequence[Settle], worker: str | None = None) -> None:
        if not outcomes:
            return
        now = time.time()
        sql = (
            "UPDATE outbox SET state=?, message_id=?, error=?, retry=?, evidence=COALESCE(?, evidence), "
            "updated_at=? WHERE seq=?" + (" AND claimed_by=?" if worker is not None else "")
        )
        params = [
            (
                o.state,
                o.message_id,
                json.dumps(o.error) if o.error is not None else None,
                int(o.retry),
                o.evidence,
                now,
                o.seq,
                *((worker,) if worker is not None else ()),
            )
            for o in outcomes
        ]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(sql, params)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def counts(self) -> dict[str, int]:
        with self._lock:
            found = dict(self._db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
        return {state: int(found.get(state, 0)) for state in STATES}

    def rows(self) -> list[Row]:
        """Every row, in input order (for reports and tests)."""
        with self._lock:
            return [_row(record) for record in self._db.execute("SELECT * FROM outbox ORDER BY seq").fetchall()]

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _row(record: Sequence[Any]) -> Row:
    seq, fingerprint, key, state, message, message_id, error, retry, claimed_by, attempt_at, evidence, _ = record
    return Row(
        seq=seq,
        fingerprint=fingerprint,
        key=key,
        state=state,
        message=json.loads(message),
        message_id=message_id,
        error=json.loads(error) if error else None,
        retry=bool(retry),
        claimed_by=claimed_by,
        attempt_at=attempt_at,
        evidence=evidence,
    )
