"""Reading parsed responses in tests: ``dig(document, "data.attributes.rate_center")``.

Response fields the providers' public documents do not require are ``T | Unset`` in the generated
models. Tests read fields the recorded answers carry; :func:`dig` walks a dotted path (``[n]`` for
list items) and fails the test, naming the path, when a step is missing, instead of typing every
step.
"""

from __future__ import annotations

import re
from typing import Any

_STEP = re.compile(r"\.?([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def dig(value: Any, path: str) -> Any:
    """``value`` followed along ``path``; an AssertionError names the first step that is missing."""
    done = ""
    for match in _STEP.finditer(path):
        name, index = match.groups()
        if name is not None:
            value = getattr(value, name)
        else:
            value = value[int(index)]
        done += match.group(0)
        if type(value).__name__ == "Unset":
            raise AssertionError(f"the answer has no {done.lstrip('.')}")
    return value
