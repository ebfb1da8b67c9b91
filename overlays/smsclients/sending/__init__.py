"""Sending: at scale (``client.messages.send_many(...)``), and what to know before sending.

    with BandwidthClient(...) as bw:
        for result in bw.messages.send_many(rows, from_="+19195551212", outbox="campaign.sqlite"):
            print(result.index, result.state, result.message_id or result.error)

* :mod:`.messages` -- what a message is (``to``, ``text``, ``from``, provider options), checked;
* :mod:`.campaign` / :mod:`.drivers` -- the run: windows, batches, concurrency, results in order;
* :mod:`.outbox` -- each message's state before and after each attempt (SQLite; Redis shared);
* :mod:`.pacing` -- token buckets at the provider's documented rates (memory or Redis, via ``limits``);
* :mod:`.estimate` -- what a text costs before it is sent (encoding, segments; ``smsclients.estimate``);
* :mod:`.optouts` / :mod:`.keywords` -- opt-out lists and STOP/START/HELP (``smsclients.optouts``);
  ``send_many(..., optouts=store)`` (or a file path, or a ``redis://`` URL) skips the numbers on it.
"""

from __future__ import annotations

from typing import Any

# Loaded on first use: a client that never sends in bulk pays nothing for this package.
_EXPORTS = {
    "BulkProfile": ".profile",
    "OutgoingMessage": ".messages",
    "Outbox": ".outbox",
    "Reconciler": ".profile",
    "RecordedError": ".results",
    "SendResult": ".results",
    "SqliteOutbox": ".outbox",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(name)
    import importlib

    return getattr(importlib.import_module(_EXPORTS[name], __name__), name)
