"""Byte-for-byte comparison of a freshly generated package with the committed one."""

from __future__ import annotations

import difflib
from pathlib import Path

IGNORED_PARTS = {"__pycache__"}


def _files(root: Path) -> dict[str, bytes]:
    if not root.is_dir():
        return {}
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not IGNORED_PARTS.intersection(path.parts)
    }


def tree_differences(expected: Path, actual: Path, label: str, max_diff_lines: int = 40) -> list[str]:
    """Human-readable differences; empty when ``actual`` is exactly ``expected``."""
    want, have = _files(expected), _files(actual)
    problems: list[str] = []
    for name in sorted(want.keys() - have.keys()):
        problems.append(f"{label}/{name}: missing (the generator would create it)")
    for name in sorted(have.keys() - want.keys()):
        problems.append(f"{label}/{name}: not produced by the generator (hand-added?)")
    for name in sorted(want.keys() & have.keys()):
        if want[name] == have[name]:
            continue
        diff = difflib.unified_diff(
            want[name].decode("utf-8", "replace").splitlines(),
            have[name].decode("utf-8", "replace").splitlines(),
            fromfile=f"generated/{label}/{name}",
            tofile=f"committed/{label}/{name}",
            lineterm="",
        )
        lines = list(diff)
        shown = "\n".join(lines[:max_diff_lines]) + ("\n  ..." if len(lines) > max_diff_lines else "")
        problems.append(f"{label}/{name}: differs from what the generator produces\n{shown}")
    return problems
