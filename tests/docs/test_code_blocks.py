"""The documents' code blocks are tests (conftest.py at the root): collected, run against the sandbox.

A copy of the root conftest runs in a pytester directory laid out like the repository (README.md,
docs/), in a subprocess, with only the plugins it needs.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = ("-p", "pytest_markdown_docs.plugin", "-p", "pytest_recording.plugin")


@pytest.fixture
def repo(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(str(ROOT / p) for p in ("clients", "overlays", "sandbox")))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makeconftest((ROOT / "conftest.py").read_text(encoding="utf-8"))
    (pytester.path / "docs").mkdir()
    return pytester


def _run(repo: pytest.Pytester, *args: str) -> pytest.RunResult:
    return repo.runpytest_subprocess(*PLUGINS, "--markdown-docs-syntax=superfences", "-q", *args, timeout=120)


def test_blocks_run_against_the_sandbox_and_fail_when_wrong(repo: pytest.Pytester) -> None:
    (repo.path / "README.md").write_text(
        "# Demo\n\n```python\nfrom smsclients import BandwidthClient\n\n"
        "with BandwidthClient() as bw:  # the environment names the sandbox\n"
        '    print(bw.messages.send(from_="+19195551212", to="+19195554444", text="hi"))\n```\n\n'
        "```python\nassert 1 == 2, 'a wrong example fails'\n```\n",
        encoding="utf-8",
    )
    result = _run(repo, "README.md")
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*a wrong example fails*"])


def test_fence_options_in_the_brace_form_and_worked_example_files(repo: pytest.Pytester) -> None:
    (repo.path / "docs" / "page.md").write_text(
        "<!-- worked-example: shop.py -->\n```python\ndef price() -> int:\n    return 3\n```\n\n"
        "```{.python notest}\nraise SystemExit('never run')\n```\n\n"
        "```{.python}\nfrom shop import price\nvalue = price()\n```\n\n"
        "```{.python continuation}\nassert value == 3\n```\n\n"
        "```{.python fixture:sms_sandbox}\nassert sms_sandbox.accepted() == 0\n```\n",
        encoding="utf-8",
    )
    _run(repo, "docs").assert_outcomes(passed=4)  # the notest block is not collected


@pytest.mark.parametrize("fence", ["Python", "{.Python}", "{ .PYTHON notest}"])
def test_a_python_fence_the_plugin_cannot_read_fails_collection(repo: pytest.Pytester, fence: str) -> None:
    (repo.path / "docs" / "page.md").write_text(f"```{fence}\nprint(1)\n```\n", encoding="utf-8")
    result = _run(repo, "docs")
    result.stdout.fnmatch_lines(["*is not run; write ```python*"])
    assert result.ret != 0


def test_only_the_documents_are_collected(repo: pytest.Pytester) -> None:
    (repo.path / "notes.md").write_text("```python\nraise SystemExit(1)\n```\n", encoding="utf-8")
    result = _run(repo, "notes.md")
    assert result.ret in (pytest.ExitCode.USAGE_ERROR, pytest.ExitCode.NO_TESTS_COLLECTED)  # nothing collects it
    result.stdout.fnmatch_lines(["*no tests ran*"])


def test_every_document_conftest_runs_is_in_the_testpaths() -> None:
    """`make test` runs pytest without paths: the documents must be among pyproject's testpaths."""
    from conftest import DOCUMENTS

    with (ROOT / "pyproject.toml").open("rb") as handle:
        testpaths = tomllib.load(handle)["tool"]["pytest"]["ini_options"]["testpaths"]
    assert set(DOCUMENTS) <= {ROOT / path for path in testpaths}
