"""The sandbox's MessageMedia webhook signing key ("enterprise webhooks"), its own code.

MessageMedia signs every webhook of an account with a signature key enabled: headers
``X-MESSAGEMEDIA-KEY-ID``, ``-CIPHER-TYPE`` (``RSA``), ``-DIGEST-TYPE`` (``SHA224`` / ``SHA256`` /
``SHA512``), ``-SIGNATURE`` (base64) and ``Date``, the signature covering Request-Line + Date + Body
with no separators (see the comment above ``webhooks`` in ``specs/messagemedia-messages-v1.yaml``).
The sandbox makes one RSA key pair per run, on first use, and publishes the public key at
``GET /_sandbox/messagemedia/signature_key``. Written independently of the clients' verifier.
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

    def _private_key(self) -> rsa.RSAPrivateKey:
        with self._lock:
            if self._key is None:
                self._key = rsa.generate_private_key(public_exponent=65537, key_size=self._key_bits)
            return self._key

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
        signature = self._private_key().sign(signed, padding.PKCS1v15(), DIGESTS[self.digest]())
        return {
            "Date": date,
            "X-MESSAGEMEDIA-KEY-ID": self.key_id,
            "X-MESSAGEMEDIA-CIPHER-TYPE": "RSA",
            "X-MESSAGEMEDIA-DIGEST-TYPE": self.digest,
            "X-MESSAGEMEDIA-SIGNATURE": base64.b64encode(signature).decode("ascii"),
        }
