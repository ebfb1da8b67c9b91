"""Counting what the sandbox actually accepted, so reliability tests can prove "sent once".

Every accepted message is counted per surface, and every marker token (``mk-`` + 8 or more hex
digits) found in its text is counted; a marker accepted more than once is a duplicate send.
Faults injected are counted by kind, and responses that failed the sandbox's own spec check
are counted so a test can assert there were none. Everything lives in the store, so the counts
survive a restart on a SQLite file together with the messages they describe.
"""

from __future__ import annotations

import re
from typing import Any

from smsclients_sandbox.storage import Store
from smsclients_sandbox.surfaces import SURFACES

MARKER = re.compile(r"mk-[0-9a-f]{8,}")
_MARKERS = "marker"


class Stats:
    """Counters over a store; cheap to call on every accepted message."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def accepted(self, surface: str, text: str | None, segments: int | None = None) -> None:
        """Record one accepted message, the SMS segments billed for it and the distinct markers in its text."""
        self._store.incr(f"accepted:{surface}")
        if segments:
            self._store.incr(f"segments:{surface}", segments)
        for token in sorted(set(MARKER.findall(text or ""))):
            doc = self._store.get(_MARKERS, token) or {"token": token, "count": 0, "surfaces": []}
            doc["count"] = int(doc["count"]) + 1
            if surface not in doc["surfaces"]:
                doc["surfaces"].append(surface)
            self._store.put(_MARKERS, token, doc)

    def fault(self, kind: str) -> None:
        self._store.incr(f"fault:{kind}")

    def spec_violation(self) -> None:
        self._store.incr("spec_violation")

    def rate_limited(self) -> None:
        """A send refused by realistic mode's send-rate limits (:mod:`smsclients_sandbox.send_limits`)."""
        self._store.incr("rate_limited")

    def snapshot(self) -> dict[str, Any]:
        """The JSON document served at ``GET /_sandbox/stats``."""
        accepted = {s.name: 0 for s in SURFACES}
        for name, value in self._store.counters("accepted:").items():
            accepted[name.removeprefix("accepted:")] = value
        faults = {k: 0 for k in ("429", "503", "latency", "reset-before", "reset-after")}
        for name, value in self._store.counters("fault:").items():
            faults[name.removeprefix("fault:")] = value
        segments = {s.name: 0 for s in SURFACES}
        for name, value in self._store.counters("segments:").items():
            segments[name.removeprefix("segments:")] = value
        markers = self._store.scan(_MARKERS)
        duplicates = sorted(str(d["token"]) for d in markers if int(d["count"]) > 1)
        return {
            "accepted": accepted,
            "accepted_total": sum(accepted.values()),
            # SMS segments billed per surface (an MMS is billed per message and is not counted here)
            "segments": segments,
            "segments_total": sum(segments.values()),
            "markers": {
                "distinct": len(markers),
                "total": sum(int(d["count"]) for d in markers),
            },
            "duplicates": duplicates,
            "faults": faults,
            "spec_violations": self._store.counters("spec_violation").get("spec_violation", 0),
            "rate_limited": self._store.counters("rate_limited").get("rate_limited", 0),
        }
