"""Cold imports counted in instructions: the deterministic A/B measure of import cost.

Wall times of a cold import on this shared machine vary by a factor of two from run to run (see
:mod:`bench.imports`); instructions under ``valgrind --tool=callgrind`` do not. Each statement of
:func:`bench.imports.statements` runs in a fresh interpreter with cached bytecode (as in
:mod:`bench.imports`), and the instructions of ``python -c pass`` are subtracted, so what is left
is the import itself. Run it in .venv-bench, where the old SDKs are installed::

    PYTHONPATH=clients:overlays:sandbox:. .venv-bench/bin/python -m bench.importcount

It writes bench/results/import-instructions.md.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tempfile

from bench.imports import ROOT, Statement, _bytecode_env, statements

RESULTS = ROOT / "bench" / "results"


def instructions(code: str, env: dict[str, str]) -> int:
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)  # writes the .pyc files
    argv = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, "-c", code]
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from callgrind for {code!r}:\n{done.stderr}")
    return int(found.group(1))


def main() -> int:
    items: list[Statement] = statements()
    counts: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as prefix:
        env = _bytecode_env(prefix)
        start_up = instructions("pass", env)
        for item in items:
            counts[item.label] = instructions(item.code, env) - start_up
            print(f"  {item.label}: {counts[item.label] / 1e6:,.1f} M", flush=True)
    lines = [
        "# Cold import, in instructions",
        "",
        "`PYTHONPATH=clients:overlays:sandbox:. .venv-bench/bin/python -m bench.importcount`: instructions"
        " (callgrind) of each import statement in a fresh interpreter with cached bytecode, less those of"
        f" `python -c pass` ({start_up / 1e6:,.1f} M). Deterministic: compare these across changes.",
        "",
        "| statement | M instructions | x old SDK |",
        "|---|---:|---:|",
    ]
    for item in items:
        ratio = f"{counts[item.label] / counts[item.old]:.2f}" if item.old else "-"
        lines.append(f"| {item.label}: `{item.code}` | {counts[item.label] / 1e6:,.1f} | {ratio} |")
    text = "\n".join(lines) + "\n"
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "import-instructions.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
