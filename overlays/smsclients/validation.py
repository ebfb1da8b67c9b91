"""Checks on caller input that run before anything is sent.

Each check either returns the value in the form the wire wants or raises
:class:`~smsclients.errors.InputError` naming the field and the rule, so a bad number or an
over-long text is reported as ``messages[3].content: must be at most 5000 characters`` instead of an
opaque provider 400 (or, worse, a partially processed batch).
"""

from __future__ import annotations

import re
from collections.abc import Sized
from functools import lru_cache
from typing import TypeVar

from .errors import InputError

__all__ = ["e164", "max_items", "nanp_11_digits", "text_length"]

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
