"""The committed packages say, at runtime and in every file, which spec they come from."""

from __future__ import annotations

import importlib
from importlib.metadata import version

import pytest

from .repo import MARKER_PREFIX, REPO_ROOT, CatalogEntry, catalog, load_spec, lock, sha256_of

ENTRIES = catalog()
IDS = [entry.name for entry in ENTRIES]


def test_lock_pins_exactly_the_catalog() -> None:
    pins = lock()
    assert sorted(pins) == sorted(IDS)
    for entry in ENTRIES:
        assert pins[entry.name]["spec"] == entry.spec
        assert pins[entry.name]["package"] == entry.package
        assert pins[entry.name]["generator"] == version("openapi-python-client")


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_package_exposes_its_spec_pin(entry: CatalogEntry) -> None:
    pin = lock()[entry.name]
    spec_path = REPO_ROOT / entry.spec
    package = importlib.import_module(entry.package)

    assert package.SPEC_PATH == entry.spec == pin["spec"]
    assert package.SPEC_VERSION == pin["version"] == load_spec(spec_path)["info"]["version"]
    assert package.SPEC_SHA256 == pin["sha256"] == sha256_of(spec_path)
    assert f"openapi-python-client {pin['generator']}" == package.GENERATOR


@pytest.mark.parametrize("entry", ENTRIES, ids=IDS)
def test_every_generated_module_starts_with_the_marker(entry: CatalogEntry) -> None:
    pin = lock()[entry.name]
    marker = f"{MARKER_PREFIX} {pin['generator']} from {pin['spec']} (info.version {pin['version']})."
    root = REPO_ROOT / "clients" / entry.package
    modules = sorted(path for path in root.rglob("*.py") if "__pycache__" not in path.parts)
    assert len(modules) > 5
    unmarked = [
        path.relative_to(REPO_ROOT).as_posix()
        for path in modules
        if path.read_text(encoding="utf-8").splitlines()[0] != marker
    ]
    assert unmarked == []
    assert (root / "py.typed").is_file()
