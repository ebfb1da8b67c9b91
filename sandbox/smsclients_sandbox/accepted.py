"""Request forms a real API accepted beyond its documentation, read from the spec's ``x-accepted-requests``.

The vendors' own SDKs sent some requests that the documented form does not describe (Bandwidth's
SDK sends every unset field as ``null``, Flowroute's messaging library sends the text as
``content``, Flowroute's SDK v3 posts JSON without a ``Content-Type``), and the real APIs took
them. The sandbox stands in for those APIs, so it takes them too: before validation, such a
request is rewritten into the documented form, which the spec and the handlers then see. What is
accepted is data in the spec (specs/CONVENTIONS.md, "Accepted request variants"), never code
here; the clients never send these forms.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from smsclients_sandbox.validation import dumps

__all__ = ["AcceptedRequests", "accepted_requests"]

EXTENSION = "x-accepted-requests"


@dataclass(frozen=True)
class AcceptedRequests:
    """One operation's accepted variants (all off by default)."""

    untyped_body: str | None = None
    """A body sent without ``Content-Type`` is read as this media type."""
    null_members: bool = False
    """Object members whose value is ``null`` count as absent (at any depth)."""
    renamed_members: Mapping[str, str] = field(default_factory=dict)
    """Top-level body members sent under an old name -> the documented name (when that one is absent)."""
    string_booleans: tuple[str, ...] = ()
    """Dotted paths of members whose ``"true"`` / ``"false"`` strings are read as booleans."""
    media_types: Mapping[str, str] = field(default_factory=dict)
    """A body sent as one media type (parameters aside) -> the documented type it is read as."""
    form_body: str | None = None
    """A form-encoded body (``a=1&b=2``) is read as a JSON object of this media type."""
    form_arrays: tuple[str, ...] = ()
    """Form fields read as a list: repeated (``n=1&n=2``, how ``requests`` sends a list) or comma-separated."""

    def apply(self, headers: list[tuple[str, str]], body: bytes) -> tuple[list[tuple[str, str]], bytes]:
        """``headers`` and ``body`` in the documented form (unchanged when no variant applies)."""
        if not body.strip():
            return headers, body
        if self.untyped_body and not any(name.lower() == "content-type" for name, _ in headers):
            headers = [*headers, ("content-type", self.untyped_body)]
        if self.form_body and _sent_type(headers) == FORM:
            return self._from_form(headers, body, self.form_body)
        if self.media_types:
            headers = [
                (name, self._read_as(value) if name.lower() == "content-type" else value) for name, value in headers
            ]
        if not (self.null_members or self.renamed_members or self.string_booleans):
            return headers, body
        try:
            value = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            return headers, body  # not JSON: the usual validation reports it
        rewritten = self._rewrite(value)
        return headers, (body if rewritten == value else dumps(rewritten))

    def _from_form(
        self, headers: list[tuple[str, str]], body: bytes, read_as: str
    ) -> tuple[list[tuple[str, str]], bytes]:
        try:
            pairs = parse_qsl(body.decode("ascii"), keep_blank_values=True, strict_parsing=True)
        except (ValueError, UnicodeDecodeError):
            return headers, body  # not a form: the usual validation reports it
        value: dict[str, Any] = {}
        for name, item in pairs:
            if name in self.form_arrays:
                value.setdefault(name, []).extend(part.strip() for part in item.split(",") if part.strip())
            else:
                value[name] = item
        typed = [(n, v) for n, v in headers if n.lower() != "content-type"] + [("content-type", read_as)]
        return typed, dumps(self._rewrite(value))

    def _read_as(self, content_type: str) -> str:
        sent = content_type.split(";", 1)[0].strip().lower()
        return self.media_types.get(sent, content_type)

    def _rewrite(self, value: Any) -> Any:
        if self.null_members:
            value = _without_nulls(value)
        if self.renamed_members and isinstance(value, dict):
            value = dict(value)
            for old, new in self.renamed_members.items():
                if old in value and new not in value:
                    value[new] = value.pop(old)
        for path in self.string_booleans:
            value = _boolean_at(value, path.split("."))
        return value


FORM = "application/x-www-form-urlencoded"


def _sent_type(headers: list[tuple[str, str]]) -> str | None:
    for name, value in headers:
        if name.lower() == "content-type":
            return value.split(";", 1)[0].strip().lower()
    return None


def _boolean_at(value: Any, path: list[str]) -> Any:
    if not isinstance(value, dict) or path[0] not in value:
        return value
    head, rest = path[0], path[1:]
    item = value[head]
    if rest:
        return {**value, head: _boolean_at(item, rest)}
    if isinstance(item, str) and item.strip().lower() in ("true", "false"):
        return {**value, head: item.strip().lower() == "true"}
    return value


def _without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_nulls(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_without_nulls(item) for item in value]
    return value


def accepted_requests(document: Mapping[str, Any], method: str, path: str) -> AcceptedRequests | None:
    """The variants the spec ``document`` declares on ``method`` ``path``, or None."""
    operation = document.get("paths", {}).get(path, {}).get(method.lower(), {})
    declared = operation.get(EXTENSION) if isinstance(operation, Mapping) else None
    if not isinstance(declared, Mapping):
        return None
    renamed = declared.get("renamed-members") or {}
    media_types = declared.get("media-types") or {}
    form = declared.get("form-body")
    form = form if isinstance(form, Mapping) else {}
    return AcceptedRequests(
        untyped_body=declared.get("untyped-body"),
        null_members=bool(declared.get("null-members", False)),
        renamed_members={str(old): str(new) for old, new in renamed.items()},
        media_types={str(sent).lower(): str(read) for sent, read in media_types.items()},
        string_booleans=tuple(str(path) for path in declared.get("string-booleans") or ()),
        form_body=str(form["read-as"]) if form.get("read-as") else None,
        form_arrays=tuple(str(name) for name in form.get("arrays") or ()),
    )
