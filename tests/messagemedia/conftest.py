"""The MessageMedia sandbox tests share the session's sandbox server (see tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def sms_sandbox_server(sandbox_server: Any) -> Any:
    """The plugin's ``sms_sandbox`` (reset, MESSAGEMEDIA_* pointing at it) runs on the suite's server."""
    return sandbox_server
