"""Messages for the sending tests: each text carries a sandbox marker, so a second send shows as a duplicate."""

from __future__ import annotations

from typing import Any

SENDER = "+12065550100"


def number(index: int) -> str:
    return f"+1206432{index % 10000:04d}"


def messages(count: int, *, start: int = 0, prefix: str = "a") -> list[dict[str, Any]]:
    return [{"to": number(i), "text": f"hello mk-{prefix}{i:07x} {i}"} for i in range(start, start + count)]


def mm_messages(count: int) -> list[dict[str, Any]]:
    return [{"to": "+61491570156", "text": f"hi mk-c{i:07x}"} for i in range(count)]


FLOWROUTE_SENDER = "+12012673227"  # the sandbox account's SMS-enabled number (S001)
