"""Answers as the JSON that came: what the vendor SDKs returned.

The modern clients parse every answer into the spec's models and refuse one that lacks a required
field. The legacy surfaces promised only "the parsed JSON as a dict" (BW-py, the Flowroute
messaging library), so their drop-ins read as tolerantly as the SDKs did: the same generated
resources, driven through :class:`AsJson`, return the JSON body unchanged (errors, checks of the
request, retries and pagination stay the modern client's).
"""

from __future__ import annotations

import dataclasses
from typing import Any

__all__ = ["AsJson"]


def _as_is(data: Any) -> Any:
    return data


def _json_operation(op: Any) -> Any:
    return dataclasses.replace(op, parse=_as_is)


class AsJson:
    """A runtime that hands back each answer's JSON as it came; everything else is ``runtime``'s."""

    def __init__(self, runtime: Any) -> None:
        self._runtime = runtime

    def __getattr__(self, name: str) -> Any:
        return getattr(self._runtime, name)

    def call(self, op: Any, request: Any, options: Any) -> Any:
        return self._runtime.call(_json_operation(op), request, options)

    def call_raw(self, op: Any, request: Any, options: Any) -> Any:
        return self._runtime.call_raw(_json_operation(op), request, options)

    def link_pages(self, op: Any, request: Any, options: Any, page: Any, limit: int | None) -> Any:
        return self._runtime.link_pages(_json_operation(op), request, options, page, limit)
