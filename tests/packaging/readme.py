"""The worked examples of the README ("Test your own code") and of the testing guide, as files: what CI
and the tests run with the ``sms_sandbox`` fixture.

Each block is the first fenced code block after a ``<!-- worked-example: NAME -->`` marker.
``python -m tests.packaging.readme DIR`` writes them into DIR (``.ci/wheel-smoke`` does, to run them
from the installed wheel, outside the source tree).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = (ROOT / "README.md", ROOT / "docs" / "guides" / "testing.md")
# The fence may carry options (```{.python title="myapp.py"}); the marker names the file.
_BLOCK = re.compile(r"<!-- worked-example: (?P<name>[\w.]+) -->\s*```[^\n]*\n(?P<code>.*?)```", re.DOTALL)


def worked_example(documents: tuple[Path, ...] = DOCUMENTS) -> dict[str, str]:
    """File name -> source, in document order; fails loudly if a document's example went missing."""
    files: dict[str, str] = {}
    for document in documents:
        found = {m["name"]: m["code"] for m in _BLOCK.finditer(document.read_text(encoding="utf-8"))}
        if not any(name.startswith("test_") for name in found):
            raise LookupError(f"{document}: no worked-example test file found")
        files.update(found)
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
