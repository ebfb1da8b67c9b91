"""Our response schemas require no more than the providers' public documents do.

A field the public document does not mark required (or leaves out) may be missing from a real
answer; requiring it would turn a successful answer into ``MalformedResponseError`` (Flowroute's
number details without a top-level ``links``: its public ``Number`` schema has none). So for every
schema that any response of our specs uses, directly or nested, its ``required`` must be a subset of
what the corresponding public schema requires. Most of our response schemas have no public
counterpart that requires anything: those must require nothing. The few counterparts are listed in
``COUNTERPARTS`` (with the property names where ours differ).

Read straight from the files, so the test trusts neither the generator nor the sandbox.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
# The providers' documents are not part of the project (they are not ours to ship); where they are.
PUBLIC = Path(os.environ.get("PUBLIC_SPECS_DIR", "/work/shared/public-specs"))
FLOWROUTE = "flowroute_Numbers-Messaging-Callbacks-E911_APIs_2018-02-19_e53bd65.json"
MESSAGEMEDIA = "messagemedia_MM-docs_openapi_2020-03-30_e5f0539.yaml"
SPECS = sorted(path.name for path in (ROOT / "specs").glob("*.yaml"))

# (our spec, our schema) -> the public schemas it stands for: (document, JSON pointer, our name -> theirs).
# A schema of ours that stands for several public ones may require only what all of them require.
COUNTERPARTS: dict[tuple[str, str], list[tuple[str, str, dict[str, str]]]] = {
    # GET /v2/e911 answers items of E911Address; ours wraps the same fields in JSON:API attributes.
    ("flowroute-v2.yaml", "E911Attributes"): [(FLOWROUTE, "/components/schemas/E911Address", {})],
    # The items of Flowroute's `Error.errors` (id and status required); ours are the same objects.
    ("flowroute-v2.yaml", "FlowrouteError"): [(FLOWROUTE, "/components/schemas/Error/properties/errors/items", {})],
    ("flowroute-messages-v2.yaml", "FlowrouteError"): [
        (FLOWROUTE, "/components/schemas/Error/properties/errors/items", {})
    ],
    # MessageMedia's error bodies: 400 (message, details), 403 and 404 (message).
    ("messagemedia-messages-v1.yaml", "MessageMediaError"): [
        (MESSAGEMEDIA, "/components/schemas/400response", {}),
        (MESSAGEMEDIA, "/components/schemas/403response", {}),
        (MESSAGEMEDIA, "/components/schemas/404response", {}),
    ],
}


@cache
def _load(path: Path) -> Any:
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def _pointer(document: Any, pointer: str) -> Any:
    node = document
    for part in pointer.lstrip("/").split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def _response_schemas(spec: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(name, schema) of every object schema a response reaches: components by name, inline ones by path."""
    seen: set[str] = set()

    def walk(node: Any, name: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        if isinstance(node, Mapping):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/"):
                if ref not in seen:
                    seen.add(ref)
                    yield from walk(_pointer(spec, ref[1:]), ref.rsplit("/", 1)[-1])
                return
            if "required" in node and isinstance(node["required"], list):
                yield name, node
            for key, value in node.items():
                if key not in ("example", "examples"):
                    yield from walk(value, f"{name}.{key}")
        elif isinstance(node, list):
            for item in node:
                yield from walk(item, name)

    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, Mapping) and "responses" in operation:
                yield from walk(operation["responses"], f"{method.upper()} {path}")


def _allowed(spec_name: str, schema_name: str) -> set[str]:
    counterparts = COUNTERPARTS.get((spec_name, schema_name), [])
    allowed: set[str] | None = None
    for document, pointer, names in counterparts:
        theirs = set(_pointer(_load(PUBLIC / document), pointer).get("required", []))
        ours = theirs | {mine for mine, their in names.items() if their in theirs}
        allowed = ours if allowed is None else allowed & ours
    return allowed or set()


@pytest.mark.skipif(not PUBLIC.is_dir(), reason="the providers' public documents are not on this machine")
@pytest.mark.parametrize("spec_name", SPECS)
def test_response_schemas_require_no_more_than_the_public_documents(spec_name: str) -> None:
    spec = _load(ROOT / "specs" / spec_name)
    too_strict = {
        name: sorted(set(schema["required"]) - _allowed(spec_name, name))
        for name, schema in _response_schemas(spec)
        if set(schema["required"]) - _allowed(spec_name, name)
    }
    assert too_strict == {}, (
        f"{spec_name}: response schemas require fields the public documents do not "
        f"(a real answer without them would fail): {too_strict}"
    )


def test_every_counterpart_exists_and_is_used() -> None:
    if not PUBLIC.is_dir():
        pytest.skip("the providers' public documents are not on this machine")
    for (spec_name, schema_name), counterparts in COUNTERPARTS.items():
        spec = _load(ROOT / "specs" / spec_name)
        assert schema_name in dict(_response_schemas(spec)) or schema_name in spec["components"]["schemas"]
        for document, pointer, _ in counterparts:
            assert isinstance(_pointer(_load(PUBLIC / document), pointer), Mapping)


def test_the_check_catches_a_required_field_the_public_document_leaves_out() -> None:
    spec = _load(ROOT / "specs" / "flowroute-v2.yaml")
    mutated = json.loads(json.dumps(spec))
    mutated["components"]["schemas"]["NumberDocument"]["required"] = ["links"]
    found = dict(_response_schemas(mutated))
    assert set(found["NumberDocument"]["required"]) - _allowed("flowroute-v2.yaml", "NumberDocument") == {"links"}
