"""Every ```python block of README.md, docs/ and sandbox/README.md is a test: examples cannot go stale.

pytest-markdown-docs collects the blocks; here, for those documents only (sandbox/README.md is the
site's docs/sandbox.md), rather than with its ``--markdown-docs`` switch, which would also collect
the code blocks of every docstring under tests/. Its fence options: ``notest`` (not run; rare, and
the text next to it says why), ``continuation`` (runs after the page's previous block, with its
names), ``fixture:NAME``; in docs/ in the brace form MkDocs renders: ```` ```{.python continuation} ````.

Each block runs against the sandbox, with the ``sms_sandbox`` fixture active: clients built without
arguments send to it, and nothing can leave loopback. It runs in an empty temporary directory that
is also on ``sys.path``, holding the page's worked-example files (``<!-- worked-example: NAME -->``
before a block), so a block can import the module an earlier block shows.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from pytest_markdown_docs.plugin import MarkdownInlinePythonItem, MarkdownTextFile, parse_superfences_block_info

# The fixture sms_sandbox: registered by the installed distribution's entry point, not in this tree.
pytest_plugins = ["smsclients_sandbox.pytest_plugin"]

PYTHON_FENCES = ("py", "python", "python3")  # what pytest-markdown-docs runs
ROOT = Path(__file__).resolve().parent
DOCUMENTS = (ROOT / "README.md", ROOT / "docs", ROOT / "sandbox" / "README.md")  # docs/sandbox.md includes the last
_WORKED_EXAMPLE = re.compile(r"<!-- worked-example: (?P<name>[\w.]+) -->\s*```[^\n]*\n(?P<code>.*?)```", re.DOTALL)


class MarkdownDocument(MarkdownTextFile, pytest.Module):
    """A page's code blocks. A ``Module`` too, for module-scoped fixtures (pytest-recording's autouse
    ``vcr`` needs one); it collects only the blocks and is never imported."""

    def collect(self) -> list[pytest.Item]:
        # A Python fence whose info the plugin cannot read would be skipped without a word.
        for token in MarkdownIt("commonmark").parse(self.path.read_text(encoding="utf-8")):
            words = parse_superfences_block_info(token.info) if token.type == "fence" else []
            if "python" in token.info.lower() and (not words or words[0] not in PYTHON_FENCES):
                line = token.map[0] + 1 if token.map else 0
                raise self.CollectError(f"{self.path}:{line}: fence {token.info!r} is not run; write ```python ...")
        return list(super().collect())  # type: ignore[no-untyped-call]


def _is_document(path: Path) -> bool:
    return path.suffix == ".md" and any(path == doc or path.is_relative_to(doc) for doc in DOCUMENTS)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if _is_document(file_path) and not parent.config.option.markdowndocs:  # the switch collects them itself
        return MarkdownDocument.from_parent(parent, path=file_path)
    return None


def pytest_itemcollected(item: pytest.Item) -> None:
    if isinstance(item, MarkdownInlinePythonItem):
        item.add_marker(pytest.mark.usefixtures("sms_sandbox", "docs_example_directory"))


@pytest.fixture
def docs_example_directory(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory on ``sys.path``, with the page's worked-example files in it."""
    page = Path(request.node.path)
    for match in _WORKED_EXAMPLE.finditer(page.read_text(encoding="utf-8")):
        (tmp_path / match["name"]).write_text(match["code"], encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    return tmp_path
