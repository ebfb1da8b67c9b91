"""Deterministic identifiers: the same seed and the same sequence of calls give the same ids.

Each id is a hash of (seed, kind, n) where n is a persisted per-kind counter, so ids are
reproducible across runs (useful for recorded cassettes) yet never repeat after a restart on a
SQLite file, where a plain seeded RNG would start over and collide.
"""

from __future__ import annotations

import hashlib
import uuid

from smsclients_sandbox.storage import Store

_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


class Ids:
    """Id factory bound to a seed and the store holding its counters."""

    def __init__(self, seed: int, store: Store) -> None:
        self._seed = seed
        self._store = store

    def _digest(self, kind: str) -> bytes:
        n = self._store.incr(f"id:{kind}")
        return hashlib.sha256(f"{self._seed}:{kind}:{n}".encode()).digest()

    def hex(self, kind: str, length: int = 32) -> str:
        """Lowercase hex id, e.g. the 32 digits after ``mdr1-``."""
        return self._digest(kind).hex()[:length]

    def uuid(self, kind: str) -> str:
        """A version-4 style UUID string (36 characters), as MessageMedia and Flowroute use."""
        return str(uuid.UUID(bytes=self._digest(kind)[:16], version=4))

    def alnum(self, kind: str, length: int) -> str:
        """Lowercase letters and digits, like Bandwidth's ``m-it6ewpyiyadfe``."""
        digest = self._digest(kind)
        return "".join(_ALNUM[b % len(_ALNUM)] for b in digest[:length])

    def sequence(self, kind: str) -> int:
        """Next value of a plain counter (route ids, sort keys)."""
        return self._store.incr(f"seq:{kind}")
