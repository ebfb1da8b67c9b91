"""The README's worked example ("Testing your own code"), as files: what CI and the tests run.

Each block is the first fenced code block after a ``<!-- worked-example: NAME -->`` marker.
``python -m tests.packaging.readme DIR`` writes them into DIR (``.ci/wheel-smoke`` does, to run them
from the installed wheel, outside the source tree).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"
_BLOCK = re.compile(r"<!-- worked-example: (?P<name>[\w.]+) -->\s*```python\n(?P<code>.*?)```", re.DOTALL)


def worked_example(readme: Path = README) -> dict[str, str]:
    """File name -> source, in README order; fails loudly if the example went missing."""
    files = {m["name"]: m["code"] for m in _BLOCK.finditer(readme.read_text(encoding="utf-8"))}
    if not any(name.startswith("test_") for name in files):
        raise LookupError(f"{readme}: no worked-example test file found")
    return files


def write_to(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, code in worked_example().items():
        path = directory / name
        path.write_text(code, encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_to(Path(sys.argv[1])):
        print(path)
