"""Checking that a webhook really comes from the provider, in the way each one documents.

* MessageMedia signs ("enterprise webhooks"): an RSA signature over Request-Line + Date + Body,
  verified with the account's public key; see the comment above ``webhooks`` in
  ``specs/messagemedia-messages-v1.yaml``. Needs the extra ``webhooks`` (``cryptography``).
* Flowroute does not sign; it documents its source addresses (``specs/flowroute-messages-v2.yaml``,
  webhook ``inboundMessage``): :func:`check_source_address`.
* Bandwidth does not sign; it sends the Basic credentials embedded in the callback URL
  (``specs/bandwidth-messaging-v1.yaml``, comment above ``webhooks``): :func:`check_basic_auth`.

Every failed check raises :class:`WebhookVerificationError` naming the check; no message repeats a
credential, a signature or a header value.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

from ..errors import InputError
from ..redaction import Secret
from ._common import HeaderItems, header_items
from .errors import WebhookVerificationError
from .forwarded import Network, client_address, networks
from .replay import DEFAULT_MAX_CLOCK_SKEW, ReplayCache
from .request import WebhookRequest

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

__all__ = [
    "DEFAULT_MAX_CLOCK_SKEW",
    "FLOWROUTE_SOURCE_ADDRESSES",
    "MESSAGEMEDIA_DIGESTS",
    "MESSAGEMEDIA_SIGNATURE_HEADERS",
    "BasicAuthVerifier",
    "MessageMediaSignatureVerifier",
    "ReplayCache",
    "SourceAddressVerifier",
    "Verifier",
    "check_basic_auth",
    "check_source_address",
    "load_public_key",
    "messagemedia_request_lines",
    "messagemedia_signing_string",
    "verify_messagemedia_signature",
]

MESSAGEMEDIA_SIGNATURE_HEADERS = (
    "X-MESSAGEMEDIA-SIGNATURE",
    "X-MESSAGEMEDIA-KEY-ID",
    "X-MESSAGEMEDIA-CIPHER-TYPE",
    "X-MESSAGEMEDIA-DIGEST-TYPE",
    "Date",
)
MESSAGEMEDIA_DIGESTS = ("SHA224", "SHA256", "SHA512")

FLOWROUTE_SOURCE_ADDRESSES = ("52.88.246.140", "52.10.220.50")
"""The addresses Flowroute's inbound-message article lists (see the spec); confirm the current
list with Flowroute and pass your own to :class:`SourceAddressVerifier` when it differs."""


class Verifier(Protocol):
    """Anything that checks a :class:`WebhookRequest` and raises :class:`WebhookVerificationError`.

    A verifier may also have ``accepted(request)`` and ``released(request)``: the receivers call
    one of them for every request the verifier passed, ``accepted`` once the handler has taken the
    event, ``released`` when it was not handled (a replay check claims a request in ``verify`` and
    remembers or forgets it then).
    """

    def verify(self, request: WebhookRequest) -> None: ...


# ------------------------------------------------------------------------------- MessageMedia


def messagemedia_signing_string(request_line: str, date: str, body: bytes) -> bytes:
    """Request-Line + Date + Body, "without any spaces in between" (the spec's comparison string)."""
    return request_line.encode("utf-8") + date.encode("utf-8") + body


_VERSION = re.compile(r" HTTP/[0-9](?:\.[0-9])?\Z")


def messagemedia_request_lines(request_line: str) -> tuple[str, ...]:
    """The request lines a genuine signature may cover: the one received, and the same with
    ``HTTP/1.1`` and ``HTTP/1.0``.

    The spec's comparison string starts with the Request-Line as MessageMedia sent it (its example:
    ``POST /data HTTP/1.1``), but a proxy hop may forward it as HTTP/1.0 (or the server may speak
    HTTP/2 to the proxy); the version is not what the signature protects, the method, target, Date
    and body are.
    """
    match = _VERSION.search(request_line)
    if match is None:
        return (request_line,)
    start = request_line[: match.start()]
    return tuple(dict.fromkeys((request_line, f"{start} HTTP/1.1", f"{start} HTTP/1.0")))


def _crypto() -> Any:
    try:
        from cryptography import exceptions
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding, rsa
    except ImportError as exc:  # the optional extra is not installed
        # The package is on no index: the extra comes from a clone or the built wheel (README, Install).
        raise ImportError(
            "MessageMedia signature checks need the package cryptography, installed with the extra 'webhooks' "
            "(pip install '.[webhooks]' in a clone, or the built wheel with [webhooks]; README, Install) "
            "or alone: pip install cryptography",
            name=exc.name,
        ) from exc
    return exceptions, hashes, serialization, padding, rsa


def load_public_key(key: str | bytes | RSAPublicKey) -> RSAPublicKey:
    """An RSA public key from PEM text, base64 DER text (as key APIs return it), DER bytes or a key object."""
    _, _, serialization, _, rsa = _crypto()
    if isinstance(key, rsa.RSAPublicKey):
        return cast("RSAPublicKey", key)
    try:
        if isinstance(key, str):
            stripped = key.strip()
            if stripped.startswith("-----BEGIN"):
                loaded = serialization.load_pem_public_key(stripped.encode("ascii"))
            else:
                loaded = serialization.load_der_public_key(base64.b64decode(stripped, validate=True))
        elif isinstance(key, bytes):
            if key.lstrip().startswith(b"-----BEGIN"):
                loaded = serialization.load_pem_public_key(key)
            else:
                loaded = serialization.load_der_public_key(key)
        else:
            raise InputError("public_key", "must be PEM text, base64 DER, DER bytes or an RSA public key")
    except (ValueError, TypeError, binascii.Error, UnicodeEncodeError) as exc:
        raise InputError("public_key", "is not a readable public key") from exc
    if not isinstance(loaded, rsa.RSAPublicKey):
        raise InputError("public_key", "must be an RSA public key")
    return cast("RSAPublicKey", loaded)


KeySource = str | bytes | Any | Mapping[str, str | bytes | Any]


def verify_messagemedia_signature(
    *,
    request_line: str,
    headers: HeaderItems,
    body: bytes,
    public_keys: KeySource,
    max_clock_skew: float = DEFAULT_MAX_CLOCK_SKEW,
    now: float | None = None,
    replay_cache: ReplayCache | None = None,
    digests: Iterable[str] = MESSAGEMEDIA_DIGESTS,
) -> str:
    """Check a signed MessageMedia webhook; returns the id of the key that signed it.

    ``request_line`` is the request line as received (``POST /path?query HTTP/1.1``, see
    :attr:`WebhookRequest.request_line`; a signature over the same line with HTTP/1.0 or HTTP/1.1
    is accepted too, see :func:`messagemedia_request_lines`), ``body`` the exact body bytes.
    ``public_keys`` is one key or a mapping ``{key id: key}`` (then the request's key id must be
    one of them). The ``Date``
    must be within ``max_clock_skew`` seconds of ``now`` (default: this clock); with a
    ``replay_cache`` the same signature is accepted only once. Whatever the request holds, a
    refusal is a :class:`WebhookVerificationError`.
    """
    current = time.time() if now is None else now
    key_id, signature = _check_messagemedia_signature(
        request_line=request_line,
        headers=headers,
        body=body,
        public_keys=public_keys,
        max_clock_skew=_skew_limit(max_clock_skew),
        now=current,
        digests=digests,
    )
    if replay_cache is not None and replay_cache.seen_before(_replay_key(signature), current):
        raise WebhookVerificationError("replay", "this signed request was already accepted")
    return key_id


def _check_messagemedia_signature(
    *,
    request_line: str,
    headers: HeaderItems,
    body: bytes,
    public_keys: KeySource,
    max_clock_skew: float,
    now: float,
    digests: Iterable[str],
) -> tuple[str, bytes]:
    """The checks of :func:`verify_messagemedia_signature`; returns the key id and the signature."""
    exceptions, hashes, _, padding, _ = _crypto()
    if not isinstance(request_line, str):
        raise InputError("request_line", "must be the request line as received (str)")
    if not isinstance(body, bytes | bytearray | memoryview):
        raise InputError("body", "must be the raw request body (bytes)")
    if isinstance(now, bool) or not isinstance(now, int | float) or not math.isfinite(now):
        raise InputError("now", "must be a finite Unix time")
    found: dict[str, str] = {}
    for name, value in header_items(headers):
        found.setdefault(name, value)
    missing = [name for name in MESSAGEMEDIA_SIGNATURE_HEADERS if not found.get(name.lower(), "").strip()]
    if missing:
        raise WebhookVerificationError("signature_headers", f"missing header(s): {', '.join(missing)}")
    if found["x-messagemedia-cipher-type"].strip().upper() != "RSA":
        raise WebhookVerificationError("cipher_type", "only RSA signatures are supported")
    digest_name = found["x-messagemedia-digest-type"].strip().upper()
    allowed = {str(name).upper() for name in digests}
    if digest_name not in allowed or digest_name not in MESSAGEMEDIA_DIGESTS:
        raise WebhookVerificationError("digest_type", f"digest type must be one of {', '.join(sorted(allowed))}")
    key_id = found["x-messagemedia-key-id"].strip()
    if isinstance(public_keys, Mapping):
        if key_id not in public_keys:
            raise WebhookVerificationError("key_id", "the request names a signature key that is not configured")
        key = load_public_key(public_keys[key_id])
    else:
        key = load_public_key(public_keys)
    date = found["date"].strip()
    skew = _date_skew(date, now)
    if abs(skew) > max_clock_skew:
        raise WebhookVerificationError(
            "clock_skew",
            f"the Date header is {abs(skew):.0f} s {'ahead of' if skew > 0 else 'behind'} this server's clock "
            f"(at most {max_clock_skew:.0f} s allowed)",
        )
    try:
        signature = base64.b64decode(found["x-messagemedia-signature"].strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise WebhookVerificationError("signature", "the signature is not base64") from exc
    algorithm = {"SHA224": hashes.SHA224, "SHA256": hashes.SHA256, "SHA512": hashes.SHA512}[digest_name]()
    for message in _signed_forms(request_line, date, bytes(body)):
        try:
            key.verify(signature, message, padding.PKCS1v15(), algorithm)
        except exceptions.InvalidSignature:
            continue
        return key_id, signature
    raise WebhookVerificationError("signature", "the signature does not match the request line, Date and body")


def _signed_forms(request_line: str, date: str, body: bytes) -> list[bytes]:
    """The comparison strings a genuine signature may cover: each of :func:`messagemedia_request_lines`,
    as UTF-8 text and as the raw bytes servers hand over decoded as Latin-1 (ASGI ``raw_path``, WSGI
    ``RAW_URI``), which differ only for a target with unescaped non-ASCII bytes."""
    forms: dict[bytes, None] = {}
    for line in messagemedia_request_lines(request_line):
        for encoding in ("utf-8", "latin-1"):
            try:
                forms[line.encode(encoding) + date.encode("ascii") + body] = None
            except UnicodeEncodeError:
                continue  # a lone surrogate, or text beyond Latin-1: not this form
    return list(forms)


def _skew_limit(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value < math.inf:
        raise InputError("max_clock_skew", "must be a finite number of seconds, 0 or more")
    return float(value)


def _date_skew(date: str, now: float) -> float:
    """Seconds the ``Date`` header is ahead of ``now`` (negative: behind)."""
    try:
        if not date.isascii():  # an HTTP-date is ASCII; this also keeps the signed string encodable
            raise ValueError(date)
        sent = parsedate_to_datetime(date)
        if sent.tzinfo is None:  # RFC 7231 dates are GMT
            sent = sent.replace(tzinfo=UTC)
        return sent.timestamp() - now
    except (TypeError, ValueError, IndexError, OverflowError, OSError) as exc:
        # A crafted date overflows the parser or the clock arithmetic rather than failing to parse.
        raise WebhookVerificationError("date", "the Date header is not an HTTP date") from exc


def _replay_key(signature: bytes) -> bytes:
    return hashlib.sha256(signature).digest()


class MessageMediaSignatureVerifier:
    """Verifier for signed MessageMedia webhooks (see :func:`verify_messagemedia_signature`).

    Replays: :meth:`verify` claims the request's signature in its :class:`ReplayCache` (check and
    claim are one step), so a copy arriving while the first is still being handled is refused
    (check ``replay_in_progress``). :meth:`accepted` (the handler succeeded) keeps it, so later
    copies are refused (check ``replay``); :meth:`released` (the handler failed) forgets it, so the
    provider's redelivery gets through. The receivers call these; if you call :meth:`verify`
    yourself, call one of them when you are done. ``clock`` gives the Unix time.
    """

    def __init__(
        self,
        public_keys: KeySource,
        *,
        max_clock_skew: float = DEFAULT_MAX_CLOCK_SKEW,
        replay_cache: ReplayCache | None = None,
        digests: Iterable[str] = MESSAGEMEDIA_DIGESTS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if isinstance(public_keys, Mapping):
            self.public_keys: KeySource = {str(k): load_public_key(v) for k, v in public_keys.items()}
        else:
            self.public_keys = load_public_key(public_keys)
        self.max_clock_skew = _skew_limit(max_clock_skew)
        self.replay_cache = replay_cache if replay_cache is not None else ReplayCache(2 * self.max_clock_skew)
        self.digests = tuple(digests)
        self.clock = clock

    def verify(self, request: WebhookRequest) -> None:
        now = self.clock()
        _, signature = _check_messagemedia_signature(
            request_line=request.request_line,
            headers=request.headers,
            body=request.body,
            public_keys=self.public_keys,
            max_clock_skew=self.max_clock_skew,
            now=now,
            digests=self.digests,
        )
        state = self.replay_cache.claim(_replay_key(signature), now)
        if state == "accepted":
            raise WebhookVerificationError("replay", "this signed request was already accepted")
        if state == "in_progress":
            raise WebhookVerificationError("replay_in_progress", "this signed request is being handled now")

    def accepted(self, request: WebhookRequest) -> None:
        """The request's event was handled: refuse copies of it from now on."""
        key = self._key(request)
        if key is not None:
            self.replay_cache.accept(key, self.clock())

    def released(self, request: WebhookRequest) -> None:
        """The request's event was not handled: a redelivery of it may be."""
        key = self._key(request)
        if key is not None:
            self.replay_cache.release(key)

    @staticmethod
    def _key(request: WebhookRequest) -> bytes | None:
        try:
            return _replay_key(
                base64.b64decode((request.header("x-messagemedia-signature") or "").strip(), validate=True)
            )
        except (binascii.Error, ValueError):
            return None  # verify() refused it, so nothing was claimed


# ------------------------------------------------------------------------------- Flowroute


def check_source_address(
    address: str | None,
    allowed: Iterable[str] = FLOWROUTE_SOURCE_ADDRESSES,
    *,
    headers: HeaderItems = (),
    trusted_proxies: Iterable[str] = (),
) -> None:
    """The request's source address must be in ``allowed`` (addresses or networks such as ``10.0.0.0/8``).

    ``address`` is the peer's address. Behind reverse proxies, list them in ``trusted_proxies``
    (addresses or networks) and pass the request's ``headers``: when the peer is one of them, the
    source is the right-most address in ``Forwarded`` (RFC 7239) / ``X-Forwarded-For`` that is not
    one of them (:mod:`smsclients.webhooks.forwarded`). Nothing is trusted by default, so those
    headers are ignored: anyone can send them.
    """
    _check_address(
        address, header_items(headers), networks(allowed, "allowed"), networks(trusted_proxies, "trusted_proxies")
    )


def _check_address(
    peer: str | None,
    headers: list[tuple[str, str]] | tuple[tuple[str, str], ...],
    allowed: tuple[Network, ...],
    trusted: tuple[Network, ...],
) -> None:
    source = client_address(peer, headers, trusted) if isinstance(peer, str) else None
    if source is None:
        raise WebhookVerificationError("source_address", "the request has no usable source address")
    if not any(source in network for network in allowed):
        raise WebhookVerificationError("source_address", "the request did not come from an allowed address")


class SourceAddressVerifier:
    """Verifier that accepts requests only from ``allowed`` (Flowroute's documented addresses by default).

    ``trusted_proxies``: your reverse proxies (addresses or networks), whose forwarding headers name
    the real source; see :func:`check_source_address`. Default: none.
    """

    def __init__(
        self, allowed: Iterable[str] = FLOWROUTE_SOURCE_ADDRESSES, *, trusted_proxies: Iterable[str] = ()
    ) -> None:
        self.networks = networks(allowed, "allowed")
        self.trusted_proxies = networks(trusted_proxies, "trusted_proxies")

    def verify(self, request: WebhookRequest) -> None:
        _check_address(request.client_address, request.headers, self.networks, self.trusted_proxies)


# ------------------------------------------------------------------------------- Bandwidth


def check_basic_auth(headers: HeaderItems, *, username: str, password: str | Secret) -> None:
    """The ``Authorization: Basic`` credentials must be ``username``/``password`` (compared in constant time).

    They are the ones you embedded in the callback URL (``https://user:password@host/path``). An
    empty user name or password, or a user name with ``:``, is an :class:`~smsclients.InputError`:
    Basic credentials cannot carry them, and empty ones would let anyone in.
    """
    expected_user, expected_password = _credentials(username, password)
    value = next((v for k, v in header_items(headers) if k == "authorization"), "")
    scheme, _, token = value.strip().partition(" ")
    try:
        decoded = base64.b64decode(token.strip(), validate=True) if scheme.lower() == "basic" else b""
    except (binascii.Error, ValueError):
        decoded = b""
    user, separator, secret = decoded.partition(b":")
    # Both comparisons always run, so the time taken does not tell which part was wrong.
    user_ok = hmac.compare_digest(user, expected_user)
    password_ok = hmac.compare_digest(secret, expected_password)
    if not (separator and user_ok and password_ok):
        raise WebhookVerificationError("basic_auth", "missing or wrong Basic credentials")


def _credentials(username: object, password: object) -> tuple[bytes, bytes]:
    """The expected user name and password as bytes; unusable ones are an :class:`InputError`."""
    if not isinstance(username, str) or not username:
        raise InputError("username", "must be a non-empty string")
    if ":" in username:
        raise InputError("username", "must not contain ':' (Basic credentials cannot carry it)")
    revealed = password.reveal() if isinstance(password, Secret) else password
    if not isinstance(revealed, str) or not revealed:
        raise InputError("password", "must be a non-empty string or Secret")
    try:
        return username.encode("utf-8"), revealed.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError("username or password", "is not valid Unicode text (a lone surrogate)") from exc


class BasicAuthVerifier:
    """Verifier for Bandwidth's URL-embedded Basic credentials; the password never shows in a repr.

    An empty user name or password is refused here, with an :class:`~smsclients.InputError`.
    """

    def __init__(self, username: str, password: str | Secret) -> None:
        _credentials(username, password)
        self.username = username
        self.password = password if isinstance(password, Secret) else Secret(password)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(username={self.username!r}, password={self.password!r})"

    def verify(self, request: WebhookRequest) -> None:
        check_basic_auth(request.headers, username=self.username, password=self.password)
