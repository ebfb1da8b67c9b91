"""The list of clients to generate, read from ``generator/clients.toml``."""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
CATALOG_PATH = Path(__file__).resolve().parent / "clients.toml"
CLIENTS_DIR = REPO_ROOT / "clients"
# info.version: semantic (MAJOR.MINOR.PATCH, optional pre-release/build); it is written into generated code.
VERSION = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$")


class CatalogError(Exception):
    """The catalog or a spec it names cannot be used."""


@dataclass(frozen=True)
class ClientEntry:
    """One generated client: which spec it comes from and where its package goes."""

    name: str
    spec: str  # relative to the repository root, POSIX separators: it is written into output
    package: str
    class_overrides: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def spec_path(self) -> Path:
        return REPO_ROOT / self.spec

    @property
    def output_dir(self) -> Path:
        return CLIENTS_DIR / self.package


@dataclass(frozen=True)
class SpecState:
    """What a spec file says about itself right now."""

    version: str
    sha256: str


def load_catalog(path: Path = CATALOG_PATH) -> list[ClientEntry]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    entries = [
        ClientEntry(
            name=raw["name"],
            spec=raw["spec"],
            package=raw["package"],
            class_overrides=raw.get("class_overrides", {}),
        )
        for raw in data.get("client", [])
    ]
    names = [entry.name for entry in entries]
    if len(set(names)) != len(names):
        raise CatalogError(f"{path}: client names must be unique, got {names}")
    return entries


def select(entries: list[ClientEntry], names: list[str]) -> list[ClientEntry]:
    """The entries named on the command line (all of them when none are named)."""
    if not names:
        return entries
    by_name = {entry.name: entry for entry in entries}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise CatalogError(f"unknown client(s) {unknown}; known: {sorted(by_name)}")
    return [by_name[name] for name in names]


def read_spec_state(spec_path: Path) -> SpecState:
    raw = spec_path.read_bytes()
    return SpecState(version=spec_version(raw, spec_path), sha256=hashlib.sha256(raw).hexdigest())


def spec_version(raw: bytes, spec_path: Path) -> str:
    try:
        document: Any = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise CatalogError(f"{spec_path}: not valid YAML: {exc}") from exc
    version = document.get("info", {}).get("version") if isinstance(document, dict) else None
    if not isinstance(version, str) or not version:
        raise CatalogError(f"{spec_path}: info.version must be a non-empty string")
    if not VERSION.match(version):
        raise CatalogError(f"{spec_path}: info.version {version!r} is not a semantic version (MAJOR.MINOR.PATCH)")
    return version
