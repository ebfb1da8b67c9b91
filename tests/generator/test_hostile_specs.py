"""A spec is data: nothing in it may run, break the generated code, or silently change its meaning.

Two kinds of hostile spec:

* Text that is legal but tries to escape its literal (quotes, triple quotes, backslashes, line
  breaks, Jinja delimiters, a Python payload) in every place a spec string reaches the output:
  the spec file name, titles, descriptions, summaries, enum values, defaults, examples, patterns,
  paths, parameter and property names. The client is generated; no payload appears as code (no
  ``__import__`` token outside a string or comment), importing every module runs nothing, and the
  values come back intact (``SPEC_PATH``, enums, docstrings).
* Names and values that cannot be rendered safely: a version that is not semantic, names that are
  not identifiers or collide with what the generated code or the runtime uses (``v``, ``timeout``,
  ``extra_body``, ``query``, ``headers``, ``with_raw_response``, ``__init__``, an iterator's name,
  ...), unknown names in extensions, numbers that are not numbers, patterns that do not compile.
  Each is refused before openapi-python-client runs, with a message naming the value and where.
"""

from __future__ import annotations

import ast
import copy
import io
import json
import os
import re
import subprocess
import sys
import tokenize
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.catalog import CatalogError, ClientEntry, read_spec_state
from generator.render import GenerationError, generate_into
from generator.safety import escape_doc

from .repo import run_generator, tree_bytes

PACKAGE = "hostile_client"
# Quotes of every kind, an escape, line breaks, Jinja and template delimiters.
BREAKOUT = "\"\"\" ''' \" ' \\ \\n {{ 7*7 }} {% raw %} ${x} #"


def payload(tmp_path: Path) -> str:
    return f"__import__('pathlib').Path({str(tmp_path / 'PWNED')!r}).touch()"


def base_spec() -> dict[str, Any]:
    """A small valid spec: one tag, a flattened POST with path/query/header parameters, a paginated GET."""
    return {
        "openapi": "3.1.0",
        "info": {"title": "Hostile", "version": "1.0.0", "description": "A spec for the generator tests."},
        "servers": [{"url": "https://api.example.com"}],
        "tags": [{"name": "things", "description": "Things."}],
        "paths": {
            "/things/{thing_id}": {
                "post": {
                    "operationId": "make_thing",
                    "x-method-name": "make",
                    "x-body-flatten": "",
                    "tags": ["things"],
                    "summary": "Make a thing",
                    "description": "Makes one.",
                    "parameters": [
                        {
                            "name": "thing_id",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string", "pattern": "^[a-z]+$"},
                            "example": "abc",
                        },
                        {"name": "verbose", "in": "query", "schema": {"type": "boolean"}},
                        {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
                    ],
                    "requestBody": {
                        "required": True,
                        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/NewThing"}}},
                    },
                    "responses": {
                        "201": {
                            "description": "Made.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}},
                        }
                    },
                }
            },
            "/things": {
                "get": {
                    "operationId": "list_things",
                    "x-method-name": "list",
                    "x-pagination": {"style": "links-next", "iterator": "iter"},
                    "tags": ["things"],
                    "summary": "List things",
                    "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
                    "responses": {
                        "200": {
                            "description": "A page.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ThingPage"}}},
                        }
                    },
                }
            },
        },
        "components": {
            "schemas": {
                "NewThing": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {
                            "type": "string",
                            "description": "The name.",
                            "maxLength": 100,
                            "pattern": "^[A-Za-z]+$",
                            "example": "abc",
                        },
                        "colour": {"type": "string", "enum": ["red", "green"]},
                        "size": {"type": "integer", "minimum": 1, "maximum": 9},
                    },
                },
                "Thing": {
                    "type": "object",
                    "description": "A thing.",
                    "properties": {
                        "name": {"type": "string", "description": "Its name."},
                        "colour": {"type": "string", "enum": ["red", "green"]},
                    },
                },
                "ThingPage": {
                    "type": "object",
                    "properties": {
                        "data": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}},
                        "links": {"type": "object", "properties": {"next": {"type": "string"}}},
                    },
                },
            }
        },
    }


def generate(tmp_path: Path, spec: dict[str, Any], file_name: str = "spec.yaml") -> Path:
    """Generate ``spec`` the way ``make regenerate`` does; returns the generated package directory."""
    path = tmp_path / file_name
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    entry = ClientEntry(name="hostile", spec=str(path), package=PACKAGE)
    outputs = generate_into([(entry, read_spec_state(path))], tmp_path / "scratch")
    return outputs[PACKAGE]


def _post(spec: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"]["/things/{thing_id}"]["post"]
    return operation


def _get(spec: dict[str, Any]) -> dict[str, Any]:
    operation: dict[str, Any] = spec["paths"]["/things"]["get"]
    return operation


def _new_thing(spec: dict[str, Any]) -> dict[str, Any]:
    properties: dict[str, Any] = spec["components"]["schemas"]["NewThing"]["properties"]
    return properties


# ---------------------------------------------------------------------- text that must stay text


def test_hostile_text_everywhere_stays_text(tmp_path: Path) -> None:
    evil = f"{BREAKOUT} {payload(tmp_path)} {BREAKOUT}"
    spec = base_spec()
    spec["info"]["title"] = evil
    spec["info"]["description"] = evil
    spec["tags"][0]["description"] = evil
    post = _post(spec)
    post["summary"] = evil
    post["description"] = evil + '"'  # a trailing quote right before the closing quotes
    post["parameters"][1]["description"] = evil
    post["parameters"].append({"name": "q" + evil, "in": "query", "schema": {"type": "string", "default": evil}})
    new_thing = _new_thing(spec)
    new_thing["name"]["description"] = evil
    new_thing["name"]["example"] = evil
    new_thing["name"]["pattern"] = "^[A-Za-z\"'\\\\{}%#$]+$"
    new_thing["colour"]["enum"] = ["red", evil]
    new_thing["kind"] = {"type": "string", "default": evil}  # a fixed value: sent as a constant
    new_thing["f" + evil] = {"type": "string", "description": evil}
    thing = spec["components"]["schemas"]["Thing"]
    thing["description"] = evil
    thing["properties"]["colour"]["enum"] = ["red", evil]
    thing["properties"]["name"]["default"] = evil
    spec["paths"]["/things/{thing_id}/x\"'\\#%"] = spec["paths"].pop("/things/{thing_id}")
    spec["paths"]["/things/{thing_id}/x\"'\\#%"]["post"]["parameters"][0]["schema"]["pattern"] = "^[a-z'\"]+$"
    file_name = "spec \"'{{ 7*7 }}.yaml"

    package = generate(tmp_path, spec, file_name)

    # No payload became code: outside strings and comments, there is no `__import__` anywhere.
    for path in sorted(package.rglob("*.py")):
        tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
        names = {token.string for token in tokens if token.type == tokenize.NAME}
        assert "__import__" not in names, path

    # Importing every module runs nothing, and the values come back intact.
    probe = f"""
import importlib, pkgutil, json, sys
import {PACKAGE}
for module in pkgutil.walk_packages({PACKAGE}.__path__, "{PACKAGE}."):
    importlib.import_module(module.name)
from {PACKAGE}.resources import Things
from {PACKAGE}.resources import _schemas
from {PACKAGE}.models import thing_colour
members = set().union(*(v for k, v in vars(_schemas).items() if k.startswith("_E")))
print(json.dumps({{
    "path": {PACKAGE}.SPEC_PATH,
    "version": {PACKAGE}.SPEC_VERSION,
    "request_enum": sorted(members),
    "response_enum": sorted(thing_colour.THING_COLOUR_VALUES),
    "make_doc": Things.make.__doc__,
    "class_doc": Things.__doc__,
}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=package.parent,
        env={**os.environ, "PYTHONPATH": str(package.parent)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "PWNED").exists()
    seen = json.loads(result.stdout)
    assert seen["path"] == str(tmp_path / file_name)
    assert seen["version"] == "1.0.0"
    assert evil in seen["request_enum"] and evil in seen["response_enum"]

    def flat(text: str) -> str:  # wrapping adds line breaks and indentation
        return "".join(text.split())

    assert flat(evil + '"') in flat(seen["make_doc"])
    assert flat(evil) in flat(seen["class_doc"])


# ---------------------------------------------------------------------- values that are refused


def _set(path: list[Any], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(spec: dict[str, Any]) -> None:
        node = spec
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def _add_param(name: str, where: str = "query", **extra: Any) -> Callable[[dict[str, Any]], None]:
    def change(spec: dict[str, Any]) -> None:
        _post(spec)["parameters"].append({"name": name, "in": where, "schema": {"type": "string"}, **extra})

    return change


def _add_field(name: str, **extra: Any) -> Callable[[dict[str, Any]], None]:
    def change(spec: dict[str, Any]) -> None:
        _new_thing(spec)[name] = {"type": "string", **extra}

    return change


def _method_name(name: str) -> Callable[[dict[str, Any]], None]:
    return _set(["paths", "/things/{thing_id}", "post", "x-method-name"], name)


def _operation_id(name: str) -> Callable[[dict[str, Any]], None]:
    def change(spec: dict[str, Any]) -> None:
        del _post(spec)["x-method-name"]
        _post(spec)["operationId"] = name

    return change


def _tag(name: str) -> Callable[[dict[str, Any]], None]:
    def change(spec: dict[str, Any]) -> None:
        spec["tags"][0]["name"] = name
        _post(spec)["tags"] = [name]
        _get(spec)["tags"] = [name]

    return change


INJECT = "__import__('os')"
REFUSED: dict[str, tuple[Callable[[dict[str, Any]], None], str]] = {
    # info.version reaches a string literal and every module's marker comment
    "version with code": (_set(["info", "version"], f'1.1.0"; {INJECT}; X = "'), "info.version"),
    "version with Jinja": (_set(["info", "version"], "1.{{ 7*7 }}.0"), "info.version"),
    "version with a line break": (_set(["info", "version"], f"1.0.0\n{INJECT}"), "info.version"),
    "version not a string": (_set(["info", "version"], 1.0), "info.version"),
    # parameter names that collide with the builder's locals or the per-call options (the builders'
    # `_query`, `_headers` and `_fields` cannot: no spec name may start with `_`)
    **{
        f"parameter {name!r}": (_add_param(name), f"'{name}' collides")
        for name in ("v", "removed", "timeout", "max_retries", "extra_headers")
    },
    "parameter 'extra_query'": (_add_param("extra_query"), "'extra_query' collides"),
    "parameter 'extra_body'": (_add_param("extra_body"), "'extra_body' collides"),
    "header parameter 'timeout'": (_add_param("timeout", "header"), "header parameter 'timeout'"),
    "parameter like a comprehension variable": (_add_param("x1"), "'x1' collides"),
    # (a wire name like `self` or `list` is renamed by openapi-python-client's naming; x-python-name is not)
    "parameter x-python-name 'self'": (_add_param("me", **{"x-python-name": "self"}), "'self' collides"),
    "parameter x-python-name of a builtin the builder calls": (
        _add_param("items", **{"x-python-name": "list"}),
        "'list' collides",
    ),
    "parameter x-python-name with code": (
        _add_param("ok", **{"x-python-name": "a=1): pass\n#"}),
        "is not a Python identifier",
    ),
    "parameter x-python-name private": (_add_param("ok", **{"x-python-name": "_runtime"}), "starts with '_'"),
    "parameter x-python-name keyword": (_add_param("ok", **{"x-python-name": "class"}), "is a Python keyword"),
    "two parameters with one Python name": (_add_param("x_trace"), "two arguments named 'x_trace'"),
    "body field 'timeout'": (_add_field("timeout"), "body field 'timeout'"),
    "body field with a parameter's name": (_add_field("verbose"), "two arguments named 'verbose'"),
    "x-body-name 'timeout'": (_set(["paths", "/things/{thing_id}", "post", "x-body-name"], "timeout"), "x-body-name"),
    # method names that replace what every resource class has, or collide with each other
    "method 'with_raw_response'": (_method_name("with_raw_response"), "'with_raw_response' collides"),
    "method 'send_many'": (_method_name("send_many"), "'send_many' collides"),
    "method '__init__'": (_method_name("__init__"), "'__init__' starts with '_'"),
    "method '_runtime'": (_method_name("_runtime"), "'_runtime' starts with '_'"),
    "method with code": (_method_name("m(self): pass\n    import os  #"), "is not a Python identifier"),
    "method 'iter' beside the iterator 'iter'": (_method_name("iter"), "'iter' is used twice"),
    "method named like another": (_method_name("list"), "'list' is used twice"),
    "operationId as a method name": (_operation_id("class"), "is a Python keyword"),
    "iterator 'with_raw_response'": (
        _set(["paths", "/things", "get", "x-pagination", "iterator"], "with_raw_response"),
        "x-pagination iterator",
    ),
    # tags name a module and classes
    "tag with a path": (_tag("../../evil"), "tag: '../../evil' is not a Python identifier"),
    "tag whose class shadows the runtime's Request": (_tag("request"), "['Request']"),
    "tag whose class shadows a model": (_tag("thing"), "['Thing']"),
    # extensions that name things
    "x-dependent-required with code": (
        _set(["paths", "/things/{thing_id}", "post", "x-dependent-required"], {f"{INJECT} or verbose": ["verbose"]}),
        "x-dependent-required",
    ),
    "x-idempotent not a boolean": (
        _set(["paths", "/things/{thing_id}", "post", "x-idempotent"], INJECT),
        "x-idempotent",
    ),
    "x-unwrap with code": (_set(["paths", "/things/{thing_id}", "post", "x-unwrap"], "name; import os"), "x-unwrap"),
    "x-unwrap not a property": (_set(["paths", "/things/{thing_id}", "post", "x-unwrap"], "nothing"), "x-unwrap"),
    # values that must be numbers, patterns that must compile, enums that must be JSON
    "minimum with code": (
        _set(["components", "schemas", "NewThing", "properties", "size", "minimum"], f"1); {INJECT}; (1"),
        "minimum",
    ),
    "maxLength not an integer": (
        _set(["components", "schemas", "NewThing", "properties", "name", "maxLength"], "10); x = (1"),
        "maxLength",
    ),
    "pattern that does not compile": (
        _set(["components", "schemas", "NewThing", "properties", "name", "pattern"], "^(a$"),
        "does not compile",
    ),
    "request enum with NaN": (
        _set(["components", "schemas", "NewThing", "properties", "colour", "enum"], ["red", float("nan")]),
        "nan",
    ),
    # a title would rename the model the surface imports
    "schema title that renames the model": (
        _set(["components", "schemas", "Thing", "title"], f'T"""\n{INJECT}'),
        "components.schemas.Thing: title",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_unsafe_names_and_values_are_refused_with_their_location(tmp_path: Path, case: str) -> None:
    change, expected = REFUSED[case]
    spec = copy.deepcopy(base_spec())
    change(spec)
    with pytest.raises((GenerationError, CatalogError)) as raised:
        generate(tmp_path, spec)
    message = str(raised.value)
    assert expected in message
    # Where it comes from: the operation, the schema, the tag or info.version.
    assert any(where in message for where in ("POST /things", "GET /things", "components.", "tag", "info.version"))
    assert not (tmp_path / "scratch" / "out").exists()  # refused before openapi-python-client ran


@pytest.mark.parametrize(
    "text",
    ['a"""b', 'ends with a quote"', '""""""', '"', "back\\slash\\", '\\"""', 'x"" ', "plain", ""],
)
def test_escaped_docstring_text_reads_back_unchanged(text: str) -> None:
    source = '"""' + escape_doc(text) + '"""'
    assert ast.literal_eval(source) == text


def test_the_command_line_names_a_refused_name_and_changes_nothing(repo_copy: Path) -> None:
    spec = repo_copy / "specs" / "flowroute-messages-v2.yaml"
    text = spec.read_text(encoding="utf-8")
    assert text.count("x-method-name: send\n") == 1
    spec.write_text(
        re.sub(
            r"(?m)^  version: .*$",
            "  version: 99.0.0",
            text.replace("x-method-name: send\n", "x-method-name: with_raw_response\n"),
            count=1,
        ),
        encoding="utf-8",
    )
    before = tree_bytes(repo_copy / "clients")
    result = run_generator(repo_copy, "regenerate", "flowroute-messages-v2")
    assert result.returncode == 2
    assert "error: specs/flowroute-messages-v2.yaml: POST /messages (send_message)" in result.stderr
    assert "'with_raw_response' collides" in result.stderr and "Traceback" not in result.stderr
    assert tree_bytes(repo_copy / "clients") == before
