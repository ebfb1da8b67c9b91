"""``python -m bench``: make sure .venv-bench exists (old SDKs live only there), then measure in it."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-bench"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".bench-installed"
EXTRA = [
    "matplotlib",
    "messagemedia-messages-sdk==1.1.0",
    "bandwidth-sdk==3.0.3",
    "uvloop",  # the async rows are measured on asyncio's loop and on uvloop's
    # Flowroute SDK v3 ("flowroute-sdk-v3") was published only on GitHub, never on PyPI: no row.
]


def requirements() -> list[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["fast"], *EXTRA]


def ensure_venv() -> None:
    wanted = "\n".join(requirements())
    if STAMP.exists() and STAMP.read_text(encoding="utf-8") == wanted:
        return
    if not PYTHON.exists():
        print(f"creating {VENV.name} (never .venv: the old SDKs are installed only here)...", flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, *requirements()], check=True)
    STAMP.write_text(wanted, encoding="utf-8")


def main() -> int:
    if Path(sys.prefix).resolve() != VENV.resolve():
        ensure_venv()
        paths = [str(ROOT / "clients"), str(ROOT / "overlays"), str(ROOT / "sandbox"), str(ROOT)]
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
        os.execve(PYTHON, [str(PYTHON), "-m", "bench", *sys.argv[1:]], env)
    from bench.run import main as run

    return run(sys.argv[1:])


if __name__ == "__main__":
    raise SystemExit(main())
