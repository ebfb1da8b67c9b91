"""Sending at scale, measured: ``python -m bench.sending [throughput|crash|pacing|all]`` (``make bench-sending``).

* throughput -- ``--count`` messages (100,000) through ``send_many`` (Bandwidth, batches of 50) to the
  sandbox at ``--latency-ms`` (50) per request: messages per second against the bound
  (concurrency x batch / latency), the worker's peak memory at 10 %, 50 % and 100 % of the run
  (flat: the input is a generator and only a window is held), and the sandbox's records: none
  sent twice, none lost;
* crash -- ``--trials`` (10) workers killed with SIGKILL at a random moment, each resumed from its
  outbox: every message accepted exactly once (the sandbox counts each marker) or reported unknown
  with evidence;
* pacing -- ``--seconds`` (60) of Flowroute sends paced at its documented 5 SMS/s against the
  sandbox in realistic mode (which refuses sends over that rate): 1 process (memory buckets),
  4 processes sharing one outbox and one Redis, 2 "machines" (processes with separate outboxes)
  sharing one Redis. The observed rate must be within 5 % of 5/s and the sandbox must refuse none.

The results go to ``bench/results/sending.md`` (each section replaced when it is run again).
Workers are separate processes (``bench.send_worker``); the sandbox runs in this one.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from smsclients_sandbox import running
from smsclients_sandbox.testing import SmsSandbox

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "sending.md"
FLOWROUTE_RATE = 5.0  # FR-docs "SMS Limitations", the spec's x-rate-limits.pacing.account


def _worker(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "bench.send_worker", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _summary(process: subprocess.Popen[str]) -> dict[str, Any]:
    out, err = process.communicate(timeout=3600)
    if process.returncode != 0:
        raise RuntimeError(f"worker failed ({process.returncode}): {err[-2000:]}")
    return dict(json.loads(out.strip().splitlines()[-1]))


def _run(count: int, latency_ms: int, concurrency: int) -> tuple[dict[str, Any], dict[str, Any]]:
    with running(seed=3, latency_ms=latency_ms, validate=False) as handle, tempfile.TemporaryDirectory() as tmp:
        sandbox = SmsSandbox(handle)
        env = dict(os.environ, **sandbox.env)
        args = ["--count", str(count), "--outbox", f"{tmp}/o.sqlite", "--concurrency", str(concurrency)]
        return _summary(_worker(env, *args, "--prefix", "a")), sandbox.stats()


def throughput(count: int, latency_ms: int, concurrency: int) -> list[str]:
    summary, stats = _run(count, latency_ms, concurrency)
    # The same at 1 ms latency: how fast the worker and the sandbox can go on this machine's CPUs.
    small = min(count, 10_000)
    quick, _ = _run(small, 1, concurrency)
    ceiling = small / (quick["finished"] - quick["started"])
    seconds = summary["finished"] - summary["started"]
    bound = concurrency * 50 / (latency_ms / 1000)
    accepted = sandbox_accepted = stats["accepted"]["bandwidth-messaging-v1"]
    return [
        f"- {count:,} messages, Bandwidth batches of 50, concurrency {concurrency}, sandbox latency {latency_ms} ms",
        f"- {count / seconds:,.0f} msgs/s ({seconds:.1f} s); bound {bound:,.0f} msgs/s "
        f"(concurrency x batch / latency): {count / seconds / bound:.0%} of it; at 1 ms latency "
        f"{ceiling:,.0f} msgs/s (the CPU ceiling of worker + sandbox on this machine)",
        f"- worker peak RSS (MB) after N results: {summary['peak_rss_mb']}",
        f"- results: {summary['states']}; sandbox accepted {sandbox_accepted:,}, distinct markers "
        f"{stats['markers']['distinct']:,}, sent twice {len(stats['duplicates'])}, lost {count - accepted}",
    ]


def _accepted_rows(outbox: Path) -> int:
    try:
        with sqlite3.connect(outbox, timeout=30) as db:
            return int(db.execute("SELECT COUNT(*) FROM outbox WHERE state='accepted'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def crash(trials: int, count: int) -> list[str]:
    lines = [f"- {trials} trials of {count:,} messages (Bandwidth), SIGKILL at a random moment, then resumed"]
    rng = random.Random(2026)
    with running(seed=4, latency_ms=20) as handle:
        sandbox = SmsSandbox(handle)
        env = dict(os.environ, **sandbox.env)
        for trial in range(trials):
            handle.reset()
            handle.set_faults(latency_ms=20)
            with tempfile.TemporaryDirectory() as tmp:
                outbox = Path(tmp) / "o.sqlite"
                args = ["--count", str(count), "--outbox", str(outbox), "--prefix", f"c{trial}"]
                worker = _worker(env, *args)
                # A target short of the end, so that the kill lands while messages are in flight (a
                # worker that has already finished would make a trial that tests no crash).
                target, deadline = rng.randrange(1, count * 9 // 10), time.monotonic() + 300
                while _accepted_rows(outbox) < target and worker.poll() is None and time.monotonic() < deadline:
                    time.sleep(0.005)
                time.sleep(rng.random() * 0.01)
                finished = worker.poll() is not None
                worker.send_signal(signal.SIGKILL)
                worker.communicate(timeout=60)
                with sqlite3.connect(outbox, timeout=30) as db:
                    at_kill = dict(db.execute("SELECT state, COUNT(*) FROM outbox GROUP BY state").fetchall())
                handle.set_faults()
                resumed = _summary(_worker(env, *args))
            stats = sandbox.stats()
            accepted = stats["accepted"]["bandwidth-messaging-v1"]
            unknown = resumed["states"].get("unknown", 0)
            ok = not stats["duplicates"] and accepted == count - unknown == stats["markers"]["distinct"]
            verdict = ("ok" if ok else "FAILED") + (
                " (the worker had ended before the kill: no crash tested)" if finished else ""
            )
            lines.append(
                f"  - trial {trial + 1}: outbox at the kill {at_kill}; resumed {resumed['states']}; "
                f"sandbox accepted {accepted:,}, sent twice {len(stats['duplicates'])}: {verdict}"
            )
    return lines


def pacing(seconds: float) -> list[str]:
    from bench.redis_server import redis_server

    lines = [
        f"- Flowroute, paced at the documented {FLOWROUTE_RATE:g} SMS/s for {seconds:g} s, against the sandbox "
        "in realistic mode (refuses sends over the documented rate)"
    ]
    with running(seed=5, realistic=True) as handle, redis_server() as redis_url:
        sandbox = SmsSandbox(handle)
        env = dict(os.environ, **sandbox.env)
        setups: list[tuple[str, list[list[str]]]] = [
            ("1 process (memory buckets)", [["--rate-limit", "on", "--outbox", "{tmp}/o.sqlite"]]),
            (
                "4 processes, one outbox, one Redis",
                [["--rate-limit", redis_url, "--outbox", "{tmp}/o.sqlite"] for _ in range(4)],
            ),
            (
                '2 "machines" (separate outboxes) sharing one Redis',
                [
                    ["--rate-limit", redis_url, "--outbox", f"{{tmp}}/m{n}.sqlite", "--prefix", f"m{n}"]
                    for n in range(2)
                ],
            ),
        ]
        for name, workers in setups:
            handle.reset()
            with tempfile.TemporaryDirectory() as tmp:
                count = str(int(FLOWROUTE_RATE * seconds * 2))
                common = ["--provider", "flowroute", "--count", count, "--seconds", str(seconds)]
                processes = [_worker(env, *common, *[arg.format(tmp=tmp) for arg in extra]) for extra in workers]
                summaries = [_summary(process) for process in processes]
            stats = sandbox.stats()
            accepted = stats["accepted"]["flowroute-v2"]
            span = max(s["finished"] for s in summaries) - min(s["started"] for s in summaries)
            rate = accepted / span
            verdict = "within" if abs(rate - FLOWROUTE_RATE) / FLOWROUTE_RATE <= 0.05 else "OUTSIDE"
            lines.append(
                f"  - {name}: {accepted} accepted in {span:.1f} s = {rate:.2f}/s "
                f"({(rate / FLOWROUTE_RATE - 1):+.1%} of the configured rate: {verdict} 5 %); "
                f"refused by the sandbox as too fast: {stats['rate_limited']}; sent twice: {len(stats['duplicates'])}"
            )
    return lines


def _write(section: str, lines: list[str]) -> None:
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Sending at scale (`make bench-sending`)\n"
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    block = f"## {section}\n\n_run {stamp}, {os.cpu_count()} CPUs_\n\n" + "\n".join(lines) + "\n"
    pattern = re.compile(rf"## {section}\n.*?(?=\n## |\Z)", re.S)
    text = pattern.sub(block.rstrip("\n"), text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + block
    RESULTS.write_text(text.rstrip("\n") + "\n", encoding="utf-8")
    print("\n".join([f"## {section}", *lines]), flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.sending", description=__doc__)
    parser.add_argument("section", nargs="?", default="all", choices=["throughput", "crash", "pacing", "all"])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--latency-ms", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--crash-count", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    if args.section in ("throughput", "all"):
        _write("throughput", throughput(args.count, args.latency_ms, args.concurrency))
    if args.section in ("crash", "all"):
        _write("crash", crash(args.trials, args.crash_count))
    if args.section in ("pacing", "all"):
        _write("pacing", pacing(args.seconds))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
