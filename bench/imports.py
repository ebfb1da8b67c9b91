"""Cold import time: ours against the old SDKs, each statement in a fresh interpreter.

The issue's target: importing one provider's overlay is no slower than importing the old SDK.
Each child runs ``t = perf_counter(); <statement>; print(perf_counter() - t)``, so interpreter
start-up is excluded and only the import counts. One untimed run of every statement first writes
the .pyc files (the first import after a source change compiles); the timed runs then read cached
bytecode, as an installed package does. Runs are interleaved (each round in a shuffled order) and
the median is reported. Bytecode lives in a temporary PYTHONPYCACHEPREFIX (see :func:`_bytecode_env`).

The old SDK statements are what ``bench.oldsdks`` needs before its first send:
``bandwidth.client("messaging", ...)`` does ``__import__("bandwidth.messaging")`` (which pulls in
``bandwidth.voice`` too), and MessageMedia 1.1.0 needs its client plus the request model.
"""

from __future__ import annotations

import os
import random
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = 7
OLD_BANDWIDTH = "old SDK: Bandwidth 3.0.3"
OLD_MESSAGEMEDIA = "old SDK: MessageMedia 1.1.0"
IMPORTTIME_STATEMENT = "import smsclients.bandwidth"


@dataclass
class Statement:
    label: str
    code: str
    old: str | None = None  # label of the matching old SDK, for the ratio
    times: list[float] = field(default_factory=list)

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times) * 1000


def statements() -> list[Statement]:
    return [
        Statement("ours: Flowroute", "import smsclients.flowroute"),
        Statement("ours: Bandwidth", "import smsclients.bandwidth", OLD_BANDWIDTH),
        Statement("ours: MessageMedia", "import smsclients.messagemedia", OLD_MESSAGEMEDIA),
        Statement("ours legacy: Bandwidth 3.x", "import smsclients.legacy.bandwidth", OLD_BANDWIDTH),
        Statement("ours legacy: MessageMedia 1.1", "import smsclients.legacy.messagemedia", OLD_MESSAGEMEDIA),
        Statement("ours legacy: Flowroute v3", "import smsclients.legacy.flowroute_v3"),
        Statement("ours legacy: Flowroute messaging", "import smsclients.legacy.flowroute_messaging"),
        Statement(OLD_BANDWIDTH, "import bandwidth.messaging"),
        Statement(
            OLD_MESSAGEMEDIA,
            "from message_media_messages.message_media_messages_client import MessageMediaMessagesClient;"
            " from message_media_messages.models.send_messages_request import SendMessagesRequest",
        ),
        Statement("baseline: httpx", "import httpx"),
        Statement("baseline: requests", "import requests"),
    ]


def _bytecode_env(prefix: str) -> dict[str, str]:
    """The bench's environment with .pyc files read and written under ``prefix``.

    PYTHONDONTWRITEBYTECODE may be set (it is on our dev machines): then a source tree whose .pyc
    is missing or stale (clients/, overlays/ while someone edits them) would compile on every
    import, while pip compiled the old SDKs at install. A private prefix gives every statement the
    same treatment, and writes nothing into the source tree.
    """
    env = dict(os.environ, PYTHONPYCACHEPREFIX=prefix)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _time_once(code: str, env: dict[str, str]) -> float:
    """Seconds the statement took in a fresh interpreter (start-up excluded)."""
    program = f"import time\nt = time.perf_counter()\n{code}\nprint(time.perf_counter() - t)\n"
    argv = [sys.executable, "-c", program]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{code!r} failed:\n{done.stderr}")
    return float(done.stdout.strip().splitlines()[-1])


@dataclass
class ImportTime:
    """``python -X importtime`` of one statement: the largest cumulative and self entries (module, ms).

    Cumulative entries show the chain that dominates (it nests, so the top ones overlap); self
    entries show which single modules cost most once their imports are paid for."""

    cumulative: list[tuple[str, float]]
    self: list[tuple[str, float]]


def importtime_top(code: str, env: dict[str, str], n: int = 5) -> ImportTime:
    argv = [sys.executable, "-X", "importtime", "-c", code]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    entries: list[tuple[str, float, float]] = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        entries.append((name.strip(), int(cumulative) / 1000, int(own) / 1000))
    by_cumulative = sorted(entries, key=lambda e: e[1], reverse=True)[:n]
    by_self = sorted(entries, key=lambda e: e[2], reverse=True)[:n]
    return ImportTime([(e[0], e[1]) for e in by_cumulative], [(e[0], e[2]) for e in by_self])


def run_all(runs: int = RUNS) -> tuple[list[Statement], ImportTime]:
    items = statements()
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as prefix:
        env = _bytecode_env(prefix)
        for item in items:  # untimed: writes the .pyc files
            _time_once(item.code, env)
        order = list(range(len(items)))
        for rep in range(runs):
            random.Random(200 + rep).shuffle(order)
            for i in order:
                items[i].times.append(_time_once(items[i].code, env))
        print(f"  imports: {runs} interleaved rounds of {len(items)} statements done", flush=True)
        return items, importtime_top(IMPORTTIME_STATEMENT, env)


def section(items: list[Statement], top: ImportTime) -> tuple[list[str], list[str]]:
    """(markdown section, target lines)."""
    by_label = {s.label: s for s in items}
    lines = [
        "## Cold import",
        "",
        f"Wall time of the import statement inside a fresh `{Path(sys.executable).name}` (start-up excluded),"
        f" median of {len(items[0].times)} runs interleaved in shuffled rounds, after one untimed run of each"
        " statement so the timings are for cached bytecode (.pyc, in a private PYTHONPYCACHEPREFIX shared by all"
        " statements), as in an installed package. Flowroute has no"
        " old SDK on PyPI (flowroute-sdk-v3 was only published on GitHub), so its rows have no ratio.",
        "",
        "| statement | median ms | min-max ms | x old SDK (medians) |",
        "|---|---:|---:|---:|",
    ]
    for s in items:
        ratio = f"{s.median_ms / by_label[s.old].median_ms:.2f}" if s.old else "-"
        if s.label.startswith("ours") and "Flowroute" in s.label:
            ratio = "no old SDK on PyPI"
        spread = f"{min(s.times) * 1000:.1f}-{max(s.times) * 1000:.1f}"
        lines.append(f"| {s.label}: `{s.code}` | {s.median_ms:.1f} | {spread} | {ratio} |")
    lines += [
        "",
        f"`python -X importtime -c '{IMPORTTIME_STATEMENT}'` (one run), top 5 cumulative: "
        + ", ".join(f"{name} {ms:.1f} ms" for name, ms in top.cumulative)
        + "; top 5 self: "
        + ", ".join(f"{name} {ms:.1f} ms" for name, ms in top.self),
        "",
    ]
    targets = []
    for s in items:
        if s.old:
            old = by_label[s.old]
            verdict = "met" if s.median_ms <= old.median_ms else "NOT MET"
            targets.append(
                f"- import {s.label}: {s.median_ms:.1f} ms vs {s.old} {old.median_ms:.1f} ms"
                f" (target: no slower than the old SDK's): {verdict}"
                f" (fastest runs: {min(s.times) * 1000:.1f} vs {min(old.times) * 1000:.1f} ms)"
            )
    return lines, targets
