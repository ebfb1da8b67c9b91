"""The callback dispatcher is idle only when every attempt is settled.

``wait_idle`` (and ``SandboxHandle.wait_for_callbacks`` over it) must never return between an
attempt and what follows from it (a retry, a fallback, a filed error), or a test reading the
sandbox's records right after it races the worker thread.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from smsclients_sandbox.callbacks import Delivery, Dispatcher
from smsclients_sandbox.signing import WebhookSigner

CLOSED = "http://127.0.0.1:9/hook"  # the discard port: nothing listens, every attempt fails fast


@pytest.mark.parametrize(
    ("retry_delays", "fallback"),
    [((), None), ((0.0, 0.0), None), ((), CLOSED + "/fallback"), ((0.0,), CLOSED + "/fallback")],
)
def test_an_attempt_counts_as_in_flight_until_it_is_settled(
    monkeypatch: pytest.MonkeyPatch, retry_delays: tuple[float, ...], fallback: str | None
) -> None:
    dispatcher = Dispatcher(0.0, WebhookSigner(1), workers=2)
    seen: list[int] = []
    given_up = threading.Event()
    settle = Dispatcher._settle

    def recording(self: Dispatcher, *args: Any, **kwargs: Any) -> None:
        seen.append(self.pending())  # the attempt being settled is still counted
        settle(self, *args, **kwargs)

    monkeypatch.setattr(Dispatcher, "_settle", recording)
    dispatcher.on_failure(lambda delivery: given_up.set())
    delivery = Delivery(0, "bandwidth", "message", "POST", CLOSED, b"{}", "application/json", retry_delays, fallback)
    try:
        dispatcher.submit(delivery)
        assert dispatcher.wait_idle(60.0)
        # Idle means finished: the failure listener ran before, never after.
        assert given_up.is_set() and delivery.state == "failed"
        assert len(seen) == len(delivery.attempts) == 1 + len(retry_delays) + (fallback is not None)
        assert all(pending >= 1 for pending in seen)
    finally:
        dispatcher.close()
