"""The measurement, run inside .venv-bench: servers, rows, medians, table, markdown and PNG.

The full run writes bench/results/latest.md (send rows, latency, then the pagination and cold
import sections) and latest.png. ``--pagination-only`` and ``--imports-only`` (together or alone)
run just those sections and write bench/results/pagination.md / imports.md instead, so a partial
run never replaces latest.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from smsclients.transports import DEFAULT_ASYNC_KIND

from bench import imports, pagination
from bench.clients import (
    AsyncRow,
    SyncRow,
    async_rows,
    floor_async_row,
    raw_async_row,
    raw_rows,
    send_many_row,
    sync_rows,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
CONCURRENCY = 32
LATENCY_MS = 50
LATENCY_CONCURRENCY = 64
LATENCY_TARGET = 0.95  # of the bound, for a bulk send on the default install (issue 22, item 6)
# CPUs this process may use before main() pins it (after that, sched_getaffinity sees one CPU).
INITIAL_CPUS = sorted(os.sched_getaffinity(0))


@dataclass
class Result:
    name: str
    kind: str
    rates: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return statistics.median(self.rates)

    @property
    def cpu_us(self) -> float:
        return statistics.median(self.cpus)


@dataclass
class Settings:
    calls: int
    reps: int
    async_calls: int
    latency_messages: int
    quick: bool


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return
        time.sleep(0.05)
    raise RuntimeError(f"server on port {port} did not start")


def _server_cpus(pin: str) -> tuple[set[int] | None, set[int] | None]:
    """CPU sets for (client, server). ``same``: both on one CPU, as the issue measured; a wake-up
    across CPUs costs ~0.5 ms per round trip on a 2-vCPU VM, which would hide client differences."""
    cpus = INITIAL_CPUS  # not sched_getaffinity(0): after main() pins this process it sees one CPU
    if pin == "none":
        return None, None
    if pin == "split" and len(cpus) >= 2:
        return {cpus[0]}, set(cpus[1:])
    return {cpus[0]}, {cpus[0]}


@contextlib.contextmanager
def _server(argv: list[str], port: int, cpus: set[int] | None) -> Iterator[str]:
    env = dict(os.environ)
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=ROOT)
    try:
        if cpus:
            os.sched_setaffinity(process.pid, cpus)
        _wait_port(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.kill()


def raw_server(cpus: set[int] | None, latency_ms: int = 0) -> contextlib.AbstractContextManager[str]:
    port = _free_port()
    return _server([sys.executable, "-m", "bench.rawserver", str(port), str(latency_ms)], port, cpus)


def sandbox_server(cpus: set[int] | None, latency_ms: int = 0) -> contextlib.AbstractContextManager[str]:
    port = _free_port()
    python = ROOT / ".venv" / "bin" / "python"
    if not python.exists():
        raise SystemExit("the sandbox runs in the project venv: run `make venv` first")
    argv = [str(python), "-m", "smsclients_sandbox", "--no-validate", "--port", str(port), "--log-level", "warning"]
    if latency_ms:
        argv += ["--latency-ms", str(latency_ms)]
    return _server(argv, port, cpus)


def _measure_sync(row: SyncRow, calls: int, result: Result) -> None:
    send = row.send
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(calls):
        send()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    result.rates.append(calls / wall)
    result.cpus.append(cpu / calls * 1e6)


async def _measure_async(row: AsyncRow, calls: int, concurrency: int, result: Result) -> None:
    remaining = calls

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            await row.send()

    wall, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    result.rates.append(calls / wall)
    result.cpus.append(cpu / calls * 1e6)


def compare_servers(cpus: set[int] | None, seconds: float) -> tuple[str, dict[str, float]]:
    """raw http.client keep-alive against each server: the server that answers it faster is used."""
    rates: dict[str, float] = {}
    for name, factory in (("sandbox --no-validate", sandbox_server), ("raw asyncio responder", raw_server)):
        with factory(cpus) as base:
            row = raw_rows(base, [])[-1]
            for _ in range(50):
                row.send()
            count, start = 0, time.perf_counter()
            while time.perf_counter() - start < seconds:
                row.send()
                count += 1
            rates[name] = count / (time.perf_counter() - start)
            row.close()
    return max(rates, key=lambda k: rates[k]), rates


def run_sync(base: str, settings: Settings) -> list[Result]:
    rows = sync_rows(base, ["httpx", "pyreqwest"], old_sdks=True)
    results = [Result(row.name, row.kind) for row in rows]
    for row in rows:  # warm-up: imports, connections, caches
        for _ in range(30):
            row.send()
    order = list(range(len(rows)))
    for rep in range(settings.reps):
        random.Random(rep).shuffle(order)  # interleaved, a different order every repetition
        for i in order:
            _measure_sync(rows[i], settings.calls, results[i])
        print(f"  sync repetition {rep + 1}/{settings.reps} done", flush=True)
    for row in rows:
        row.close()
    return results


# The event loop is the application's choice; uvloop is the common one for throughput, so the fast
# transports are measured on it too (rows suffixed UVLOOP), each repetition beside the asyncio one.
UVLOOP = " on uvloop"
UVLOOP_TRANSPORTS = ["asyncio", "aiohttp", "pyreqwest"]


def _async_rows(base: str, on_uvloop: bool) -> list[AsyncRow]:
    if not on_uvloop:
        return [*async_rows(base, ["httpx", "aiohttp", "pyreqwest", "asyncio"]), raw_async_row(base)]
    rows = async_rows(base, UVLOOP_TRANSPORTS)
    for row in rows:
        row.name += UVLOOP
    return rows


async def _async_repetition(base: str, settings: Settings, rep: int, on_uvloop: bool) -> list[tuple[AsyncRow, Result]]:
    """One repetition of every row on one event loop: fresh clients, warmed up, in a shuffled order."""
    rows = _async_rows(base, on_uvloop)
    for row in rows:
        await asyncio.gather(*(row.send() for _ in range(CONCURRENCY)))
    measured = [(row, Result(row.name, row.kind)) for row in rows]
    order = list(range(len(rows)))
    random.Random(100 + rep).shuffle(order)
    for i in order:
        await _measure_async(rows[i], settings.async_calls, CONCURRENCY, measured[i][1])
    for row in rows:
        await row.close()
    return measured


def run_async(base: str, settings: Settings) -> list[Result]:
    uvloop: Any = importlib.import_module("uvloop")  # only in .venv-bench; untyped here
    results: dict[str, Result] = {}
    for rep in range(settings.reps):
        loops = [False, True]
        random.Random(200 + rep).shuffle(loops)
        for on_uvloop in loops:
            run = uvloop.run if on_uvloop else asyncio.run
            for row, result in run(_async_repetition(base, settings, rep, on_uvloop)):
                total = results.setdefault(row.name, Result(row.name, row.kind))
                total.rates += result.rates
                total.cpus += result.cpus
        print(f"  async repetition {rep + 1}/{settings.reps} done", flush=True)
    return sorted(results.values(), key=lambda r: r.name.endswith(UVLOOP))  # asyncio rows first, as created


async def _run_latency(base: str, settings: Settings, server: str, on_uvloop: bool, seed: int | None) -> list[Result]:
    results: list[Result] = []
    rows = _async_rows(base, on_uvloop)
    if not on_uvloop:
        rows.append(floor_async_row(base))
    kinds = UVLOOP_TRANSPORTS if on_uvloop else [DEFAULT_ASYNC_KIND, "pyreqwest", "aiohttp"]
    bulk = [send_many_row(base, t) for t in kinds]
    if seed is not None:
        random.Random(seed).shuffle(rows)  # interleaved: a different order every repetition
        random.Random(seed).shuffle(bulk)
    suffix = UVLOOP if on_uvloop else ""
    for row in rows:
        if not row.name.startswith(("async Flowroute", "floor")):  # one surface per transport
            await row.close()
            continue
        result = Result(f"{server}: {row.name}", "latency")
        await asyncio.gather(*(row.send() for _ in range(LATENCY_CONCURRENCY)))
        await _measure_async(row, settings.latency_messages, LATENCY_CONCURRENCY, result)
        await row.close()
        results.append(result)
    for many in bulk:
        result = Result(f"{server}: {many.name}{suffix}", "latency")
        await many.run(LATENCY_CONCURRENCY)  # warm-up: connections, imports
        wall, cpu = time.perf_counter(), time.process_time()
        await many.run(settings.latency_messages)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        result.rates.append(settings.latency_messages / wall)
        result.cpus.append(cpu / settings.latency_messages * 1e6)
        await many.close()
        results.append(result)
    return results


def run_latency(base: str, settings: Settings, server: str, seed: int | None = None) -> list[Result]:
    uvloop: Any = importlib.import_module("uvloop")
    results = asyncio.run(_run_latency(base, settings, server, False, seed))
    results += uvloop.run(_run_latency(base, settings, server, True, seed))
    # The old SDKs are sequential: one fastest old SDK row for reference, 20 calls.
    from bench import oldsdks
    from bench.clients import MM, MM_TO

    send = oldsdks.messagemedia_110(f"{base}/messagemedia", *MM, MM_TO)
    old = Result(f"{server}: old SDK MessageMedia 1.1.0, sequential", "latency")
    send()
    start = time.perf_counter()
    for _ in range(20):
        if len(send()) != 36:
            raise AssertionError("messagemedia 1.1.0 id")
    old.rates.append(20 / (time.perf_counter() - start))
    old.cpus.append(float("nan"))
    return [*results, old]


def machine_info(client_cpus: set[int] | None, server_cpus: set[int] | None) -> list[str]:
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    pinning = (
        f"client pinned to CPU {sorted(client_cpus)}, server to CPU {sorted(server_cpus)}"
        if client_cpus and server_cpus
        else "no CPU pinning"
    )
    import httpx

    return [
        f"{platform.platform()}, Python {platform.python_version()},"
        f" {os.cpu_count()} CPUs ({model or 'unknown model'})",
        f"httpx {httpx.__version__}; {pinning}; loopback",
    ]


def table(results: list[Result], old_best: float, floor_cpu: float) -> list[str]:
    lines = [
        "| row | calls/s | client CPU µs/call | x fastest old SDK (calls/s) | CPU x raw http.client |",
        "|---|---:|---:|---:|---:|",
    ]
    for r in results:
        cpu = "-" if r.cpu_us != r.cpu_us else f"{r.cpu_us:,.0f}"
        ratio_rate = f"{r.rate / old_best:.2f}" if old_best else "-"
        ratio_cpu = "-" if r.cpu_us != r.cpu_us else f"{r.cpu_us / floor_cpu:.2f}"
        lines.append(f"| {r.name} | {r.rate:,.0f} | {cpu} | {ratio_rate} | {ratio_cpu} |")
    return lines


def chart(sync: list[Result], asyn: list[Result], path: Path) -> None:
    matplotlib: Any = importlib.import_module("matplotlib")  # only in .venv-bench; untyped here
    matplotlib.use("Agg")
    plt: Any = importlib.import_module("matplotlib.pyplot")

    colours = {
        "ours-modern": "tab:blue",
        "ours-legacy": "tab:cyan",
        "old-sdk": "tab:red",
        "raw": "tab:gray",
        "ours-async": "tab:green",
    }
    rows = [*sync, *asyn]
    fig, ax = plt.subplots(figsize=(10, 0.32 * len(rows) + 1.5))
    names = [r.name for r in rows][::-1]
    values = [r.rate for r in rows][::-1]
    ax.barh(names, values, color=[colours.get(r.kind, "black") for r in rows][::-1])
    for y, v in enumerate(values):
        ax.text(v, y, f" {v:,.0f}", va="center", fontsize=7)
    ax.set_xlabel("calls/s (median; sequential sync, async at concurrency 32)")
    ax.set_title("Send one SMS, loopback")
    ax.tick_params(axis="y", labelsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="a ~30 s run (fewer calls and repetitions)")
    parser.add_argument("--server", choices=["auto", "raw", "sandbox"], default="auto")
    parser.add_argument(
        "--pin", choices=["same", "split", "none"], default="same", help="client/server CPU pinning (default: same CPU)"
    )
    parser.add_argument("--no-latency", action="store_true", help="skip the 50 ms latency bulk-send row")
    parser.add_argument(
        "--pagination-only",
        action="store_true",
        help="only the 100,000-record pagination section; writes bench/results/pagination.md (not latest.md)",
    )
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="only the latency rows, every repetition on both servers in a shuffled order; writes"
        " bench/results/latency.md (not latest.md)",
    )
    parser.add_argument(
        "--imports-only",
        action="store_true",
        help="only the cold import section; writes bench/results/imports.md (not latest.md)",
    )
    args = parser.parse_args(argv)
    settings = (
        Settings(calls=100, reps=3, async_calls=300, latency_messages=3200, quick=True)
        if args.quick
        else Settings(calls=400, reps=7, async_calls=1000, latency_messages=10_000, quick=False)
    )
    client_cpus, server_cpus = _server_cpus(args.pin)
    if client_cpus:
        os.sched_setaffinity(0, client_cpus)
    started = time.monotonic()
    if args.latency_only:
        return _latency_only(settings, started)
    if args.pagination_only or args.imports_only:
        return _sections_only(args.pagination_only, args.imports_only, client_cpus, server_cpus, started)

    print("comparing servers (raw http.client keep-alive)...", flush=True)
    best, server_rates = compare_servers(server_cpus, 0.5 if args.quick else 1.5)
    chosen = {"auto": best, "raw": "raw asyncio responder", "sandbox": "sandbox --no-validate"}[args.server]
    factory = raw_server if chosen.startswith("raw") else sandbox_server
    with factory(server_cpus) as base:
        print(f"server: {chosen}; sync rows...", flush=True)
        sync = run_sync(base, settings)
        print("async rows...", flush=True)
        asyn = run_async(base, settings)
    latency: list[Result] = []
    if not args.no_latency:
        # Here the server gets its own CPU when there is one: the question is how many requests the
        # client keeps in flight, and a Python server sharing the client's CPU would cap it first.
        latency_cpus = _server_cpus("split")[1]
        print(f"latency rows ({LATENCY_MS} ms: sandbox injection, then the raw responder)...", flush=True)
        with sandbox_server(latency_cpus, LATENCY_MS) as base:
            latency = run_latency(base, settings, "sandbox")
        with raw_server(latency_cpus, LATENCY_MS) as base:
            latency += run_latency(base, settings, "raw responder")

    old_best = max(r.rate for r in sync if r.kind == "old-sdk")
    old_best_name = max((r for r in sync if r.kind == "old-sdk"), key=lambda r: r.rate).name
    floor = next(r for r in sync if r.name == "raw http.client keep-alive")
    ours = [r for r in sync if r.kind.startswith("ours")]
    sync_ours_best = max(r.rate for r in ours)
    bound = LATENCY_CONCURRENCY / (LATENCY_MS / 1000)

    out: list[str] = ["# Benchmark: send one SMS", ""]
    out += [f"- {line}" for line in machine_info(client_cpus, server_cpus)]
    out += [
        f"- server: **{chosen}** (raw http.client keep-alive against each: "
        + ", ".join(f"{k} {v:,.0f}/s" for k, v in server_rates.items())
        + ")",
        f"- sequential rows: {settings.calls} calls x {settings.reps} repetitions, interleaved in a shuffled order;"
        f" async rows: {settings.async_calls} calls at concurrency {CONCURRENCY} x {settings.reps}; medians;"
        " CPU = time.process_time of the client process (includes transport threads)",
        "- every call's response is checked (status and id); MessageMedia 1.1.0's stdout INFO logging is silenced"
        " (it calls logging.basicConfig at import); Flowroute SDK v3 is not on PyPI, so it has no row",
        "- sync: [httpx] = the default transport (httpx's own), [pyreqwest] = smsclients.transports;"
        f" async: [{DEFAULT_ASYNC_KIND}] = the default transport (no transport given: HTTP/1.1 on the loop,"
        " smsclients.asyncio_transport), [pyreqwest] = the default before it, [httpx] = httpx's own in"
        " one-connection pools (smsclients.pooling), [aiohttp] = smsclients.transports",
        f"- fastest old SDK: {old_best_name} ({old_best:,.0f}/s); raw http.client floor: {floor.cpu_us:,.0f} µs/call",
        "",
        "## Sequential (sync)",
        "",
        *table(sync, old_best, floor.cpu_us),
        "",
        f"## Async, concurrency {CONCURRENCY}, zero latency",
        "",
        *table(asyn, old_best, floor.cpu_us),
        "",
    ]
    if latency:
        out += [
            f"## Latency {LATENCY_MS} ms, bulk send at concurrency {LATENCY_CONCURRENCY}",
            "",
            f"Bound concurrency ÷ latency = {bound:,.0f}/s;"
            f" target ≥ {LATENCY_TARGET:.0%} = {LATENCY_TARGET * bound:,.0f}/s."
            f" N = {settings.latency_messages:,} messages per row, Flowroute v2.1 send through"
            " AsyncFlowrouteClient; the server runs on its own CPU for these rows.",
            "",
            "| row | msgs/s | % of bound |",
            "|---|---:|---:|",
            *[f"| {r.name} | {r.rate:,.1f} | {100 * r.rate / bound:.0f} % |" for r in latency],
            "",
        ]
    extra, extra_targets = _extra_sections(True, True)
    out += extra
    out += ["## Targets", ""]
    for r in ours:
        speed, cpu = r.rate / old_best, r.cpu_us / floor.cpu_us
        out.append(
            f"- {r.name}: {speed:.2f}x fastest old SDK (target ≥ 3: {_verdict(speed >= 3)}),"
            f" CPU {cpu:.2f}x http.client (target ≤ 2: {_verdict(cpu <= 2)})"
        )
    for r in asyn:
        if r.kind != "ours-async":
            continue
        twin, what = sync_twin(r, ours)
        out.append(
            f"- {r.name}: {r.rate:,.0f}/s vs {what} {twin.name} {twin.rate:,.0f}/s"
            f" (target no lower: {_verdict(r.rate >= twin.rate)}; {r.rate / sync_ours_best:.2f}x our best sync row)"
        )
    for r in latency:
        if "old SDK" not in r.name:
            met = _verdict(r.rate >= LATENCY_TARGET * bound)
            out.append(f"- {r.name}: {100 * r.rate / bound:.0f} % of the bound (target ≥ {LATENCY_TARGET:.0%}: {met})")
    out += extra_targets
    out += ["", f"Total run time {time.monotonic() - started:.0f} s. Chart: latest.png."]
    text = "\n".join(out) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.md").write_text(text, encoding="utf-8")
    chart(sync, asyn, RESULTS / "latest.png")
    print(text)
    return 0


def sync_twin(async_row: Result, candidates: list[Result]) -> tuple[Result, str]:
    """The sync row an async row is held against: same surface on the same transport.

    The issue's own comparison (httpx async against httpx sync) is like for like. A transport with
    no sync twin (aiohttp) is held against the fastest sync row of the same surface instead.
    """
    name = async_row.name.removeprefix("async ").removesuffix(UVLOOP)
    same = [r for r in candidates if r.name == name]
    if same:
        return same[0], "sync twin"
    surface = name.split(" [")[0]
    return max((r for r in candidates if r.name.startswith(surface + " [")), key=lambda r: r.rate), "fastest sync"


def _latency_only(settings: Settings, started: float) -> int:
    """The latency rows alone, ``settings.reps`` times, interleaved; medians and ranges in latency.md."""
    latency_cpus = _server_cpus("split")[1]
    servers = [("sandbox", sandbox_server), ("raw responder", raw_server)]
    results: dict[str, Result] = {}
    for rep in range(settings.reps):
        for server, factory in random.Random(300 + rep).sample(servers, len(servers)):
            with factory(latency_cpus, LATENCY_MS) as base:
                for r in run_latency(base, settings, server, seed=400 + rep):
                    total = results.setdefault(r.name, Result(r.name, r.kind))
                    total.rates += r.rates
                    total.cpus += r.cpus
        print(f"  latency repetition {rep + 1}/{settings.reps} done", flush=True)
    bound = LATENCY_CONCURRENCY / (LATENCY_MS / 1000)
    ordered = sorted(results.values(), key=lambda r: (r.name.split(":")[0], "old SDK" in r.name, -r.rate))
    out = ["# Benchmark: bulk send at 50 ms latency", ""]
    out += [f"- {line}" for line in machine_info(_server_cpus("split")[0], latency_cpus)]
    out += [
        f"- `python -m bench --latency-only{' --quick' if settings.quick else ''}`: {settings.reps} repetitions,"
        " each on both servers in a shuffled order, rows shuffled within each; medians (min-max)",
        f"- bound concurrency ÷ latency = {LATENCY_CONCURRENCY} ÷ {LATENCY_MS} ms = {bound:,.0f}/s; target ≥"
        f" {LATENCY_TARGET:.0%} = {LATENCY_TARGET * bound:,.0f}/s; N = {settings.latency_messages:,} messages per"
        " row, Flowroute v2.1 send through AsyncFlowrouteClient: `send_many` rows are one"
        " `messages.send_many(..., concurrency=64)` (the default in-memory outbox), the others 64 tasks calling"
        f" `messages.send`; [{DEFAULT_ASYNC_KIND}] is the default (no transport given)",
        "- the raw responder answers exactly 50 ms after it read each request (bench/rawserver.py: the last"
        " 1.5 ms of each wait is polled on its own CPU); the sandbox sleeps 50 ms with asyncio (0-1 ms more)"
        " and then handles the request. The floor row, a minimal asyncio HTTP/1.1 client, is what the"
        " machine and server allow any client",
        "",
        "Client CPU per send (time.process_time, transport threads included) is the figure that decides the"
        " rate once the machine is busy: the client must do 64 sends' work within each 50 ms.",
        "",
        "| row | msgs/s | % of bound | min-max % | client CPU µs/send |",
        "|---|---:|---:|---:|---:|",
        *[
            f"| {r.name} | {r.rate:,.1f} | {100 * r.rate / bound:.0f} % |"
            f" {100 * min(r.rates) / bound:.0f}-{100 * max(r.rates) / bound:.0f} % |"
            f" {'-' if 'old SDK' in r.name else f'{r.cpu_us:,.0f}'} |"
            for r in ordered
        ],
        "",
        f"Run time {time.monotonic() - started:.0f} s.",
    ]
    text = "\n".join(out) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latency.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


def _verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def _extra_sections(with_pagination: bool, with_imports: bool) -> tuple[list[str], list[str]]:
    """The pagination and cold import sections: (markdown, target lines)."""
    lines: list[str] = []
    targets: list[str] = []
    if with_pagination:
        # The responder gets its own CPU when there is one, so generating the records' JSON is not
        # billed to the client's CPU.
        print(f"pagination ({pagination.TOTAL:,} records per style, each in a fresh process)...", flush=True)
        server_cpus = _server_cpus("split")[1]
        where = f"client on CPU {sorted(os.sched_getaffinity(0))}, responder on CPU {sorted(server_cpus or [])}"
        with raw_server(server_cpus) as base:
            section, section_targets = pagination.section(pagination.run_all(base), where)
        lines += section
        targets += section_targets
    if with_imports:
        print(f"cold imports ({imports.RUNS} interleaved runs per statement)...", flush=True)
        section, section_targets = imports.section(*imports.run_all())
        lines += section
        targets += section_targets
    return lines, targets


def _sections_only(
    with_pagination: bool,
    with_imports: bool,
    client_cpus: set[int] | None,
    server_cpus: set[int] | None,
    started: float,
) -> int:
    """``--pagination-only`` / ``--imports-only``: own files, so latest.md keeps the full run's content."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    # Only the platform line: the send rows' pinning does not apply; each section says where it ran.
    platform_line = machine_info(client_cpus, server_cpus)[0]
    header = [f"- {platform_line}", f"- client CPU affinity {sorted(os.sched_getaffinity(0))}"]
    for name, wanted in (("pagination", with_pagination), ("imports", with_imports)):
        if not wanted:
            continue
        lines, targets = _extra_sections(name == "pagination", name == "imports")
        out = [f"# Benchmark: {name} only", "", *header, "", *lines, "## Targets", "", *targets]
        out += ["", f"Run time {time.monotonic() - started:.0f} s (since the start of this run)."]
        text = "\n".join(out) + "\n"
        (RESULTS / f"{name}.md").write_text(text, encoding="utf-8")
        print(text)
    return 0
