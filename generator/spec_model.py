"""The operations of a spec as the surface renderer needs them: parameters, bodies, results, extensions.

openapi-python-client parses the spec too, but keeps neither the constraints (``pattern``,
``maxLength``, ...) nor our ``x-`` extensions, so the typed surface is planned from the raw
document here. Every name that must match a generated model (class names, attribute names) is
computed with openapi-python-client's own naming functions, so the two renderings cannot disagree.

The extensions are documented in ``specs/CONVENTIONS.md``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from openapi_python_client.strings import ClassName, PythonIdentifier

from .safety import RESERVED_METHODS, SpecError, argument_name, python_name

HTTP_METHODS = ("get", "put", "post", "delete", "patch")
JSON_MEDIA = re.compile(r"^application/(.+\+)?json$")
# A body of raw bytes: `type: string, format: binary` under any media type (`*/*`, `image/png`).
BINARY_FORMAT = "binary"


def class_name(component: str) -> str:
    return str(ClassName(component, ""))


def identifier(name: str) -> str:
    return str(PythonIdentifier(name, prefix="field_"))


@dataclass
class Document:
    """The parsed spec with ``$ref`` resolution."""

    raw: Mapping[str, Any]

    def resolve(self, node: Any) -> Any:
        seen: set[str] = set()
        while isinstance(node, Mapping) and "$ref" in node:
            ref = node["$ref"]
            if ref in seen or not isinstance(ref, str) or not ref.startswith("#/"):
                raise SpecError(f"unsupported or circular $ref {ref!r}")
            seen.add(ref)
            target: Any = self.raw
            for part in ref[2:].split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    @staticmethod
    def ref_name(node: Any) -> str | None:
        """The component name of a ``#/components/schemas/X`` reference, else None."""
        if isinstance(node, Mapping) and isinstance(node.get("$ref"), str):
            prefix = "#/components/schemas/"
            if node["$ref"].startswith(prefix):
                return str(node["$ref"][len(prefix) :])
        return None


@dataclass
class Param:
    """One argument of a generated method that goes into the path, the query or a header."""

    wire: str
    python: str
    location: str  # path | query | header
    schema: Mapping[str, Any]  # unresolved (may be a $ref)
    required: bool
    description: str
    client_setting: str | None  # x-client-param: filled from the client when not given
    example: Any = None  # the documented example (parameter-level, else the schema's)


@dataclass
class BodyField:
    """A property of a flattened request body, offered as a keyword argument."""

    wire: str
    python: str
    schema: Mapping[str, Any]
    required: bool
    description: str


@dataclass
class Body:
    media_type: str
    schema: Mapping[str, Any]  # unresolved
    required: bool
    name: str  # the keyword argument of an unflattened body
    flatten: tuple[str, ...] | None  # path of the object whose properties become keywords
    fields: list[BodyField] = field(default_factory=list)
    # For each object along the flatten path: (wire name of the next step, constant properties).
    envelope: list[tuple[str | None, dict[str, Any]]] = field(default_factory=list)
    object_schema: Mapping[str, Any] | None = None  # the flattened object (resolved)
    binary: bool = False  # raw bytes (``format: binary``), sent as they are with their own Content-Type


@dataclass
class Result:
    """What a 2xx status returns: a model, a list of models, or nothing."""

    status: str
    kind: str  # model | list | none | binary
    model: str | None  # class name
    media_type: str | None


@dataclass
class Pagination:
    style: str  # links-next | link-header | check-confirm
    iterator: str
    items: str | None = None  # attribute of the parsed page holding the items (None: the page is the list)
    next_path: tuple[str, ...] = ()  # attributes from the page to the next link (links-next)
    item_model: str | None = None
    # check-confirm only
    confirm: str | None = None  # method name of the confirm operation
    id_attribute: str | None = None
    drain: str | None = None
    chunk: int | None = None


@dataclass
class Method:
    """One generated method of an operation (``x-variants`` gives an operation several)."""

    name: str
    summary: str
    body: Body | None
    positional: tuple[str, ...]
    returns: str | None  # None: the response body; "location-id": the last segment of Location
    unwrap: str | None  # return this attribute of the parsed body


@dataclass
class Operation:
    operation_id: str
    http_method: str
    path: str
    tag: str
    summary: str
    description: str
    params: list[Param]
    results: list[Result]
    accept: str | None
    idempotent: bool | None
    dependent_required: dict[str, list[str]]
    pagination: Pagination | None
    methods: list[Method]

    @property
    def path_template(self) -> str:
        """The path with ``{}`` placeholders in the order of :attr:`path_params`."""
        return re.sub(r"\{[^}]+\}", "{}", self.path)


def is_binary(media: Mapping[str, Any]) -> bool:
    """Whether a media type object carries raw bytes (``type: string, format: binary``)."""
    schema = media.get("schema") or {}
    return schema.get("type") == "string" and schema.get("format") == BINARY_FORMAT


def _media(content: Mapping[str, Any] | None) -> tuple[str, Mapping[str, Any]] | None:
    if not content:
        return None
    for media_type, media in content.items():
        if JSON_MEDIA.match(media_type.split(";")[0].strip()):
            return media_type, media
    for media_type, media in content.items():
        if is_binary(media):
            return media_type, media
    raise SpecError(f"only JSON media types or binary bodies are supported, got {sorted(content)}")


def _params(doc: Document, path_item: Mapping[str, Any], operation: Mapping[str, Any], where: str) -> list[Param]:
    merged: dict[tuple[str, str], Mapping[str, Any]] = {}
    for raw in [*path_item.get("parameters", []), *operation.get("parameters", [])]:
        param = doc.resolve(raw)
        merged[(param["name"], param["in"])] = param
    params = []
    for param in merged.values():
        if param["in"] not in ("path", "query", "header"):
            raise SpecError(f"parameters in {param['in']} are not supported")
        schema = param.get("schema", {})
        if "example" in param and "$ref" not in schema and "example" not in schema:
            schema = {**schema, "example": param["example"]}  # named in the parameter's input errors
        params.append(
            Param(
                wire=param["name"],
                python=argument_name(
                    param.get("x-python-name") or identifier(param["name"]),
                    f"{where}: {param['in']} parameter {param['name']!r}",
                ),
                location=param["in"],
                schema=schema,
                required=bool(param.get("required", False)) or param["in"] == "path",
                description=" ".join(str(param.get("description", "")).split()),
                client_setting=param.get("x-client-param"),
                example=param.get("example", doc.resolve(schema).get("example")),
            )
        )
    return params


def _constant(schema: Mapping[str, Any]) -> tuple[bool, Any]:
    """A property whose value is fixed by the spec (``const``, a one-value ``enum`` or a default)."""
    if "const" in schema:
        return True, schema["const"]
    if isinstance(schema.get("enum"), list) and len(schema["enum"]) == 1:
        return True, schema["enum"][0]
    if "default" in schema:
        return True, schema["default"]
    return False, None


def _body(doc: Document, operation: Mapping[str, Any], options: Mapping[str, Any], where: str) -> Body | None:
    """The request body of one method; ``options`` is the operation or one of its ``x-variants``."""
    raw = operation.get("requestBody")
    if raw is None:
        return None
    request_body = doc.resolve(raw)
    media = _media(request_body.get("content"))
    if media is None:
        return None
    media_type, content = media
    schema_node = content["schema"]
    if "body" in options:  # a variant picks one alternative of a oneOf body
        alternatives = doc.resolve(schema_node).get("oneOf")
        if not isinstance(alternatives, list):
            raise SpecError(f"{where}: x-variants 'body' needs a oneOf request body")
        schema_node = alternatives[int(options["body"])]
    flatten_spec = options.get("x-body-flatten", options.get("flatten"))
    body = Body(
        media_type=media_type,
        schema=schema_node,
        required=bool(request_body.get("required", False)),
        name=argument_name(options.get("x-body-name", options.get("body-name", "body")), f"{where}: x-body-name"),
        flatten=None if flatten_spec is None else tuple(part for part in str(flatten_spec).split(".") if part),
        binary=is_binary(content),
    )
    if body.binary and body.flatten is not None:
        raise SpecError(f"{where}: a binary body cannot be flattened")
    if body.flatten is None:
        return body
    schema = doc.resolve(body.schema)
    for step in [*body.flatten, None]:
        if schema.get("type") != "object":
            raise SpecError(f"{where}: x-body-flatten goes through a non-object schema")
        required = set(schema.get("required", []))
        constants: dict[str, Any] = {}
        for name, prop in schema.get("properties", {}).items():
            if name == step:
                continue
            resolved = doc.resolve(prop)
            fixed, value = _constant(resolved)
            # Sent when the spec requires it or states its value (an optional one-value enum is not).
            if fixed and (name in required or "default" in resolved or "const" in resolved):
                constants[name] = value
            elif name in required and step is not None:
                raise SpecError(f"{where}: required property {name!r} beside the flattened path has no fixed value")
        body.envelope.append((step, constants))
        if step is None:
            body.object_schema = schema
            for name, prop in schema.get("properties", {}).items():
                if name in constants:
                    continue
                resolved = doc.resolve(prop)
                body.fields.append(
                    BodyField(
                        wire=name,
                        python=argument_name(
                            resolved.get("x-python-name") or identifier(name), f"{where}: body field {name!r}"
                        ),
                        schema=prop,
                        required=name in required,
                        description=" ".join(str(resolved.get("description", "")).split()),
                    )
                )
        else:
            schema = doc.resolve(schema["properties"][step])
    return body


def _results(doc: Document, operation: Mapping[str, Any], where: str) -> tuple[list[Result], str | None]:
    results: list[Result] = []
    accept: str | None = None
    fallback_accept: str | None = None
    for status, raw in operation.get("responses", {}).items():
        response = doc.resolve(raw)
        media = _media(response.get("content"))
        if not str(status).startswith("2"):
            if media is not None and fallback_accept is None:
                fallback_accept = media[0]
            continue
        if media is None:
            results.append(Result(str(status), "none", None, None))
            continue
        media_type, content = media
        if is_binary(content):
            # The bytes as sent, whatever their type: Accept names the documented type (`*/*`: any).
            results.append(Result(str(status), "binary", None, media_type))
            accept = accept or media_type
            continue
        accept = accept or media_type
        schema = content.get("schema", {})
        name = Document.ref_name(schema)
        resolved = doc.resolve(schema)
        if name is not None and resolved.get("type") != "array":
            results.append(Result(str(status), "model", class_name(name), media_type))
            continue
        item_name = Document.ref_name(resolved.get("items")) if resolved.get("type") == "array" else None
        if item_name is None:
            raise SpecError(f"{where}: a {status} body must be a $ref to a schema or an array of one")
        results.append(Result(str(status), "list", class_name(item_name), media_type))
    return results, accept or fallback_accept


def _pagination(doc: Document, operation: Mapping[str, Any], results: list[Result], where: str) -> Pagination | None:
    raw = operation.get("x-pagination")
    if raw is None:
        return None
    style = raw.get("style")
    json_results = [result for result in results if result.kind != "none"]
    if style not in ("links-next", "link-header", "check-confirm") or not json_results:
        raise SpecError(f"{where}: x-pagination needs a style of links-next, link-header or check-confirm")
    page = json_results[0]
    pagination = Pagination(
        style=style,
        iterator=python_name(
            raw.get("iterator") or "iter", f"{where}: x-pagination iterator", reserved=RESERVED_METHODS
        ),
    )
    if style == "link-header":
        if page.kind != "list":
            raise SpecError(f"{where}: link-header pagination needs an array body")
        pagination.item_model = page.model
        return pagination
    schemas = doc.raw["components"]["schemas"]
    page_schema = next(doc.resolve(s) for n, s in schemas.items() if class_name(n) == page.model)
    items = raw.get("items", "data")
    item_name = Document.ref_name(doc.resolve(page_schema["properties"][items]).get("items"))
    if item_name is None:
        raise SpecError(f"{where}: the page's {items!r} must be an array of a $ref schema")
    pagination.items = identifier(items)
    pagination.item_model = class_name(item_name)
    if style == "links-next":
        pagination.next_path = tuple(identifier(part) for part in str(raw.get("next", "links.next")).split("."))
        return pagination
    pagination.confirm = python_name(raw["confirm"], f"{where}: x-pagination confirm", reserved=RESERVED_METHODS)
    pagination.id_attribute = identifier(raw["id"])
    pagination.drain = python_name(raw.get("drain", "drain"), f"{where}: x-pagination drain", reserved=RESERVED_METHODS)
    chunk = raw["chunk"]
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise SpecError(f"{where}: x-pagination chunk must be a positive integer, got {chunk!r}")
    pagination.chunk = chunk
    return pagination


def _optional_name(value: Any, where: str) -> str | None:
    return None if value is None else python_name(value, where)


def _dependent_required(raw: Any, params: list[Param], where: str) -> dict[str, list[str]]:
    """``x-dependent-required``: every name must be one of the operation's parameters (wire or Python name)."""
    known = {param.wire for param in params} | {param.python for param in params}
    if not isinstance(raw, Mapping):
        raise SpecError(f"{where}: x-dependent-required must map a parameter to a list of parameters")
    for key, needs in raw.items():
        if not isinstance(needs, list):
            raise SpecError(f"{where}: x-dependent-required {key!r} must list parameters")
        unknown = [name for name in [key, *needs] if name not in known]
        if unknown:
            raise SpecError(f"{where}: x-dependent-required names {unknown!r}, which are not parameters here")
    return {str(key): [str(name) for name in needs] for key, needs in raw.items()}


def operations(raw: Mapping[str, Any]) -> Iterator[Operation]:
    """Every operation of the spec, in document order."""
    doc = Document(raw)
    for path, path_item in raw.get("paths", {}).items():
        for method in HTTP_METHODS:
            operation = path_item.get(method)
            if operation is None:
                continue
            operation_id = operation["operationId"]
            where = f"{method.upper()} {path} ({operation_id})"
            tags = operation.get("tags", [])
            if len(tags) != 1:
                raise SpecError(f"{where}: exactly one tag is required")
            # The tag names a module (resources/<tag>.py) and an attribute of Resources.
            python_name(tags[0], f"{where}: tag")
            idempotent = operation.get("x-idempotent")
            if idempotent is not None and not isinstance(idempotent, bool):
                raise SpecError(f"{where}: x-idempotent must be true or false, got {idempotent!r}")
            results, accept = _results(doc, operation, where)
            params = _params(doc, path_item, operation, where)
            in_path = re.findall(r"\{([^}]+)\}", path)
            by_wire = {param.wire: param for param in params if param.location == "path"}
            if sorted(in_path) != sorted(by_wire):
                raise SpecError(f"{where}: path parameters do not match the path")
            # Path parameters in the order they appear in the path.
            ordered = [by_wire[name] for name in in_path]
            params = ordered + [param for param in params if param.location != "path"]
            variants = operation.get("x-variants") or [operation]
            methods = [
                Method(
                    name=python_name(
                        variant.get("name") or variant.get("x-method-name") or operation_id,
                        f"{where}: method name (x-method-name, x-variants name or operationId)",
                        reserved=RESERVED_METHODS,
                    ),
                    summary=str(variant.get("summary", operation.get("summary", ""))).strip(),
                    body=_body(doc, operation, variant, where),
                    positional=tuple(variant.get("positional", variant.get("x-positional", ()))),
                    returns=variant.get("returns", variant.get("x-returns")),
                    unwrap=_optional_name(variant.get("unwrap", variant.get("x-unwrap")), f"{where}: x-unwrap"),
                )
                for variant in variants
            ]
            yield Operation(
                operation_id=operation_id,
                http_method=method.upper(),
                path=path,
                tag=tags[0],
                summary=str(operation.get("summary", "")).strip(),
                description=" ".join(str(operation.get("description", "")).split()),
                params=params,
                results=results,
                accept=accept,
                idempotent=idempotent,
                dependent_required=_dependent_required(operation.get("x-dependent-required", {}), params, where),
                pagination=_pagination(doc, operation, results, where),
                methods=methods,
            )
