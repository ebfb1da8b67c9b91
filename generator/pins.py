"""The lock file: which spec version and hash each generated client was made from.

``clients.lock.json`` at the repository root is what makes regeneration deliberate: a spec whose
bytes changed while its ``info.version`` stayed the same is refused, so every change to a client
is a visible version bump in review.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from .catalog import REPO_ROOT, ClientEntry, SpecState

LOCK_PATH = REPO_ROOT / "clients.lock.json"


@dataclass(frozen=True)
class Pin:
    spec: str
    version: str
    sha256: str
    generator: str
    package: str


class PinError(Exception):
    """A spec changed in a way the lock does not allow."""


def read_lock(path: Path = LOCK_PATH) -> dict[str, Pin]:
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {name: Pin(**fields) for name, fields in data.get("clients", {}).items()}


def write_lock(pins: dict[str, Pin], path: Path = LOCK_PATH) -> None:
    document = {
        "comment": "Written by `make regenerate`; checked by `make check`. Do not edit by hand.",
        "clients": {name: asdict(pins[name]) for name in sorted(pins)},
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def make_pin(entry: ClientEntry, state: SpecState, generator_version: str) -> Pin:
    return Pin(
        spec=entry.spec,
        version=state.version,
        sha256=state.sha256,
        generator=generator_version,
        package=entry.package,
    )


def refuse_silent_change(entry: ClientEntry, state: SpecState, pinned: Pin | None) -> None:
    """Raise when the spec's content changed but its ``info.version`` did not."""
    if pinned is None:
        return
    if state.sha256 != pinned.sha256 and state.version == pinned.version:
        raise PinError(
            f"{entry.spec} changed but its info.version is still {state.version!r}.\n"
            f"  pinned sha256: {pinned.sha256}\n"
            f"  current sha256: {state.sha256}\n"
            f"Bump it first: python -m generator bump {entry.name} NEW_VERSION"
        )


def stale_reasons(entry: ClientEntry, state: SpecState, pinned: Pin | None, generator_version: str) -> list[str]:
    """Why the lock entry for ``entry`` does not describe the current spec (empty when it does)."""
    if pinned is None:
        return [f"{entry.name}: not in {LOCK_PATH.name}; run `make regenerate`"]
    expected = make_pin(entry, state, generator_version)
    return [
        f"{entry.name}: lock says {key}={getattr(pinned, key)!r}, now {getattr(expected, key)!r}"
        for key in ("spec", "version", "sha256", "generator", "package")
        if getattr(pinned, key) != getattr(expected, key)
    ]
