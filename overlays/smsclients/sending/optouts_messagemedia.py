"""Keeping an opt-out list in step with MessageMedia's own (number authorisation, the blacklist).

MessageMedia adds a handset to the account's blacklist by itself when it replies with an opt-out
keyword, and never delivers to a listed number (MM-docs, docs/providers.md §4.2).
:class:`MessageMediaMirror` wraps a store so that the two lists agree::

    store = optouts.MessageMediaMirror(optouts.SQLiteOptOutStore("optouts.sqlite3"), mm_client)
    store.sync()                                   # pull the blacklist in, push local opt-outs out
    receiver = WebhookASGIApp("messagemedia", optouts.recording(store, handler))

Checking numbers (``opted_out``, as ``send_many(..., optouts=mirror)`` does once per window) asks
MessageMedia too, in one ``is_authorised`` request per 100 numbers not on the local list, and
records the ones it refuses locally (``live=False``: the local list only, as of the last sync). The
client must be the sync ``MessageMediaClient``: an async ``send_many`` calls the store in a worker thread.

MessageMedia's list is account-wide, so its entries are kept under ``ANY_ACCOUNT``. Adding or
removing a ``messagemedia`` entry through the mirror blocks or unblocks the number at MessageMedia
too; other providers' entries pass straight through. ``client`` is a ``MessageMediaClient``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError, NotFoundError
from .optouts import ANY_ACCOUNT, OptOut, OptOutStore, canonical

__all__ = ["PROVIDER", "MessageMediaMirror", "SyncResult"]

PROVIDER = "messagemedia"
_BLOCK_LIMIT = 10  # numbers per block request (the spec's maxItems)
_MAX_PAGES = 10_000  # a server whose pages never end cannot hold the sync forever
_INTERNATIONAL = re.compile(r"[1-9][0-9]{1,14}")  # the spec's international format, without its +
_CHECK_LIMIT = 100  # numbers per is_authorised request: MM-docs give no limit; this keeps the path short


@dataclass(frozen=True)
class SyncResult:
    pulled: list[str] = field(default_factory=list)
    """Numbers on MessageMedia's blacklist that were added to the local list."""
    pushed: list[str] = field(default_factory=list)
    """Local opt-outs that were added to MessageMedia's blacklist."""


class MessageMediaMirror:
    """An :class:`~smsclients.sending.optouts.OptOutStore` whose MessageMedia entries follow the blacklist."""

    def __init__(self, store: OptOutStore, client: Any, *, account: str | None = None, live: bool = True) -> None:
        numbers = client.number_authorisation
        if inspect.iscoroutinefunction(getattr(numbers, "is_authorised", None)):
            raise InputError("client", "must be a MessageMediaClient (the store is sync), not the async client")
        self.store = store
        self._numbers = numbers
        self._account = account  # MessageMedia's sub-account header, if any
        self._live = live

    # -- the store interface
    def add(self, provider: str, account: str, number: str, *, source: str = "manual") -> bool:
        added = self.store.add(provider, account, number, source=source)
        if _is_ours(provider):
            self._numbers.block([_e164(number)], account=self._account)
        return added

    def remove(self, provider: str, account: str, number: str) -> bool:
        removed = self.store.remove(provider, account, number)
        if _is_ours(provider):
            # The blacklist is account-wide: an opt-in lifts the all-senders entry too.
            removed = self.store.remove(provider, ANY_ACCOUNT, number) or removed
            with suppress(NotFoundError):  # not on MessageMedia's list: nothing to lift
                self._numbers.unblock(_e164(number), account=self._account)
        return removed

    def is_opted_out(self, provider: str, account: str, number: str) -> bool:
        return bool(self.opted_out(provider, account, [number]))

    def opted_out(self, provider: str, account: str, numbers: Iterable[str]) -> set[str]:
        """The local list's answer; for MessageMedia (``live``), also the numbers MessageMedia does
        not authorise, which are added to the local list."""
        numbers = list(numbers)
        found = self.store.opted_out(provider, account, numbers)
        if not (self._live and _is_ours(provider)):
            return found
        refused = self._not_authorised([n for n in numbers if n not in found])
        for number in sorted(refused):
            self.store.add(PROVIDER, ANY_ACCOUNT, number, source="provider")  # kept in step
        return found | refused

    def _not_authorised(self, numbers: list[str]) -> set[str]:
        given: dict[str, list[str]] = {}
        for number in numbers:
            digits = canonical(number)
            if _INTERNATIONAL.fullmatch(digits):  # else no number MessageMedia lists (its send refuses it)
                given.setdefault(digits, []).append(number)
        wanted = sorted(given)
        refused: set[str] = set()
        for start in range(0, len(wanted), _CHECK_LIMIT):
            batch = ",".join("+" + digits for digits in wanted[start : start + _CHECK_LIMIT])
            answer = self._numbers.is_authorised(batch, account=self._account).to_dict()
            for item in answer.get("numbers") or []:
                if not isinstance(item, dict) or item.get("authorised") is not False:
                    continue
                listed = item.get("number")
                if isinstance(listed, str) and listed.strip():
                    refused.update(given.get(canonical(listed), []))
        return refused

    def entries(self, provider: str | None = None, account: str | None = None) -> list[OptOut]:
        return self.store.entries(provider, account)

    # -- keeping in step
    def blacklist(self) -> list[str]:
        """Every number on MessageMedia's blacklist (all pages)."""
        numbers: list[str] = []
        token: str | None = None
        for _ in range(_MAX_PAGES):
            page = self._numbers.list_blocked(account=self._account, token=token).to_dict()
            numbers += [str(n) for n in page.get("numbers") or []]
            token = (page.get("pagination") or {}).get("page")
            if not token:
                return numbers
        raise RuntimeError(f"MessageMedia's blacklist did not end within {_MAX_PAGES} pages")

    def sync(self) -> SyncResult:
        """Pull the blacklist into the local list and push local MessageMedia opt-outs to it."""
        remote = {canonical(n): n for n in self.blacklist()}
        local = {e.number for e in self.store.entries(PROVIDER)}
        pulled = [n for key, n in remote.items() if key not in local]
        for number in pulled:
            self.store.add(PROVIDER, ANY_ACCOUNT, number, source="provider")
        pushed = [_e164(n) for n in sorted(local - set(remote))]
        for start in range(0, len(pushed), _BLOCK_LIMIT):
            self._numbers.block(pushed[start : start + _BLOCK_LIMIT], account=self._account)
        return SyncResult(pulled=pulled, pushed=pushed)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.store!r})"


def _is_ours(provider: str) -> bool:
    return isinstance(provider, str) and provider.strip().lower() == PROVIDER


def _e164(number: str) -> str:
    """MessageMedia's international format: ``+`` and the digits."""
    return "+" + canonical(number).lstrip("+")
