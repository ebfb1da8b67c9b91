"""What a spec value may become in generated code: checked names, literals and patterns.

A spec is data, never code. Every spec string that reaches generated Python goes through one of
these: a name (a method, parameter, attribute, module or class) must be a plain identifier that
does not collide with a name the generated code or the runtime already uses, and is refused with
a :class:`SpecError` naming it and where it comes from; a value (enum member, default, example,
constant) is rendered as a Python literal from JSON-like data only; a ``pattern`` must compile.
Free text (descriptions, summaries) is escaped by the docstring helpers of :mod:`generator.surface`,
and nothing from a spec is ever given to Jinja as template text.
"""

from __future__ import annotations

import keyword
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any


class SpecError(Exception):
    """The spec uses a construct the surface renderer does not support, or a value it cannot use."""


# The arguments every generated method takes besides the spec's (per-call options, iterator and
# drain arguments), and the names the generated request builders use locally or from their module:
# a spec parameter or field with one of these names would shadow or duplicate it.
OPTION_ARGUMENTS = frozenset({"timeout", "max_retries", "extra_headers", "extra_query", "extra_body"})
# (`max_items` and `page_size` are the iterators' own; checked where an iterator is planned.)
GENERATED_ARGUMENTS = frozenset({"self", "handler", "removed"})
BUILDER_NAMES = frozenset(
    {
        # (the builders' own `_query`, `_headers`, `_fields` start with `_`, which no spec name may)
        "v", "ids", "x", "f",
        # module-level names the builders and methods call or annotate with
        "Any", "Request", "Checker", "Operation", "RawResponse", "Runtime", "AsyncRuntime", "Drainer",
        "AsyncDrainer", "next_link", "unexpected_arguments", "Unset", "Binary", "read_binary", "Never",
        "builtins", "datetime", "re", "Literal", "Mapping", "Sequence",
        "Callable", "Iterable", "AsyncIterable", "Iterator", "AsyncIterator",
        # builtins used inside generated functions
        "list", "dict", "str", "int", "float", "bool", "bytes", "object", "tuple", "frozenset", "len",
        "enumerate", "isinstance", "getattr", "property", "TypeError", "None", "True", "False",
    }
)  # fmt: skip
RESERVED_ARGUMENTS = OPTION_ARGUMENTS | GENERATED_ARGUMENTS | BUILDER_NAMES
# Attributes every generated resource class has: a method must not replace them.
RESERVED_METHODS = frozenset({"with_raw_response", "send_many"})
# Names of the comprehension variables the checks generate (f1, i1, x1, ...).
_COMPREHENSION_VARIABLE = re.compile(r"^[fix]\d+$")
_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def python_name(value: Any, where: str, *, reserved: Iterable[str] = ()) -> str:
    """``value`` if it is a public ASCII identifier that is not reserved, else a :class:`SpecError`.

    ``where`` says where the name comes from (e.g. ``POST /messages (send_message): parameter
    'timeout'``), so the error points at the line to change.
    """
    if not isinstance(value, str) or not _IDENTIFIER.match(value):
        raise SpecError(f"{where}: {value!r} is not a Python identifier (letters, digits and _ only)")
    if keyword.iskeyword(value):
        raise SpecError(f"{where}: {value!r} is a Python keyword")
    if value.startswith("_"):
        raise SpecError(f"{where}: {value!r} starts with '_' (private and dunder names belong to the generated code)")
    if value in set(reserved) or _COMPREHENSION_VARIABLE.match(value):
        raise SpecError(
            f"{where}: {value!r} collides with a name the generated code already uses; "
            "give it another Python name (x-python-name, or x-method-name for a method)"
        )
    return value


def argument_name(value: Any, where: str) -> str:
    """A name that becomes an argument of a generated method and its request builder."""
    return python_name(value, where, reserved=RESERVED_ARGUMENTS)


def literal(value: Any, where: str) -> str:
    """Python source for a JSON-like spec value (str, int, finite float, bool, None, list, object)."""
    if value is None or isinstance(value, bool | int | str):
        return repr(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise SpecError(f"{where}: {value!r} is not a finite number")
        return repr(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(literal(item, where) for item in value) + "]"
    if isinstance(value, Mapping):
        if not all(isinstance(key, str) for key in value):
            raise SpecError(f"{where}: object keys must be strings")
        return "{" + ", ".join(f"{key!r}: {literal(item, where)}" for key, item in value.items()) + "}"
    raise SpecError(f"{where}: {type(value).__name__} values are not JSON ({value!r})")


def number(value: Any, where: str, *, integer: bool = False) -> str:
    """Python source for a numeric constraint (``minimum``, ``maxLength``, ...)."""
    kinds: tuple[type, ...] = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds):
        raise SpecError(f"{where}: {value!r} is not {'an integer' if integer else 'a number'}")
    return literal(value, where)


def compiled_pattern(pattern: Any, where: str) -> str:
    """``pattern`` after checking that Python compiles it (so no generated module fails at import)."""
    if not isinstance(pattern, str):
        raise SpecError(f"{where}: pattern {pattern!r} is not a string")
    try:
        re.compile(pattern, re.ASCII)
    except re.error as exc:
        raise SpecError(f"{where}: pattern {pattern!r} does not compile ({exc})") from exc
    return pattern


def escape_doc(text: str) -> str:
    """Spec text made safe inside a generated ``\"\"\"`` docstring.

    Backslashes are doubled; a quote is escaped where it could end the string: in a run of three,
    and at the end of the text (where the closing quotes follow). Other quotes stay readable.
    """
    body = text.rstrip('"')
    trailing = len(text) - len(body)
    return body.replace("\\", "\\\\").replace('"""', '\\"\\"\\"') + '\\"' * trailing


def one_line(value: str, what: str) -> str:
    """``value`` for a generated comment: no line breaks or other control characters."""
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        raise SpecError(f"{what} {value!r} contains a line break or control character")
    return value
