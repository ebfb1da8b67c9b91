"""Settings of the legacy drop-ins: read on every call, the modern client built on first use.

The vendor SDKs stored what their constructors were given and read their settings (a class-level
``Configuration``, an ``api_endpoint`` attribute, credentials that may be ``None``) each time a
request was made, so a missing credential or an unusable URL failed on the first call, never when
the object was built. Applications rely on that: they build their controllers at import time from
``os.environ.get(...)``. :class:`LazyClient` keeps that contract for every drop-in: each call
resolves the current settings into a key, and the modern client is (re)built only when the key
changes, so the checks of the modern client run, and fail, on use.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable, Mapping
from functools import cache
from typing import Any, Generic, Protocol, TypeVar, cast

from ..config import MissingSettingError, environment_variable
from ..errors import ClientStateError, InputError
from ..http import require_secure_url
from ..redaction import Secret

__all__ = [
    "LazyClient",
    "checked_base_url",
    "environment_setting",
    "hidden",
    "missing_setting",
    "refused_input",
    "revealed",
]


class _SupportsClose(Protocol):
    def close(self) -> None: ...


C = TypeVar("C", bound=_SupportsClose)
E = TypeVar("E", bound=BaseException)
K = TypeVar("K", bound=Hashable)


class LazyClient(Generic[K, C]):
    """The modern client for the current settings: built by ``build(key)`` on first use, rebuilt when the key changes.

    A client replaced by a newer one is closed with :meth:`close`, not at once: a call in another
    thread may still be using it. A ``build`` that raises leaves the current client in place. After
    :meth:`close`, :meth:`get` raises :class:`~smsclients.errors.ClientStateError`.
    """

    def __init__(self, build: Callable[[K], C]) -> None:
        self._build = build
        self._lock = threading.Lock()
        self._key: K | None = None
        self._client: C | None = None
        self._retired: list[C] = []
        self._closed = False

    def get(self, key: K) -> C:
        with self._lock:
            if self._closed:
                # As the modern clients: nothing is sent once closed (a new client would be built otherwise).
                raise ClientStateError("this client was closed; create a new one to send again")
            if self._client is None or key != self._key:
                client = self._build(key)
                if self._client is not None:
                    self._retired.append(self._client)
                self._client, self._key = client, key
            return self._client

    @property
    def current(self) -> C | None:
        """The client last built, if any (for reprs; never builds one)."""
        return self._client

    def close(self) -> None:
        with self._lock:
            clients = [*self._retired, *([self._client] if self._client is not None else [])]
            self._retired, self._client, self._key, self._closed = [], None, None, True
        for client in clients:
            client.close()


def environment_setting(provider: str, parameter: str, environ: Mapping[str, str]) -> str | None:
    """``<PROVIDER>_<PARAMETER>`` from ``environ`` (the modern clients' names), ``None`` when unset or empty."""
    return environ.get(environment_variable(provider, parameter)) or None


def checked_base_url(url: object, *, field: str, example: str) -> str:
    """``url`` if the modern client may send credentials to it; the error shows ``example``, a valid URL.

    The rule is the modern clients' (https, or http to a loopback host); the error never echoes the
    rejected value as if it were an example to follow.
    """
    if not isinstance(url, str):
        raise InputError(field, f"must be a URL string, e.g. {example}")
    try:
        return require_secure_url(url, field=field)
    except InputError as error:
        rule = error.rule.split("; got ", 1)[0]
        raise type(error)(field, f"{rule}; e.g. {example}") from None


@cache
def _combined(legacy_base: type[BaseException], error_class: type[BaseException]) -> type[BaseException]:
    # Named and placed like the legacy class, so tracebacks read as the SDK's did.
    namespace = {"__module__": legacy_base.__module__, "__qualname__": legacy_base.__qualname__}
    return type(legacy_base.__name__, (legacy_base, error_class), namespace)


def _as_legacy(legacy_base: type[E], error_class: type[InputError], init: Callable[[Any], None], attributes: Any) -> E:
    cls = cast(type[E], _combined(cast(Any, legacy_base), cast(Any, error_class)))
    error = cls.__new__(cls)
    init(error)
    error.__dict__.update(attributes)
    return error


def missing_setting(legacy_base: type[E], parameter: str, variable: str, **attributes: Any) -> E:
    """A :class:`~smsclients.config.MissingSettingError` that is also the SDK's exception ``legacy_base``.

    Raised on the first call of a drop-in built without a credential (the vendor SDK sent the
    request and got its API's 401 then): ``except`` clauses written for either class catch it, and
    ``attributes`` are the ones the SDK's exception documents (``response_code``, ...).
    """

    def init(error: Any) -> None:
        MissingSettingError.__init__(error, parameter, variable)

    return _as_legacy(legacy_base, MissingSettingError, init, attributes)


def refused_input(legacy_base: type[E], error: InputError, **attributes: Any) -> E:
    """``error`` (a request refused before sending) as also the SDK's exception ``legacy_base``.

    The vendor SDK sent such a request and raised ``legacy_base`` with the API's error answer;
    code written for it (``except APIException as e: e.response_code``) keeps working, and code
    written for :class:`~smsclients.InputError` (``field``, ``rule``) too. ``attributes`` are the
    SDK exception's, describing the answer the API documents for such a request.
    """

    def init(new: Any) -> None:
        type(error).__init__(new, error.field, error.rule)
        new.__dict__.update({key: value for key, value in vars(error).items() if key not in attributes})

    return _as_legacy(legacy_base, type(error), init, attributes)


def hidden(value: Any) -> Any:
    """A credential kept for later use: a str becomes a :class:`~smsclients.redaction.Secret` (never in a repr)."""
    return Secret(value) if isinstance(value, str) else value


def revealed(value: Any) -> Any:
    """The value :func:`hidden` kept."""
    return value.reveal() if isinstance(value, Secret) else value
