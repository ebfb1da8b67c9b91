"""One Chromium for the whole session, driven by Playwright: Debian's package, never a downloaded browser.

``make browser`` (and ``.ci/run``) installs it when missing. Without it these tests skip locally,
and fail in CI (``CI=true``) so the page can never go untested there. ``SMSCLIENTS_CHROMIUM``
points at another Chromium binary.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any, NoReturn

import pytest
from smsclients_sandbox import SandboxHandle, running

TIMEOUT_MS = 30_000  # generous: the machine may be busy; every wait ends as soon as its condition holds


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def _chromium() -> str | None:
    configured = os.environ.get("SMSCLIENTS_CHROMIUM")
    if configured:
        return configured
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


# Package scope, not session: Playwright's sync API keeps an event loop running in this thread while it
# is open, so every later test that calls asyncio.run() would fail if the browser outlived this package.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the Python package playwright is not installed (requirements/dev.txt)")
    executable = _chromium()
    if executable is None:
        _unavailable("no chromium executable (make browser installs Debian's chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[SandboxHandle]:
    with running(seed=5) as handle:
        yield handle


@pytest.fixture
def page(browser: Any, sandbox: SandboxHandle) -> Iterator[Any]:
    """The inbox of a freshly reset sandbox, open and live."""
    sandbox.reset()
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto(sandbox.url + "/")
    page.wait_for_selector("#live[data-state=live]")
    page.evaluate("window.__sameDocument = true")  # gone if the page ever reloads
    yield page
    context.close()
