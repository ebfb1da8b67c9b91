"""Answers as the JSON that came: what the vendor SDKs returned.

The modern clients parse every answer into the spec's models and refuse one that lacks a required
field. The legacy surfaces promised only "the parsed JSON as a dict" (BW-py, the Flowroute
messaging library), so their drop-ins read as tolerantly as the SDKs did: the same generated
resources, driven through :class:`AsJson`, return the JSON body unchanged (errors, checks of the
request, retries and pagination stay the modern client's).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

__all__ = ["AsJson", "JsonDocument", "JsonValue", "as_document"]


def _as_is(data: Any) -> Any:
    return data


class JsonDocument(dict[str, Any]):
    """A JSON object answer that also answers ``to_dict()``, as the generated models do.

    Lets code written against the models (``resource.get(...).to_dict()``) read plain JSON unchanged.
    """

    def to_dict(self) -> dict[str, Any]:
        return dict(self)


class JsonValue:
    """Any other JSON answer (``null``, a list, a string...): ``to_dict()`` gives it back unchanged."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def to_dict(self) -> Any:
        return self.value


def as_document(data: Any) -> Any:
    """A JSON answer that answers ``to_dict()``: an object as a :class:`JsonDocument`, else a :class:`JsonValue`."""
    return JsonDocument(data) if isinstance(data, dict) else JsonValue(data)


class AsJson:
    """A runtime that hands back each answer's JSON as it came (through ``wrap``); the rest is ``runtime``'s.

    Pages are still read by the generated page functions, which need the models: use the modern
    resources for iteration.
    """

    def __init__(self, runtime: Any, wrap: Callable[[Any], Any] = _as_is) -> None:
        self._runtime = runtime
        self._wrap = wrap

    def __getattr__(self, name: str) -> Any:
        return getattr(self._runtime, name)

    def _operation(self, op: Any) -> Any:
        return dataclasses.replace(op, parse=self._wrap)

    def call(self, op: Any, request: Any, options: Any) -> Any:
        return self._runtime.call(self._operation(op), request, options)

    def call_raw(self, op: Any, request: Any, options: Any) -> Any:
        return self._runtime.call_raw(self._operation(op), request, options)

    def link_pages(self, op: Any, request: Any, options: Any, page: Any, limit: int | None) -> Any:
        if page is not None:
            raise TypeError("AsJson reads whole answers; iterate with the modern resources")
        return self._runtime.link_pages(self._operation(op), request, options, page, limit)
