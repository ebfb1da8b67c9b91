"""The opt-out list: numbers that texted STOP, consulted before every send.

::

    from smsclients import optouts

    store = optouts.SQLiteOptOutStore("optouts.sqlite3")       # or RedisOptOutStore(redis.Redis(...))
    receiver = WebhookASGIApp("flowroute", optouts.recording(store, handler))   # STOP/START update it
    if store.is_opted_out("flowroute", "12012673227", "12065551234"):
        ...                                                       # do not send
    allowed, refused = optouts.filter(store, "flowroute", "12012673227", numbers)  # refused: OptedOutError each
    optouts.check(store, "flowroute", "12012673227", number)      # raises OptedOutError

On MessageMedia, wrap the store in :class:`MessageMediaMirror` to keep it in step with the account's
blacklist (number authorisation).

Entries are keyed by ``(provider, account, number)``. ``account`` is the sending identity the opt-out
applies to: :func:`recording` uses the number the STOP was sent to (``event.to``); give
``account=`` for another scope (an account id). An entry under :data:`ANY_ACCOUNT` applies to every
account of that provider. Numbers and number-like accounts are compared by their digits only, so
``+1 (206) 555-1234`` and ``12065551234`` are one entry.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from os import PathLike
from typing import Any, NamedTuple, Protocol, runtime_checkable

from ..errors import InputError, SmsClientError
from ..files import file_path, shared_sqlite

__all__ = [
    "ANY_ACCOUNT",
    "Filtered",
    "MessageMediaMirror",
    "OptOut",
    "OptOutStore",
    "OptOutsUnavailableError",
    "OptedOutError",
    "RedisOptOutStore",
    "SQLiteOptOutStore",
    "SyncResult",
    "apply_event",
    "canonical",
    "check",
    "filter",
    "open_store",
    "recording",
]

ANY_ACCOUNT = "*"
"""The account of an opt-out that applies to every account of a provider."""

_NUMBER_LIKE = re.compile(r"\s*\+?[\d\s().-]*\d[\d\s().-]*\s*")


def canonical(value: str, what: str = "number") -> str:
    """The stored form of a number (its digits) or of another sender id (trimmed, as given)."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(what, "must be a non-empty string")
    if _NUMBER_LIKE.fullmatch(value):
        return re.sub(r"\D", "", value)
    return value.strip()


@dataclass(frozen=True)
class OptOut:
    """One entry of the list."""

    provider: str
    account: str
    number: str
    source: str
    """What added it: ``"keyword"`` (an inbound STOP), ``"manual"``, ``"provider"`` (a synced list)."""
    created_at: float
    """Seconds since the epoch."""


class OptedOutError(InputError):
    """A send to a number on the opt-out list was refused before it left (nothing was sent)."""

    def __init__(self, provider: str, account: str, number: str) -> None:
        super().__init__("to", f"{number} opted out of messages from {account} on {provider} (texted STOP)")
        self.provider, self.account, self.number = provider, account, number


class OptOutsUnavailableError(SmsClientError):
    """The opt-out list could not be read: nothing was sent to the numbers it was asked about."""


@runtime_checkable
class OptOutStore(Protocol):
    """What every store offers (SQLite, Redis, or your own)."""

    def add(self, provider: str, account: str, number: str, *, source: str = "manual") -> bool:
        """Add an entry; False if it was there already."""

    def remove(self, provider: str, account: str, number: str) -> bool:
        """Remove an entry (an opt-in); False if it was not there. Entries under ANY_ACCOUNT stay."""

    def is_opted_out(self, provider: str, account: str, number: str) -> bool:
        """True when ``number`` opted out of ``account`` (or of every account) on ``provider``."""

    def opted_out(self, provider: str, account: str, numbers: Iterable[str]) -> set[str]:
        """The ones of ``numbers`` (as given) that opted out: one query for a whole batch."""

    def entries(self, provider: str | None = None, account: str | None = None) -> list[OptOut]:
        """The entries, optionally of one provider and account, oldest first."""


# ------------------------------------------------------------------------------------ helpers


class Filtered(NamedTuple):
    """What :func:`filter` found: the numbers that may be sent to, and a typed refusal for each other one."""

    allowed: list[str]
    refused: list[OptedOutError]


def filter(store: OptOutStore, provider: str, account: str, numbers: Iterable[str]) -> Filtered:
    """``numbers`` in order, split into those that may be sent to and those that opted out (one
    :class:`OptedOutError` each, naming the number as given): one store query for the whole batch."""
    numbers = list(numbers)
    skipped = store.opted_out(provider, account, numbers)
    return Filtered(
        [n for n in numbers if n not in skipped],
        [OptedOutError(provider, account, n) for n in numbers if n in skipped],
    )


def check(store: OptOutStore, provider: str, account: str, number: str) -> None:
    """Raise :class:`OptedOutError` when ``number`` opted out (call it before a single send)."""
    if store.is_opted_out(provider, account, number):
        raise OptedOutError(provider, account, number)


def apply_event(store: OptOutStore, event: Any, *, account: str | None = None) -> str | None:
    """Update ``store`` from an inbound webhook event: STOP adds, START removes.

    The entry's account is ``account``, else the number the message was sent to, else (a provider
    that does not say, as a MessageMedia reply may not) :data:`ANY_ACCOUNT`: a STOP is never dropped.
    Returns what it did (``"added"``, ``"removed"``) or None (not a STOP or START).
    """
    keyword = getattr(event, "keyword", None)
    if getattr(event, "kind", None) != "inbound_message" or keyword not in ("stop", "start"):
        return None
    scope = account or getattr(event, "to", None) or ANY_ACCOUNT
    if keyword == "stop":
        store.add(event.provider, scope, event.from_, source="keyword")
        return "added"
    store.remove(event.provider, scope, event.from_)
    return "removed"


def recording(
    store: OptOutStore, handler: Callable[[Any], Any] | None = None, *, account: str | None = None
) -> Callable[[Any], Any]:
    """Wrap a webhook handler so every inbound STOP/START updates ``store`` before ``handler`` runs.

    Works for ``WebhookASGIApp`` and ``WebhookWSGIApp``; an ``async`` handler gives an ``async``
    wrapper (the store is written in a worker thread). If the store fails, the handler is not called
    and the receiver answers 500, so the provider sends the event again: no STOP is lost.
    """

    def record(event: Any) -> Any:
        apply_event(store, event, account=account)
        return None if handler is None else handler(event)

    if handler is not None and inspect.iscoroutinefunction(handler):

        async def record_async(event: Any) -> Any:
            await asyncio.to_thread(apply_event, store, event, account=account)
            return await handler(event)

        return record_async
    return record


def open_store(value: object, what: str = "optouts") -> tuple[OptOutStore, bool]:
    """The store ``value`` names, and whether it was opened here (so the caller closes it).

    As ``send_many``'s ``outbox=``: a file path (a SQLite list), a ``redis://``, ``rediss://`` or
    ``unix://`` URL (a shared list; extra ``redis``), or a store (anything with ``opted_out``).
    """
    if isinstance(value, str) and value.startswith(("redis://", "rediss://", "unix://")):
        try:
            return RedisOptOutStore.from_url(value), True
        except ImportError as exc:
            raise InputError(what, str(exc)) from exc
    if isinstance(value, str | PathLike):
        if not str(value).strip():
            raise InputError(what, "must be a file path, a redis:// URL or an opt-out store")
        try:
            return SQLiteOptOutStore(value), True
        except sqlite3.Error as exc:
            raise InputError(what, f"cannot open the opt-out list {value} ({exc})") from exc
    if callable(getattr(value, "opted_out", None)):
        return value, False  # type: ignore[return-value]  # duck-typed: only opted_out is needed to send
    raise InputError(what, "must be a file path, a redis:// URL or an opt-out store")


# ------------------------------------------------------------------------------------ SQLite


class _Lookups:
    """What both stores share: numbers made canonical once, then one batch lookup of their own."""

    def is_opted_out(self, provider: str, account: str, number: str) -> bool:
        return bool(self.opted_out(provider, account, [number]))

    def opted_out(self, provider: str, account: str, numbers: Iterable[str]) -> set[str]:
        given = {n: canonical(n) for n in numbers}
        if not given:
            return set()
        found = self._found(_provider(provider), canonical(account, "account"), sorted(set(given.values())))
        return {n for n, c in given.items() if c in found}

    def _found(self, provider: str, scope: str, wanted: list[str]) -> set[str]:
        """Which of ``wanted`` (canonical) are listed for ``scope`` or for every account."""
        raise NotImplementedError


class SQLiteOptOutStore(_Lookups):
    """The list in a SQLite file (created if missing; ``":memory:"`` for a throwaway one).

    Safe to share between threads; several processes may use one file (SQLite locks it).
    """

    def __init__(self, path: str | PathLike[str]) -> None:
        file_path(path, "optouts")
        self._lock = threading.Lock()
        if str(path) == ":memory:":
            self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        else:
            self._db = shared_sqlite(path, timeout=30)
        with self._lock:
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS optouts (provider TEXT NOT NULL, account TEXT NOT NULL,"
                " number TEXT NOT NULL, source TEXT NOT NULL, created_at REAL NOT NULL,"
                " PRIMARY KEY (provider, account, number))"
            )

    def add(self, provider: str, account: str, number: str, *, source: str = "manual") -> bool:
        key = _key(provider, account, number)
        with self._lock:
            cursor = self._db.execute(
                "INSERT OR IGNORE INTO optouts VALUES (?, ?, ?, ?, ?)", (*key, source, time.time())
            )
        return cursor.rowcount == 1

    def remove(self, provider: str, account: str, number: str) -> bool:
        with self._lock:
            cursor = self._db.execute(
                "DELETE FROM optouts WHERE provider = ? AND account = ? AND number = ?", _key(provider, account, number)
            )
        return cursor.rowcount > 0

    def _found(self, provider: str, scope: str, wanted: list[str]) -> set[str]:
        found: set[str] = set()
        with self._lock:
            for chunk in _chunks(wanted, 500):  # SQLite caps the parameters of one statement
                marks = ",".join("?" * len(chunk))
                rows = self._db.execute(
                    f"SELECT number FROM optouts WHERE provider = ? AND account IN (?, ?) AND number IN ({marks})",
                    (provider, scope, ANY_ACCOUNT, *chunk),
                )
                found.update(row[0] for row in rows)
        return found

    def entries(self, provider: str | None = None, account: str | None = None) -> list[OptOut]:
        query = "SELECT provider, account, number, source, created_at FROM optouts WHERE 1"
        arguments: list[str] = []
        if provider is not None:
            query, arguments = query + " AND provider = ?", [*arguments, _provider(provider)]
        if account is not None:
            query, arguments = query + " AND account = ?", [*arguments, canonical(account, "account")]
        with self._lock:
            rows = self._db.execute(query + " ORDER BY created_at, provider, account, number", arguments).fetchall()
        return [OptOut(*row) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> SQLiteOptOutStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


# ------------------------------------------------------------------------------------ Redis


class RedisOptOutStore(_Lookups):
    """The list in Redis, shared by every process that sends (extra ``redis``: redis-py).

    ``client`` is a ``redis.Redis``; each ``(provider, account)`` is one hash under ``prefix``
    (number -> JSON of source and time), so a batch check is one ``HMGET`` per account scope.
    """

    def __init__(self, client: Any, *, prefix: str = "smsclients:optouts:") -> None:
        self._redis = client
        self._prefix = prefix

    @classmethod
    def from_url(cls, url: str, *, prefix: str = "smsclients:optouts:") -> RedisOptOutStore:
        """A store on the Redis server at ``url`` (``redis://host:6379/0``); needs the extra ``redis``."""
        try:
            import redis
        except ImportError as exc:
            raise ImportError(
                "RedisOptOutStore.from_url needs the package redis, installed with the extra 'redis' "
                "(pip install '.[redis]' in a clone, or the built wheel with [redis]) or alone: pip install redis",
                name=exc.name,
            ) from exc
        return cls(redis.Redis.from_url(url), prefix=prefix)

    def _name(self, provider: str, account: str) -> str:
        return f"{self._prefix}{provider}:{account}"

    def add(self, provider: str, account: str, number: str, *, source: str = "manual") -> bool:
        provider, account, number = _key(provider, account, number)
        value = f"{source}|{time.time()!r}"
        return bool(self._redis.hsetnx(self._name(provider, account), number, value))

    def remove(self, provider: str, account: str, number: str) -> bool:
        provider, account, number = _key(provider, account, number)
        return bool(self._redis.hdel(self._name(provider, account), number))

    def _found(self, provider: str, scope: str, wanted: list[str]) -> set[str]:
        pipe = self._redis.pipeline(transaction=False)
        for name in {self._name(provider, scope), self._name(provider, ANY_ACCOUNT)}:
            pipe.hmget(name, wanted)
        return {n for values in pipe.execute() for n, v in zip(wanted, values, strict=True) if v is not None}

    def entries(self, provider: str | None = None, account: str | None = None) -> list[OptOut]:
        pattern = self._prefix + ("*" if provider is None else f"{_glob(_provider(provider))}:")
        pattern += "*" if account is None else _glob(canonical(account, "account"))
        out: list[OptOut] = []
        for raw_name in self._redis.scan_iter(match=pattern):
            name = raw_name.decode() if isinstance(raw_name, bytes) else str(raw_name)
            entry_provider, _, entry_account = name.removeprefix(self._prefix).partition(":")
            for raw_number, raw_value in self._redis.hgetall(name).items():
                number = raw_number.decode() if isinstance(raw_number, bytes) else str(raw_number)
                value = raw_value.decode() if isinstance(raw_value, bytes) else str(raw_value)
                source, _, created = value.rpartition("|")
                out.append(OptOut(entry_provider, entry_account, number, source, float(created)))
        return sorted(out, key=lambda e: (e.created_at, e.provider, e.account, e.number))

    def close(self) -> None:
        """Close the Redis client (only for a store made by :meth:`from_url`; yours is yours to close)."""
        self._redis.close()

    def __repr__(self) -> str:
        return f"{type(self).__name__}(prefix={self._prefix!r})"


# ------------------------------------------------------------------------------------ internals


def _provider(provider: str) -> str:
    if not isinstance(provider, str) or not provider.strip() or ":" in provider:
        raise InputError("provider", "must be a provider name (flowroute, bandwidth, messagemedia)")
    return provider.strip().lower()


def _key(provider: str, account: str, number: str) -> tuple[str, str, str]:
    return _provider(provider), canonical(account, "account"), canonical(number)


def _chunks(items: Sequence[str], size: int) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _glob(text: str) -> str:
    return re.sub(r"([*?\[\]\\])", r"\\\1", text)


# MessageMedia's own list kept in step (it imports the names above, hence last).
from .optouts_messagemedia import MessageMediaMirror, SyncResult  # noqa: E402
