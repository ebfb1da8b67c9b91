"""The MessageMedia sandbox tests share the session's sandbox server (see tests/conftest.py)."""

from __future__ import annotations

from typing import Any

import pytest
from smsclients_sandbox.testing import SmsSandbox


@pytest.fixture
def sms_sandbox(sandbox_server: Any, monkeypatch: pytest.MonkeyPatch) -> SmsSandbox:
    """The plugin's ``sms_sandbox`` (reset, MESSAGEMEDIA_* pointing at it), on the suite's server."""
    sandbox_server.reset()
    sandbox = SmsSandbox(sandbox_server)
    for name, value in sandbox.env.items():
        monkeypatch.setenv(name, value)
    return sandbox
