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
import ipaddress
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import TYPE_CHECKING, Any, Protocol, cast

from ..errors import InputError
from ..redaction import Secret
from ._common import HeaderItems, header_items
from .errors import WebhookVerificationError
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
    "messagemedia_signing_string",
    "verify_messagemedia_signature",
]

DEFAULT_MAX_CLOCK_SKEW = 300.0
"""Seconds a signed webhook's ``Date`` may be away from this server's clock (either way)."""

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

    A verifier may also have ``accepted(request)``: the receivers call it once the handler has
    taken the event (that is when a replay check remembers the request).
    """

    def verify(self, request: WebhookRequest) -> None: ...


# ------------------------------------------------------------------------------- MessageMedia


class ReplayCache:
    """Remembers accepted signatures for ``ttl`` seconds, so the same signed request is accepted once.

    A replayed request outside the window fails the clock-skew check instead, so ``ttl`` should be
    at least twice the allowed skew. Thread-safe; bounded by ``max_entries`` (oldest dropped first).
    """

    def __init__(self, ttl: float = 2 * DEFAULT_MAX_CLOCK_SKEW, max_entries: int = 100_000) -> None:
        self.ttl = ttl
        self.max_entries = max_entries
        self._expiry: dict[bytes, float] = {}
        self._lock = threading.Lock()

    def contains(self, key: bytes, now: float) -> bool:
        """True if ``key`` was remembered and has not expired."""
        with self._lock:
            self._expire(now)
            return key in self._expiry

    def seen_before(self, key: bytes, now: float) -> bool:
        """True if ``key`` was remembered and has not expired; otherwise remember it and return False."""
        with self._lock:
            self._expire(now)
            if key in self._expiry:
                return True
            while len(self._expiry) >= self.max_entries:
                del self._expiry[next(iter(self._expiry))]
            self._expiry[key] = now + self.ttl
            return False

    def _expire(self, now: float) -> None:
        for old in [k for k, until in self._expiry.items() if until <= now]:
            del self._expiry[old]


def messagemedia_signing_string(request_line: str, date: str, body: bytes) -> bytes:
    """Request-Line + Date + Body, "without any spaces in between" (the spec's comparison string)."""
    return request_line.encode("utf-8") + date.encode("utf-8") + body


def _crypto() -> Any:
    try:
        from cryptography import exceptions
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import padding, rsa
    except ImportError as exc:  # the optional extra is not installed
        raise ImportError(
            "MessageMedia signature checks need the 'cryptography' package: "
            "pip install 'sms-provider-clients[webhooks]'"
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
    :attr:`WebhookRequest.request_line`), ``body`` the exact body bytes. ``public_keys`` is one key
    or a mapping ``{key id: key}`` (then the request's key id must be one of them). The ``Date``
    must be within ``max_clock_skew`` seconds of ``now`` (default: this clock); with a
    ``replay_cache`` the same signature is accepted only once.
    """
    exceptions, hashes, _, padding, _ = _crypto()
    found: dict[str, str] = {}
    for name, value in header_items(headers):
        found.setdefault(name, value)
    missing = [name for name in MESSAGEMEDIA_SIGNATURE_HEADERS if not found.get(name.lower(), "").strip()]
    if missing:
        raise WebhookVerificationError("signature_headers", f"missing header(s): {', '.join(missing)}")
    if found["x-messagemedia-cipher-type"].strip().upper() != "RSA":
        raise WebhookVerificationError("cipher_type", "only RSA signatures are supported")
    digest_name = found["x-messagemedia-digest-type"].strip().upper()
    allowed = {name.upper() for name in digests}
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
    try:
        sent = parsedate_to_datetime(date)
    except (TypeError, ValueError, IndexError) as exc:
        raise WebhookVerificationError("date", "the Date header is not an HTTP date") from exc
    if sent.tzinfo is None:  # RFC 7231 dates are GMT
        sent = sent.replace(tzinfo=UTC)
    current = time.time() if now is None else now
    skew = sent.timestamp() - current
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
    message = messagemedia_signing_string(request_line, date, body)
    algorithm = {"SHA224": hashes.SHA224, "SHA256": hashes.SHA256, "SHA512": hashes.SHA512}[digest_name]()
    try:
        key.verify(signature, message, padding.PKCS1v15(), algorithm)
    except exceptions.InvalidSignature as exc:
        raise WebhookVerificationError(
            "signature", "the signature does not match the request line, Date and body"
        ) from exc
    if replay_cache is not None and replay_cache.seen_before(_replay_key(signature), current):
        raise WebhookVerificationError("replay", "this signed request was already accepted")
    return key_id


def _replay_key(signature: bytes) -> bytes:
    return hashlib.sha256(signature).digest()


class MessageMediaSignatureVerifier:
    """Verifier for signed MessageMedia webhooks (see :func:`verify_messagemedia_signature`).

    Replays: a signed request is refused once a request with the same signature was *accepted*
    (its handler succeeded), so the provider's redelivery after a failed handler still gets
    through. Keeps its own :class:`ReplayCache` unless given one; ``clock`` gives the Unix time.
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
        self.max_clock_skew = max_clock_skew
        self.replay_cache = replay_cache if replay_cache is not None else ReplayCache(2 * max_clock_skew)
        self.digests = tuple(digests)
        self.clock = clock

    def verify(self, request: WebhookRequest) -> None:
        now = self.clock()
        verify_messagemedia_signature(
            request_line=request.request_line,
            headers=request.headers,
            body=request.body,
            public_keys=self.public_keys,
            max_clock_skew=self.max_clock_skew,
            now=now,
            digests=self.digests,
        )
        if self.replay_cache.contains(self._key(request), now):
            raise WebhookVerificationError("replay", "this signed request was already accepted")

    def accepted(self, request: WebhookRequest) -> None:
        """Remember a request whose event was handled, so a replay of it is refused."""
        self.replay_cache.seen_before(self._key(request), self.clock())

    @staticmethod
    def _key(request: WebhookRequest) -> bytes:
        # verify() has checked that the header is there and is base64.
        return _replay_key(base64.b64decode((request.header("x-messagemedia-signature") or "").strip()))


# ------------------------------------------------------------------------------- Flowroute

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _networks(allowed: Iterable[str]) -> tuple[Network, ...]:
    networks = []
    for entry in allowed:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError as exc:
            raise InputError("allowed", f"{entry!r} is not an IP address or network") from exc
    return tuple(networks)


def check_source_address(address: str | None, allowed: Iterable[str] = FLOWROUTE_SOURCE_ADDRESSES) -> None:
    """The request's source address must be in ``allowed`` (addresses or networks such as ``10.0.0.0/8``)."""
    _check_address(address, _networks(allowed))


def _check_address(address: str | None, networks: tuple[Network, ...]) -> None:
    try:
        ip = ipaddress.ip_address((address or "").strip().split("%", 1)[0])
    except ValueError as exc:
        raise WebhookVerificationError("source_address", "the request has no usable source address") from exc
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if not any(ip in network for network in networks):
        raise WebhookVerificationError("source_address", "the request did not come from an allowed address")


class SourceAddressVerifier:
    """Verifier that accepts requests only from ``allowed`` (Flowroute's documented addresses by default)."""

    def __init__(self, allowed: Iterable[str] = FLOWROUTE_SOURCE_ADDRESSES) -> None:
        self.networks = _networks(allowed)

    def verify(self, request: WebhookRequest) -> None:
        _check_address(request.client_address, self.networks)


# ------------------------------------------------------------------------------- Bandwidth


def check_basic_auth(headers: HeaderItems, *, username: str, password: str | Secret) -> None:
    """The ``Authorization: Basic`` credentials must be ``username``/``password`` (compared in constant time).

    They are the ones you embedded in the callback URL (``https://user:password@host/path``).
    """
    expected_user = username.encode("utf-8")
    expected_password = (password.reveal() if isinstance(password, Secret) else password).encode("utf-8")
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


class BasicAuthVerifier:
    """Verifier for Bandwidth's URL-embedded Basic credentials; the password never shows in a repr."""

    def __init__(self, username: str, password: str | Secret) -> None:
        self.username = username
        self.password = password if isinstance(password, Secret) else Secret(password)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(username={self.username!r}, password={self.password!r})"

    def verify(self, request: WebhookRequest) -> None:
        check_basic_auth(request.headers, username=self.username, password=self.password)
