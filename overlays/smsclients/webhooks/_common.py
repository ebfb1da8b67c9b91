"""Shared pieces of the provider parsers: body and query decoding, field reading, event ids."""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from ..errors import InputError

T = TypeVar("T")

# Exceptions a generated ``from_dict`` raises on a payload of the wrong shape: a missing required
# key, a value that is not a mapping where one is expected, an unparseable nested value.
MODEL_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError, OverflowError)

# Webhook payloads nest a few levels (JSON:API documents the most, about five); a deeper one is not a
# provider's and would exhaust the recursion of whatever reads it next (model builders, hashing).
MAX_DEPTH = 32

# Query strings of GET callbacks are small; a huge one is not a provider's.
MAX_QUERY_FIELDS = 200

HeaderItems = Mapping[str, str] | Iterable[tuple[str | bytes, str | bytes]]


def header_items(headers: HeaderItems) -> list[tuple[str, str]]:
    """``(lower-cased name, value)`` pairs from a mapping or from raw pairs (ASGI gives bytes)."""
    pairs = headers.items() if isinstance(headers, Mapping) else headers
    items: list[tuple[str, str]] = []
    try:
        for name, value in pairs:
            key = name.decode("latin-1") if isinstance(name, bytes) else str(name)
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            items.append((key.lower(), text))
    except (TypeError, ValueError) as exc:
        raise InputError("headers", "must be a mapping or (name, value) pairs") from exc
    return items


def body_bytes(body: bytes | bytearray | memoryview | str, field: str = "body") -> bytes:
    """The raw body as bytes; text with a lone surrogate (no UTF-8 for it) is an :class:`InputError`."""
    if not isinstance(body, str):
        return bytes(body)
    try:
        return body.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(field, "is not valid Unicode text (a lone surrogate)") from exc


def json_value(body: bytes | bytearray | memoryview | str, field: str = "body") -> Any:
    """The body as any JSON value; what no provider sends is an :class:`InputError`.

    Refused as well: text with a lone surrogate (raw or as a ``\\ud800`` escape), ``NaN`` /
    ``Infinity`` and numbers too large for a float (RFC 8259 has no such values; as ids they would
    make different events look alike), and nesting deeper than :data:`MAX_DEPTH`.
    """
    data = body_bytes(body, field)
    if not data.strip():
        raise InputError(field, "is empty; a JSON object was expected")
    try:
        value = json.loads(data.decode("utf-8-sig"), parse_constant=_no_constant, parse_float=_finite_float)
    except UnicodeDecodeError as exc:
        raise InputError(field, "is not UTF-8") from exc
    except _NonFinite as exc:
        raise InputError(field, f"has a number JSON does not allow or a float cannot hold ({exc})") from exc
    except (ValueError, RecursionError) as exc:
        raise InputError(field, "is not valid JSON") from exc
    check_values(value, field)
    return value


def json_object(body: bytes | bytearray | memoryview | str, field: str = "body") -> dict[str, Any]:
    """The body as a JSON object (checked as :func:`json_value`); any other value is an :class:`InputError`."""
    value = json_value(body, field)
    if not isinstance(value, dict):
        raise InputError(field, f"must be a JSON object, not {type(value).__name__}")
    return value


class _NonFinite(ValueError):
    pass


def _no_constant(name: str) -> Any:
    raise _NonFinite(name)


class JsonFloat(float):
    """A JSON number with a fraction or an exponent that remembers the text it was sent as.

    It is a float everywhere; :func:`text` gives the text, so ids made from numbers stay as distinct
    as the numbers sent (``0.1`` and ``0.10000000000000001`` are one float).
    """

    __slots__ = ("literal",)
    literal: str

    def __new__(cls, literal: str) -> JsonFloat:
        number = super().__new__(cls, literal)
        number.literal = literal
        return number


def _finite_float(literal: str) -> float:
    number = JsonFloat(literal)
    if not math.isfinite(number):
        raise _NonFinite(literal[:20])
    return number


def check_values(value: Any, field: str) -> None:
    """Refuse what JSON text or a query string decodes to but no provider sends: nesting deeper than
    :data:`MAX_DEPTH`, keys or strings with a lone surrogate, non-finite floats. Iterative, so a
    deep value is refused rather than overflowing the stack."""
    pending: list[tuple[Any, str, int]] = [(value, field, 0)]
    while pending:
        item, where, depth = pending.pop()
        if isinstance(item, str):
            _check_text(item, where)
        elif isinstance(item, float) and not math.isfinite(item):
            raise InputError(where, "must be a finite number")
        elif isinstance(item, dict | list):
            if depth >= MAX_DEPTH:
                raise InputError(where, f"nests deeper than {MAX_DEPTH} levels")
            if isinstance(item, dict):
                for key, child in item.items():
                    _check_text(str(key), f"{where} (a key)")
                    pending.append((child, f"{where}.{_key_text(str(key))}", depth + 1))
            else:
                pending.extend((child, f"{where}[{index}]", depth + 1) for index, child in enumerate(item))


_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]{1,40}")


def _key_text(key: str) -> str:
    """A key as it appears in a field path: as it is when plain, else quoted and shortened, so that
    no key a sender chose can put line breaks or control characters into a log line."""
    return key if _PLAIN_KEY.fullmatch(key) else ascii(key[:40])


def _check_text(value: str, where: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(where, "is not valid Unicode text (a lone surrogate)") from exc


def query_fields(query: str | bytes, *, lists: Iterable[str] = ()) -> dict[str, Any]:
    """Query parameters as a dict: the first value of each name; names in ``lists`` keep every value."""
    text = query.decode("latin-1") if isinstance(query, bytes) else query
    try:
        pairs = parse_qsl(text.lstrip("?"), keep_blank_values=True, max_num_fields=MAX_QUERY_FIELDS)
    except ValueError as exc:
        raise InputError("query", f"has more than {MAX_QUERY_FIELDS} parameters") from exc
    for name, value in pairs:
        _check_text(name, "query (a name)")
        _check_text(value, f"query.{_key_text(name)}")
    repeated = set(lists)
    fields: dict[str, Any] = {}
    for name, value in pairs:
        if name in repeated:
            fields.setdefault(name, []).append(value)
        else:
            fields.setdefault(name, value)
    return fields


def build(model: Callable[[Mapping[str, Any]], T], payload: Mapping[str, Any], field: str = "body") -> T:
    """``Model.from_dict(payload)``, with a malformed payload turned into an :class:`InputError`."""
    try:
        return model(payload)
    except MODEL_ERRORS as exc:
        detail = f"missing {exc}" if isinstance(exc, KeyError) else "does not have the documented shape"
        raise InputError(field, detail) from exc


def text(value: Any, field: str) -> str | None:
    """A string field of a parsed JSON payload; numbers are accepted as their text, absent is ``None``."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if isinstance(value, float) and not math.isfinite(value):
            raise InputError(field, "must be a finite number")
        return value.literal if isinstance(value, JsonFloat) else str(value)
    raise InputError(field, "must be a string")


def required_text(value: Any, field: str) -> str:
    """Like :func:`text`, but the field must be there."""
    found = text(value, field)
    if found is None:
        raise InputError(field, "is required")
    return found


def mapping(value: Any, field: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(field, "must be a JSON object")
    return value


def event_digest(*parts: Any) -> str:
    """A short, stable hash of the identifying parts of an event (for providers without event ids)."""
    canonical = json.dumps(parts, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    lossy = _lossy_literals(parts)
    if lossy:  # numbers a float cannot tell apart: their texts keep the events apart
        canonical += "\x00" + json.dumps(lossy)
    # The parsers refuse lone surrogates; "surrogatepass" keeps a caller's own parts from crashing here.
    return hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _lossy_literals(value: Any) -> list[str]:
    """The texts of the JSON numbers in ``value`` that their float does not write back the same
    (``0.10000000000000001``), in the order ``json.dumps(sort_keys=True)`` writes them."""
    found: list[str] = []
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, JsonFloat):
            if item.literal != repr(float(item)):
                found.append(item.literal)
        elif isinstance(item, dict):
            pending.extend(item[key] for key in sorted(item, reverse=True))
        elif isinstance(item, list | tuple):
            pending.extend(reversed(item))
    return found
