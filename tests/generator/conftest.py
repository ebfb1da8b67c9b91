"""Fixtures for the generator tests: independent copies of the repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from .repo import REPO_ROOT, copy_repo


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """specs/, generator/, clients/ and the lock copied to a temporary directory.

    The copy's generator computes its repository root from its own location, so commands
    run there read and write only the copy.
    """
    return copy_repo(REPO_ROOT, tmp_path / "repo")
