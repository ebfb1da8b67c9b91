"""Pagination over 100,000 records in each style: time, and memory that must stay flat.

The issue's target: iterating 100,000 records grows peak RSS by less than 20 MB. Each style runs
in a fresh child process (``python -m bench.pagination STYLE BASE TOTAL``), so one style's heap
does not hide or inflate another's; the child prints one JSON line that the parent tabulates.

* Flowroute ``links.next``: ``FlowrouteClient.messages.iter`` (MDRs, GET /v2.1/messages). The spec
  states no maximum ``limit`` for this list (Numbers and Routes cap at 200/400), so we ask for
  1,000 per page, Bandwidth's documented maximum.
* Bandwidth ``Link: rel="next"``: ``BandwidthClient.messages.iter(size=1000)`` (the spec's maximum).
* MessageMedia check/confirm: iterating ``MessageMediaClient.delivery_reports.iter()``, 100 per
  check (fixed by the API), each batch confirmed before the next check.

Memory: after the first record (first page fetched and parsed) the child resets the kernel's peak
RSS counter (``echo 5 > /proc/self/clear_refs``) and reads VmRSS; at the end it reads VmHWM. Growth
= VmHWM - that VmRSS, i.e. the highest the process got while paging. When the reset is refused the
peak since start is used, which can only overstate the growth. tracemalloc is never on (it slows
the run about 3x and its own bookkeeping would count).
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import httpx

from bench.rawserver import bandwidth_id, flowroute_id, messagemedia_id

ROOT = Path(__file__).resolve().parent.parent
TOTAL = 100_000
TARGET_MB = 20.0
STYLES: dict[str, str] = {
    "flowroute": "Flowroute `links.next` (messages.iter, 1,000/page)",
    "bandwidth": 'Bandwidth `Link: rel="next"` (messages.iter, size 1,000)',
    "messagemedia": "MessageMedia check/confirm (delivery_reports.iter, 100/check)",
}
REPS = 3
FLOWROUTE_PAGE = 1000
BANDWIDTH_PAGE = 1000


@dataclass
class StyleResult:
    style: str
    records: int
    gets: int
    requests: int
    seconds: float
    cpu_seconds: float
    growth_mb: float
    baseline_mb: float
    peak_mb: float
    peak_reset: bool

    @property
    def rate(self) -> float:
        return self.records / self.seconds


class _CountingTransport(httpx.BaseTransport):
    """Counts requests by method, so pages come from the wire, not from arithmetic."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.counts: dict[str, int] = {}

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.counts[request.method] = self.counts.get(request.method, 0) + 1
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def _status_kb() -> dict[str, int]:
    values: dict[str, int] = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            values[name] = int(rest.split()[0])
    return values


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0), so the peak counts only what paging used."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _records(style: str, base: str, transport: httpx.BaseTransport) -> tuple[Iterable[Any], Callable[[Any], str]]:
    """The public iterator of ``style`` and how to read a record's id."""
    if style == "flowroute":
        from smsclients.flowroute import FlowrouteClient

        fr = FlowrouteClient("k", "s", base_url=f"{base}/flowroute", transport=transport)
        return fr.messages.iter("2017-12-01", page_size=FLOWROUTE_PAGE), lambda r: str(r.id)
    if style == "bandwidth":
        from smsclients.bandwidth import BandwidthClient

        bw = BandwidthClient("u-bench", "t", "s", base_url=f"{base}/bandwidth/v1", transport=transport)
        return bw.messages.iter(size=BANDWIDTH_PAGE), lambda r: str(r.id)
    from smsclients.messagemedia import MessageMediaClient

    mm = MessageMediaClient("k", "s", base_url=f"{base}/messagemedia", transport=transport)
    return mm.delivery_reports.iter(), lambda r: str(r.delivery_report_id)


def measure_style(style: str, base: str, total: int) -> StyleResult:
    """Iterate every record once, checking ids are the expected sequence (so each one arrived)."""
    expected: Callable[[int], str] = {"flowroute": flowroute_id, "bandwidth": bandwidth_id}.get(style, messagemedia_id)
    transport = _CountingTransport()
    records, id_of = _records(style, base, transport)
    start, cpu = time.perf_counter(), time.process_time()
    iterator = iter(records)
    first = next(iterator)
    if id_of(first) != expected(0):
        raise AssertionError(f"{style}: first id {id_of(first)!r}")
    del first
    count = 1
    reset = _reset_peak()
    baseline = _status_kb()["VmRSS"]
    for record in iterator:
        if id_of(record) != expected(count):
            raise AssertionError(f"{style}: record {count} has id {id_of(record)!r}")
        count += 1
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    peak = _status_kb()["VmHWM"]
    if count != total:
        raise AssertionError(f"{style}: {count} records, expected {total}")
    return StyleResult(
        style=style,
        records=count,
        gets=transport.counts.get("GET", 0),
        requests=sum(transport.counts.values()),
        seconds=seconds,
        cpu_seconds=cpu,
        growth_mb=max(0, peak - baseline) / 1024,
        baseline_mb=baseline / 1024,
        peak_mb=peak / 1024,
        peak_reset=reset,
    )


def _run_child(style: str, base: str, total: int) -> StyleResult:
    # A fresh queue name per run: the responder keeps MessageMedia's confirm state by it.
    argv = [sys.executable, "-m", "bench.pagination", style, f"{base}/paged/{total}/r{time.time_ns()}", str(total)]
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"pagination {style} failed:\n{done.stderr}")
    return StyleResult(**json.loads(done.stdout.strip().splitlines()[-1]))


def run_all(base: str, total: int = TOTAL, reps: int = REPS) -> list[StyleResult]:
    """Each style ``reps`` times, each run a fresh child of this interpreter (same PYTHONPATH and
    CPU affinity), styles interleaved; per style the median time and the largest growth."""
    runs: dict[str, list[StyleResult]] = {style: [] for style in STYLES}
    for rep in range(reps):
        for style in STYLES:
            runs[style].append(_run_child(style, base, total))
        print(f"  pagination repetition {rep + 1}/{reps} done", flush=True)
    results: list[StyleResult] = []
    for done in runs.values():
        median = sorted(done, key=lambda r: r.seconds)[len(done) // 2]
        worst = max(done, key=lambda r: r.growth_mb)
        results.append(
            replace(
                median,
                cpu_seconds=statistics.median(r.cpu_seconds for r in done),
                growth_mb=worst.growth_mb,
                baseline_mb=worst.baseline_mb,
                peak_mb=worst.peak_mb,
                peak_reset=all(r.peak_reset for r in done),
            )
        )
    return results


def section(results: list[StyleResult], where: str) -> tuple[list[str], list[str]]:
    """(markdown section, target lines); ``where`` says which CPUs client and responder ran on."""
    lines = [
        f"## Pagination, {TOTAL:,} records per style",
        "",
        f"Each style in a fresh process, through the public iterator against the raw responder ({where}),"
        " which generates the records on the fly; every id is checked against the expected"
        f" sequence. {REPS} runs per style, interleaved: median seconds and client CPU (time.process_time of the"
        " child), largest growth. Growth = peak RSS (VmHWM) during paging minus VmRSS after the first page"
        + ("" if all(r.peak_reset for r in results) else " (peak reset refused: peak since process start)")
        + "; no tracemalloc. Pages = GET requests, requests include MessageMedia's confirms.",
        "",
        "| style | records | pages | requests | seconds | records/s | client CPU s | RSS after 1st page MB"
        " | growth MB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {STYLES[r.style]} | {r.records:,} | {r.gets:,} | {r.requests:,} | {r.seconds:.2f} | {r.rate:,.0f}"
            f" | {r.cpu_seconds:.2f} | {r.baseline_mb:.1f} | {r.growth_mb:.1f} |"
        )
    lines.append("")
    targets = [
        f"- pagination {r.style}: growth {r.growth_mb:.1f} MB over {r.records:,} records (target < {TARGET_MB:.0f} MB):"
        f" {'met' if r.growth_mb < TARGET_MB else 'NOT MET'}; {r.seconds:.1f} s"
        for r in results
    ]
    return lines, targets


def _child(argv: list[str]) -> int:
    style, base, total = argv
    result = measure_style(style, base, int(total))
    print(json.dumps(result.__dict__))
    return 0


if __name__ == "__main__":
    raise SystemExit(_child(sys.argv[1:]))
