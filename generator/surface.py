"""Second rendering step: the typed modern surface of a generated package, from its spec.

openapi-python-client writes the models and one function module per endpoint. This step adds
``resources/``: per tag, a resource class with one method per operation (named by
``x-method-name``), rendered four times from one template -- sync, async, and their
``with_raw_response`` twins -- so the sync and async surfaces cannot drift. Each method checks its
arguments with checks generated from the spec's constraints (:mod:`generator.checks`), then hands
the request to the runtime that the caller supplies (the ``Runtime`` protocol in
``resources/_runtime.py``). Lazy iterators come from ``x-pagination``.

The output depends only on the spec and the templates, and is formatted with the other generated
files, so ``make check`` catches any hand edit of it too.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from .checks import Emitter
from .safety import SpecError, escape_doc, literal
from .spec_model import (
    Body,
    Document,
    Method,
    Operation,
    Param,
    Result,
    class_name,
    identifier,
    operations,
)

TEMPLATES = Path(__file__).resolve().parent / "templates" / "surface"
# Names the resource modules and resources/__init__.py import or define: a resource class must not shadow them.
RUNTIME_NAMES = frozenset(
    {
        "AsyncDrainer", "AsyncRuntime", "Checker", "Drainer", "Operation", "Options", "RawResponse", "Request",
        "Runtime", "Resources", "AsyncResources", "Any", "Literal", "AsyncIterable", "Callable", "Iterable",
        "Mapping", "Sequence",
    }
)  # fmt: skip
_OPTIONS = (
    "timeout: float | None = None",
    "max_retries: int | None = None",
    "extra_headers: Mapping[str, str] | None = None",
    "extra_query: Mapping[str, Any] | None = None",
    "extra_body: Mapping[str, Any] | None = None",
)
_FORWARD = tuple(f"{name}={name}" for name in ("timeout", "max_retries", "extra_headers", "extra_query", "extra_body"))
_OPTION_ARGS = "_Options(timeout, max_retries, extra_headers, extra_query, extra_body)"
# Iterators and drains take no other keyword: `removed` catches the old `limit=` (now `max_items=`) so
# the TypeError can name its replacement; typed Never, a type checker flags any use of it.
_REMOVED = "**removed: Never"


def _removed_check(method: str, page_size: str | None) -> str:
    page = f"; the page size is {page_size}=" if page_size else ""
    renamed = f"{{'limit': 'max_items= (the most items to yield{page})'}}"
    return f"unexpected_arguments({method!r}, removed, {renamed})"


@dataclass
class Rendered:
    """One generated method, ready for the template."""

    name: str
    signature: str
    returns: str
    raw_returns: str
    doc: str
    op: str
    builder: str
    unwrap: str | None


@dataclass
class Iterator_:
    name: str
    signature: str
    returns: str
    async_returns: str
    doc: str
    body: str  # the expression returned
    check: str = ""  # a statement run first


@dataclass
class Resource:
    tag: str
    class_name: str
    description: str
    methods: list[Rendered] = field(default_factory=list)
    iterators: list[Iterator_] = field(default_factory=list)
    drains: list[dict[str, str]] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)  # module-level source: ops, builders, parsers
    models: set[str] = field(default_factory=set)
    bulk: str = ""  # the x-bulk methods, when this resource has send_many


# A media type, `type/subtype` with optional parameters (RFC 9110 tokens), as a Content-Type value.
MEDIA_TYPE_PATTERN = r"^[A-Za-z0-9!#$%&'*+.^_`|~-]+/[A-Za-z0-9!#$%&'*+.^_`|~-]+(;.*)?$"


def _content_type(body: Body | None) -> str | None:
    """The Content-Type a body goes with; a binary body of any type (`*/*`) defaults to octet-stream."""
    if body is None:
        return None
    if body.binary and "*" in body.media_type:
        return "application/octet-stream"
    return body.media_type


def _doc(*parts: str) -> str:
    text = escape_doc("\n\n".join(part.strip() for part in parts if part and part.strip()))
    # Words are never split, so no escape sequence is cut in two by the wrapping.
    paragraphs = [textwrap.fill(p, 96, break_long_words=False) for p in text.split("\n\n")]
    return "\n\n".join(paragraphs) or "Undocumented operation."


def _check_titles(schemas: Mapping[str, Any]) -> None:
    """openapi-python-client names a model after its ``title``; the surface imports it by component name."""
    for name, schema in schemas.items():
        title = schema.get("title") if isinstance(schema, Mapping) else None
        if title is not None and class_name(str(title)) != class_name(name):
            raise SpecError(
                f"components.schemas.{name}: title {title!r} would rename the generated model "
                f"({class_name(str(title))!r} instead of {class_name(name)!r}); drop the title or make them agree"
            )


def _indent_doc(text: str, spaces: int) -> str:
    pad = " " * spaces
    lines = text.splitlines()
    return "\n".join([lines[0], *[(pad + line) if line else "" for line in lines[1:]]])


class _Planner:
    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.doc = Document(raw)
        self.emitter = Emitter(self.doc)
        self.tags = {tag["name"]: str(tag.get("description") or "") for tag in raw.get("tags", [])}
        self.resources: dict[str, Resource] = {}
        schemas = raw.get("components", {}).get("schemas", {})
        models = {class_name(name) for name in schemas}
        self.taken = RUNTIME_NAMES | models | {f"{model}Params" for model in models}
        _check_titles(schemas)

    def resource(self, tag: str) -> Resource:
        if tag not in self.resources:
            name = class_name(tag)
            classes = {name, f"Async{name}", f"{name}WithRawResponse", f"Async{name}WithRawResponse"}
            clash = sorted(classes & self.taken)
            if clash:
                raise SpecError(f"tag {tag!r}: its resource classes {clash} collide with generated or runtime names")
            self.taken |= classes
            self.resources[tag] = Resource(tag, name, escape_doc(self.tags.get(tag, "").strip()))
        return self.resources[tag]

    # ------------------------------------------------------------------ per operation

    def add(self, op: Operation) -> None:
        where = f"{op.http_method} {op.path} ({op.operation_id})"
        try:
            resource = self.resource(op.tag)
            for method in op.methods:
                self._method(resource, op, method)
            if op.pagination is not None:
                self._iterator(resource, op)
        except SpecError as exc:
            if str(exc).startswith(where):
                raise
            raise SpecError(f"{where}: {exc}") from exc

    def _result(self, op: Operation, method: Method, const: str, resource: Resource) -> tuple[str, str, str]:
        """(reads, parse source, return type) of a method."""
        if method.returns == "location-id":
            return "location", "None", "str"
        if any(result.kind == "binary" for result in op.results):
            # The runtime hands the parser (bytes, Content-Type): a file, not a document.
            return "binary", "read_binary", "Binary"
        json_results = [result for result in op.results if result.kind != "none"]
        # `returns: json`: this method's answers always carry a body (another method reads the empty ones).
        empty = [] if method.returns == "json" else [result for result in op.results if result.kind == "none"]
        if not json_results:
            return "none", "None", "None"
        shapes = {(result.kind, result.model) for result in json_results}
        if len(shapes) != 1:
            raise SpecError(f"{op.operation_id}: 2xx answers of different shapes need x-variants")
        result: Result = json_results[0]
        assert result.model is not None
        resource.models.add(result.model)
        if result.kind == "model":
            parse, returns = f"{result.model}.from_dict", result.model
        else:
            # builtins.list: a method named `list` would shadow the type inside the class.
            parse, returns = f"_parse_{const.lower()}", f"builtins.list[{result.model}]"
            resource.definitions.append(
                f"def {parse}(data: Any) -> {returns}:\n"
                f"    if not isinstance(data, list):\n"
                f'        raise TypeError("expected a JSON array")\n'
                f"    return [{result.model}.from_dict(item) for item in data]"
            )
        if empty:
            returns += " | None"
        return "json", parse, returns

    def _method(self, resource: Resource, op: Operation, method: Method) -> None:
        const = "_" + method.name.upper()
        self._claim(resource, method.name, f"{op.operation_id}: method")
        reads, parse, returns = self._result(op, method, const, resource)
        no_content = sorted(int(r.status) for r in op.results if r.kind == "none" and r.status.isdigit())
        if method.returns == "json":
            no_content = []
        resource.definitions.append(
            f"{const}: Operation[{returns}] = Operation(\n"
            f"    name={method.name!r},\n"
            f"    method={op.http_method!r},\n"
            f"    path={op.path_template!r},\n"
            f"    accept={op.accept!r},\n"
            f"    content_type={_content_type(method.body)!r},\n"
            f"    reads={reads!r},\n"
            f"    parse={parse},\n"
            f"    idempotent={op.idempotent!r},\n"
            f"    no_content=frozenset({no_content!r}),\n"
            f")"
        )
        params, builder_args, builder_src = self._builder(op, method, const)
        self._unique_arguments(op, method, builder_args)
        resource.definitions.append(builder_src)
        unwrap_returns = returns
        if method.unwrap:
            unwrap_returns = self._unwrapped_type(op, method.unwrap, returns)
        resource.methods.append(
            Rendered(
                name=method.name,
                signature=", ".join(["self", *params, *(["*"] if "*" not in params else []), *_OPTIONS]),
                returns=unwrap_returns,
                raw_returns=f"RawResponse[{returns}]",
                doc=_indent_doc(_doc(method.summary, op.description if method.summary == op.summary else ""), 8),
                op=const,
                builder=f"_request{const.lower()}(self._runtime.checker, {', '.join(builder_args)})"
                if builder_args
                else f"_request{const.lower()}(self._runtime.checker)",
                unwrap=method.unwrap,
            )
        )

    def _claim(self, resource: Resource, name: str, what: str) -> None:
        """Record a method name of ``resource``; a second method, iterator or drain of that name is refused."""
        taken = {m.name for m in resource.methods} | {i.name for i in resource.iterators}
        taken |= {d["name"] for d in resource.drains}
        if name in taken:
            raise SpecError(f"{what} name {name!r} is used twice in tag {resource.tag!r}")

    @staticmethod
    def _unique_arguments(op: Operation, method: Method, names: list[str]) -> None:
        seen: set[str] = set()
        for name in names:
            if name in seen:
                raise SpecError(
                    f"{op.http_method} {op.path} ({op.operation_id}): method {method.name!r} would have two arguments "
                    f"named {name!r}; give one another Python name (x-python-name)"
                )
            seen.add(name)

    def _unwrapped_type(self, op: Operation, attribute: str, returns: str) -> str:
        schemas = self.doc.raw["components"]["schemas"]
        for name, schema in schemas.items():
            if class_name(name) == returns:
                properties = self.doc.resolve(schema).get("properties", {})
                if attribute not in {identifier(key) for key in properties}:
                    raise SpecError(f"{op.operation_id}: x-unwrap {attribute!r} is not a property of {name}")
                prop = next(value for key, value in properties.items() if identifier(key) == attribute)
                item = Document.ref_name(self.doc.resolve(prop).get("items"))
                if item is None:
                    raise SpecError(f"{op.operation_id}: x-unwrap {attribute!r} must be an array of a $ref schema")
                return f"builtins.list[{class_name(item)}]"
        raise SpecError(f"{op.operation_id}: x-unwrap needs a model result")

    # ------------------------------------------------------------------ request builders

    def _param_check(self, param: Param, value: str) -> str:
        return self.emitter.check(param.schema, value, repr(param.python))

    def _builder(self, op: Operation, method: Method, const: str) -> tuple[list[str], list[str], str]:
        """The method's parameters, the builder's call arguments, and the builder's source."""
        emitter = self.emitter
        positional: list[str] = []
        keyword: list[str] = []
        args: list[str] = []
        lines: list[str] = []
        path_values: list[str] = []
        # The builder's own names start with `_`: spec names never do, so a body field or a parameter
        # called `headers`, `query` or `fields` cannot shadow them.
        lines.append("    _query: dict[str, Any] = {}")
        lines.append("    _headers: dict[str, str] = {}")
        for param in op.params:
            annotation = emitter.annotation(param.schema)
            if param.client_setting is not None and param.location == "path":
                lines.append(f"    {param.python} = v.setting({param.client_setting!r})")
            else:
                args.append(param.python)
                if param.location == "path":
                    positional.append(f"{param.python}: {annotation}")
                elif param.python in method.positional:
                    default = "" if param.required else " | None = None"
                    positional.append(f"{param.python}: {annotation}{default}")
                elif param.required and param.client_setting is None:
                    keyword.append(f"{param.python}: {annotation}")
                else:
                    keyword.append(f"{param.python}: {annotation} | None = None")
                if param.client_setting is not None:
                    lines.append(f"    if {param.python} is None:")
                    lines.append(f"        {param.python} = v.setting({param.client_setting!r})")
            check = self._param_check(param, param.python)
            if param.location == "path":
                lines.append(f"    if {param.python} is None:")
                lines.append(f"        v.fail({param.python!r}, 'is required')")
                path_values.append(f"v.segment({check}, {param.python!r})")
                continue
            target = "_query" if param.location == "query" else "_headers"
            if param.required:
                lines.append(f"    if {param.python} is None:")
                lines.append(f"        v.fail({param.python!r}, 'is required')")
                lines.append(f"    {target}[{param.wire!r}] = {check}")
            else:
                lines.append(f"    if {param.python} is not None:")
                lines.append(f"        {target}[{param.wire!r}] = {check}")
        for key, needs in op.dependent_required.items():
            python = {param.wire: param.python for param in op.params}
            for other in needs:
                lines.append(f"    if {python.get(key, key)} is not None and {python.get(other, other)} is None:")
                rule = f"is required when {python.get(key, key)} is given"
                lines.append(f"        v.fail({python.get(other, other)!r}, {rule!r})")
        body_expr = "None"
        if method.body is not None:
            body_params, body_args, body_lines, body_expr = self._body(method.body, method)
            for name in body_args:
                args.append(name)
            for item in body_params:
                bare = item.split(":")[0]
                (positional if bare in method.positional else keyword).append(item)
            lines.extend(body_lines)
        # A positional parameter must not follow one with a default.
        positional.sort(key=lambda item: "=" in item)
        path_tuple = "(" + "".join(f"{value}, " for value in path_values) + ")"
        lines.append(f"    return Request({path_tuple}, _query, _headers, {body_expr})")
        signature_args = ", ".join(f"{name}: Any" for name in args)
        head = f"def _request{const.lower()}(v: Checker{', ' + signature_args if signature_args else ''}) -> Request:"
        params = [*positional, "*", *keyword] if keyword or positional else []
        if params and params[-1] == "*":
            params.pop()
        return params, args, "\n".join([head, *lines])

    def _binary_body(self, body: Body) -> tuple[list[str], list[str], list[str], str]:
        """Raw bytes (``str`` is sent as UTF-8) and their media type (default: the spec's, else octet-stream)."""
        name = body.name
        limit = self.doc.resolve(body.schema).get("maxLength")
        media_check = self.emitter.check(
            {"type": "string", "pattern": MEDIA_TYPE_PATTERN}, "content_type", "'content_type'"
        )
        lines = [
            f"    if {name} is None:",
            f"        v.fail({name!r}, 'is required')",
            f"    if isinstance({name}, str):",
            f"        {name} = {name}.encode()",
            f"    if not isinstance({name}, bytes | bytearray | memoryview):",
            f"        v.fail({name!r}, 'must be bytes (or a str, sent as UTF-8)')",
            f"    body = bytes({name})",
        ]
        if limit is not None:
            lines += [
                f"    if len(body) > {int(limit)}:",
                f"        v.fail({name!r}, 'must be at most {int(limit)} bytes')",
            ]
        lines += [
            "    if content_type is not None:",
            f"        _headers['Content-Type'] = {media_check}",
        ]
        annotation = "bytes | bytearray | memoryview | str"
        return [f"{name}: {annotation}", "content_type: str | None = None"], [name, "content_type"], lines, "body"

    def _body(self, body: Body, method: Method) -> tuple[list[str], list[str], list[str], str]:
        emitter = self.emitter
        if body.binary:
            return self._binary_body(body)
        if body.flatten is None:
            resolved = self.doc.resolve(body.schema)
            # Errors in an object body name its fields (`from`); in an array body, its items (`messages[0].to`).
            root = '""' if resolved.get("type") == "object" else repr(body.name)
            annotation = emitter.annotation(body.schema)
            if body.required:
                lines = [
                    f"    if {body.name} is None:",
                    f"        v.fail({body.name!r}, 'is required')",
                    f"    body = {emitter.check(body.schema, body.name, root)}",
                ]
                return [f"{body.name}: {annotation}"], [body.name], lines, "body"
            lines = [f"    body = None if {body.name} is None else {emitter.check(body.schema, body.name, root)}"]
            return [f"{body.name}: {annotation} | None = None"], [body.name], lines, "body"
        params: list[str] = []
        args: list[str] = []
        lines = ["    _fields: dict[str, Any] = {}"]
        for item in body.fields:
            annotation = emitter.annotation(item.schema)
            args.append(item.python)
            check = emitter.check(item.schema, item.python, repr(item.python))
            if item.required:
                params.append(f"{item.python}: {annotation}")
                lines.append(f"    if {item.python} is None:")
                lines.append(f"        v.fail({item.python!r}, 'is required')")
                lines.append(f"    _fields[{item.wire!r}] = {check}")
            else:
                params.append(f"{item.python}: {annotation} | None = None")
                lines.append(f"    if {item.python} is not None:")
                lines.append(f"        _fields[{item.wire!r}] = {check}")
        schema = body.object_schema or {}
        if "minProperties" in schema:
            least = int(schema["minProperties"])
            rule = f"must set at least {least} of " + ", ".join(item.python for item in body.fields)
            lines.append(f"    if len(_fields) < {least}:")
            lines.append(f"        v.fail({body.fields[0].python if len(body.fields) == 1 else 'body'!r}, {rule!r})")
        python = {item.wire: item.python for item in body.fields}
        for key, needs in schema.get("dependentRequired", {}).items():
            for other in needs:
                lines.append(f"    if {key!r} in _fields and {other!r} not in _fields:")
                rule = f"is only valid together with {python.get(other, other)}"
                lines.append(f"        v.fail({python.get(key, key)!r}, {rule!r})")
        expression = "_fields"
        for step, constants in reversed(body.envelope):
            members = [
                f"{key!r}: {literal(value, f'request body property {key!r}')}" for key, value in constants.items()
            ]
            if step is None:
                expression = "{" + ", ".join([*members, "**_fields"]) + "}" if members else "_fields"
            else:
                expression = "{" + ", ".join([*members, f"{step!r}: {expression}"]) + "}"
        return params, args, lines, expression

    # ------------------------------------------------------------------ iterators

    def _iterator(self, resource: Resource, op: Operation) -> None:
        pagination = op.pagination
        assert pagination is not None
        method = op.methods[0]
        plain = next(item for item in resource.methods if item.name == method.name)
        assert pagination.item_model is not None
        resource.models.add(pagination.item_model)
        if pagination.style == "check-confirm":
            self._queue(resource, op, plain)
            return
        self._claim(resource, pagination.iterator, f"{op.operation_id}: x-pagination iterator")
        const = plain.op
        page_fn = "None"
        if pagination.style == "links-next":
            page_fn = f"_page{const.lower()}"
            walk = "page"
            for part in pagination.next_path:
                walk = f"getattr({walk}, {part!r}, None)"
            resource.definitions.append(
                f"def {page_fn}(page: Any) -> tuple[list[{pagination.item_model}], str | None]:\n"
                f"    items = page.{pagination.items}  # left out of the answer: no items\n"
                f"    return ([] if isinstance(items, Unset) else list(items)), next_link({walk})"
            )
        # The iterator takes the list method's filters; `max_items` caps the total, `page_size` sets the
        # page size when the API calls it `limit`; offsets are the iterator's business.
        positional: list[str] = []
        params: list[str] = []
        call_args: list[str] = []
        for param in op.params:
            if param.client_setting is not None and param.location == "path":
                continue
            if param.python == "offset":
                call_args.append("None")
                continue
            annotation = self.emitter.annotation(param.schema)
            name = "page_size" if param.python == "limit" else param.python
            if param.python in method.positional:
                positional.append(f"{name}: {annotation}" + ("" if param.required else " | None = None"))
            elif param.required and param.client_setting is None:
                params.insert(0, f"{name}: {annotation}")
            else:
                params.append(f"{name}: {annotation} | None = None")
            call_args.append(name)
        params.append("max_items: int | None = None")
        page_size = "page_size" if any(param.python == "limit" for param in op.params) else None
        self._unique_arguments(op, method, [item.split(":")[0] for item in [*positional, *params]])
        builder = f"_request{const.lower()}(self._runtime.checker, {', '.join(call_args)})"
        resource.iterators.append(
            Iterator_(
                name=pagination.iterator,
                signature=", ".join(["self", *positional, "*", *params, *_OPTIONS, _REMOVED]),
                returns=f"Iterable[{pagination.item_model}]",
                async_returns=f"AsyncIterable[{pagination.item_model}]",
                doc=_doc(
                    f"Every item of ``{method.name}``, fetched page by page as you iterate; ``max_items`` caps "
                    "the total yielded"
                    + (f" (``{page_size}`` is the size of each page)" if page_size else "")
                    + ". Filters are checked now; nothing is fetched before the first item is asked for."
                ),
                body=f"self._runtime.link_pages({const}, {builder}, {_OPTION_ARGS}, {page_fn}, max_items)",
                check=_removed_check(pagination.iterator, page_size),
            )
        )

    def _queue(self, resource: Resource, op: Operation, check: Rendered) -> None:
        pagination = op.pagination
        assert pagination is not None and pagination.confirm is not None
        self._claim(resource, pagination.iterator, f"{op.operation_id}: x-pagination iterator")
        self._claim(resource, pagination.drain or "drain", f"{op.operation_id}: x-pagination drain")
        passed = [p.python for p in op.params if not (p.client_setting is not None and p.location == "path")]
        params = [
            f"{name}: {self.emitter.annotation(p.schema)} | None = None"
            for name, p in zip(passed, [p for p in op.params if p.python in passed], strict=True)
        ]
        self._unique_arguments(op, op.methods[0], ["max_items", *passed])
        forward = ", ".join([*(f"{name}={name}" for name in passed), *_FORWARD])
        item = pagination.item_model
        resource.definitions.append(
            # Responses may leave the id out (tolerant reader), but an item without one cannot be confirmed.
            f"def _id_of{check.op.lower()}(item: {item}) -> str:\n"
            f"    value = item.{pagination.id_attribute}\n"
            f"    if isinstance(value, Unset) or value is None:\n"
            f"        raise ValueError({f'a {item} without {pagination.id_attribute} cannot be confirmed'!r})\n"
            f"    return str(value)"
        )
        resource.iterators.append(
            Iterator_(
                name=pagination.iterator,
                signature=", ".join(["self", "max_items: int | None = None", "*", *params, *_OPTIONS, _REMOVED]),
                returns=f"Drainer[{item}]",
                async_returns=f"AsyncDrainer[{item}]",
                doc=_doc(
                    f"Lazily iterate over every pending item: ``{check.name}``, yield, then ``{pagination.confirm}`` "
                    "a batch once the loop body has returned for each of its items (at-least-once: a crash "
                    "mid-batch leaves it to be delivered again). ``max_items`` caps the items taken in one run."
                ),
                body=(
                    f"self._runtime.queue(lambda: self.{check.name}({forward}), "
                    f"lambda ids: self.{pagination.confirm}(ids, {forward}), _id_of{check.op.lower()}, max_items, "
                    f"{pagination.chunk})"
                ),
                check=_removed_check(pagination.iterator, None),
            )
        )
        call = ", ".join(["max_items", *(f"{name}={name}" for name in passed), *_FORWARD])
        resource.drains.append(
            {
                "name": pagination.drain or "drain",
                "signature": ", ".join(
                    [
                        "self",
                        f"handler: Callable[[{item}], Any]",
                        "*",
                        "max_items: int | None = None",
                        *params,
                        *_OPTIONS,
                        _REMOVED,
                    ]
                ),
                "doc": "Call ``handler`` on every pending item, confirming those it returned for; returns the count.",
                "call": f"self.{pagination.iterator}({call}).drain(handler)",
                "check": _removed_check(pagination.drain or "drain", None),
            }
        )


# Top-level extensions the runtime reads (specs/CONVENTIONS.md, "On the document"): carried as data.
RUNTIME_EXTENSIONS = ("x-rate-limits", "x-bulk")


def _plain(value: Any, where: str) -> Any:
    """``value`` as plain JSON data (str, int, float, bool, None, lists, str-keyed dicts), else SpecError."""
    if value is None or isinstance(value, str | bool | int | float):
        if isinstance(value, float) and value != value:  # NaN has no literal
            raise SpecError(f"{where}: NaN is not allowed")
        return value
    if isinstance(value, list | tuple):
        return [_plain(item, f"{where}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise SpecError(f"{where}: keys must be strings")
        return {key: _plain(item, f"{where}.{key}") for key, item in sorted(value.items())}
    raise SpecError(f"{where}: {type(value).__name__} is not JSON data")


def runtime_extensions(raw: Mapping[str, Any]) -> str:
    """The Python literal of the document's runtime extensions (``repr`` of plain data: always valid source).

    The operations ``x-rate-limits.pacing`` names (operationIds) are also given as the names of
    their generated methods (``methods``), which is what the runtime sees.
    """
    carried = {name: _plain(raw[name], name) for name in RUNTIME_EXTENSIONS if name in raw}
    pacing = carried.get("x-rate-limits", {}).get("pacing")
    if isinstance(pacing, dict) and "operations" in pacing:
        by_id = {op.operation_id: [method.name for method in op.methods] for op in operations(raw)}
        unknown = [name for name in pacing["operations"] if name not in by_id]
        if unknown:
            raise SpecError(f"x-rate-limits.pacing names unknown operations {unknown}")
        pacing["methods"] = sorted({method for name in pacing["operations"] for method in by_id[name]})
    return repr(carried)


def _bulk_resource(bulk: Any, resources: Mapping[str, Resource]) -> None:
    """Mark the resource that gets ``send_many``: the one holding the x-bulk methods."""
    if not isinstance(bulk, Mapping) or not (bulk.get("single") or bulk.get("batch")):
        raise SpecError("x-bulk needs a single and/or a batch method name")
    names = [bulk[key] for key in ("batch", "single") if bulk.get(key)]
    for resource in resources.values():
        methods = {method.name for method in resource.methods}
        if all(name in methods for name in names):
            if "max" in bulk and (isinstance(bulk["max"], bool) or not isinstance(bulk["max"], int) or bulk["max"] < 1):
                raise SpecError("x-bulk max must be a positive integer")
            resource.bulk = ", ".join(f"{key} {bulk[key]}" for key in ("single", "batch", "max") if key in bulk)
            return
    raise SpecError(f"x-bulk: no resource has the methods {names}")


def plan_resources(raw: Mapping[str, Any]) -> _Planner:
    """Plan the surface of a spec; every :class:`SpecError` is raised here, before anything is written."""
    planner = _Planner(raw)
    for op in operations(raw):
        planner.add(op)
    for resource in planner.resources.values():
        methods = {method.name for method in resource.methods}
        for op in operations(raw):
            confirm = op.pagination.confirm if op.pagination and op.tag == resource.tag else None
            if confirm is not None and confirm not in methods:
                raise SpecError(
                    f"{op.operation_id}: x-pagination confirm {confirm!r} is not a method of {resource.tag!r}"
                )
    bulk = raw.get("x-bulk")
    if bulk is not None:
        _bulk_resource(bulk, planner.resources)
    return planner


def render_resources(raw: Mapping[str, Any], package_dir: Path, marker: str) -> None:
    """Write ``resources/`` into a freshly generated package (formatting happens afterwards)."""
    planner = plan_resources(raw)
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Python source, not HTML
    )
    out = package_dir / "resources"
    out.mkdir()
    (out / "_runtime.py").write_text(marker + environment.get_template("_runtime.py.jinja").render(), "utf-8")
    emitter = planner.emitter
    resources = [planner.resources[tag] for tag in sorted(planner.resources)]
    (out / "_schemas.py").write_text(
        marker
        + environment.get_template("_schemas.py.jinja").render(
            constants=emitter.constants_source(),
            checks=emitter.components_source(),
            typed_dicts=emitter.typed_dicts_source(),
            models=sorted(emitter.models_used),
        ),
        "utf-8",
    )
    template = environment.get_template("resource.py.jinja")
    for resource in resources:
        (out / f"{resource.tag}.py").write_text(
            marker
            + template.render(
                resource=resource,
                variants=[
                    {"is_async": False, "raw": False, "name": resource.class_name, "runtime": "Runtime"},
                    {"is_async": True, "raw": False, "name": "Async" + resource.class_name, "runtime": "AsyncRuntime"},
                    {
                        "is_async": False,
                        "raw": True,
                        "name": resource.class_name + "WithRawResponse",
                        "runtime": "Runtime",
                    },
                    {
                        "is_async": True,
                        "raw": True,
                        "name": "Async" + resource.class_name + "WithRawResponse",
                        "runtime": "AsyncRuntime",
                    },
                ],
                models=sorted(resource.models | emitter.models_used),
                binary=any("parse=read_binary" in source for source in resource.definitions),
                typed_dicts=sorted(f"{class_name(name)}Params" for name in emitter.typed_dicts),
                constants=sorted(emitter.constants.values()),
                checks=sorted(f"_check_{identifier(name)}" for name in emitter.components),
            ),
            "utf-8",
        )
    (out / "__init__.py").write_text(
        marker
        + environment.get_template("resources_init.py.jinja").render(
            resources=resources,
            typed_dicts=sorted(f"{class_name(name)}Params" for name in emitter.typed_dicts),
            extensions=runtime_extensions(raw),
        ),
        "utf-8",
    )
