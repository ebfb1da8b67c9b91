"""The sandbox's MessageMedia webhook signing key ("enterprise webhooks"), its own code.

MessageMedia signs every webhook of an account with a signature key enabled: headers
``X-MESSAGEMEDIA-KEY-ID``, ``-CIPHER-TYPE`` (``RSA``), ``-DIGEST-TYPE`` (``SHA224`` / ``SHA256`` /
``SHA512``), ``-SIGNATURE`` (base64) and ``Date``, the signature covering Request-Line + Date + Body
with no separators (see the comment above ``webhooks`` in ``specs/messagemedia-messages-v1.yaml``).
The sandbox makes one RSA key pair per run, on first use, and publishes the public key at
``GET /_sandbox/messagemedia/signature_key``. A key created and enabled through the Signature Key
Management API (``/v1/iam/signature_keys``) replaces it until it is disabled or deleted. Written
independently of the clients' verifier.
"""

from __future__ import annotations

import base64
import threading
import uuid
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

DIGESTS: dict[str, type[hashes.HashAlgorithm]] = {
    "SHA224": hashes.SHA224,
    "SHA256": hashes.SHA256,
    "SHA512": hashes.SHA512,
}


class WebhookSigner:
    """One RSA key pair, made when first needed (key generation takes a noticeable moment)."""

    def __init__(self, seed: int, digest: str = "SHA256", key_bits: int = 2048) -> None:
        if digest.upper() not in DIGESTS:
            raise ValueError(f"digest must be one of {', '.join(DIGESTS)}, got {digest!r}")
        self.digest = digest.upper()
        self.key_id = str(uuid.uuid5(uuid.NAMESPACE_URL, f"smsclients-sandbox:messagemedia-signature-key:{seed}"))
        self._key_bits = key_bits
        self._key: rsa.RSAPrivateKey | None = None
        self._lock = threading.Lock()

        self._own: tuple[str, str] = (self.key_id, self.digest)
        self._enabled: rsa.RSAPrivateKey | None = None

    def _private_key(self) -> rsa.RSAPrivateKey:
        with self._lock:
            if self._enabled is not None:
                return self._enabled
            if self._key is None:
                self._key = rsa.generate_private_key(public_exponent=65537, key_size=self._key_bits)
            return self._key

    def enable(self, key_id: str, private_pem: str, digest: str) -> None:
        """Sign with a key of the Signature Key Management API from now on."""
        key = serialization.load_pem_private_key(private_pem.encode("ascii"), password=None)
        if not isinstance(key, rsa.RSAPrivateKey) or digest not in DIGESTS:
            raise ValueError("an RSA key and a known digest are required")
        with self._lock:
            self._enabled, self.key_id, self.digest = key, key_id, digest

    def disable(self) -> None:
        """Back to the sandbox's own key."""
        with self._lock:
            self._enabled = None
            self.key_id, self.digest = self._own

    def public_key(self) -> dict[str, Any]:
        """What ``GET /_sandbox/messagemedia/signature_key`` serves (``public_key`` as base64 DER)."""
        public = self._private_key().public_key()
        der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        return {
            "key_id": self.key_id,
            "cipher": "RSA",
            "digest": self.digest,
            "public_key": base64.b64encode(der).decode("ascii"),
            "public_key_pem": pem.decode("ascii"),
        }

    def headers(self, request_line: str, body: bytes, now: datetime | None = None) -> dict[str, str]:
        """The signature headers for one delivery attempt (a fresh ``Date`` each time)."""
        date = format_datetime((now or datetime.now(UTC)).astimezone(UTC), usegmt=True)
        signed = request_line.encode("utf-8") + date.encode("utf-8") + body
        key = self._private_key()
        with self._lock:  # the key, its id and its digest as one consistent set
            key_id, digest = self.key_id, self.digest
            key = self._enabled or key
        signature = key.sign(signed, padding.PKCS1v15(), DIGESTS[digest]())
        return {
            "Date": date,
            "X-MESSAGEMEDIA-KEY-ID": key_id,
            "X-MESSAGEMEDIA-CIPHER-TYPE": "RSA",
            "X-MESSAGEMEDIA-DIGEST-TYPE": digest,
            "X-MESSAGEMEDIA-SIGNATURE": base64.b64encode(signature).decode("ascii"),
        }


def new_key_pair(key_bits: int = 2048) -> tuple[str, str]:
    """A fresh RSA key pair: (private key PEM, public key as base64 DER, as MessageMedia answers it)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=key_bits)
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    der = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private.decode("ascii"), base64.b64encode(der).decode("ascii")
