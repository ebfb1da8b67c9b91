"""How many segments the sandbox bills a text as, as the carriers count them.

GSM-7 when every character is in the GSM 03.38 alphabet (the ``gsm0338`` codec's): 160 septets in
one segment, else 153 per segment, an extension character two septets, an escape pair never split.
UCS-2 otherwise: 70 UTF-16 code units in one segment, else 67 per segment, a surrogate pair never
split. The sandbox shares no code with the clients, so this is its own reading of the same rules;
a property test proves it agrees with ``smsclients.estimate``.
"""

from __future__ import annotations

import gsm0338  # noqa: F401  # registers the "gsm03.38" codec

__all__ = ["is_gsm7", "segments"]


def _septets(character: str) -> int | None:
    if character == "\x1b":  # the escape alone is no character of the alphabet
        return None
    try:
        return len(character.encode("gsm03.38"))
    except UnicodeEncodeError:
        return None


def is_gsm7(text: str) -> bool:
    return all(_septets(c) is not None for c in text)


def segments(text: str) -> int:
    """Segments billed for ``text`` (an empty text is still one message)."""
    septets = [_septets(c) for c in text]
    if all(n is not None for n in septets):
        units, single, multi = [n or 0 for n in septets], 160, 153
    else:
        units, single, multi = [2 if ord(c) > 0xFFFF else 1 for c in text], 70, 67
    if sum(units) <= single:
        return 1
    count, used = 1, 0
    for unit in units:
        if used + unit > multi:
            count, used = count + 1, 0
        used += unit
    return count
