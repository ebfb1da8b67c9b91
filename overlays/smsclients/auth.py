"""httpx authentication for the providers: HTTP Basic (all three) and MessageMedia's HMAC signature.

Both are ``httpx.Auth`` classes so they sign each request as it is sent (the HMAC covers the
request's date, body and path). Credentials are held as :class:`~smsclients.redaction.Secret`
and never appear in a repr.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Generator
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx

from .errors import InputError
from .redaction import CredentialScrubber, Secret

__all__ = [
    "HMAC_ALGORITHMS",
    "RESIGN_EXTENSION",
    "BasicAuth",
    "MessageMediaHmacAuth",
    "RequestSigner",
    "content_md5",
    "hmac_authorization",
    "hmac_signature",
    "hmac_signing_string",
    "http_date",
]

# Name used in the Authorization header -> digest. The SDK line uses hmac-sha1; MessageMedia's
# current docs moved to hmac-sha256 (docs/providers.md §4.6), so both are accepted.
HMAC_ALGORITHMS: dict[str, str] = {"hmac-sha1": "sha1", "hmac-sha256": "sha256", "hmac-sha512": "sha512"}


# The request extension under which smsclients.http leaves ``sign`` for a signer whose signature
# goes stale (it covers the date): the retry transport signs each retry afresh with it.
RESIGN_EXTENSION = "smsclients.resign"


class RequestSigner(httpx.Auth):
    """An ``httpx.Auth`` that needs one look at the request and never at the response.

    That is true of both provider schemes, and it lets :mod:`smsclients.http` sign a request with
    one method call instead of driving httpx's generator-based auth flow on every request.
    ``signs_each_attempt`` marks a signature that depends on the time of sending: the retry
    transport calls :meth:`sign` again before each retry (see :data:`RESIGN_EXTENSION`).
    """

    signs_each_attempt = False
    # What of the credentials must never reach error text (see smsclients.redaction); none by default.
    scrubber = CredentialScrubber()

    def sign(self, request: httpx.Request) -> None:
        """Add the authentication headers to ``request``."""
        raise NotImplementedError

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        self.sign(request)
        yield request


class BasicAuth(RequestSigner):
    """``Authorization: Basic base64(username:password)``; the repr shows the username only."""

    def __init__(self, username: str, password: str) -> None:
        self.username = username
        token = base64.b64encode(f"{username}:{password}".encode()).decode("ascii")
        # Only the finished header is kept: the password itself is not needed again.
        self._header = Secret(f"Basic {token}")
        # The username too: Bandwidth's is an API token; only the repr shows it, by name.
        self.scrubber = CredentialScrubber([username, password], basic=(username, password))

    def sign(self, request: httpx.Request) -> None:
        request.headers["Authorization"] = self._header.reveal()

    def __repr__(self) -> str:
        return f"BasicAuth(username={self.username!r})"


def http_date(moment: datetime) -> str:
    """RFC 7231 IMF-fixdate in GMT, e.g. ``Wed, 08 Feb 2023 03:00:00 GMT``; a naive datetime is taken as UTC."""
    aware = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return format_datetime(aware, usegmt=True)


def content_md5(body: bytes) -> str:
    """Lowercase hex MD5 of the exact body bytes (MessageMedia's ``x-Content-MD5``; hex, not base64)."""
    return hashlib.md5(body, usedforsecurity=False).hexdigest()


def hmac_signing_string(
    *,
    method: str,
    path: str,
    date: str,
    body_md5: str | None = None,
    date_header: str = "date",
    content_md5_header: str = "x-Content-MD5",
) -> str:
    """The text MessageMedia signs: ``date: <date>\\n`` [``x-Content-MD5: <md5>\\n``] ``<METHOD> <path> HTTP/1.1``."""
    lines = [f"{date_header}: {date}"]
    if body_md5 is not None:
        lines.append(f"{content_md5_header}: {body_md5}")
    lines.append(f"{method.upper()} {path} HTTP/1.1")
    return "\n".join(lines)


def hmac_signature(
    secret: str,
    *,
    method: str,
    path: str,
    date: str,
    body_md5: str | None = None,
    algorithm: str = "hmac-sha1",
    date_header: str = "date",
    content_md5_header: str = "x-Content-MD5",
) -> str:
    """Base64 (standard, padded) HMAC of the signing string, keyed with the API secret. Pure: no clock, no I/O."""
    digest = _digest_name(algorithm)
    signing_string = hmac_signing_string(
        method=method,
        path=path,
        date=date,
        body_md5=body_md5,
        date_header=date_header,
        content_md5_header=content_md5_header,
    )
    mac = hmac.new(secret.encode("utf-8"), signing_string.encode("utf-8"), digest)
    return base64.b64encode(mac.digest()).decode("ascii")


def hmac_authorization(
    api_key: str,
    signature: str,
    *,
    with_body: bool,
    algorithm: str = "hmac-sha1",
    date_header: str = "date",
    content_md5_header: str = "x-Content-MD5",
) -> str:
    """The ``Authorization`` value: ``hmac username="…", algorithm="…", headers="…", signature="…"``."""
    signed = f"{date_header} {content_md5_header} request-line" if with_body else f"{date_header} request-line"
    return f'hmac username="{api_key}", algorithm="{algorithm}", headers="{signed}", signature="{signature}"'


def _digest_name(algorithm: str) -> str:
    try:
        return HMAC_ALGORITHMS[algorithm]
    except KeyError:
        raise InputError("algorithm", f"must be one of {', '.join(sorted(HMAC_ALGORITHMS))}") from None


class MessageMediaHmacAuth(RequestSigner):
    """MessageMedia HMAC request signing, the SDK form of docs/providers.md §4.6 (done right).

    Unlike the legacy SDK it signs the real method (a PUT as PUT), the real path with the message id
    substituted, and the exact body bytes. Header names and algorithm are configurable because the
    vendor's docs and SDK disagree on them. ``clock`` exists for known-answer tests.
    """

    requires_request_body = True  # the MD5 covers the body, so httpx must read it before auth_flow
    signs_each_attempt = True  # the signature covers the date header

    def __init__(
        self,
        api_key: str,
        api_secret: str,
        *,
        algorithm: str = "hmac-sha1",
        date_header: str = "date",
        content_md5_header: str = "x-Content-MD5",
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        _digest_name(algorithm)  # fail at construction, not on the first request
        self.api_key = api_key
        self._secret = Secret(api_secret)
        self.scrubber = CredentialScrubber([api_key, api_secret])
        self.algorithm = algorithm
        self.date_header = date_header
        self.content_md5_header = content_md5_header
        self._clock = clock if clock is not None else (lambda: datetime.now(UTC))

    def sign(self, request: httpx.Request) -> None:
        """Set the date, body-MD5 (only with a body) and Authorization headers on ``request``."""
        date = http_date(self._clock())
        body = request.content
        body_md5 = content_md5(body) if body else None
        signature = hmac_signature(
            self._secret.reveal(),
            method=request.method,
            path=request.url.raw_path.decode("ascii"),
            date=date,
            body_md5=body_md5,
            algorithm=self.algorithm,
            date_header=self.date_header,
            content_md5_header=self.content_md5_header,
        )
        request.headers[self.date_header] = date
        if body_md5 is not None:
            request.headers[self.content_md5_header] = body_md5
        request.headers["Authorization"] = hmac_authorization(
            self.api_key,
            signature,
            with_body=body_md5 is not None,
            algorithm=self.algorithm,
            date_header=self.date_header,
            content_md5_header=self.content_md5_header,
        )

    def __repr__(self) -> str:
        return f"MessageMediaHmacAuth(api_key={self.api_key!r}, algorithm={self.algorithm!r})"
