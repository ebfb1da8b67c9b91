"""A simple estimate of how many SMS segments a text takes (``--dry-run`` of ``send-bulk``).

GSM-7 when every character is in the basic GSM 03.38 alphabet (160 characters in one segment,
153 per segment when split, the extension characters counting twice), else UCS-2 (70, or 67 per
segment, counted in UTF-16 code units). A full estimate will replace this module; keep callers on
:func:`estimate_segments`.
"""

from __future__ import annotations

__all__ = ["estimate_segments"]

_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
_GSM_EXTENDED = frozenset("^{}\\[~]|€\f")


def estimate_segments(text: str) -> int:
    """Segments ``text`` is likely to take (0 for an empty text)."""
    if not text:
        return 0
    if all(char in _GSM_BASIC or char in _GSM_EXTENDED for char in text):
        units = sum(2 if char in _GSM_EXTENDED else 1 for char in text)
        single, part = 160, 153
    else:
        units = len(text.encode("utf-16-le")) // 2
        single, part = 70, 67
    return 1 if units <= single else -(-units // part)
