"""The longest text each provider's send operation accepts, read from the generated request checks.

The numbers are the specs' ``maxLength`` (``specs/*.yaml``), never restated here: each provider's
generated ``_schemas`` module checks a send body with them, so a recording checker passed to that
check reads the limit back. A provider whose spec states no limit (Flowroute) has ``None``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from functools import cache
from typing import Any

from ..errors import InputError

__all__ = ["PROVIDERS", "max_text_length"]

# provider -> (generated module, its check of a send request, the text field, the check's arguments
# after the checker: a body object, or the flattened fields)
_TEXT_FIELDS: Mapping[str, tuple[str, str, str, tuple[Any, ...]]] = {
    "flowroute": ("flowroute_messages_v2_client.resources.messages", "_request_send", "body", ("1", "1", "x")),
    "bandwidth": (
        "bandwidth_messaging_v1_client.resources._schemas",
        "_check_send_message_request",
        "text",
        ({"text": "x"}, ""),
    ),
    "messagemedia": (
        "messagemedia_messages_v1_client.resources._schemas",
        "_check_new_message",
        "content",
        ({"content": "x"}, ""),
    ),
}
PROVIDERS = tuple(sorted(_TEXT_FIELDS))


class _Recorder:
    """Stands in for the generated ``Checker``: accepts everything and notes ``string``'s limit."""

    def __init__(self, field: str) -> None:
        self.field = field
        self.max_length: int | None = None

    def object(self, value: Any, field: str, known: Any, required: Any) -> Any:
        return value

    def string(self, value: Any, field: str, *, max_length: int | None = None, **_: Any) -> Any:
        if field == self.field:
            self.max_length = max_length
        return value


@cache
def max_text_length(provider: str) -> int | None:
    """The spec's ``maxLength`` of ``provider``'s message text (``None`` where it states none)."""
    try:
        module_name, function, field, arguments = _TEXT_FIELDS[provider]
    except KeyError:
        raise InputError("provider", f"must be one of {', '.join(PROVIDERS)}, not {provider!r}") from None
    check = getattr(importlib.import_module(module_name), function)
    recorder = _Recorder(field)
    check(recorder, *arguments)
    return recorder.max_length
