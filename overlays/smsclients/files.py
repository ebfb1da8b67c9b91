"""File names given by the application (an outbox, an opt-out list, an export to read or write),
and the SQLite files several workers share.

Checked before use, so that a name no file can have is an :class:`~smsclients.errors.InputError`
naming the argument, not a ``TypeError`` or ``ValueError("embedded null byte")`` from ``open``.
"""

from __future__ import annotations

import os
import sqlite3
import time
from typing import Any

from .errors import InputError

__all__ = ["file_path", "shared_sqlite"]


def file_path(value: Any, field: str) -> str | os.PathLike[str]:
    """``value`` if it can name a file: a non-empty str or path object without NUL characters.

    Never an int or bytes (``open`` reads an int as a file descriptor)."""
    if not isinstance(value, str | os.PathLike):
        raise InputError(field, "must be a file path (a non-empty str or os.PathLike)")
    text = os.fspath(value)
    if not isinstance(text, str) or not text.strip():
        raise InputError(field, "must be a file path (a non-empty str or os.PathLike)")
    if "\x00" in text:
        raise InputError(field, "is not a possible file name (it contains a NUL character)")
    return value


def shared_sqlite(path: str | os.PathLike[str], timeout: float) -> sqlite3.Connection:
    """A connection to the SQLite file ``path`` in WAL mode, autocommit, usable from any thread.

    Switching a file to WAL takes a lock that SQLite does not wait for (its busy timeout does not
    apply to it), so workers opening one new file at the same moment could be refused with
    "database is locked" (measured: about one start in forty, with six threads). The switch is
    retried until ``timeout``; every later statement waits through SQLite's own busy timeout.
    """
    db = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            db.execute("PRAGMA journal_mode=WAL")
            return db
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() + pause > deadline:
                db.close()
                raise
        time.sleep(pause)
        pause = min(pause * 2, 0.05)
