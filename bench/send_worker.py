"""One sending worker for the crash trials and the pacing runs (``python -m bench.send_worker``).

Sends ``--count`` generated messages (each text carries a sandbox marker, so a second send of one
shows as a duplicate) through ``send_many`` with an outbox, reading the client's settings (sandbox
URLs, credentials) from the environment, and prints one JSON summary line at the end.
"""

from __future__ import annotations

import argparse
import json
import resource
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

from smsclients import BandwidthClient, FlowrouteClient, MessageMediaClient

SENDERS = {"bandwidth": "+12065550100", "flowroute": "+12012673227", "messagemedia": "+61491570157"}
CLIENTS: dict[str, Any] = {
    "bandwidth": BandwidthClient,
    "flowroute": FlowrouteClient,
    "messagemedia": MessageMediaClient,
}


def generated(count: int, prefix: str, until: float | None = None) -> Iterator[dict[str, str]]:
    """``count`` distinct messages, made on the fly (never a list: memory stays flat); none after ``until``."""
    for index in range(count):
        if until is not None and time.time() >= until:
            return
        yield {"to": f"+1206432{index % 10000:04d}", "text": f"bulk mk-{prefix}{index:08x}"}


def _rss_mb() -> float:
    """This process's peak resident memory so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.send_worker")
    parser.add_argument("--provider", choices=sorted(CLIENTS), default="bandwidth")
    parser.add_argument("--count", type=int, required=True)
    parser.add_argument("--outbox", required=True)
    parser.add_argument("--prefix", default="e")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rate-limit", default=None, help="on, or a redis:// URL (default: no pacing)")
    parser.add_argument("--seconds", type=float, default=None, help="stop taking new messages after this long")
    args = parser.parse_args(argv)
    rate_limit: Any = False if args.rate_limit is None else (True if args.rate_limit == "on" else args.rate_limit)
    states: Counter[str] = Counter()
    rss: dict[int, float] = {}
    checkpoints = {max(1, args.count * share // 10) for share in (1, 5, 10)}
    with CLIENTS[args.provider](rate_limit=rate_limit) as client:
        started = time.time()
        until = started + args.seconds if args.seconds is not None else None
        results = client.messages.send_many(
            generated(args.count, args.prefix, until),
            from_=SENDERS[args.provider],
            outbox=args.outbox,
            concurrency=args.concurrency,
        )
        for done, result in enumerate(results, 1):
            states[result.state] += 1
            if result.resumed:
                states["(resumed)"] += 1  # settled by an earlier run
            if (result.evidence or "").startswith("reconciled"):
                states["(reconciled)"] += 1  # in flight when an earlier run died, found at the provider
            if done in checkpoints:
                rss[done] = round(_rss_mb(), 1)
        finished = time.time()
    summary = {"states": dict(states), "started": started, "finished": finished, "peak_rss_mb": rss}
    print(json.dumps(summary), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
