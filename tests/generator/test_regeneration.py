"""``python -m generator`` on the committed tree and on independent copies of the repository.

Full regenerations are the slow part (about 1-2 s each), so there are few of them: one
``check`` of the committed tree, two regenerations for determinism, and single-client runs
(``flowroute-messages-v2``, the smallest spec) for the failure modes.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from .repo import REPO_ROOT, catalog, load_spec, lock, run_generator, sha256_of, tree_bytes

# The client the single-client scenarios use, and a content edit to its spec.
NAME = "flowroute-messages-v2"
SPEC = "specs/flowroute-messages-v2.yaml"
PACKAGE = "flowroute_messages_v2_client"
EDIT_FROM = "summary: Send a message\n"
EDIT_TO = "summary: Send one SMS message\n"


def _edit_spec_content(repo: Path) -> None:
    """Change the spec's content (an operation summary) but not its info.version."""
    path = repo / SPEC
    text = path.read_text(encoding="utf-8")
    assert text.count(EDIT_FROM) == 1
    path.write_text(text.replace(EDIT_FROM, EDIT_TO), encoding="utf-8")


def test_check_passes_on_the_committed_tree() -> None:
    result = run_generator(REPO_ROOT, "check")
    assert result.returncode == 0, result.stderr
    assert f"{len(catalog())} client(s) match their pinned specs" in result.stdout


def test_regeneration_is_deterministic_and_reproduces_the_committed_clients(repo_copy: Path) -> None:
    committed_clients = tree_bytes(REPO_ROOT / "clients")
    committed_lock = (REPO_ROOT / "clients.lock.json").read_bytes()
    # From scratch: no generated output and no lock, so nothing can be carried over.
    shutil.rmtree(repo_copy / "clients")
    (repo_copy / "clients.lock.json").unlink()

    first = run_generator(repo_copy, "regenerate")
    assert first.returncode == 0, first.stderr
    first_clients = tree_bytes(repo_copy / "clients")
    first_lock = (repo_copy / "clients.lock.json").read_bytes()

    second = run_generator(repo_copy, "regenerate")
    assert second.returncode == 0, second.stderr
    assert tree_bytes(repo_copy / "clients") == first_clients
    assert (repo_copy / "clients.lock.json").read_bytes() == first_lock

    assert sorted(first_clients) == sorted(committed_clients)
    differing = [name for name in first_clients if first_clients[name] != committed_clients[name]]
    assert differing == []
    assert first_lock == committed_lock


def test_spec_change_without_version_bump_is_refused(repo_copy: Path) -> None:
    pinned_sha = lock(repo_copy)[NAME]["sha256"]
    _edit_spec_content(repo_copy)
    edited_sha = sha256_of(repo_copy / SPEC)
    clients_before = tree_bytes(repo_copy / "clients")
    lock_before = (repo_copy / "clients.lock.json").read_bytes()

    result = run_generator(repo_copy, "regenerate")

    assert result.returncode != 0
    assert SPEC in result.stderr
    assert pinned_sha in result.stderr
    assert edited_sha in result.stderr
    assert tree_bytes(repo_copy / "clients") == clients_before
    assert (repo_copy / "clients.lock.json").read_bytes() == lock_before


def test_bump_accepts_the_change_and_updates_lock_and_package(repo_copy: Path) -> None:
    spec_path = repo_copy / SPEC
    _edit_spec_content(repo_copy)
    edited_lines = spec_path.read_text(encoding="utf-8").splitlines()
    other_clients = {
        entry.package: tree_bytes(repo_copy / "clients" / entry.package)
        for entry in catalog(repo_copy)
        if entry.name != NAME
    }
    lock_before = lock(repo_copy)
    # Any version above the committed one; the committed one changes as the spec evolves.
    current = str(load_spec(spec_path)["info"]["version"])
    major, minor, patch = (int(part) for part in current.split("."))
    bumped = f"{major}.{minor}.{patch + 1}"

    result = run_generator(repo_copy, "bump", NAME, bumped)

    assert result.returncode == 0, result.stderr
    # The bump rewrites only the info.version line of the spec.
    bumped_lines = spec_path.read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(edited_lines, bumped_lines, strict=True) if a != b]
    assert changed == [(f"  version: {current}", f"  version: {bumped}")]
    assert load_spec(spec_path)["info"]["version"] == bumped

    new_sha = sha256_of(spec_path)
    pins = lock(repo_copy)
    assert pins[NAME] == {**lock_before[NAME], "version": bumped, "sha256": new_sha}
    assert {name: pin for name, pin in pins.items() if name != NAME} == {
        name: pin for name, pin in lock_before.items() if name != NAME
    }

    init = (repo_copy / "clients" / PACKAGE / "__init__.py").read_text(encoding="utf-8")
    assert f'SPEC_VERSION = "{bumped}"\n' in init
    assert f'SPEC_SHA256 = "{new_sha}"\n' in init
    assert f"(info.version {bumped})" in init.splitlines()[0]
    # The content change reached the generated code; the other clients are untouched.
    assert "Send one SMS message" in (repo_copy / "clients" / PACKAGE / "api/messages/send_message.py").read_text(
        encoding="utf-8"
    )
    for package, files in other_clients.items():
        assert tree_bytes(repo_copy / "clients" / package) == files
    # The bumped tree is consistent again.
    after = run_generator(repo_copy, "check", NAME)
    assert after.returncode == 0, after.stderr


def test_check_names_a_hand_edited_generated_file(repo_copy: Path) -> None:
    edited = f"clients/{PACKAGE}/models/send_message_request.py"
    with (repo_copy / edited).open("a", encoding="utf-8") as handle:
        handle.write("# a hand edit\n")

    result = run_generator(repo_copy, "check", NAME)

    assert result.returncode != 0
    assert f"{edited}: differs from what the generator produces" in result.stderr
    assert "+# a hand edit" in result.stderr


def test_check_reports_a_hand_written_file_in_a_client(repo_copy: Path) -> None:
    extra = f"clients/{PACKAGE}/helpers.py"
    (repo_copy / extra).write_text('"""Hand-written."""\n', encoding="utf-8")

    result = run_generator(repo_copy, "check", NAME)

    assert result.returncode != 0
    assert f"{extra}: not produced by the generator" in result.stderr


def test_check_reports_a_stale_lock(repo_copy: Path) -> None:
    lock_path = repo_copy / "clients.lock.json"
    document = json.loads(lock_path.read_text(encoding="utf-8"))
    real_sha = document["clients"][NAME]["sha256"]
    document["clients"][NAME]["sha256"] = "0" * 64
    lock_path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")

    result = run_generator(repo_copy, "check", NAME)

    assert result.returncode != 0
    assert f"{NAME}: lock says sha256='{'0' * 64}', now '{real_sha}'" in result.stderr
