"""The sandbox's third-party dependencies come with the extra ``sandbox``; say so when one is missing."""

from __future__ import annotations

import importlib.util

__all__ = ["EXTRA_HINT", "MissingExtraError", "require_extra"]

EXTRA_HINT = "pip install '.[sandbox]' in a clone, or the built wheel with [sandbox] (README, Install)"
# Import names of what the extra installs (pyproject.toml, [project.optional-dependencies] sandbox).
REQUIRED = ("starlette", "uvicorn", "openapi_core", "yaml", "airspeed")


class MissingExtraError(ImportError):
    """A dependency of the sandbox is not installed; the message names the extra that installs it."""


def require_extra() -> None:
    """Raise :class:`MissingExtraError` unless every dependency of the sandbox is installed (imports none)."""
    missing = [name for name in REQUIRED if importlib.util.find_spec(name) is None]
    if missing:
        raise MissingExtraError(
            f"the sandbox needs {', '.join(missing)}, installed with the extra 'sandbox': {EXTRA_HINT}",
            name=missing[0],
        )
