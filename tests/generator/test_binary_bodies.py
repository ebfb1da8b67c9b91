"""Binary bodies (``type: string, format: binary``) in the generator, on a spec of their own.

The Bandwidth media operations use ``*/*``; here one declared media type each way, no size limit,
and the constructs the generator refuses, so the rule is the generator's, not one spec's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from generator.safety import SpecError
from generator.spec_model import operations
from generator.surface import render_resources

BINARY = {"type": "string", "format": "binary"}


def _spec(put_body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1.0.0"},
        "paths": {
            "/files/{name}": {
                "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
                "put": {
                    "operationId": "store_file",
                    "x-method-name": "store",
                    "tags": ["files"],
                    "requestBody": {"required": True, "content": put_body},
                    "responses": {"204": {"description": "stored"}},
                    **extra,
                },
                "get": {
                    "operationId": "fetch_file",
                    "x-method-name": "fetch",
                    "tags": ["files"],
                    "responses": {
                        "200": {"description": "the file", "content": {"application/pdf": {"schema": BINARY}}}
                    },
                },
            }
        },
        "components": {"schemas": {}},
    }


def test_a_binary_body_and_answer_keep_their_declared_media_types(tmp_path: Path) -> None:
    raw = _spec({"image/png": {"schema": BINARY}})
    fetch, store = operations(raw)  # in HTTP_METHODS order: get, put
    assert store.methods[0].body is not None and store.methods[0].body.binary
    assert [(r.kind, r.media_type) for r in fetch.results] == [("binary", "application/pdf")]
    render_resources(raw, tmp_path, "# marker\n")
    source = (tmp_path / "resources" / "files.py").read_text()
    assert "content_type='image/png'" in source  # the default Content-Type is the declared one
    assert "accept='application/pdf'" in source and "reads='binary'" in source
    assert "len(body) >" not in source  # no maxLength, no size check
    assert "body: bytes | bytearray | memoryview | str" in source and "content_type: str | None = None" in source


def test_a_binary_body_cannot_be_flattened() -> None:
    with pytest.raises(SpecError, match="binary body cannot be flattened"):
        list(operations(_spec({"*/*": {"schema": BINARY}}, **{"x-body-flatten": ""})))


def test_a_non_json_body_that_is_not_binary_is_refused() -> None:
    with pytest.raises(SpecError, match="JSON media types or binary bodies"):
        list(operations(_spec({"text/plain": {"schema": {"type": "string"}}})))
