"""Crash trials: a sending process killed with SIGKILL at a random moment, then resumed from its outbox.

Every message ends accepted exactly once (the sandbox counts each marker) or is reported unknown
with evidence; none is sent twice. Small scale of the benchmark (``make bench-sending``).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from smsclients import BandwidthClient
from smsclients_sandbox.testing import SmsSandbox

ROOT = Path(__file__).resolve().parents[2]
COUNT = 600


def _accepted_rows(outbox: Path) -> int:
    try:
        with sqlite3.connect(outbox, timeout=30) as db:
            return int(db.execute("SELECT COUNT(*) FROM outbox WHERE state='accepted'").fetchone()[0])
    except sqlite3.OperationalError:  # not created yet
        return 0


@pytest.mark.parametrize("trial", range(3))
def test_killed_and_resumed_every_message_once(sandbox: SmsSandbox, tmp_path: Path, trial: int) -> None:
    from bench.send_worker import SENDERS, generated

    rng = random.Random(trial)
    sandbox.set_faults(latency_ms=20)  # requests in flight when the kill lands
    outbox = tmp_path / "campaign.sqlite"
    worker = subprocess.Popen(
        [sys.executable, "-m", "bench.send_worker", "--count", str(COUNT), "--outbox", str(outbox), "--prefix", "f"],
        cwd=ROOT,
        env=dict(os.environ),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        target = rng.randrange(1, COUNT // 2)
        deadline = time.monotonic() + 120
        while _accepted_rows(outbox) < target and worker.poll() is None and time.monotonic() < deadline:
            time.sleep(0.01)  # polling for progress, not waiting for an outcome
        worker.send_signal(signal.SIGKILL)
    finally:
        worker.wait(timeout=60)
    assert worker.returncode == -signal.SIGKILL, worker.stderr.read() if worker.stderr else ""
    sandbox.set_faults()
    with BandwidthClient() as bw:
        results = list(bw.messages.send_many(generated(COUNT, "f"), from_=SENDERS["bandwidth"], outbox=str(outbox)))
    assert [result.index for result in results] == list(range(COUNT))
    unknown = [result for result in results if result.state == "unknown"]
    assert all(result.evidence for result in unknown)
    assert all(result.ok for result in results if result.state != "unknown")
    stats = sandbox.stats()
    assert stats["duplicates"] == []
    assert sandbox.accepted("bandwidth") == COUNT - len(unknown) == stats["markers"]["distinct"]
