"""Encoding, segments and length of a text before it is sent: :func:`estimate`.

An SMS is billed per segment. A text whose every character is in the GSM 03.38 alphabet is sent as
GSM-7: 160 septets in one segment, 153 per segment once concatenated (the rest of each segment is
the concatenation header); an extension character (``{ } [ ] ~ \\ | ^ €``) takes two septets (an
escape and the character) and an escape pair is never split across segments. A single character
outside that alphabet (a smart quote, an emoji) sends the whole text as UCS-2: 70 UTF-16 code units
in one segment, 67 per segment once concatenated, and a surrogate pair (an emoji) is never split.
The alphabet is the ``gsm0338`` codec's, not a table of ours.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from functools import cache
from typing import Any, Literal

import gsm0338  # noqa: F401  # registers the "gsm03.38" codec

from ..errors import ArgumentError
from .limits import max_text_length

__all__ = ["Encoding", "Estimate", "Replacement", "UnencodableCharacter", "estimate", "segment_count"]

Encoding = Literal["GSM-7", "UCS-2"]

# (units in one segment, units per segment of a concatenated message)
_SEGMENT_SIZES: dict[Encoding, tuple[int, int]] = {"GSM-7": (160, 153), "UCS-2": (70, 67)}

# The usual look-alikes of GSM-7 characters that editors and phones put in text (``normalize=True``).
_LOOKALIKES: dict[str, str] = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u02bc", "'"),  # single quotes, prime, modifier apostrophe
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),  # double quotes, guillemets
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),  # hyphens, dashes, minus
    "\u2026": "...",  # ellipsis
    **dict.fromkeys("\u00a0\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000", " "),  # spaces
    **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", ""),  # zero-width characters, soft hyphen
    "\u2022": "*",  # bullet
}


@dataclass(frozen=True)
class UnencodableCharacter:
    """A character outside GSM-7 that forced the text to UCS-2."""

    position: int
    """Index in the (normalized) text, counted in characters (code points)."""
    character: str
    name: str
    """The character's Unicode name (``"LEFT DOUBLE QUOTATION MARK"``), or its code point."""


@dataclass(frozen=True)
class Replacement:
    """One change made by ``normalize=True``."""

    position: int
    """Index in the original text."""
    original: str
    replacement: str


@dataclass(frozen=True)
class Estimate:
    """What sending ``text`` costs. ``units`` are septets (GSM-7) or UTF-16 code units (UCS-2)."""

    text: str
    """The text estimated: after normalization when ``normalize=True`` (send this one)."""
    encoding: Encoding
    characters: int
    units: int
    segments: int
    units_per_segment: int
    """160 or 70 for a single segment, 153 or 67 once concatenated."""
    ucs2_characters: tuple[UnencodableCharacter, ...] = ()
    """The characters that forced UCS-2, in order (empty for GSM-7)."""
    replacements: tuple[Replacement, ...] = ()
    """What ``normalize=True`` changed (empty otherwise)."""
    provider: str | None = None
    max_length: int | None = None
    """The provider's longest accepted text in characters, from its spec (None if it states none)."""

    @property
    def too_long(self) -> bool:
        """True when the provider's spec refuses a text this long."""
        return self.max_length is not None and self.characters > self.max_length

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (what ``smsclients estimate --json`` prints)."""
        data = asdict(self)
        data["too_long"] = self.too_long
        return data


@cache
def _septets(character: str) -> int:
    """Septets ``character`` takes in GSM-7 (1, or 2 for an extension character), 0 if it has none."""
    if character == "\x1b":  # the escape itself is not a character of the text alphabet
        return 0
    try:
        return len(character.encode("gsm03.38"))
    except UnicodeEncodeError:
        return 0


def _utf16_units(character: str) -> int:
    return 2 if ord(character) > 0xFFFF else 1


def _pack(costs: Iterable[int], single: int, multi: int) -> int:
    """Segments needed for characters costing ``costs`` units each, none split across segments."""
    costs = list(costs)
    if sum(costs) <= single:
        return 1
    segments, used = 1, 0
    for cost in costs:
        if used + cost > multi:
            segments, used = segments + 1, 0
        used += cost
    return segments


def _normalize(text: str) -> tuple[str, tuple[Replacement, ...]]:
    parts: list[str] = []
    changes: list[Replacement] = []
    for position, character in enumerate(text):
        replacement = _LOOKALIKES.get(character)
        if replacement is None:
            parts.append(character)
        else:
            parts.append(replacement)
            changes.append(Replacement(position, character, replacement))
    return "".join(parts), tuple(changes)


def estimate(text: str, *, provider: str | None = None, normalize: bool = False) -> Estimate:
    """Encoding, length in units, segments and the characters that forced UCS-2 for ``text``.

    ``provider`` (``"flowroute"``, ``"bandwidth"``, ``"messagemedia"``) adds that provider's
    ``max_length``. ``normalize=True`` first replaces smart quotes, dashes, the ellipsis and
    non-breaking or zero-width spaces with their GSM-7 look-alikes; ``replacements`` lists them and
    ``text`` is the normalized text. An empty text is one segment (it is still one message).
    """
    if not isinstance(text, str):
        raise ArgumentError("text", f"text must be a str, not {type(text).__name__}")
    replacements: tuple[Replacement, ...] = ()
    if normalize:
        text, replacements = _normalize(text)
    max_length = None if provider is None else max_text_length(provider)
    septets = [_septets(c) for c in text]
    forced = tuple(
        UnencodableCharacter(i, c, unicodedata.name(c, f"U+{ord(c):04X}"))
        for i, (c, n) in enumerate(zip(text, septets, strict=True))
        if n == 0
    )
    encoding: Encoding = "UCS-2" if forced else "GSM-7"
    costs = [_utf16_units(c) for c in text] if forced else septets
    single, multi = _SEGMENT_SIZES[encoding]
    segments = _pack(costs, single, multi)
    return Estimate(
        text=text,
        encoding=encoding,
        characters=len(text),
        units=sum(costs),
        segments=segments,
        units_per_segment=single if segments == 1 else multi,
        ucs2_characters=forced,
        replacements=replacements,
        provider=provider,
        max_length=max_length,
    )


def segment_count(text: str) -> int:
    """Just the number of segments ``text`` is billed as."""
    return estimate(text).segments
