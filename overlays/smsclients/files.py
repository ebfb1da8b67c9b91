"""File names given by the application (an outbox, an opt-out list, an export to read or write).

Checked before use, so that a name no file can have is an :class:`~smsclients.errors.InputError`
naming the argument, not a ``TypeError`` or ``ValueError("embedded null byte")`` from ``open``.
"""

from __future__ import annotations

import os
from typing import Any

from .errors import InputError

__all__ = ["file_path"]


def file_path(value: Any, field: str) -> str | os.PathLike[str]:
    """``value`` if it can name a file: a non-empty str or path object without NUL characters.

    Never an int or bytes (``open`` reads an int as a file descriptor)."""
    if not isinstance(value, str | os.PathLike):
        raise InputError(field, "must be a file path (a non-empty str or os.PathLike)")
    text = os.fspath(value)
    if not isinstance(text, str) or not text.strip():
        raise InputError(field, "must be a file path (a non-empty str or os.PathLike)")
    if "\x00" in text:
        raise InputError(field, "is not a possible file name (it contains a NUL character)")
    return value
