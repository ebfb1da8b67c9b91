"""The spec's top-level runtime extensions reach the generated package as data (x-rate-limits, x-bulk)."""

from __future__ import annotations

import ast
from typing import Any

import pytest

from generator.safety import SpecError
from generator.surface import runtime_extensions

DOC: dict[str, Any] = {
    "openapi": "3.1.0",
    "paths": {
        "/m": {
            "post": {
                "operationId": "send_message",
                "x-method-name": "send",
                "tags": ["messages"],
                "responses": {"200": {"description": "ok"}},
            }
        }
    },
}


def test_the_extensions_are_a_python_literal_of_plain_data_with_method_names() -> None:
    raw = {
        **DOC,
        "x-rate-limits": {
            "signals": [{"status": 403, "codes": ["a'\"b\\n"]}],
            "pacing": {"operations": ["send_message"]},
        },
        "x-bulk": {"single": "send"},
        "x-other": {"ignored": True},
    }
    carried = ast.literal_eval(runtime_extensions(raw))
    assert carried["x-rate-limits"]["signals"] == [{"codes": ["a'\"b\\n"], "status": 403}]
    assert carried["x-rate-limits"]["pacing"]["methods"] == ["send"]
    assert carried["x-bulk"] == {"single": "send"} and "x-other" not in carried


@pytest.mark.parametrize(
    "extension",
    [
        {"x-rate-limits": {"pacing": {"operations": ["nope"]}}},
        {"x-rate-limits": {"signals": [{1: "non-string key"}]}},
        {"x-rate-limits": {"signals": [float("nan")]}},
        {"x-bulk": {"single": object()}},
    ],
)
def test_what_is_not_plain_data_or_names_no_operation_is_a_spec_error(extension: dict[str, Any]) -> None:
    with pytest.raises(SpecError):
        runtime_extensions({**DOC, **extension})


def test_every_generated_package_carries_its_specs_extensions() -> None:
    from bandwidth_messaging_v1_client.resources import EXTENSIONS as BANDWIDTH
    from flowroute_messages_v2_client.resources import EXTENSIONS as FLOWROUTE_V2
    from messagemedia_messages_v1_client.resources import EXTENSIONS as MESSAGEMEDIA

    assert BANDWIDTH["x-bulk"] == {"batch": "send_batch", "max": 50, "single": "send_request"}
    assert MESSAGEMEDIA["x-bulk"]["max"] == 100
    assert FLOWROUTE_V2 == {}
