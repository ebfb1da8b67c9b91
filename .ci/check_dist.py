"""Check what `make dist` built: one wheel and one sdist holding what an integrator needs.

Usage: python .ci/check_dist.py DIST_DIR. Exits 1 listing every problem. `twine check` covers the
metadata; this covers the contents: the generated clients, the overlays, the sandbox with the specs
it validates against (one copy per file of the repository's specs/), LICENSE, the console scripts
and the pytest plugin, and nothing of the repository's tooling (tests, generator, demo, bench).
"""

from __future__ import annotations

import configparser
import sys
import tarfile
import tomllib
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TOOLING = ("tests/", "generator/", "demo/", "bench/")


def _wheel_problems(wheel: Path) -> list[str]:
    problems: list[str] = []
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        dist_info = next(name.split("/")[0] for name in names if name.split("/")[0].endswith(".dist-info"))
        entry_points = configparser.ConfigParser()
        entry_points.read_string(archive.read(f"{dist_info}/entry_points.txt").decode())
        specs_ok = all(
            archive.read(f"smsclients_sandbox/specs/{spec.name}") == spec.read_bytes()
            for spec in ROOT.glob("specs/*.yaml")
            if f"smsclients_sandbox/specs/{spec.name}" in names
        )
    expected = {f"smsclients_sandbox/specs/{spec.name}" for spec in ROOT.glob("specs/*.yaml")}
    expected |= {f"{package}/__init__.py" for package in _generated_packages()}
    expected |= {
        "smsclients/__init__.py",
        "smsclients/cli.py",
        "smsclients/py.typed",
        "smsclients_sandbox/__init__.py",
        "smsclients_sandbox/pytest_plugin.py",
        "smsclients_sandbox/py.typed",
        "smsclients_sandbox/inbox/static/index.html",  # the inbox page ships with the sandbox (no CDN)
        "smsclients_sandbox/inbox/static/inbox.css",
        "smsclients_sandbox/inbox/static/inbox.js",
        f"{dist_info}/licenses/LICENSE",
    }
    problems += [f"{wheel.name}: missing {name}" for name in sorted(expected - names)]
    if not specs_ok:
        problems.append(f"{wheel.name}: a packaged spec differs from specs/")
    problems += [f"{wheel.name}: ships repository tooling {name}" for name in sorted(names) if name.startswith(TOOLING)]
    scripts = dict(entry_points["console_scripts"]) if entry_points.has_section("console_scripts") else {}
    for script in ("smsclients", "smsclients-sandbox"):
        if script not in scripts:
            problems.append(f"{wheel.name}: no console script {script}")
    if not entry_points.has_section("pytest11"):
        problems.append(f"{wheel.name}: the pytest plugin is not registered (entry point group pytest11)")
    return problems


def _sdist_problems(sdist: Path) -> list[str]:
    with tarfile.open(sdist) as archive:
        names = {name.split("/", 1)[1] for name in archive.getnames() if "/" in name}
    expected = {"LICENSE", "README.md", "setup.py", "pyproject.toml", "docs/providers.md"}
    expected |= {f"specs/{spec.name}" for spec in ROOT.glob("specs/*.yaml")}
    return [f"{sdist.name}: missing {name}" for name in sorted(expected - names)]


def _generated_packages() -> list[str]:
    with (ROOT / "generator" / "clients.toml").open("rb") as handle:
        return [str(entry["package"]) for entry in tomllib.load(handle)["client"]]


def main(argv: list[str]) -> int:
    dist = Path(argv[1] if len(argv) > 1 else "dist")
    wheels, sdists = sorted(dist.glob("*.whl")), sorted(dist.glob("*.tar.gz"))
    if len(wheels) != 1 or len(sdists) != 1:
        print(f"check_dist: expected one wheel and one sdist in {dist}, found {len(wheels)} and {len(sdists)}")
        return 1
    problems = _wheel_problems(wheels[0]) + _sdist_problems(sdists[0])
    for problem in problems:
        print(f"check_dist: {problem}")
    if not problems:
        print(f"check_dist: {wheels[0].name} and {sdists[0].name} hold what they should")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
