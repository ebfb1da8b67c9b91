"""The vendor SDKs' module paths, registered under a drop-in module.

Code written against an SDK imports from its submodules (``bandwidth.messaging``,
``FlowrouteMessagingLib.Controllers.APIController``, ...). Each drop-in registers the same paths
beneath itself, so the import line changes only in its package prefix; nothing is registered
outside ``smsclients``.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

__all__ = ["alias_module"]


def alias_module(owner: str, sdk: str, path: str, **names: Any) -> ModuleType:
    """Register ``<owner>.<path>`` (parents first) holding ``names``; ``sdk`` names the SDK package it mirrors."""
    parent_path, _, leaf = path.rpartition(".")
    parent = sys.modules[f"{owner}.{parent_path}"] if parent_path else sys.modules[owner]
    if not isinstance(getattr(parent, leaf, ModuleType(leaf)), ModuleType):
        raise ValueError(f"{owner}.{path} would hide the {leaf!r} the module defines")
    module = ModuleType(f"{owner}.{path}", f"Alias of the SDK module {sdk}.{path}.")
    module.__dict__.update(names)
    sys.modules[module.__name__] = module
    setattr(parent, leaf, module)
    return module
