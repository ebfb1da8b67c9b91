"""The small vocabulary shared by the app and the provider modules.

Provider handlers are plain synchronous functions ``Call -> Reply``: they never await, so each
one runs to completion on the event loop and state changes need no locking. Errors are raised as
:class:`ProviderError` and rendered in the provider's own error shape by :mod:`smsclients_sandbox.errors`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from smsclients_sandbox.surfaces import Surface


@dataclass(frozen=True)
class Call:
    """One validated API request, as a handler sees it."""

    surface: Surface
    operation_id: str
    method: str
    path_params: Mapping[str, str]
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: Any
    base_url: str
    """Absolute URL of this surface on the sandbox host (the printed base URL), for links."""
    user: str
    """The authenticated user (Basic user name or HMAC key)."""


@dataclass
class Reply:
    """A handler's answer: a JSON body, raw ``bytes`` (a file, of ``media_type``) or none; status and headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    empty: bool = False
    """True for responses without a body (201 Location, 204, MessageMedia 200/202)."""
    media_type: str | None = None
    """Content type of the body when it is not the surface's (Flowroute's Porting API is plain JSON)."""
    notes: dict[str, str] = field(default_factory=dict)
    """What the inbox's request log shows about this answer (a magic number, a spec violation); never sent."""


class ProviderError(Exception):
    """An error answer; ``kind`` selects the provider-specific code/title when rendering."""

    def __init__(
        self, status: int, message: str, *, kind: str = "", details: list[str] | None = None, title: str = ""
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind
        self.details = details or []
        self.title = title


Handler = Callable[[Call], Reply]


@dataclass(frozen=True)
class Operation:
    """A spec operation implemented by a handler; ``template`` is the spec path."""

    surface: Surface
    method: str
    template: str
    operation_id: str
    handler: Handler
    lenient_body: Callable[[Any], bool] | None = None
    """If it returns True for a body, body schema problems go to the handler instead of a 400
    (Bandwidth batches: each item is validated on its own and may fail alone)."""
    raw_body: bool = False
    """The body is raw bytes (a media upload), handed to the handler as they came, not parsed as JSON."""
    pattern: re.Pattern[str] = field(init=False, compare=False)

    def __post_init__(self) -> None:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(self.template))
        object.__setattr__(self, "pattern", re.compile(f"^{regex}$"))

    def match(self, path: str) -> dict[str, str] | None:
        found = self.pattern.match(path)
        return found.groupdict() if found else None


def dig(value: Any, *keys: str) -> Any:
    """``value[k1][k2]…`` or None when any level is missing or not an object.

    Handlers use it so that, with validation switched off, a malformed body gives a provider
    error instead of a crash.
    """
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value
