"""The sandbox's only persistence interface: named collections of JSON documents plus counters.

Two backends with identical behaviour: memory (the default, gone when the process exits) and
SQLite (``--db``), which writes through on every change so a restart sees the same state.
Collections keep insertion order, which the providers rely on for "oldest first" queues and
stable paging. Documents are plain JSON values; callers get copies, never shared references.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import threading
from typing import Any, Protocol

Doc = dict[str, Any]


class Store(Protocol):
    """What every backend provides; keys are unique within a collection (``kind``)."""

    def get(self, kind: str, key: str) -> Doc | None: ...

    def put(self, kind: str, key: str, doc: Doc) -> None:
        """Insert, or replace in place (an existing key keeps its position)."""

    def delete(self, kind: str, key: str) -> bool: ...

    def scan(self, kind: str) -> list[Doc]:
        """All documents of a collection, oldest first."""

    def count(self, kind: str) -> int: ...

    def incr(self, name: str, by: int = 1) -> int:
        """Add to a named counter and return the new value (counters start at 0)."""

    def counters(self, prefix: str) -> dict[str, int]:
        """All counters whose name starts with ``prefix``."""

    def kinds(self, prefix: str) -> list[str]:
        """Names of the non-empty collections that start with ``prefix``, in no particular order."""

    def clear(self) -> None: ...

    def close(self) -> None: ...


class MemoryStore:
    """Dict-backed store; Python dicts already keep insertion order."""

    def __init__(self) -> None:
        self._docs: dict[str, dict[str, Doc]] = {}
        self._counters: dict[str, int] = {}

    def get(self, kind: str, key: str) -> Doc | None:
        doc = self._docs.get(kind, {}).get(key)
        return copy.deepcopy(doc) if doc is not None else None

    def put(self, kind: str, key: str, doc: Doc) -> None:
        self._docs.setdefault(kind, {})[key] = copy.deepcopy(doc)

    def delete(self, kind: str, key: str) -> bool:
        return self._docs.get(kind, {}).pop(key, None) is not None

    def scan(self, kind: str) -> list[Doc]:
        return [copy.deepcopy(d) for d in self._docs.get(kind, {}).values()]

    def count(self, kind: str) -> int:
        return len(self._docs.get(kind, {}))

    def incr(self, name: str, by: int = 1) -> int:
        value = self._counters.get(name, 0) + by
        self._counters[name] = value
        return value

    def counters(self, prefix: str) -> dict[str, int]:
        return {k: v for k, v in self._counters.items() if k.startswith(prefix)}

    def kinds(self, prefix: str) -> list[str]:
        return [k for k, docs in self._docs.items() if docs and k.startswith(prefix)]

    def clear(self) -> None:
        self._docs.clear()
        self._counters.clear()

    def close(self) -> None:
        pass


class SqliteStore:
    """SQLite-backed store in autocommit mode: every change is durable when the call returns.

    A lock serialises access because the stats endpoint and the test thread may touch the same
    connection; the request path itself runs on one event loop thread.
    """

    def __init__(self, path: str) -> None:
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS docs (kind TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL,"
            " body TEXT NOT NULL, PRIMARY KEY (kind, key))"
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS docs_kind_seq ON docs (kind, seq)")
        self._db.execute("CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL)")

    def get(self, kind: str, key: str) -> Doc | None:
        with self._lock:
            row = self._db.execute("SELECT body FROM docs WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        return _load(row[0]) if row else None

    def put(self, kind: str, key: str, doc: Doc) -> None:
        body = json.dumps(doc, separators=(",", ":"))
        with self._lock:
            self._db.execute(
                "INSERT INTO docs (kind, key, seq, body) VALUES"
                " (?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM docs WHERE kind = ?), ?)"
                " ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body",
                (kind, key, kind, body),
            )

    def delete(self, kind: str, key: str) -> bool:
        with self._lock:
            cur = self._db.execute("DELETE FROM docs WHERE kind = ? AND key = ?", (kind, key))
        return cur.rowcount > 0

    def scan(self, kind: str) -> list[Doc]:
        with self._lock:
            rows = self._db.execute("SELECT body FROM docs WHERE kind = ? ORDER BY seq", (kind,)).fetchall()
        return [_load(r[0]) for r in rows]

    def count(self, kind: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT COUNT(*) FROM docs WHERE kind = ?", (kind,)).fetchone()
        return int(row[0])

    def incr(self, name: str, by: int = 1) -> int:
        with self._lock:
            row = self._db.execute(
                "INSERT INTO counters (name, value) VALUES (?, ?)"
                " ON CONFLICT (name) DO UPDATE SET value = value + excluded.value RETURNING value",
                (name, by),
            ).fetchone()
        return int(row[0])

    def counters(self, prefix: str) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT name, value FROM counters").fetchall()
        return {str(n): int(v) for n, v in rows if str(n).startswith(prefix)}

    def kinds(self, prefix: str) -> list[str]:
        with self._lock:
            rows = self._db.execute("SELECT DISTINCT kind FROM docs").fetchall()
        return [str(r[0]) for r in rows if str(r[0]).startswith(prefix)]

    def clear(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM docs")
            self._db.execute("DELETE FROM counters")

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _load(text: str) -> Doc:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise TypeError("stored document is not a JSON object")
    return value


def open_store(db: str | None) -> Store:
    """The memory store, or the SQLite file at ``db`` (created if missing)."""
    return SqliteStore(db) if db else MemoryStore()
