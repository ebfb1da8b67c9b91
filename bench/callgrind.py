"""Instructions per send on a stubbed network: the deterministic A/B measure of the send path.

Timings on this shared machine vary from run to run; instruction counts under callgrind do not.
Each sync row of :mod:`bench.clients` (modern and legacy, per provider) sends through the whole
stack to a canned transport that answers like the provider; ``valgrind --tool=callgrind`` counts
instructions at two call counts, and the difference divided by the extra calls is the cost of one
send, free of start-up and import costs.

    python -m bench.callgrind            # every row, as a table
    python -m bench.callgrind --row "Flowroute modern [httpx]" --calls 50   # one run (under valgrind)
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx

CALLS = (50, 550)
BASE = "https://api.bench.test"
_MM_MESSAGE = {"content": "hi", "destination_number": "+61491570156", "message_id": "", "status": "queued"}


def _answer(request: httpx.Request) -> httpx.Response:
    """What each provider answers to a send (the shapes the specs document)."""
    path = request.url.path
    if path.endswith("/v2.1/messages"):
        document = {"data": {"type": "message", "id": "mdr2-0d436467ea1fb01d", "links": {"self": f"{BASE}/x"}}}
        return httpx.Response(202, json=document)
    if path.endswith("/messages") and "/users/" in path:
        return httpx.Response(201, headers={"Location": f"{BASE}/v1/users/u-1/messages/m-abc123"})
    if path.endswith("/v1/messages"):
        message = dict(_MM_MESSAGE, message_id="877c19ef-fa2e-4cec-827a-e1df9b5509f7")
        return httpx.Response(202, json={"messages": [message]})
    return httpx.Response(404, json={"message": "not stubbed"})


def run(row_name: str, calls: int) -> None:
    from bench import clients

    clients._transport = lambda kind: httpx.MockTransport(_answer)
    rows = {row.name: row for row in clients.sync_rows(BASE, ["httpx"], old_sdks=False)}
    row = rows[row_name]
    for _ in range(5):  # warm: first-call costs (URL cache, lazy imports) are not per send
        row.send()
    for _ in range(calls):
        row.send()


def _instructions(row_name: str, calls: int) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            "-m",
            "bench.callgrind",
            "--row",
            row_name,
            "--calls",
            str(calls),
        ]
        subprocess.run(command, check=True, capture_output=True)
        summary = re.search(r"^summary: (\d+)", out.read_text(encoding="utf-8"), re.M)
        assert summary is not None, "no summary line in the callgrind output"
        return int(summary.group(1))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--row", help="run one row --calls times (what valgrind runs)")
    parser.add_argument("--calls", type=int, default=CALLS[0])
    parser.add_argument("--json", action="store_true", help="print the table as JSON")
    args = parser.parse_args(argv)
    if args.row:
        run(args.row, args.calls)
        return 0
    from bench import clients

    # Our clients only: the raw rows are the floor of a real socket, which a stub cannot stand in for.
    names = [row.name for row in clients.sync_rows(BASE, ["httpx"], old_sdks=False) if not row.name.startswith("raw")]
    table = {}
    for name in names:
        low, high = (_instructions(name, calls) for calls in CALLS)
        table[name] = round((high - low) / (CALLS[1] - CALLS[0]))
        if not args.json:
            print(f"{name:<40} {table[name] / 1000:8.0f}k instructions per send", flush=True)
    if args.json:
        print(json.dumps(table, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
