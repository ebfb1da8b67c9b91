"""Rate limits as each provider defines them: which answers mean "too fast", and when to come back.

A spec describes its provider's signals in the ``x-rate-limits`` extension (specs/CONVENTIONS.md,
"On the document"); the generator carries it to the generated package (``resources.EXTENSIONS``)
and :meth:`RateLimits.from_extensions` reads it here, so this module knows no provider:

* ``signals``: the statuses that mean "rate limited", each optionally only with the error codes
  listed (a 403 is a rate limit only with ``message-rate-limit``, else a plain refusal). Such an
  answer raises :class:`~smsclients.errors.RateLimitError`; the provider refused the request before
  accepting it, so the retry layer may send it again, a message send included;
* ``retry-headers``: the headers that say when to come back (the longest wait they give counts):
  ``retry-after`` (seconds or an HTTP date), ``epoch-ms`` / ``epoch-s`` (the moment the limit resets);
* ``pacing``: the documented sending rates, the defaults of opt-in pacing (:mod:`smsclients.sending.pacing`).

Without the extension, 429 with ``Retry-After`` is the rule (what HTTP says).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from .errors import ErrorDetails, parse_retry_after

__all__ = ["DEFAULT_RATE_LIMITS", "Pace", "PacingRules", "RateLimit", "RateLimits", "RetryHeader", "Signal"]

_HEADER_FORMATS = ("retry-after", "epoch-ms", "epoch-s")


class RateLimitSpecError(ValueError):
    """The spec's ``x-rate-limits`` is not of the documented shape (a bug in the spec, caught at import)."""


@dataclass(frozen=True)
class Signal:
    """An answer that means "rate limited": its status, and the error codes that qualify it (None: any)."""

    status: int
    codes: frozenset[str] | None = None


@dataclass(frozen=True)
class RetryHeader:
    """A header that says when to come back, and how its value reads."""

    name: str
    format: str = "retry-after"

    def seconds(self, value: str, now: datetime) -> float | None:
        """The wait the value asks for (>= 0), or None when it is absent or unreadable."""
        if self.format == "retry-after":
            return parse_retry_after(value, now=now)
        try:
            moment = float(value.strip())
        except ValueError:
            return None
        if not math.isfinite(moment) or moment < 0:
            return None
        if self.format == "epoch-ms":
            moment /= 1000.0
        return max(0.0, moment - now.timestamp())


@dataclass(frozen=True)
class Pace:
    """``rate`` messages per ``per`` seconds."""

    rate: int
    per: float = 1.0


@dataclass(frozen=True)
class PacingRules:
    """What a spec says about pacing: the methods that send (the generated names of the operations
    it lists), where the messages and the sender
    number are in their bodies, and the documented default rates (None: not documented)."""

    operations: frozenset[str] = frozenset()
    messages: str | None = None  # the body member holding the list of messages (None: the body is one or a list)
    sender: str | None = None  # the member of a message naming the sender number
    account: Pace | None = None
    sender_number: Pace | None = None


@dataclass(frozen=True)
class RateLimits:
    """A provider's rate-limit signals and hints; see the module docstring."""

    signals: tuple[Signal, ...] = (Signal(429),)
    retry_headers: tuple[RetryHeader, ...] = (RetryHeader("Retry-After"),)
    pacing: PacingRules = field(default_factory=PacingRules)

    @classmethod
    def from_extensions(cls, extensions: Mapping[str, Any]) -> RateLimits:
        """Read a generated package's ``EXTENSIONS`` (its ``x-rate-limits``); the default without one."""
        raw = extensions.get("x-rate-limits")
        if raw is None:
            return DEFAULT_RATE_LIMITS
        try:
            return _parse(raw)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RateLimitSpecError(f"x-rate-limits is malformed: {type(exc).__name__}: {exc}") from exc

    @property
    def statuses(self) -> frozenset[int]:
        """Every status that may mean "rate limited"."""
        return frozenset(signal.status for signal in self.signals)

    def needs_code(self, status: int) -> bool:
        """Whether telling a rate limit at this status needs the error code (so the body)."""
        return any(signal.status == status and signal.codes is not None for signal in self.signals) and not any(
            signal.status == status and signal.codes is None for signal in self.signals
        )

    def matches(self, status: int, code: str | None) -> bool:
        """Whether an answer with this status and error code is a rate limit."""
        for signal in self.signals:
            if signal.status == status and (signal.codes is None or (code is not None and code in signal.codes)):
                return True
        return False

    def wait(self, headers: httpx.Headers | Mapping[str, str], now: datetime | None = None) -> float | None:
        """Seconds to wait before coming back: the longest wait any readable retry header asks for
        (coming back at the earlier one would only be refused again); None: no hint."""
        moment = now if now is not None else datetime.now(UTC)
        waits = []
        for header in self.retry_headers:
            value = headers.get(header.name)
            if isinstance(value, str):
                seconds = header.seconds(value, moment)
                if seconds is not None:
                    waits.append(seconds)
        return max(waits) if waits else None


DEFAULT_RATE_LIMITS = RateLimits()
MEMORY = "memory://"


@dataclass(frozen=True)
class RateLimit:
    """Pacing settings: ``account`` and ``sender`` rates as ``(messages, seconds)`` (None: the
    spec's documented default), ``storage`` (``memory://`` or a ``redis://`` URL) and ``namespace``
    (the buckets' name; clients of one account share them)."""

    account: tuple[int, int] | None = None
    sender: tuple[int, int] | None = None
    storage: str = MEMORY
    namespace: str | None = None

    def __repr__(self) -> str:
        # A redis:// URL may carry a password: never in a repr.
        from .redaction import redact_url

        storage = redact_url(self.storage) if self.storage != MEMORY else MEMORY
        return (
            f"RateLimit(account={self.account!r}, sender={self.sender!r}, storage={storage!r}, "
            f"namespace={self.namespace!r})"
        )


def _pace(raw: Any) -> Pace | None:
    if raw is None:
        return None
    rate, per = raw["rate"], raw.get("per", 1)
    if isinstance(rate, bool) or not isinstance(rate, int) or rate < 1:
        raise ValueError("rate must be a positive integer")
    if isinstance(per, bool) or not isinstance(per, int | float) or not per > 0:
        raise ValueError("per must be a positive number of seconds")
    return Pace(rate, float(per))


def _parse(raw: Mapping[str, Any]) -> RateLimits:
    signals = tuple(
        Signal(int(item["status"]), frozenset(str(code) for code in item["codes"]) if "codes" in item else None)
        for item in raw.get("signals", [{"status": 429}])
    )
    headers = []
    for item in raw.get("retry-headers", [{"name": "Retry-After"}]):
        header = RetryHeader(str(item["name"]), str(item.get("format", "retry-after")))
        if header.format not in _HEADER_FORMATS:
            raise ValueError(f"unknown header format {header.format!r}")
        headers.append(header)
    pacing_raw = raw.get("pacing") or {}
    pacing = PacingRules(
        operations=frozenset(str(name) for name in pacing_raw.get("methods", ())),
        messages=pacing_raw.get("messages"),
        sender=pacing_raw.get("sender"),
        account=_pace(pacing_raw.get("account")),
        sender_number=_pace(pacing_raw.get("sender-number")),
    )
    return RateLimits(signals, tuple(headers), pacing)


def error_code(response: httpx.Response, parse_error: Callable[[object], ErrorDetails]) -> str | None:
    """The provider's error code in an answer whose body was read (None when there is none)."""
    from .errors import _parse_json  # the tolerant body reader the typed errors use

    try:
        text = response.content.decode(response.charset_encoding or "utf-8", errors="replace")
    except (httpx.ResponseNotRead, LookupError):
        return None
    body = _parse_json(response, text)
    if body is None:
        return None
    try:
        details = parse_error(body)
    except Exception:  # a parser must not raise; if one does, there is no code to read
        return None
    return details.code if isinstance(details, ErrorDetails) else None
