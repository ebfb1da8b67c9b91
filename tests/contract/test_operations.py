"""One contract over every operation of every spec: a new operation is covered the moment it is added.

For each generated method (``x-method-name``, ``x-variants``) of each operation:

* it exists on the sync and the async resource, and on their ``with_raw_response`` twins;
* called with the documented example, it sends the method, path, query, body and ``Accept`` that
  the spec describes;
* for each constraint the spec declares on a request value, one violating value is refused before
  anything is sent, with the field named, and a valid boundary value is sent;
* every documented 2xx response example parses into what the method returns.

The cases are built from the specs alone (``generator.spec_model`` reads them as the generator
does), so this file names no operation.
"""

from __future__ import annotations

import asyncio
import copy
import importlib
import inspect
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
import pytest
import yaml
from smsclients import BasicAuth, InputError, RetryPolicy
from smsclients.checker import SpecChecker
from smsclients.http import build_http_client
from smsclients.runtime import SyncRuntime

from generator.catalog import load_catalog
from generator.spec_model import Body, Document, Method, Operation, operations

NO_RETRY = RetryPolicy(max_retries=0)
MISSING = object()
# The documented examples use placeholder numbers (the Bandwidth seed's +1234567980 has 9 national
# digits); where the client's possible-number check (a hand-written rule, not the spec's) refuses
# one, the contract uses a possible number of the same format instead.
POSSIBLE_NUMBERS = {"e164": "+19195551212", "nanp-11": "12065551234"}


@dataclass
class Case:
    """One generated method, with a documented call of it."""

    surface: str
    package: str
    doc: Document
    op: Operation
    method: Method
    base_url: str
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.surface}:{self.op.tag}.{self.method.name}"


def _example(node: Mapping[str, Any]) -> Any:
    if "example" in node:
        return node["example"]
    examples = node.get("examples")
    if isinstance(examples, list) and examples:
        return examples[0]
    if isinstance(examples, Mapping) and examples:
        return next(iter(examples.values())).get("value", MISSING)
    return MISSING


def _cases() -> Iterator[Case]:
    for entry in load_catalog():
        raw = yaml.safe_load(entry.spec_path.read_bytes())
        doc = Document(raw)
        base = raw["servers"][0]["url"]
        for op in operations(raw):
            settings = {
                param.client_setting: param.example or "u-abc123"
                for param in op.params
                if param.client_setting is not None and param.location == "path"
            }
            for method in op.methods:
                yield Case(entry.name, entry.package, doc, op, method, base, settings)


CASES = list(_cases())
IDS = [case.id for case in CASES]


def _resource_classes(case: Case) -> dict[str, type[Any]]:
    module = importlib.import_module(f"{case.package}.resources.{case.op.tag}")
    name = "".join(part.capitalize() for part in case.op.tag.split("_"))
    return {
        "sync": getattr(module, name),
        "async": getattr(module, "Async" + name),
        "raw": getattr(module, name + "WithRawResponse"),
        "async raw": getattr(module, "Async" + name + "WithRawResponse"),
    }


# ----------------------------------------------------------------------------- documented calls


def _body_examples(case: Case) -> list[Any]:
    raw = case.doc.raw["paths"][case.op.path][case.op.http_method.lower()].get("requestBody")
    if raw is None:
        return []
    content = case.doc.resolve(raw)["content"]
    media = next(iter(content.values()))
    found = []
    if "example" in media:
        found.append(media["example"])
    for example in (media.get("examples") or {}).values():
        found.append(case.doc.resolve(example).get("value"))
    return found


def _fits(doc: Document, schema: Mapping[str, Any], value: Any) -> bool:
    """Whether ``value`` has the shape of ``schema`` (types, required and known properties)."""
    resolved = doc.resolve(schema)
    if "oneOf" in resolved:
        return any(_fits(doc, alternative, value) for alternative in resolved["oneOf"])
    kind = resolved.get("type")
    if kind == "array":
        return isinstance(value, list) and all(_fits(doc, resolved.get("items", {}), item) for item in value)
    if kind == "object" and resolved.get("properties"):
        props = resolved["properties"]
        return (
            isinstance(value, dict)
            and all(key in value for key in resolved.get("required", []))
            and all(key in props and _fits(doc, props[key], item) for key, item in value.items())
        )
    return True


def _from_examples(doc: Document, schema: Mapping[str, Any]) -> Any:
    """A body built from the examples of its members, when no whole example has this shape."""
    resolved = doc.resolve(schema)
    if resolved.get("type") == "object" and resolved.get("properties"):
        built = {}
        for name in resolved.get("required", []):
            value = _example(doc.resolve(resolved["properties"][name]))
            if value is MISSING:
                value = _from_examples(doc, resolved["properties"][name])
            if value is MISSING:
                return MISSING
            built[name] = value
        return built
    return _example(resolved)


def _body_example(case: Case, body: Body) -> Any:
    """The documented request body that fits this method (a oneOf variant picks its own shape)."""
    for example in _body_examples(case):
        if _fits(case.doc, body.schema, example):
            return copy.deepcopy(example)
    return _from_examples(case.doc, body.schema)


def _possible(doc: Document, schema: Mapping[str, Any], value: Any) -> Any:
    """``value`` with every phone number the client would refuse replaced by a possible one."""
    resolved = doc.resolve(schema)
    fmt = resolved.get("format")
    if fmt in POSSIBLE_NUMBERS and isinstance(value, str):
        try:
            SpecChecker().string(value, "number", fmt=fmt)
        except InputError:
            return POSSIBLE_NUMBERS[fmt]
        return value
    if isinstance(value, dict):
        props = resolved.get("properties", {})
        return {key: _possible(doc, props[key], item) if key in props else item for key, item in value.items()}
    if isinstance(value, list) and isinstance(resolved.get("items"), Mapping):
        return [_possible(doc, resolved["items"], item) for item in value]
    if "oneOf" in resolved and isinstance(value, list | dict):
        for alternative in resolved["oneOf"]:
            if (doc.resolve(alternative).get("type") == "array") == isinstance(value, list):
                return _possible(doc, alternative, value)
    return value


def _at(document: Any, path: tuple[str, ...]) -> Any:
    for step in path:
        document = document[step]
    return document


@dataclass
class Call:
    """Keyword arguments of one method call, and what the request must then carry."""

    kwargs: dict[str, Any]
    path: str
    query: dict[str, str]
    body: Any


def documented_call(case: Case) -> Call:
    kwargs: dict[str, Any] = {}
    path = case.op.path
    query: dict[str, str] = {}
    for param in case.op.params:
        value = MISSING if param.example is None else param.example
        if param.client_setting is not None and param.location == "path":
            value = case.settings[param.client_setting]
        elif value is MISSING:
            assert not param.required, f"{case.id}: required parameter {param.wire} has no example"
            continue
        else:
            value = kwargs[param.python] = _possible(case.doc, param.schema, value)
        if param.location == "path":
            path = path.replace("{" + param.wire + "}", quote(str(value), safe=""))
        elif param.location == "query":
            query[param.wire] = str(value).lower() if isinstance(value, bool) else str(value)
    body: Any = None
    if case.method.body is not None:
        example = _body_example(case, case.method.body)
        assert example is not MISSING or not case.method.body.required, f"{case.id}: the request body has no example"
        if example is not MISSING:
            body = example = _possible(case.doc, case.method.body.schema, example)
            if case.method.body.flatten is None:
                kwargs[case.method.body.name] = example
            else:
                attributes = _at(example, case.method.body.flatten)
                for item in case.method.body.fields:
                    if item.wire in attributes:
                        kwargs[item.python] = attributes[item.wire]
    return Call(kwargs, path, query, body)


class Wire:
    """A transport that records each request and answers with one fixed response."""

    def __init__(self, status: int = 200, body: bytes = b"", headers: Mapping[str, str] | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.status, self.body, self.headers = status, body, dict(headers or {})

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(self.status, content=self.body, headers=self.headers)


def _resource(case: Case, wire: Wire, kind: str = "sync") -> Any:
    http = build_http_client(
        base_url=case.base_url,
        auth=BasicAuth("key", "secret"),
        provider=case.surface,
        parse_error=lambda body: pytest.fail(f"unexpected error answer {body!r}"),
        policy=NO_RETRY,
        transport=httpx.MockTransport(wire),
    )
    return _resource_classes(case)[kind](SyncRuntime(http, settings=case.settings))


def _success_status(case: Case) -> int:
    statuses = [result.status for result in case.op.results if result.status[0] == "2"]
    if case.method.returns == "location-id":
        statuses = [result.status for result in case.op.results if result.kind == "none"] or statuses
    return int(statuses[0].replace("XX", "00")) if statuses else 200


# ----------------------------------------------------------------------------- the contract


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_method_exists_on_sync_async_and_raw_surfaces(case: Case) -> None:
    classes = _resource_classes(case)
    for kind, cls in classes.items():
        method = getattr(cls, case.method.name, None)
        assert callable(method), f"{kind} surface lacks {case.method.name}"
        assert inspect.iscoroutinefunction(method) == kind.startswith("async"), kind
    if case.op.pagination is not None:
        for kind in ("sync", "async"):
            assert callable(getattr(classes[kind], case.op.pagination.iterator, None)), kind


@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_documented_call_sends_what_the_spec_describes(case: Case) -> None:
    call = documented_call(case)
    wire = Wire(_success_status(case), headers={"Location": "https://example.test/things/x-1"})
    getattr(_resource(case, wire, "raw"), case.method.name)(**call.kwargs)

    (request,) = wire.requests
    assert request.method == case.op.http_method
    base_path = httpx.URL(case.base_url).raw_path.decode().rstrip("/")
    assert request.url.raw_path.decode().split("?")[0] == base_path + call.path
    assert dict(request.url.params) == call.query
    assert request.headers.get("accept") == (case.op.accept or "*/*")
    body = case.method.body
    if call.body is None:
        assert request.content == b""
    elif body is not None and body.binary:  # raw bytes (a str is sent as UTF-8), of the spec's type or octet-stream
        assert request.content == (call.body.encode() if isinstance(call.body, str) else call.body)
        expected = "application/octet-stream" if "*" in body.media_type else body.media_type
        assert request.headers["content-type"] == expected
    else:
        assert json.loads(request.content) == call.body
        assert request.headers["content-type"] == body.media_type  # type: ignore[union-attr]


# ----------------------------------------------------------------------------- constraints


@dataclass
class Mutation:
    where: str  # the field the error must name (its last part)
    apply: Callable[[Call], None]
    valid: bool


def _violations(schema: Mapping[str, Any], example: Any) -> Iterator[tuple[Any, bool, str]]:
    """(value, valid, why) pairs: each declared rule broken once, and kept at its boundary once."""
    kind = schema.get("type")
    plain = not ({"pattern", "format", "enum", "const"} & set(schema))
    if "enum" in schema or "const" in schema:
        yield "not-a-documented-value", False, "enum"
    if "pattern" in schema and isinstance(example, str):
        if schema["pattern"].endswith("$"):
            yield example + "\n", False, "pattern, trailing newline"
        yield example, True, "pattern"
    if "maxLength" in schema:
        yield "x" * (schema["maxLength"] + 1), False, "maxLength"
        if plain:
            yield "x" * schema["maxLength"], True, "maxLength boundary"
    if schema.get("minLength", 0) >= 1:
        yield "", False, "minLength"
        if plain:
            yield "x" * schema["minLength"], True, "minLength boundary"
    for keyword, step, valid_step in (("minimum", -1, 0), ("maximum", 1, 0), ("exclusiveMinimum", 0, 1)):
        if keyword in schema:
            bound = schema[keyword]
            yield bound + step, False, keyword
            yield bound + valid_step, True, f"{keyword} boundary"
    if kind == "array" and isinstance(example, list) and example:
        if schema.get("minItems", 0) >= 1:
            yield example[: schema["minItems"] - 1], False, "minItems"
        if "maxItems" in schema:
            yield [example[0]] * (schema["maxItems"] + 1), False, "maxItems"
            yield [example[0]] * schema["maxItems"], True, "maxItems boundary"
    if kind == "object" and schema.get("minProperties", 0) >= 1:
        yield {}, False, "minProperties"
    if kind in ("string", "integer", "number", "boolean", "array"):
        yield {"wrong": "type"}, False, "type"


def _nested(
    doc: Document, schema: Mapping[str, Any], value: Any, path: list[Any]
) -> Iterator[tuple[list[Any], Any, bool, str]]:
    """Violations inside a request body, at every documented property of the example."""
    resolved = doc.resolve(schema)
    for candidate, valid, why in _violations(resolved, value):
        yield path, candidate, valid, why
    if resolved.get("type") == "object" and isinstance(value, Mapping):
        required = resolved.get("required", [])
        for name, prop in resolved.get("properties", {}).items():
            if name in value:
                yield from _nested(doc, prop, value[name], [*path, name])
        for name in required:
            if name in value:
                yield [*path, name], MISSING, False, "required"
        if resolved.get("additionalProperties", False) is False and resolved.get("properties"):
            yield [*path, "misspelt_key"], "x", False, "unknown key"
    if resolved.get("type") == "array" and isinstance(value, list) and value:
        yield from _nested(doc, resolved.get("items", {}), value[0], [*path, 0])


def _set(document: Any, path: list[Any], value: Any) -> None:
    for step in path[:-1]:
        document = document[step]
    if value is MISSING:
        del document[path[-1]]
    else:
        document[path[-1]] = value


def _where(path: list[Any], top: str) -> str:
    """The name an error about ``path`` must carry: its last property (``numbers`` of ``numbers[0]``)."""
    names = [str(step) for step in path if not isinstance(step, int)]
    return names[-1] if names else top


def mutations(case: Case) -> Iterator[tuple[str, Mutation]]:
    call = documented_call(case)
    for param in case.op.params:
        if param.client_setting is not None or param.python not in call.kwargs:
            continue
        schema = case.doc.resolve(param.schema)
        example = call.kwargs[param.python]
        cases = list(_violations(schema, example))
        if param.location == "path":
            cases += [(".", False, "dot segment"), ("..", False, "dot segment")]
        for value, valid, why in cases:

            def apply(c: Call, name: str = param.python, value: Any = value) -> None:
                c.kwargs[name] = value

            yield f"{param.python}: {why}", Mutation(param.python, apply, valid)
    body = case.method.body
    if body is None or call.body is None:
        return
    if body.flatten is None:
        for path, value, valid, why in _nested(case.doc, body.schema, call.body, []):
            if not path and why in ("type",):
                continue

            def apply_body(c: Call, path: list[Any] = path, value: Any = value, name: str = body.name) -> None:
                if path:
                    _set(c.kwargs[name], path, value)
                else:
                    c.kwargs[name] = value

            where = _where(path, body.name)
            yield f"{body.name}.{'.'.join(map(str, path))}: {why}", Mutation(where, apply_body, valid)
        return
    for item in body.fields:
        if item.python not in call.kwargs:
            continue
        example = call.kwargs[item.python]
        for path, value, valid, why in _nested(case.doc, item.schema, copy.deepcopy(example), []):

            def apply_field(c: Call, path: list[Any] = path, value: Any = value, name: str = item.python) -> None:
                if path:
                    _set(c.kwargs[name], path, value)
                elif value is MISSING:
                    del c.kwargs[name]
                else:
                    c.kwargs[name] = value

            where = _where(path, item.python)
            yield (
                f"{item.python}{'.' + '.'.join(map(str, path)) if path else ''}: {why}",
                Mutation(where, apply_field, valid),
            )


MUTATIONS = [(case, label, mutation) for case in CASES for label, mutation in mutations(case)]


@pytest.mark.parametrize(
    ("case", "mutation"),
    [(case, mutation) for case, _, mutation in MUTATIONS],
    ids=[f"{case.id}:{label}" for case, label, _ in MUTATIONS],
)
def test_declared_constraints_are_checked_before_sending(case: Case, mutation: Mutation) -> None:
    call = documented_call(case)
    call.kwargs = copy.deepcopy(call.kwargs)
    mutation.apply(call)
    wire = Wire(_success_status(case), headers={"Location": "https://example.test/things/x-1"})
    method = getattr(_resource(case, wire, "raw"), case.method.name)
    if mutation.valid:
        method(**call.kwargs)
        assert len(wire.requests) == 1
        return
    with pytest.raises(InputError) as caught:
        method(**call.kwargs)
    assert wire.requests == []
    assert mutation.where in caught.value.field, (caught.value.field, mutation.where)


def test_every_spec_declares_constraints_that_the_contract_exercises() -> None:
    refused = sum(1 for _, _, mutation in MUTATIONS if not mutation.valid)
    kept = sum(1 for _, _, mutation in MUTATIONS if mutation.valid)
    surfaces = {case.surface for case, _, _ in MUTATIONS}
    assert refused >= 50 and kept >= 10, (refused, kept)
    assert surfaces == {entry.name for entry in load_catalog()}


# ----------------------------------------------------------------------------- responses


def _response_examples(case: Case) -> Iterator[tuple[str, Any]]:
    operation = case.doc.raw["paths"][case.op.path][case.op.http_method.lower()]
    for status, raw in operation.get("responses", {}).items():
        if not str(status).startswith("2"):
            continue
        for media in (case.doc.resolve(raw).get("content") or {}).values():
            example = _example(media)
            if example is not MISSING:
                yield str(status), example


RESPONSE_CASES = [
    (case, status, example)
    for case in CASES
    if case.method.returns != "location-id"
    for status, example in _response_examples(case)
]


@pytest.mark.parametrize(
    ("case", "status", "example"),
    RESPONSE_CASES,
    ids=[f"{case.id}:{status}" for case, status, _ in RESPONSE_CASES],
)
def test_documented_responses_parse(case: Case, status: str, example: Any) -> None:
    wire = Wire(int(status.replace("XX", "00")), json.dumps(example).encode(), {"content-type": "application/json"})
    call = documented_call(case)
    raw = getattr(_resource(case, wire, "raw"), case.method.name)(**call.kwargs)
    parsed = raw.parse()
    to_dict = getattr(parsed, "to_dict", None)
    if to_dict is not None:  # what the provider sent is kept, unknown fields included
        assert to_dict() == example
    elif isinstance(parsed, list):
        assert [item.to_dict() for item in parsed] == example


BINARY_CASES = [case for case in CASES if any(result.kind == "binary" for result in case.op.results)]
UPLOAD_CASES = [case for case in CASES if case.method.body is not None and case.method.body.binary]


@pytest.mark.parametrize("case", BINARY_CASES, ids=[case.id for case in BINARY_CASES])
def test_binary_answers_are_returned_as_received(case: Case) -> None:
    """A file comes back byte for byte with its Content-Type; nothing is parsed or decoded."""
    payload = bytes(range(256))
    wire = Wire(_success_status(case), payload, {"content-type": "image/png"})
    result = getattr(_resource(case, wire), case.method.name)(**documented_call(case).kwargs)
    assert (result.content, result.content_type) == (payload, "image/png")
    (request,) = wire.requests
    assert request.headers["accept"] == (case.op.accept or "*/*")


@pytest.mark.parametrize("case", UPLOAD_CASES, ids=[case.id for case in UPLOAD_CASES])
def test_binary_bodies_carry_bytes_and_the_given_content_type(case: Case) -> None:
    assert case.method.body is not None
    call = documented_call(case)
    payload = b"\x89PNG\r\n\x1a\n\x00\xff"
    wire = Wire(_success_status(case))
    method = getattr(_resource(case, wire), case.method.name)
    method(**{**call.kwargs, case.method.body.name: payload, "content_type": "image/png"})
    (request,) = wire.requests
    assert (request.content, request.headers["content-type"]) == (payload, "image/png")
    for bad in ("png", "image/png\r\nX-Injected: 1", ""):
        with pytest.raises(InputError) as caught:
            method(**{**call.kwargs, case.method.body.name: payload, "content_type": bad})
        assert caught.value.field == "content_type"
    with pytest.raises(InputError) as caught:
        method(**{**call.kwargs, case.method.body.name: ["not", "bytes"]})
    assert caught.value.field == case.method.body.name
    assert len(wire.requests) == 1


def test_the_async_surface_sends_the_same_request() -> None:
    """Sync and async come from one template; one documented call per surface checks they agree."""
    seen: set[str] = set()
    for case in CASES:
        if case.surface in seen or case.method.returns == "location-id":
            continue
        seen.add(case.surface)
        call = documented_call(case)
        sync_wire, async_wire = Wire(_success_status(case)), Wire(_success_status(case))
        getattr(_resource(case, sync_wire, "raw"), case.method.name)(**call.kwargs)
        asyncio.run(_async_call(case, async_wire, call))
        (sync_request,), (async_request,) = sync_wire.requests, async_wire.requests
        assert (async_request.method, async_request.url, async_request.content) == (
            sync_request.method,
            sync_request.url,
            sync_request.content,
        )
    assert seen == {entry.name for entry in load_catalog()}


async def _async_call(case: Case, wire: Wire, call: Call) -> None:
    from smsclients.http import build_async_http_client
    from smsclients.runtime import AsyncRuntime

    http = build_async_http_client(
        base_url=case.base_url,
        auth=BasicAuth("key", "secret"),
        provider=case.surface,
        parse_error=lambda body: pytest.fail(f"unexpected error answer {body!r}"),
        policy=NO_RETRY,
        transport=httpx.MockTransport(wire),
    )
    async with http:
        resource = _resource_classes(case)["async raw"](AsyncRuntime(http, settings=case.settings))
        await getattr(resource, case.method.name)(**call.kwargs)
