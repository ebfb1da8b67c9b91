"""Python source for the request checks and input types of the typed surface, from spec schemas.

Each constraint the spec states on a request value (``type``, ``enum``, ``pattern``, ``minLength``,
``maxLength``, ``minimum``, ``maximum``, ``exclusiveMinimum``, ``exclusiveMaximum``, ``minItems``,
``maxItems``, ``maxProperties``, ``propertyNames``, ``required``, ``dependentRequired``,
``additionalProperties``, ``format``) becomes an argument of one call on the runtime's checker (the
``Checker`` protocol in the generated ``resources/_runtime.py``). The checker, written once in the
hand-written core, applies the rule and raises the client's input error naming the field. So the
rules come from the spec, and what a rule means is written once.

The expressions return the value as it goes on the wire (numbers normalised by a ``format``,
models turned into dicts, absent optional fields left out).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .safety import SpecError, compiled_pattern, escape_doc, literal, number
from .spec_model import Document, class_name, identifier

# Keywords that describe rather than constrain a request value.
_ANNOTATIONS = {
    "description", "example", "examples", "title", "default", "readOnly", "writeOnly", "deprecated",
    "x-python-name", "$comment", "externalDocs", "nullable",
}  # fmt: skip
_HANDLED = {
    "type", "enum", "const", "pattern", "minLength", "maxLength", "minimum", "maximum", "exclusiveMinimum",
    "exclusiveMaximum", "minItems", "maxItems", "items", "properties", "required", "additionalProperties",
    "maxProperties", "minProperties", "propertyNames", "dependentRequired", "format", "oneOf", "$ref",
}  # fmt: skip


def _scalar_type(schema: Mapping[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        kinds = [item for item in kind if item != "null"]
        return kinds[0] if len(kinds) == 1 else None
    return kind if isinstance(kind, str) else None


def ecma_pattern(pattern: str) -> str:
    """A JSON Schema ``pattern`` (ECMA-262) rewritten to mean the same in Python (compile with ``re.ASCII``).

    Two differences matter for input checks: Python's ``$`` also matches before a final newline
    (``^[0-9]+$`` would accept ``"123\\n"``), and ``\\d``/``\\w`` match any Unicode digit or letter.
    Every unescaped ``$`` outside a character class becomes ``\\Z``, and the pattern is ASCII-only.
    """
    out: list[str] = []
    index, in_class = 0, False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            out.append(pattern[index : index + 2])
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "$":
            char = r"\Z"
        out.append(char)
        index += 1
    return "".join(out)


def join(field_expr: str, name: str) -> str:
    """Source for the field path of a member (``messages[0]`` + ``content`` -> ``messages[0].content``)."""
    if field_expr.startswith('"') and field_expr.endswith('"') and "{" not in field_expr:
        inner = field_expr[1:-1]
        return repr(f"{inner}.{name}" if inner else name)
    return f'({field_expr} + ".{name}" if {field_expr} else "{name}")'


@dataclass
class Emitter:
    """Collects what the checks of one package need: constants, component check functions, TypedDicts."""

    doc: Document
    constants: dict[str, str] = field(default_factory=dict)  # source -> constant name
    components: dict[str, str] = field(default_factory=dict)  # component -> check function source
    typed_dicts: dict[str, str] = field(default_factory=dict)  # component -> TypedDict source
    models_used: set[str] = field(default_factory=set)
    depth: int = 0  # nesting of array comprehensions, for unique variable names

    # ------------------------------------------------------------------ constants

    def constant(self, source: str, prefix: str) -> str:
        if source not in self.constants:
            self.constants[source] = f"_{prefix}{len(self.constants)}"
        return self.constants[source]

    def constants_source(self) -> str:
        return "\n".join(f"{name} = {source}" for source, name in self.constants.items())

    # ------------------------------------------------------------------ checks

    def check(self, schema: Mapping[str, Any], value: str, field_expr: str) -> str:
        """An expression that checks ``value`` against ``schema`` and gives its wire value."""
        ref = Document.ref_name(schema)
        if ref is not None:
            resolved = self.doc.resolve(schema)
            if _scalar_type(resolved) == "object" and resolved.get("properties"):
                self._component(ref, resolved)
                return f"_check_{identifier(ref)}(v, {value}, {field_expr})"
            return self.check(resolved, value, field_expr)
        unknown = set(schema) - _HANDLED - _ANNOTATIONS
        unknown = {key for key in unknown if not key.startswith("x-")}
        if unknown:
            raise SpecError(f"request schema keywords not supported by the checks: {sorted(unknown)}")
        if "oneOf" in schema:
            return self._one_of(schema["oneOf"], value, field_expr)
        kind = _scalar_type(schema)
        if kind is None and ("properties" in schema or "additionalProperties" in schema):
            kind = "object"
        if kind is None and {"minLength", "maxLength", "pattern"} & set(schema):
            kind = "string"  # e.g. `propertyNames: {maxLength: 100}`
        args: list[str] = []
        if "enum" in schema or "const" in schema:
            values = schema["enum"] if "enum" in schema else [schema["const"]]
            members = literal(sorted(values, key=repr), f"enum {values!r}")
            args.append("enum=" + self.constant(f"frozenset({members})", "E"))
        if kind == "string":
            for keyword, arg in (("minLength", "min_length"), ("maxLength", "max_length")):
                if keyword in schema:
                    args.append(f"{arg}={number(schema[keyword], keyword, integer=True)}")
            if "pattern" in schema:
                pattern = compiled_pattern(ecma_pattern(compiled_pattern(schema["pattern"], "pattern")), "pattern")
                args.append("pattern=" + self.constant(f"re.compile({pattern!r}, re.ASCII)", "P"))
            if "format" in schema:
                args.append(f"fmt={literal(str(schema['format']), 'format')}")
            example = schema.get("example", (schema.get("examples") or [None])[0])
            if "pattern" in schema and isinstance(example, str):
                args.append(f"example={example!r}")  # named in the error, so the caller sees the form
            return f"v.string({value}, {field_expr}{''.join(', ' + a for a in args)})"
        if kind in ("integer", "number"):
            for keyword, arg in (
                ("minimum", "minimum"),
                ("maximum", "maximum"),
                ("exclusiveMinimum", "exclusive_minimum"),
                ("exclusiveMaximum", "exclusive_maximum"),
            ):
                if keyword in schema:
                    args.append(f"{arg}={number(schema[keyword], keyword)}")
            if kind == "integer":
                args.insert(0, "integer=True")
            return f"v.number({value}, {field_expr}{''.join(', ' + a for a in args)})"
        if kind == "boolean":
            return f"v.boolean({value}, {field_expr})"
        if kind == "array":
            for keyword, arg in (("minItems", "min_items"), ("maxItems", "max_items")):
                if keyword in schema:
                    args.append(f"{arg}={number(schema[keyword], keyword, integer=True)}")
            items = schema.get("items", {})
            if not items:
                return f"list(v.array({value}, {field_expr}{''.join(', ' + a for a in args)}))"
            # Names of the comprehension's own: the array's field path, the index and the item.
            self.depth += 1
            f, i, x = f"f{self.depth}", f"i{self.depth}", f"x{self.depth}"
            item = self.check(items, x, f'f"{{{f}}}[{{{i}}}]"')
            self.depth -= 1
            checked = f"v.array({value}, {f}{''.join(', ' + a for a in args)})"
            return f"[{item} for {f} in ({field_expr},) for {i}, {x} in enumerate({checked})]"
        if kind == "object":
            return self._inline_object(schema, value, field_expr)
        if kind is None and not schema:
            return value
        if kind is None:
            raise SpecError(f"cannot check a request value of schema {dict(schema)!r}")
        raise SpecError(f"unsupported request type {kind!r}")

    def _one_of(self, alternatives: list[Any], value: str, field_expr: str) -> str:
        """The first alternative the value passes; one of an object and an array is chosen by type."""
        kinds = [_scalar_type(self.doc.resolve(alternative)) for alternative in alternatives]
        if sorted(str(kind) for kind in kinds) == ["array", "object"]:
            by_kind = dict(zip(kinds, alternatives, strict=True))
            return (
                f"({self.check(by_kind['array'], value, field_expr)} if v.is_array({value}) "
                f"else {self.check(by_kind['object'], value, field_expr)})"
            )
        checks = ", ".join(f"lambda x, f: {self.check(alternative, 'x', 'f')}" for alternative in alternatives)
        return f"v.one_of({value}, {field_expr}, ({checks},))"

    def _inline_object(self, schema: Mapping[str, Any], value: str, field_expr: str) -> str:
        if schema.get("properties"):
            raise SpecError("inline objects with properties must be components (specs/CONVENTIONS.md)")
        args = []
        if "maxProperties" in schema:
            args.append(f"max_properties={number(schema['maxProperties'], 'maxProperties', integer=True)}")
        names = schema.get("propertyNames")
        if names:
            args.append("key=lambda x, f: " + self.check(names, "x", "f"))
        extra = schema.get("additionalProperties", True)
        if isinstance(extra, Mapping) and extra:
            args.append("item=lambda x, f: " + self.check(extra, "x", "f"))
        return f"v.mapping({value}, {field_expr}{''.join(', ' + a for a in args)})"

    def _component(self, name: str, schema: Mapping[str, Any]) -> None:
        if name in self.components:
            return
        self.components[name] = ""  # placeholder: recursion stops here
        self.models_used.add(class_name(name))
        properties: Mapping[str, Any] = schema.get("properties", {})
        required = [key for key in schema.get("required", []) if key in properties]
        extra = schema.get("additionalProperties", False)
        known = self.constant(f"frozenset({sorted(properties)!r})", "K")
        lines = [
            f"def _check_{identifier(name)}(v: Checker, value: Any, field: str) -> dict[str, Any]:",
            f'    """Check one ``{escape_doc(name)}`` (a dict with the wire names, or the generated model)."""',
            f"    data = v.object(value, field, {known if extra is False else 'None'}, {tuple(required)!r})",
            "    out: dict[str, Any] = {}",
        ]
        for key, prop in properties.items():
            member = join("field", key)
            lines.append(f"    x = data.get({key!r})")
            lines.append("    if x is not None:")
            lines.append(f"        out[{key!r}] = {self.check(prop, 'x', member)}")
        if extra is not False:
            lines.append(f"    out.update({{k: x for k, x in data.items() if k not in {known} and x is not None}})")
        if "minProperties" in schema:
            least = int(schema["minProperties"])
            lines.append(f"    if len(out) < {least}:")
            lines.append(
                f"        v.fail(field or 'body', {f'must set at least {least} field' + ('s' if least > 1 else '')!r})"
            )
        for key, needs in schema.get("dependentRequired", {}).items():
            for other in needs:
                lines.append(f"    if {key!r} in out and {other!r} not in out:")
                lines.append(f"        v.fail({join('field', key)}, {f'is only valid together with {other}'!r})")
        lines.append("    return out")
        self.components[name] = "\n".join(lines)
        self.typed_dicts[name] = self._typed_dict(name, properties, set(required))

    def components_source(self) -> str:
        return "\n\n\n".join(self.components[name] for name in sorted(self.components))

    # ------------------------------------------------------------------ types

    def _typed_dict(self, name: str, properties: Mapping[str, Any], required: set[str]) -> str:
        fields = ", ".join(
            f"{key!r}: " + (f"Required[{self.annotation(prop)}]" if key in required else self.annotation(prop))
            for key, prop in properties.items()
        )
        return f'{class_name(name)}Params = TypedDict("{class_name(name)}Params", {{{fields}}}, total=False)'

    def typed_dicts_source(self) -> str:
        # Insertion order: a component's members are planned (and so defined) before it.
        return "\n".join(self.typed_dicts.values())

    def annotation(self, schema: Mapping[str, Any]) -> str:
        """The Python type a caller passes for a request value."""
        ref = Document.ref_name(schema)
        resolved = self.doc.resolve(schema)
        if ref is not None and _scalar_type(resolved) == "object" and resolved.get("properties"):
            self._component(ref, resolved)
            return f"{class_name(ref)}Params | {class_name(ref)}"
        if "oneOf" in resolved:
            return " | ".join(self.annotation(item) for item in resolved["oneOf"])
        kind = _scalar_type(resolved)
        if "enum" in resolved or "const" in resolved:
            values = resolved["enum"] if "enum" in resolved else [resolved["const"]]
            if not all(item is None or isinstance(item, str | int) for item in values):
                raise SpecError(f"enum {values!r}: only strings, integers, booleans and null can be typed as a Literal")
            return "Literal[" + ", ".join(literal(item, "enum") for item in values) + "]"
        if kind == "string":
            dates = "str | datetime.datetime | datetime.date"
            return {"date-time": dates, "iso-8601": dates, "date": "str | datetime.date"}.get(
                str(resolved.get("format")), "str"
            )
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "array":
            return f"Sequence[{self.annotation(resolved.get('items', {}))}]"
        if kind == "object" or "additionalProperties" in resolved:
            extra = resolved.get("additionalProperties")
            return f"Mapping[str, {self.annotation(extra) if isinstance(extra, Mapping) and extra else 'Any'}]"
        return "Any"
