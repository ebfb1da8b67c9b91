"""A missing optional dependency is an ImportError that names the extra (and the package on PyPI).

Simulated by hiding modules (``sys.modules[name] = None`` makes importing them fail); the CI's
wheel check does it for real, in a virtual environment without the extras.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from smsclients.transports import PACKAGES, MissingDependencyError, fast_async_transport, fast_transport

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("make", "kind", "hidden"),
    [
        (fast_transport, "pyreqwest", "pyreqwest"),
        (fast_async_transport, "pyreqwest", "pyreqwest"),
        (fast_async_transport, "aiohttp", "httpx_aiohttp"),
        (fast_async_transport, "aiohttp", "aiohttp"),
        (fast_async_transport, "asyncio", "httptools"),
    ],
)
def test_a_fast_transport_without_its_package_names_the_extra(
    make: object, kind: str, hidden: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in [m for m in sys.modules if m == hidden or m.startswith(hidden + ".")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, hidden, None)
    with pytest.raises(ImportError) as caught:
        make(kind)  # type: ignore[operator]
    assert isinstance(caught.value, MissingDependencyError)
    message = str(caught.value)
    assert "extra 'fast'" in message and "'.[fast]'" in message
    assert f"pip install {PACKAGES[kind]}" in message


@pytest.mark.parametrize("hidden", ["httptools", "pyreqwest"])
def test_the_default_async_transport_without_a_package(hidden: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without httptools the async default is the one before it (pyreqwest's); without that too, httpx's own.
    The default itself does not need pyreqwest."""
    from smsclients.http import default_async_transport
    from smsclients.pooling import PartitionedAsyncTransport
    from smsclients.transports import AsyncPyreqwestTransport

    for name in [m for m in sys.modules if m == hidden or m.startswith(hidden + ".")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, hidden, None)
    transport = default_async_transport()
    if hidden == "httptools":
        assert isinstance(transport, AsyncPyreqwestTransport)
    else:
        from smsclients.asyncio_transport import AsyncioTransport
        from smsclients.http import fallback_async_transport

        assert isinstance(transport, AsyncioTransport)
        assert isinstance(fallback_async_transport(), PartitionedAsyncTransport)


def test_the_named_packages_are_the_ones_the_extra_installs() -> None:
    """The hint names what pyproject's extra `fast` lists (both checked to exist on PyPI when written)."""
    import tomllib

    with (ROOT / "pyproject.toml").open("rb") as handle:
        extra = tomllib.load(handle)["project"]["optional-dependencies"]["fast"]
    listed = {requirement.split(">")[0].split("=")[0].strip() for requirement in extra}
    assert set(PACKAGES.values()) == listed


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("clients", "overlays", "sandbox"))}
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)


HIDE_STARLETTE = "import sys; sys.modules['starlette'] = None\n"


def test_the_sandbox_without_its_extra_names_it_and_the_package_still_imports() -> None:
    result = _python(
        HIDE_STARLETTE + "import smsclients_sandbox, smsclients_sandbox.pytest_plugin\n"
        "try:\n    smsclients_sandbox.running\n"
        "except ImportError as exc:\n    print(type(exc).__name__, exc)\n"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("MissingExtraError the sandbox needs starlette")
    assert "'.[sandbox]'" in result.stdout and "sms-provider-clients[" not in result.stdout  # not on any index


@pytest.mark.parametrize("command", ["smsclients_sandbox", "smsclients.cli sandbox"])
def test_running_the_sandbox_without_its_extra_is_one_line(command: str) -> None:
    module, *args = command.split()
    result = _python(
        HIDE_STARLETTE
        + f"import runpy, sys; sys.argv = ['x', *{args!r}]; runpy.run_module({module!r}, run_name='__main__')"
    )
    assert result.returncode == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("error: ") and "extra 'sandbox'" in line
