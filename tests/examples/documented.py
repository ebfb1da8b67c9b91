"""Read the documented examples: from the specs (which carry the seeds' examples) and from cassettes.

The cassettes in ``cassettes/`` are the single copy of each documented exchange the tests replay;
the specs are where run-time values of the seeds (route ids, number ids) are taken from.
"""

from __future__ import annotations

import functools
import json
import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CASSETTE_DIR = Path(__file__).resolve().parent / "cassettes"
HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


class Cassette(Protocol):
    """What the tests use of the ``vcr`` fixture (a ``vcr.cassette.Cassette``)."""

    @property
    def play_count(self) -> int: ...

    @property
    def all_played(self) -> bool: ...

    @property
    def responses(self) -> list[dict[str, Any]]: ...


def documented_json(cassette: Cassette) -> Any:
    """The documented response body held by the cassette, parsed."""
    body = cassette.responses[0]["body"]["string"]
    return json.loads(body)


def assert_fully_played(cassette: Cassette) -> None:
    """The cassette holds exactly one exchange and the client's request replayed it."""
    assert len(cassette.responses) == 1
    assert cassette.play_count == 1
    assert cassette.all_played


# ------------------------------------------------------------------------------------ specs


@functools.cache
def catalog() -> dict[str, str]:
    """Client name -> spec path, from generator/clients.toml."""
    data = tomllib.loads((REPO_ROOT / "generator" / "clients.toml").read_text(encoding="utf-8"))
    return {raw["name"]: raw["spec"] for raw in data["client"]}


@functools.cache
def spec(client: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((REPO_ROOT / catalog()[client]).read_text(encoding="utf-8"))
    return document


def server_url(client: str) -> str:
    """The production base URL (``servers[0].url``)."""
    url: str = spec(client)["servers"][0]["url"]
    return url


@dataclass(frozen=True)
class Operation:
    client: str
    operation_id: str
    path: str
    method: str
    path_item: dict[str, Any]
    operation: dict[str, Any]

    @property
    def path_regex(self) -> re.Pattern[str]:
        """Matches the operation's concrete paths (below the server URL's path)."""
        pattern = re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(self.path))
        return re.compile(pattern)  # used with fullmatch: the whole path, no trailing newline


def operations(client: str) -> Iterator[Operation]:
    for path, path_item in spec(client)["paths"].items():
        for method in HTTP_METHODS:
            if method in path_item:
                operation = path_item[method]
                yield Operation(client, operation["operationId"], path, method, path_item, operation)


def operation(client: str, operation_id: str) -> Operation:
    (found,) = [op for op in operations(client) if op.operation_id == operation_id]
    return found


def resolve(client: str, node: Any) -> Any:
    """Follow local ``$ref``s (``#/components/...``)."""
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec(client)
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def parameter_example(client: str, operation_id: str, name: str) -> Any:
    """The ``example`` of a parameter (path-level or operation-level)."""
    op = operation(client, operation_id)
    for raw in [*op.path_item.get("parameters", []), *op.operation.get("parameters", [])]:
        parameter = resolve(client, raw)
        if parameter["name"] == name:
            return parameter["example"]
    raise KeyError(f"{client} {operation_id}: no parameter {name!r}")


def request_examples(client: str, operation_id: str) -> dict[str, Any]:
    """Named request-body examples: ``example``, ``examples.<name>.value`` and schema ``examples``."""
    body = resolve(client, operation(client, operation_id).operation.get("requestBody", {}))
    found: dict[str, Any] = {}
    for media in body.get("content", {}).values():
        if "example" in media:
            found["example"] = media["example"]
        for name, example in media.get("examples", {}).items():
            found[name] = resolve(client, example)["value"]
        for index, value in enumerate(resolve(client, media.get("schema", {})).get("examples", [])):
            found[f"schema example {index}"] = value
    return found


def request_example(client: str, operation_id: str, name: str = "example") -> Any:
    return request_examples(client, operation_id)[name]


def response(client: str, operation_id: str, status: int) -> dict[str, Any]:
    """The declared response for ``status`` (exact code first, then ``2XX``-style ranges)."""
    responses = operation(client, operation_id).operation["responses"]
    for key in (str(status), f"{str(status)[0]}XX"):
        if key in responses:
            found: dict[str, Any] = resolve(client, responses[key])
            return found
    raise KeyError(f"{client} {operation_id}: status {status} is not declared")


def response_example(client: str, operation_id: str, status: int) -> Any | None:
    for media in response(client, operation_id, status).get("content", {}).values():
        if "example" in media:
            return media["example"]
    return None
