"""Maps a sandbox URL path to a surface and one of its spec operations."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from smsclients_sandbox.surfaces import SURFACES, Surface
from smsclients_sandbox.wire import Operation


@dataclass(frozen=True)
class Match:
    """Where a request goes; ``operation`` is None for an unknown path or method."""

    surface: Surface
    rel_path: str
    operation: Operation | None = None
    params: dict[str, str] = field(default_factory=dict)
    allowed: tuple[str, ...] = ()


class Router:
    """First matching surface wins; within a surface, the operation with the fewest path
    parameters wins, then the one listed first."""

    def __init__(self, operations: Iterable[Operation]) -> None:
        self._by_surface: dict[str, list[Operation]] = {s.name: [] for s in SURFACES}
        for op in operations:
            self._by_surface[op.surface.name].append(op)

    def resolve(self, method: str, path: str) -> Match | None:
        fallback: Match | None = None
        for surface in SURFACES:
            if path != surface.prefix and not path.startswith(surface.prefix + "/"):
                continue
            rel = path[len(surface.prefix) :] or "/"
            fallback = fallback or Match(surface, rel)
            found = [(op, params) for op in self._by_surface[surface.name] if (params := op.match(rel)) is not None]
            # Concrete paths before templated ones, as OpenAPI matches them
            # (/v2.1/messages/sms_callback before /v2.1/messages/{id}).
            found.sort(key=lambda pair: len(pair[1]))
            for op, params in found:
                if op.method == method:
                    return Match(surface, rel, op, params)
            if found:
                return Match(surface, rel, allowed=tuple(dict.fromkeys(op.method for op, _ in found)))
        return fallback
