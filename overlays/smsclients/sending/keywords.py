"""The carriers' standard keywords: what an inbound text asks for (opt out, opt back in, help).

Carriers require senders to honour STOP and its synonyms and to answer HELP. A message is a keyword
when its whole text, ignoring case, surrounding whitespace (any Unicode space) and trailing ``.``
or ``!``, is one of:

* ``"stop"``: STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT
* ``"start"``: START, UNSTOP, YES
* ``"help"``: HELP, INFO

Full-width and other compatibility forms of the letters count too (NFKC). A keyword inside a longer
text (``"please stop"``) is not one: carriers match the whole message.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

__all__ = ["HELP_KEYWORDS", "START_KEYWORDS", "STOP_KEYWORDS", "Keyword", "classify_keyword"]

Keyword = Literal["stop", "start", "help"]

STOP_KEYWORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_KEYWORDS = frozenset({"START", "UNSTOP", "YES"})
HELP_KEYWORDS = frozenset({"HELP", "INFO"})

_KEYWORDS: dict[str, Keyword] = {
    **dict.fromkeys(STOP_KEYWORDS, "stop"),
    **dict.fromkeys(START_KEYWORDS, "start"),
    **dict.fromkeys(HELP_KEYWORDS, "help"),
}


def classify_keyword(text: str | None) -> Keyword | None:
    """``"stop"``, ``"start"``, ``"help"`` or ``None`` for the text of an inbound message."""
    if not text:
        return None
    word = unicodedata.normalize("NFKC", text).strip().rstrip(".!").strip()
    return _KEYWORDS.get(word.upper())
