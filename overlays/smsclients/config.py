"""Settings a client was not given, read from the environment.

One naming rule for every provider: a constructor parameter left out (``None``) is read from
``<PROVIDER>_<PARAMETER>`` in upper case, so ``FlowrouteClient()`` reads ``FLOWROUTE_ACCESS_KEY``
and ``FLOWROUTE_SECRET_KEY``, and ``base_url`` comes from ``<PROVIDER>_BASE_URL`` or the
provider's production URL. An argument that is given always wins, even an empty one (which then
fails the usual checks). docs/guides/configuration.md lists every variable.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from .errors import InputError
from .http import require_secure_url

__all__ = ["MissingSettingError", "base_url_from_environment", "environment_variable", "from_environment"]


class MissingSettingError(InputError):
    """A required setting was neither passed nor set in the environment; names both."""

    def __init__(self, parameter: str, variable: str) -> None:
        super().__init__(parameter, f"not given, and the environment variable {variable} is not set")
        self.variable = variable


def environment_variable(provider: str, parameter: str) -> str:
    """``environment_variable("flowroute", "access_key")`` -> ``"FLOWROUTE_ACCESS_KEY"``."""
    return f"{provider}_{parameter}".upper()


def from_environment(
    provider: str, /, environ: Mapping[str, str] | None = None, **given: str | None
) -> tuple[str, ...]:
    """The values of ``given`` in order, each ``None`` replaced by its environment variable.

    Raises :class:`MissingSettingError` for the first one that is ``None`` and unset (or empty)
    in the environment.
    """
    env = os.environ if environ is None else environ
    values: list[str] = []
    for parameter, value in given.items():
        if value is None:
            variable = environment_variable(provider, parameter)
            value = env.get(variable) or None
            if value is None:
                raise MissingSettingError(parameter, variable)
        values.append(value)
    return tuple(values)


def base_url_from_environment(
    provider: str, base_url: str | None, default: str, environ: Mapping[str, str] | None = None
) -> str:
    """``base_url`` if given, else ``<PROVIDER>_BASE_URL`` (checked, errors naming it), else ``default``."""
    if base_url is not None:
        return base_url
    variable = environment_variable(provider, "base_url")
    configured = (os.environ if environ is None else environ).get(variable)
    if not configured:
        return default
    return require_secure_url(configured, field=variable)
