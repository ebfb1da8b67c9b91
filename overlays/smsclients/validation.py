"""Checks on caller input that run before anything is sent.

Each check either returns the value in the form the wire wants or raises
:class:`~smsclients.errors.InputError` naming the field and the rule, so a bad number or an
over-long text is reported as ``messages[3].content: must be at most 5000 characters`` instead of an
opaque provider 400 (or, worse, a partially processed batch).
"""

from __future__ import annotations

import difflib
import json
import math
import re
from collections.abc import Mapping, Sized
from functools import lru_cache
from typing import Any, TypeVar
from urllib.parse import quote

from .errors import ArgumentError, InputError

__all__ = [
    "MAX_SECONDS",
    "check_options",
    "check_path_segment",
    "e164",
    "header_value",
    "json_input",
    "max_items",
    "nanp_11_digits",
    "path_segment",
    "seconds",
    "text_length",
]

S = TypeVar("S", bound=Sized)

_E164_EXAMPLE = "+61491570156"
# phonenumbers also accepts letters (vanity numbers) and extensions; a destination must not carry either.
_E164_CHARS = re.compile(r"\+[0-9 ().\-]+")
# NANP: country code 1, area code and exchange each start with 2-9.
_NANP_11 = re.compile(r"1[2-9][0-9]{2}[2-9][0-9]{6}")


def e164(value: str, field: str) -> str:
    """Return ``value`` as an E.164 string (``+`` and digits) if it is a possible international number.

    "Possible" (right length for the country) rather than "valid" (currently assigned range):
    the phonenumbers metadata lags real allocations, and the provider is the authority on those.
    """
    if not isinstance(value, str):
        raise InputError(field, f"must be a string in E.164 form, e.g. {_E164_EXAMPLE}")
    if not value.startswith("+"):
        raise InputError(field, f"must be in E.164 form starting with '+', e.g. {_E164_EXAMPLE}")
    if not _E164_CHARS.fullmatch(value):
        raise InputError(field, f"must contain only '+' and digits (E.164), e.g. {_E164_EXAMPLE}")
    normalised = _possible_e164(value)
    if normalised is None:
        raise InputError(field, f"must be an E.164 phone number, e.g. {_E164_EXAMPLE}")
    if not normalised:
        raise InputError(field, "must be a possible phone number for its country code (E.164)")
    return normalised


# phonenumbers.parse is most of a send's validation cost, and bulk senders repeat their numbers.
@lru_cache(maxsize=4096)
def _possible_e164(value: str) -> str | None:
    """``value`` in E.164 form; "" if it parses but is not a possible number; None if it does not parse."""
    import phonenumbers  # here, not at the top: its metadata is a sixth of a cold import

    try:
        number = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@lru_cache(maxsize=4096)
def _possible_nanp(digits: str) -> bool:
    import phonenumbers  # see _possible_e164

    number = phonenumbers.parse("+" + digits, None)  # cannot fail: callers pass a well-formed 1NPANXXXXXX
    return number.country_code == 1 and phonenumbers.is_possible_number(number)


def nanp_11_digits(value: str, field: str) -> str:
    """Return a North American number in Flowroute's ``1NPANXXXXXX`` form (11 digits, no ``+``).

    Accepts that form or the E.164 ``+1NPANXXXXXX``; anything else (10 digits, other country codes)
    is refused rather than guessed at.
    """
    rule = "must be an 11-digit North American number 1NPANXXXXXX (e.g. 12065551234) or +1NPANXXXXXX"
    if not isinstance(value, str):
        raise InputError(field, rule)
    digits = value[1:] if value.startswith("+") else value
    if not _NANP_11.fullmatch(digits) or not _possible_nanp(digits):
        raise InputError(field, rule)
    return digits


def max_items(field: str, items: S, limit: int, *, minimum: int = 0) -> S:
    """Return ``items`` if it holds between ``minimum`` and ``limit`` entries (providers cap batches, e.g. 100)."""
    count = len(items)
    if count > limit:
        raise InputError(field, f"must contain at most {limit} items")
    if count < minimum:
        raise InputError(field, f"must contain at least {minimum} item{'s' if minimum != 1 else ''}")
    return items


def text_length(field: str, value: str, *, min_length: int = 0, max_length: int) -> str:
    """Return ``value`` if its length in characters (code points, as the providers count) is within bounds.

    The rule text is exactly ``must be at most N characters`` (no actual length appended) so callers
    and tests can match it.
    """
    if not isinstance(value, str):
        raise InputError(field, "must be a string")
    length = len(value)
    if length > max_length:
        raise InputError(field, f"must be at most {max_length} characters")
    if length < min_length:
        if min_length == 1:
            raise InputError(field, "must not be empty")
        raise InputError(field, f"must be at least {min_length} characters")
    return value


# --------------------------------------------------------------------------------------------------
# Values that go into the request line and headers, and other arguments every client takes


def check_path_segment(field: str, value: object) -> str:
    """Return ``value`` (a str, or an int as text) if it can name one path segment; InputError otherwise.

    ``""``, ``"."`` and ``".."`` are refused: every HTTP stack removes or merges them, so the request
    would address another resource (``get("..")`` would read the parent collection). Everything else
    is addressable once percent-encoded (see :func:`path_segment`). For callers whose generated code
    encodes the value itself.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise InputError(field, "must be a string")
    if value in _DOT_SEGMENTS:
        raise InputError(field, f"must not be {value!r}: it would change the request path")
    return value


def path_segment(field: str, value: object) -> str:
    """``value`` checked by :func:`check_path_segment` and percent-encoded, ``/`` included.

    The one function that turns a path parameter into its segment, so it addresses exactly the
    resource it names: ``path_segment("message_id", "a/b")`` is ``"a%2Fb"``.
    """
    return quote(check_path_segment(field, value), safe="")


_DOT_SEGMENTS = frozenset({"", ".", ".."})
# RFC 9110 field-value as h11 enforces it: visible ASCII, inner spaces or tabs, no surrounding blanks.
_HEADER_VALUE = re.compile(r"(?:[\x21-\x7e]+(?:[ \t]+[\x21-\x7e]+)*)?")


def header_value(field: str, value: object) -> str:
    """Return ``value`` if it can be sent as an HTTP header value; InputError otherwise.

    Visible ASCII with single spaces or tabs inside: a CR, LF or NUL would end the header (or be
    refused by the HTTP stack after the request was prepared), and other text has no defined
    encoding on the wire.
    """
    if not isinstance(value, str):
        raise InputError(field, "must be a string")
    if not _HEADER_VALUE.fullmatch(value):
        raise InputError(field, "must be printable ASCII without line breaks or surrounding spaces")
    return value


def json_input(field: str, text: str | bytes) -> Any:
    """The value of a JSON document the caller gave as text; InputError if it is not JSON we can send.

    Deep nesting (RecursionError), bad UTF-8 and NaN/Infinity (not JSON, refused by the encoder
    later) are all reported here as the caller's error.
    """
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise InputError(field, "must be valid JSON") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


# The longest wait or timeout accepted, a day: larger values overflow the timers of some stacks.
MAX_SECONDS = 86_400.0


def seconds(field: str, value: object, *, allow_zero: bool = False) -> float:
    """A finite duration in seconds (int or float, not bool), > 0 (or >= 0), at most :data:`MAX_SECONDS`."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(field, "must be a number of seconds")
    if not math.isfinite(value) or value < 0 or (value == 0 and not allow_zero):
        raise InputError(field, "must be a finite number >= 0" if allow_zero else "must be a finite number > 0")
    if value > MAX_SECONDS:
        raise InputError(field, f"must be at most {MAX_SECONDS:g} seconds")
    return float(value)


def check_options(owner: str, options: Mapping[str, object], allowed: Mapping[str, tuple[type, ...]]) -> None:
    """Check keyword options taken as ``**options``: every name known, every value of an allowed type.

    A misspelt option is an error naming it (``api_endpiont``: did you mean ``api_endpoint``?)
    rather than silently ignored, which would send the request to the default host. ``allowed``
    maps each name to the accepted types (include ``type(None)`` where None means the default).
    """
    for name, value in options.items():
        expected = allowed.get(name)
        if expected is None:
            close = difflib.get_close_matches(name, allowed, n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"known options: {', '.join(sorted(allowed))}"
            raise ArgumentError(name, f"{owner} got an unexpected option {name!r}; {hint}")
        if not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected):
            names = " or ".join("None" if kind is type(None) else kind.__name__ for kind in expected)
            raise InputError(name, f"must be {names}")
