"""What the sandbox answered, most recent last: the inbox page's request log and change counter.

Every API request is noted (status, operation, any injected fault, magic number or spec
violation), and so is a callback that violates its spec; every request at all, API or control,
bumps :attr:`Journal.version`, which the page's event stream watches (with the callback
counters) to know when to send a new view.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from typing import Any

LIMIT = 300


class Journal:
    """A bounded, thread-safe log of API requests plus a version number of the sandbox's state."""

    def __init__(self, limit: int = LIMIT) -> None:
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=limit)
        self._ids = itertools.count(1)
        self.version = 0

    def note(self, **entry: Any) -> None:
        """Record one API request (``surface``, ``method``, ``path``, ``status``, ``fault``, ...)."""
        with self._lock:
            self._entries.append({"id": next(self._ids), "at": time.time(), **entry})
            self.version += 1

    def bump(self) -> None:
        """Something changed without an API request (a control call)."""
        with self._lock:
            self.version += 1

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(e) for e in self._entries]

    def reset(self) -> None:
        with self._lock:
            self._entries.clear()
            self.version += 1
