"""Messaging callback URLs the sandbox has been given, per account and per number.

Flowroute Messages v2.1 stores one URL per callback type for the account
(``PUT /v2.1/messages/{callback_type}``) and optionally one per number
(``POST /v2/numbers/{id}/relationships/{callback_type}``); a number's own URL wins. Other code
of the sandbox (the webhook sender) asks :meth:`CallbackRegistry.url` which URL a notification
goes to.

``dlr_callback`` is the older name of ``sms_dlr_callback`` (Flowroute's v2.1 documentation:
"deprecated but still supported for SMS DLRs"), so both names share one setting.
"""

from __future__ import annotations

from smsclients_sandbox.storage import Store
from smsclients_sandbox.surfaces import SURFACES_BY_NAME, Surface

KINDS = ("sms_callback", "mms_callback", "dlr_callback", "sms_dlr_callback", "mms_dlr_callback")
ALIASES = {"dlr_callback": "sms_dlr_callback"}
STORE_KIND = "callbacks"
ACCOUNT = "*"


def canonical(kind: str) -> str:
    """The setting a callback type name refers to; ``ValueError`` for an unknown type."""
    if kind not in KINDS:
        raise ValueError(f"unknown callback type {kind!r}; expected one of {', '.join(KINDS)}")
    return ALIASES.get(kind, kind)


def _surface_name(surface: str | Surface) -> str:
    name = surface.name if isinstance(surface, Surface) else surface
    if name not in SURFACES_BY_NAME:
        raise ValueError(f"unknown surface {name!r}")
    return name


def _key(surface: str | Surface, kind: str, number: str | None) -> str:
    return f"{_surface_name(surface)}|{canonical(kind)}|{number or ACCOUNT}"


class CallbackRegistry:
    """Callback URLs in the sandbox's store (so they survive a restart on a SQLite file)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def set(self, surface: str | Surface, kind: str, url: str, number: str | None = None) -> None:
        self._store.put(STORE_KIND, _key(surface, kind, number), {"url": url, "kind": kind})

    def get(self, surface: str | Surface, kind: str, number: str | None = None) -> str | None:
        """The URL set at exactly this level (account when ``number`` is None), or None."""
        doc = self._store.get(STORE_KIND, _key(surface, kind, number))
        return None if doc is None else str(doc["url"])

    def remove(self, surface: str | Surface, kind: str, number: str | None = None) -> bool:
        return self._store.delete(STORE_KIND, _key(surface, kind, number))

    def forget_number(self, surface: str | Surface, number: str) -> None:
        """Drop every number-level URL of ``number`` (it was released)."""
        for kind in KINDS:
            self.remove(surface, kind, number)

    def url(self, surface: str | Surface, kind: str, number: str | None = None) -> str | None:
        """Where a ``kind`` notification about ``number`` goes: the number's URL, else the account's."""
        if number is not None:
            own = self.get(surface, kind, number)
            if own is not None:
                return own
        return self.get(surface, kind)
