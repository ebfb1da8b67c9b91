"""Flowroute's JSON:API conventions shared by Numbers, Routes and Messages v2.1.

Paging is offset/limit; ``links.next`` is an absolute URL on the host the client called, with
the request's filters echoed, ``limit``, and ``offset`` advanced by ``limit``; it is absent on
the last page (docs/providers.md §2.5).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar
from urllib.parse import urlencode

from smsclients_sandbox.wire import Call, ProviderError

T = TypeVar("T")


def int_param(call: Call, name: str, default: int | None = None) -> int | None:
    """An integer query parameter; the spec validator normally guarantees the type already."""
    raw = call.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ProviderError(422, f"Invalid value for {name}: must be an integer") from exc


def paging(call: Call, default_limit: int, max_limit: int | None) -> tuple[int, int]:
    """``(limit, offset)``; a limit below 1 falls back to the default, a negative offset to 0.

    The spec puts no minimum on most limits/offsets and declares no 4xx for them, so the
    sandbox is lenient here rather than answer with an undeclared status.
    """
    limit = int_param(call, "limit", default_limit) or default_limit
    if limit < 1:
        limit = default_limit
    if max_limit is not None:
        limit = min(limit, max_limit)
    offset = max(int_param(call, "offset", 0) or 0, 0)
    return limit, offset


def page_links(
    call: Call,
    path: str,
    params: Sequence[tuple[str, str]],
    *,
    offset: int,
    limit: int,
    total: int,
    with_self: bool = True,
) -> dict[str, str]:
    """``links`` of a list page; ``params`` are the echoed filters plus ``limit``, in order."""
    base = f"{call.base_url}{path}"
    links = {}
    if with_self:
        links["self"] = f"{base}?{urlencode([*params, ('offset', str(offset))])}"
    if offset + limit < total:
        links["next"] = f"{base}?{urlencode([*params, ('offset', str(offset + limit))])}"
    return links


def window(items: Sequence[T], offset: int, limit: int) -> list[T]:
    return list(items[offset : offset + limit])


def with_limit(filters: Sequence[tuple[str, str | None]], limit: int) -> list[tuple[str, str]]:
    """Echoed filters (those given) followed by ``limit``."""
    return [(k, v) for k, v in filters if v is not None] + [("limit", str(limit))]
