"""Keeping credentials out of reprs, logs and exceptions.

Every object that holds a credential stores it as a :class:`Secret`, and every place that copies
headers or URLs into something a human may read (an exception, a log line) goes through
:func:`redact_headers` / :func:`redact_url` first.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Iterable, Mapping

import httpx

__all__ = ["REDACTED", "SENSITIVE_HEADERS", "Secret", "redact_headers", "redact_url"]

REDACTED = "<redacted>"

# Lower-case names: HTTP header names are case-insensitive.
SENSITIVE_HEADERS: frozenset[str] = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)

# Fallback for strings httpx cannot parse: "scheme://userinfo@rest" -> "scheme://rest".
_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*://)[^/?#@]*@")


class Secret:
    """A string that never shows itself by accident.

    ``repr()``/``str()``/f-strings give :data:`REDACTED`, so a secret that ends up in a log line, a
    traceback's locals or an attrs/dataclass repr stays hidden; :meth:`reveal` is the one explicit
    way to get the value (grep-able at every use).
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        if not isinstance(value, str):
            raise TypeError("Secret holds a str")
        self._value = value

    def reveal(self) -> str:
        """Return the secret value; call it only where the value is put on the wire."""
        return self._value

    def __repr__(self) -> str:
        return REDACTED

    def __str__(self) -> str:
        return REDACTED

    def __format__(self, format_spec: str) -> str:
        return REDACTED

    def __eq__(self, other: object) -> bool:
        # Constant-time comparison: equality checks on credentials should not leak timing.
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> str:
        # Pickling would write the clear value somewhere we do not control.
        raise TypeError("Secret values cannot be pickled")


def redact_headers(headers: Mapping[str, str] | httpx.Headers | Iterable[tuple[str, str]]) -> dict[str, str]:
    """Return a plain dict copy of ``headers`` with credential-bearing values replaced by REDACTED.

    Names keep the spelling they arrived with (httpx.Headers yields them lower-cased); repeated
    headers are joined with ", " as httpx does.
    """
    items: Iterable[tuple[str, str]]
    if isinstance(headers, httpx.Headers):
        items = headers.multi_items()
    elif isinstance(headers, Mapping):
        items = headers.items()
    else:
        items = headers
    result: dict[str, str] = {}
    for name, value in items:
        shown = REDACTED if name.lower() in SENSITIVE_HEADERS else value
        result[name] = f"{result[name]}, {shown}" if name in result else shown
    return result


# Query parameters that carry a credential: a pre-signed storage URL (a Flowroute CDR export's
# download_url) is a time-limited key to the file, as good as a password until it expires.
_SECRET_QUERY = re.compile(
    r"(^|[-_])(signature|sig|token|secret|password|credential|auth|key|api[-_]?key|access[-_]?key)$", re.IGNORECASE
)


def redact_url(url: str | httpx.URL) -> str:
    """Return ``url`` without what carries credentials: its userinfo (``user:password@``) and the
    values of query parameters named like signatures, tokens or keys (``X-Amz-Signature=[REDACTED]``)."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return _USERINFO.sub(r"\g<scheme>", str(url))
    if parsed.userinfo:
        parsed = parsed.copy_with(userinfo=b"")
    if parsed.query and any(_SECRET_QUERY.search(name) for name in parsed.params):
        params = [
            (name, REDACTED if _SECRET_QUERY.search(name) else value) for name, value in parsed.params.multi_items()
        ]
        parsed = parsed.copy_with(params=params)
    return str(parsed)
