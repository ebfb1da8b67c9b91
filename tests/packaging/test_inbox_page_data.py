"""The inbox page's files are package data: every file of ``smsclients_sandbox/inbox/static`` is in the wheel.

``.ci/check_dist.py`` checks the built wheel itself (``make dist``), and ``.ci/wheel-smoke`` serves
the page from the installed wheel; this catches a new kind of file the package-data globs miss.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_wheel_ships_every_file_of_the_page() -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        patterns = tomllib.load(handle)["tool"]["setuptools"]["package-data"]["smsclients_sandbox.inbox"]
    static = ROOT / "sandbox" / "smsclients_sandbox" / "inbox"
    shipped = {p for pattern in patterns for p in static.glob(pattern)}
    assert shipped == {p for p in (static / "static").iterdir() if p.is_file()}
