"""Shared pieces of the provider parsers: body and query decoding, field reading, event ids."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import parse_qsl

from ..errors import InputError

T = TypeVar("T")

# Exceptions a generated ``from_dict`` raises on a payload of the wrong shape: a missing required
# key, a value that is not a mapping where one is expected, an unparseable nested value.
MODEL_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError, RecursionError)

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


def json_object(body: bytes | bytearray | memoryview | str, field: str = "body") -> dict[str, Any]:
    """The body as a JSON object; anything else is an :class:`InputError`."""
    data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
    if not data.strip():
        raise InputError(field, "is empty; a JSON object was expected")
    try:
        value = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(field, "is not UTF-8") from exc
    except (ValueError, RecursionError) as exc:
        raise InputError(field, "is not valid JSON") from exc
    if not isinstance(value, dict):
        raise InputError(field, f"must be a JSON object, not {type(value).__name__}")
    return value


def query_fields(query: str | bytes, *, lists: Iterable[str] = ()) -> dict[str, Any]:
    """Query parameters as a dict: the first value of each name; names in ``lists`` keep every value."""
    text = query.decode("latin-1") if isinstance(query, bytes) else query
    try:
        pairs = parse_qsl(text.lstrip("?"), keep_blank_values=True, max_num_fields=MAX_QUERY_FIELDS)
    except ValueError as exc:
        raise InputError("query", f"has more than {MAX_QUERY_FIELDS} parameters") from exc
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
        return str(value)
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
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
