"""Keeping credentials out of reprs, logs and exceptions.

Every object that holds a credential stores it as a :class:`Secret`, and every place that copies
headers or URLs into something a human may read (an exception, a log line) goes through
:func:`redact_headers` / :func:`redact_url` first.
"""

from __future__ import annotations

import base64
import hmac
import logging
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, quote_plus

import httpx

__all__ = [
    "REDACTED",
    "SENSITIVE_HEADERS",
    "CredentialScrubber",
    "RedactingFilter",
    "Secret",
    "redact_headers",
    "redact_text",
    "redact_url",
    "shown_url",
]

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


# Fallback for strings httpx cannot parse: the value of every name=value pair named like a credential.
_SECRET_PAIR = re.compile(
    r"(?P<name>[A-Za-z0-9_.-]*(?:signature|sig|token|secret|password|credential|auth|key))=[^&#\s]*", re.IGNORECASE
)


def redact_url(url: str | httpx.URL) -> str:
    """Return ``url`` without what carries credentials: its userinfo (``user:password@``) and the
    values of query parameters named like signatures, tokens or keys (``X-Amz-Signature=[REDACTED]``)."""
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return _SECRET_PAIR.sub(rf"\g<name>={REDACTED}", _USERINFO.sub(r"\g<scheme>", str(url)))
    if parsed.userinfo:
        parsed = parsed.copy_with(userinfo=b"")
    if parsed.query and any(_SECRET_QUERY.search(name) for name in parsed.params):
        params = [
            (name, REDACTED if _SECRET_QUERY.search(name) else value) for name, value in parsed.params.multi_items()
        ]
        parsed = parsed.copy_with(params=params)
    return str(parsed)


# A URL inside free text (a log line, an error body): scheme to the next blank or quote.
_URL_IN_TEXT = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^\s\"'<>]+")


def shown_url(url: object) -> object:
    """What a repr shows of a URL setting: :func:`redact_url` of a string, anything else (None) as is."""
    return redact_url(url) if isinstance(url, str | httpx.URL) else url


def redact_text(text: str) -> str:
    """``text`` with every URL in it passed through :func:`redact_url`."""
    if "://" not in text:
        return text
    return _URL_IN_TEXT.sub(lambda match: redact_url(match.group(0)), text)


# Shorter values are not scrubbed from text: they would match ordinary words and digits.
_MIN_SECRET_LENGTH = 4


def _forms(value: str) -> set[str]:
    """The ways a credential shows up in text: as is, URL-encoded (both ways), base64 (with and without padding)."""
    encoded = base64.b64encode(value.encode()).decode("ascii")
    return {value, quote(value, safe=""), quote_plus(value), encoded, encoded.rstrip("=")}


class CredentialScrubber:
    """Removes one client's credentials, in every form they travel in, from text a human may read.

    ``secrets`` are the secret values; ``basic`` the ``(username, password)`` of HTTP Basic, whose
    ``username:password`` and its base64 (the token of the ``Authorization`` header) are secret too.
    A 401 body that echoes what was sent, a proxy's error page quoting the header: they reach an
    exception only through :meth:`text` / :meth:`bytes`. The repr shows nothing.
    """

    __slots__ = ("_byte_forms", "_forms")

    def __init__(self, secrets: Iterable[str] = (), *, basic: tuple[str, str] | None = None) -> None:
        forms: set[str] = set()
        for value in secrets:
            forms |= _forms(value)
        if basic is not None:
            forms |= _forms(f"{basic[0]}:{basic[1]}")
        # Longest first, so a token is replaced whole before a part of it could be.
        self._forms = sorted((form for form in forms if len(form) >= _MIN_SECRET_LENGTH), key=len, reverse=True)
        self._byte_forms = [form.encode() for form in self._forms]

    def text(self, value: str) -> str:
        for form in self._forms:
            if form in value:
                value = value.replace(form, REDACTED)
        return value

    def bytes(self, value: bytes) -> bytes:
        marker = REDACTED.encode()
        for form in self._byte_forms:
            if form in value:
                value = value.replace(form, marker)
        return value

    def __bool__(self) -> bool:
        return bool(self._forms)

    def __repr__(self) -> str:
        return "CredentialScrubber(<redacted>)"

    def __reduce__(self) -> str:
        raise TypeError("CredentialScrubber cannot be pickled")


class RedactingFilter(logging.Filter):
    """A logging filter that passes every URL of a record's message through :func:`redact_url`.

    httpx logs each request's full URL (``HTTP Request: GET https://...?X-Amz-Signature=...``); on
    the loggers and the handler ``SMSCLIENTS_LOG`` installs, this keeps the signature out.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not format: leave it to the handler's own error path
            return True
        redacted = redact_text(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True
