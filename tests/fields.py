"""Reading parsed responses in tests: ``dig(document, "data.attributes.rate_center")``.

Response fields the providers' public documents do not require are ``T | Unset`` in the generated
models. Tests read fields the recorded answers carry; :func:`dig` walks a dotted path (``[n]`` for
list items) and fails the test, naming the path, when a step is missing, instead of typing every
step.
"""

from __future__ import annotations

import re
from typing import Any

import bandwidth_messaging_v1_client.types
import flowroute_messages_v2_client.types
import flowroute_v2_client.types
import messagemedia_messages_v1_client.types

UNSET_TYPES = (
    bandwidth_messaging_v1_client.types.Unset,
    flowroute_messages_v2_client.types.Unset,
    flowroute_v2_client.types.Unset,
    messagemedia_messages_v1_client.types.Unset,
)

_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def dig(value: Any, path: str) -> Any:
    """``value`` followed along ``path``; an AssertionError names the first step that is missing."""
    done = ""
    for match in _STEP.finditer(path):
        name, index = match.groups()
        value = getattr(value, name) if name is not None else value[int(index)]
        done += match.group(0)
        if isinstance(value, UNSET_TYPES):
            raise AssertionError(f"the answer has no {done.lstrip('.')}")
    return value
