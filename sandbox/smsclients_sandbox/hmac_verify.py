"""Server-side check of MessageMedia HMAC request signatures.

Written from the documented algorithm (docs/providers.md §4.6, the ``hmacAuth`` scheme in
``specs/messagemedia-messages-v1.yaml``) and deliberately independent of any client signer, so
a bug in the client cannot be mirrored here and pass unnoticed.

The request carries::

    date: Wed, 08 Feb 2023 03:00:00 GMT                 (RFC 7231 IMF-fixdate)
    x-Content-MD5: <lowercase hex MD5 of the body>     (only when there is a body)
    Authorization: hmac username="<key>", algorithm="hmac-sha1",
                   headers="date x-Content-MD5 request-line", signature="<base64>"

and the signature is ``base64(HMAC(secret, signing string))`` where the signing string joins, in
the order of ``headers``, ``<name>: <value>`` for each header and ``<METHOD> <path> HTTP/1.1``
for ``request-line``, with ``\\n`` and no trailing newline.

Because the documentation disagrees on spellings (``Date``/``Content-MD5`` and ``hmac-sha256``
in the API docs versus the SDK's ``date``/``x-Content-MD5``/``hmac-sha1``), header names are
taken as listed by the client and both algorithms are accepted. Which path a client signs
behind the sandbox's mount prefix is not documented either, so the caller passes every
acceptable request-line path (with and without the prefix).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

ALGORITHMS: dict[str, str] = {"hmac-sha1": "sha1", "hmac-sha256": "sha256"}
BODY_HASH_HEADERS = ("x-content-md5", "content-md5")
_PARAM = re.compile(r'\s*([A-Za-z]+)\s*=\s*"([^"]*)"\s*(?:,|$)')


class HmacError(Exception):
    """Why a signature was rejected (shown to the client in the 403 body)."""


@dataclass(frozen=True)
class HmacCredentials:
    """The parsed ``Authorization: hmac ...`` parameters."""

    username: str
    algorithm: str
    headers: tuple[str, ...]
    signature: str


def parse_authorization(value: str) -> HmacCredentials:
    """Parse ``hmac username="…", algorithm="…", headers="…", signature="…"``."""
    scheme, _, rest = value.strip().partition(" ")
    if scheme.lower() != "hmac":
        raise HmacError("Authorization scheme is not hmac")
    params: dict[str, str] = {}
    pos = 0
    rest = rest.strip()
    while pos < len(rest):
        found = _PARAM.match(rest, pos)
        if not found:
            raise HmacError("malformed hmac Authorization header")
        params[found.group(1).lower()] = found.group(2)
        pos = found.end()
    missing = [p for p in ("username", "algorithm", "headers", "signature") if not params.get(p)]
    if missing:
        raise HmacError(f"hmac Authorization header lacks {', '.join(missing)}")
    return HmacCredentials(
        username=params["username"],
        algorithm=params["algorithm"].lower(),
        headers=tuple(params["headers"].split()),
        signature=params["signature"],
    )


def verify(
    *,
    authorization: str,
    method: str,
    paths: Iterable[str],
    headers: Mapping[str, str],
    body: bytes,
    secret_for: Callable[[str], str | None],
    now: datetime | None = None,
    max_skew: timedelta = timedelta(minutes=5),
) -> str:
    """Check one request; return the API key on success, raise :class:`HmacError` otherwise.

    ``headers`` must be case-insensitive (HTTP header names are); ``paths`` are the request-line
    paths the server accepts for this request.
    """
    creds = parse_authorization(authorization)
    secret = secret_for(creds.username)
    if secret is None:
        raise HmacError("unknown API key")
    digestmod = ALGORITHMS.get(creds.algorithm)
    if digestmod is None:
        raise HmacError(f"unsupported algorithm {creds.algorithm!r}")

    listed = [h.lower() for h in creds.headers]
    if "date" not in listed:
        raise HmacError("the signed headers must include date")
    if "request-line" not in listed:
        raise HmacError("the signed headers must include request-line")
    if body and not any(h in listed for h in BODY_HASH_HEADERS):
        raise HmacError("a request with a body must sign x-Content-MD5")

    _check_date(headers.get("date"), now or datetime.now(UTC), max_skew)
    for name in creds.headers:
        if name.lower() in BODY_HASH_HEADERS:
            _check_body_hash(headers.get(name), body)

    expected = creds.signature.strip()
    for path in paths:
        signing_string = _signing_string(creds.headers, headers, f"{method.upper()} {path} HTTP/1.1")
        mac = hmac.new(secret.encode("utf-8"), signing_string.encode("utf-8"), digestmod)
        if hmac.compare_digest(base64.b64encode(mac.digest()).decode("ascii"), expected):
            return creds.username
    raise HmacError("signature does not match")


def _check_date(value: str | None, now: datetime, max_skew: timedelta) -> None:
    if not value:
        raise HmacError("missing date header")
    try:
        sent = parsedate_to_datetime(value)
    except (TypeError, ValueError) as exc:
        raise HmacError("date header is not an RFC 7231 date") from exc
    if sent.tzinfo is None:
        raise HmacError("date header has no time zone (expected GMT)")
    if abs(now - sent) > max_skew:
        raise HmacError("date header is too far from the server time (stale or future request)")


def _check_body_hash(value: str | None, body: bytes) -> None:
    if not value:
        raise HmacError("missing x-Content-MD5 header")
    if value.strip().lower() != hashlib.md5(body).hexdigest():
        raise HmacError("x-Content-MD5 does not match the body")


def _signing_string(names: Iterable[str], headers: Mapping[str, str], request_line: str) -> str:
    lines = []
    for name in names:
        if name.lower() == "request-line":
            lines.append(request_line)
        else:
            value = headers.get(name)
            if value is None:
                raise HmacError(f"signed header {name} is missing")
            lines.append(f"{name}: {value}")
    return "\n".join(lines)
