"""What each rule of a spec means for a request value, written once for every provider.

The generated resources call one method of :class:`SpecChecker` per value they send, passing the
constraints the spec states (``maxLength``, ``pattern``, ``enum``, ...); the checker applies them
and raises :class:`~smsclients.errors.InputError` naming the field, before anything is sent. The
value returned is the one that goes on the wire: a ``format`` may normalise it (an E.164 number,
a ``datetime`` written as ISO 8601) and a generated model becomes its dict.

Formats are the spec's ``format`` keywords this project gives a meaning to (others are
annotations, as in JSON Schema): ``e164``, ``nanp-11`` (a North American number, sent as 11
digits), ``date-time`` and ``iso-8601`` (a date or a date-time; ``datetime`` values are written in
UTC), ``date`` and ``uri`` (an absolute http(s) URL).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, NoReturn
from urllib.parse import urlsplit

from .errors import InputError
from .validation import e164, nanp_11_digits, path_segment

__all__ = ["FORMATS", "SpecChecker"]


_DATE_TIME_RULE = "must be an ISO 8601 date (2017-12-01) or date-time (2017-12-01T16:44:34Z)"


def _date_time(value: Any, field: str) -> Any:
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
        except ValueError:
            raise InputError(field, _DATE_TIME_RULE) from None
        return value
    if isinstance(value, datetime):
        # A naive datetime is taken to be UTC already, as the providers do.
        utc = value.astimezone(UTC) if value.tzinfo is not None else value
        # Milliseconds, as both providers document the form (2016-11-03T11:49:02.807Z).
        return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"
    if isinstance(value, date):
        return value.isoformat()
    return value


def _date(value: Any, field: str) -> Any:
    if isinstance(value, datetime):
        raise InputError(field, "must be a date, not a date and time")
    return value.isoformat() if isinstance(value, date) else value


def _uri(value: Any, field: str) -> Any:
    if isinstance(value, str):
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc or any(ch.isspace() for ch in value):
            raise InputError(field, "must be an absolute http(s) URL")
    return value


def _string_format(check: Callable[[str, str], str]) -> Callable[[Any, str], Any]:
    def apply(value: Any, field: str) -> Any:
        return check(value, field) if isinstance(value, str) else value

    return apply


FORMATS: dict[str, Callable[[Any, str], Any]] = {
    "e164": _string_format(e164),
    "nanp-11": _string_format(nanp_11_digits),
    "date-time": _date_time,
    "iso-8601": _date_time,  # a date or a date-time: the form Flowroute and MessageMedia accept
    "date": _date,
    "uri": _uri,
}


def _bounds(
    value: float,
    field: str,
    minimum: float | None,
    maximum: float | None,
    exclusive_minimum: float | None,
    exclusive_maximum: float | None,
) -> None:
    if minimum is not None and value < minimum:
        raise InputError(field, f"must be at least {minimum}")
    if maximum is not None and value > maximum:
        raise InputError(field, f"must be at most {maximum}")
    if exclusive_minimum is not None and value <= exclusive_minimum:
        raise InputError(field, f"must be greater than {exclusive_minimum}")
    if exclusive_maximum is not None and value >= exclusive_maximum:
        raise InputError(field, f"must be less than {exclusive_maximum}")


def _one_of(enum: frozenset[Any]) -> str:
    return "must be one of " + ", ".join(sorted(str(item) for item in enum))


class SpecChecker:
    """The ``Checker`` of the generated resources: the spec's rules, and the client's settings."""

    __slots__ = ("_settings",)

    def __init__(self, settings: Mapping[str, Any] | None = None) -> None:
        self._settings = dict(settings or {})

    def fail(self, field: str, rule: str) -> NoReturn:
        raise InputError(field, rule)

    def setting(self, name: str) -> Any:
        """A client setting that fills a parameter the caller did not give (``x-client-param``)."""
        return self._settings.get(name)

    def string(
        self,
        value: Any,
        field: str,
        *,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: re.Pattern[str] | None = None,
        enum: frozenset[Any] | None = None,
        fmt: str | None = None,
        example: str | None = None,
    ) -> str:
        if fmt is not None:
            convert = FORMATS.get(fmt)
            if convert is not None:
                value = convert(value, field)
        if not isinstance(value, str):
            raise InputError(field, "must be a string")
        if enum is not None and value not in enum:
            raise InputError(field, _one_of(enum))
        if min_length is not None and len(value) < min_length:
            rule = "must not be empty" if min_length == 1 else f"must be at least {min_length} characters"
            raise InputError(field, rule)
        if max_length is not None and len(value) > max_length:
            raise InputError(field, f"must be at most {max_length} characters")
        # JSON Schema semantics (search); the generator writes a final `$` as `\Z`, so a trailing
        # newline does not slip through.
        if pattern is not None and not pattern.search(value):
            like = f", like {example!r}" if example else ""
            shown = pattern.pattern.replace("\\Z", "$")  # the spec's form (the generator wrote \Z)
            raise InputError(field, f"must match the pattern {shown}{like}")
        return value

    def number(
        self,
        value: Any,
        field: str,
        *,
        integer: bool = False,
        minimum: float | None = None,
        maximum: float | None = None,
        exclusive_minimum: float | None = None,
        exclusive_maximum: float | None = None,
        enum: frozenset[Any] | None = None,
    ) -> float:
        """A JSON number, or with ``integer`` a JSON integer (``True`` is neither, though Python says int)."""
        if isinstance(value, bool) or not isinstance(value, int if integer else int | float):
            raise InputError(field, "must be an integer" if integer else "must be a finite number")
        if not integer and not math.isfinite(value):
            raise InputError(field, "must be a finite number")
        if enum is not None and value not in enum:
            raise InputError(field, _one_of(enum))
        _bounds(value, field, minimum, maximum, exclusive_minimum, exclusive_maximum)
        return value

    def boolean(self, value: Any, field: str) -> bool:
        if not isinstance(value, bool):
            raise InputError(field, "must be true or false")
        return value

    def segment(self, value: str, field: str) -> str:
        """A path parameter as one path segment that addresses exactly the resource it names.

        Everything but unreserved characters is percent-encoded (``/`` included); ``.``, ``..`` and
        the empty string are refused, because URL normalisation would turn them into another path.
        """
        return path_segment(field, value)

    def one_of(self, value: Any, field: str, alternatives: tuple[Callable[[Any, str], Any], ...]) -> Any:
        """The value as checked by the first alternative it passes (``oneOf`` of the spec).

        When none passes, the error reported is the one found deepest in the value: the alternative
        the caller most likely meant.
        """
        errors: list[InputError] = []
        for alternative in alternatives:
            try:
                return alternative(value, field)
            except InputError as error:
                errors.append(error)
        raise max(errors, key=lambda error: error.field.count(".") + error.field.count("["))

    def is_array(self, value: Any) -> bool:
        return isinstance(value, Sequence) and not isinstance(value, str | bytes | bytearray)

    def array(
        self, value: Any, field: str, *, min_items: int | None = None, max_items: int | None = None
    ) -> Sequence[Any]:
        if not self.is_array(value):
            raise InputError(field, "must be a list" + (", not a single string" if isinstance(value, str) else ""))
        if min_items is not None and len(value) < min_items:
            raise InputError(field, f"must contain at least {min_items} item{'s' if min_items != 1 else ''}")
        if max_items is not None and len(value) > max_items:
            raise InputError(field, f"must contain at most {max_items} items")
        items: Sequence[Any] = value
        return items

    def object(
        self, value: Any, field: str, known: frozenset[str] | None, required: tuple[str, ...]
    ) -> Mapping[str, Any]:
        """A request object: a mapping with the wire names, or a generated model (its ``to_dict()``)."""
        if not isinstance(value, Mapping):
            to_dict = getattr(value, "to_dict", None)
            if not callable(to_dict) or isinstance(value, type):
                raise InputError(field or "body", "must be an object (a dict or the generated model)")
            value = to_dict()
        data: Mapping[str, Any] = value
        if known is not None:
            for key in data:
                if key not in known:
                    name = f"{field}.{key}" if field else str(key)
                    raise InputError(name, "is not a field of this request (misspelt?)")
        for key in required:
            if data.get(key) is None:
                raise InputError(f"{field}.{key}" if field else key, "is required")
        return data

    def mapping(
        self,
        value: Any,
        field: str,
        *,
        max_properties: int | None = None,
        key: Callable[[Any, str], Any] | None = None,
        item: Callable[[Any, str], Any] | None = None,
    ) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise InputError(field, "must be an object (a dict)")
        if max_properties is not None and len(value) > max_properties:
            raise InputError(field, f"must have at most {max_properties} entries")
        checked: dict[str, Any] = {}
        for name, entry in value.items():
            if not isinstance(name, str):
                raise InputError(field, "keys must be strings")
            if key is not None:
                key(name, f"{field} key {name!r}")
            checked[name] = item(entry, f"{field}[{name!r}]") if item is not None else entry
        return checked
