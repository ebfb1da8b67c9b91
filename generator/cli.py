"""Command line: ``python -m generator {regenerate,check,bump,status,coverage}``."""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

from .catalog import (
    CLIENTS_DIR,
    VERSION,
    CatalogError,
    ClientEntry,
    SpecState,
    load_catalog,
    read_spec_state,
    select,
)
from .compare import tree_differences
from .pins import PinError, make_pin, read_lock, refuse_silent_change, stale_reasons, write_lock
from .render import GenerationError, generate_into, generator_version


def _states(entries: list[ClientEntry]) -> list[tuple[ClientEntry, SpecState]]:
    return [(entry, read_spec_state(entry.spec_path)) for entry in entries]


def regenerate(names: list[str]) -> int:
    """Regenerate the named clients (all by default) and update their pins."""
    entries = select(load_catalog(), names)
    states = _states(entries)
    pins = read_lock()
    for entry, state in states:  # refuse before touching anything
        refuse_silent_change(entry, state, pins.get(entry.name))
    version = generator_version()
    with tempfile.TemporaryDirectory(prefix="regenerate-") as scratch:
        outputs = generate_into(states, Path(scratch))
        for entry, state in states:
            if entry.output_dir.exists():
                shutil.rmtree(entry.output_dir)
            shutil.copytree(outputs[entry.package], entry.output_dir)
            pins[entry.name] = make_pin(entry, state, version)
            print(f"regenerated clients/{entry.package} from {entry.spec} (info.version {state.version})")
    write_lock(pins)
    return 0


def check(names: list[str]) -> int:
    """Exit non-zero when clients/ or the lock differ from what the pinned specs produce."""
    catalog = load_catalog()
    entries = select(catalog, names)
    states = _states(entries)
    pins = read_lock()
    version = generator_version()
    problems: list[str] = []
    for entry, state in states:
        problems += stale_reasons(entry, state, pins.get(entry.name), version)
    if not names:
        known = {entry.name for entry in catalog}
        problems += [f"{name}: pinned in the lock but not in the catalog" for name in sorted(pins.keys() - known)]
        packages = {entry.package for entry in catalog}
        problems += [
            f"clients/{path.name}: not a generated client (not in generator/clients.toml)"
            for path in sorted(CLIENTS_DIR.iterdir())
            if path.is_dir() and path.name not in packages and path.name != "__pycache__"
        ]
    with tempfile.TemporaryDirectory(prefix="check-") as scratch:
        outputs = generate_into(states, Path(scratch))
        for entry, _ in states:
            problems += tree_differences(outputs[entry.package], entry.output_dir, f"clients/{entry.package}")
    if problems:
        print("make check: clients/ is not what the pinned specs generate:", file=sys.stderr)
        for problem in problems:
            print(f"- {problem}", file=sys.stderr)
        return 1
    print(f"make check: {len(entries)} client(s) match their pinned specs (openapi-python-client {version})")
    return 0


def _rewrite_info_version(text: str, new_version: str) -> str | None:
    """Rewrite only the `version:` line directly under the top-level `info:` key.

    Line-based rather than a YAML round trip, so comments and formatting stay exactly as written.
    """
    lines = text.splitlines(keepends=True)
    in_info = False
    for index, line in enumerate(lines):
        if line[:1] not in ("", " ", "\t", "\n", "#"):  # a top-level key starts or ends a block
            in_info = line.startswith("info:")
            continue
        match = re.match(r"^(  version:[ \t]*)(['\"]?)[^'\"\n#]*\2([ \t]*(?:#.*)?\r?\n?)$", line)
        if in_info and match:
            quote = match.group(2)
            lines[index] = f"{match.group(1)}{quote}{new_version}{quote}{match.group(3)}"
            return "".join(lines)
    return None


def bump(name: str, new_version: str) -> int:
    """Set a spec's info.version in place (only that line changes), then regenerate it."""
    if not VERSION.match(new_version):
        raise CatalogError(f"version {new_version!r} is not semantic (MAJOR.MINOR.PATCH)")
    (entry,) = select(load_catalog(), [name])
    text = entry.spec_path.read_text(encoding="utf-8")
    current = read_spec_state(entry.spec_path).version
    if current == new_version:
        raise CatalogError(f"{entry.spec} is already at info.version {new_version}")
    updated = _rewrite_info_version(text, new_version)
    if updated is None:
        raise CatalogError(f"{entry.spec}: could not find info.version to rewrite")
    entry.spec_path.write_text(updated, encoding="utf-8")
    if read_spec_state(entry.spec_path).version != new_version:  # the rewrite hit the wrong line
        entry.spec_path.write_text(text, encoding="utf-8")
        raise CatalogError(f"{entry.spec}: rewriting info.version failed; the spec is unchanged")
    print(f"{entry.spec}: info.version {current} -> {new_version}")
    return regenerate([name])


def status() -> int:
    pins = read_lock()
    for entry in load_catalog():
        state = read_spec_state(entry.spec_path)
        pinned = pins.get(entry.name)
        mark = "ok" if pinned and pinned.sha256 == state.sha256 else "CHANGED"
        print(f"{entry.name:28} {entry.spec:40} {state.version:10} {state.sha256[:12]} {mark}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m generator", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    for command, help_text in (
        ("regenerate", "regenerate clients from their specs and update clients.lock.json"),
        ("check", "fail if clients/ or the lock differ from what the pinned specs generate"),
    ):
        sub = commands.add_parser(command, help=help_text)
        sub.add_argument("names", nargs="*", help="client names from generator/clients.toml (default: all)")
    bump_parser = commands.add_parser("bump", help="set a spec's info.version, then regenerate that client")
    bump_parser.add_argument("name")
    bump_parser.add_argument("version")
    commands.add_parser("status", help="list clients with their spec version and whether the spec changed")
    coverage_parser = commands.add_parser("coverage", help="write docs/coverage.md (--check: fail if out of date)")
    coverage_parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    try:
        if args.command == "regenerate":
            return regenerate(args.names)
        if args.command == "check":
            return check(args.names)
        if args.command == "bump":
            return bump(args.name, args.version)
        if args.command == "coverage":
            # Imported here: it imports the clients, the overlays and the sandbox, which the other
            # commands (run in bare copies of the repository by the tests) do not need.
            from . import coverage

            return coverage.check() if args.check else coverage.write()
        return status()
    except (CatalogError, PinError, GenerationError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
