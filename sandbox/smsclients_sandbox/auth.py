"""Authentication as each provider does it: HTTP Basic everywhere, HMAC also on MessageMedia.

Credentials are fixed at start (``SandboxOptions.credentials``), one pair per provider; both
Flowroute surfaces share the Flowroute pair because they are one account at the provider.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Iterable, Mapping
from datetime import timedelta

from smsclients_sandbox import hmac_verify
from smsclients_sandbox.options import SandboxOptions
from smsclients_sandbox.surfaces import Surface


class AuthError(Exception):
    """Authentication failed; the message says why (safe to show: no secrets in it)."""


class Authenticator:
    """Checks a request's credentials for the surface it addresses."""

    def __init__(self, options: SandboxOptions) -> None:
        self._credentials = options.credentials
        self._max_skew = timedelta(seconds=options.hmac_max_skew_s)

    def check(
        self, surface: Surface, method: str, paths: Iterable[str], headers: Mapping[str, str], body: bytes
    ) -> str:
        """Return the authenticated user name or raise :class:`AuthError`."""
        authorization = headers.get("authorization")
        if not authorization:
            raise AuthError("missing Authorization header")
        scheme = authorization.split(" ", 1)[0].lower()
        if scheme == "basic":
            return self._basic(surface, authorization)
        if scheme == "hmac" and surface.provider == "messagemedia":
            user, secret = self._credentials[surface.provider]
            try:
                return hmac_verify.verify(
                    authorization=authorization,
                    method=method,
                    paths=paths,
                    headers=headers,
                    body=body,
                    secret_for=lambda key: secret if hmac.compare_digest(key, user) else None,
                    max_skew=self._max_skew,
                )
            except hmac_verify.HmacError as exc:
                raise AuthError(str(exc)) from exc
        raise AuthError(f"unsupported authorization scheme {scheme!r}")

    def _basic(self, surface: Surface, authorization: str) -> str:
        try:
            decoded = base64.b64decode(authorization.split(" ", 1)[1].strip(), validate=True).decode("utf-8")
        except (IndexError, binascii.Error, UnicodeDecodeError) as exc:
            raise AuthError("malformed Basic credentials") from exc
        user, sep, secret = decoded.partition(":")
        expected_user, expected_secret = self._credentials[surface.provider]
        # Compare both parts every time so timing does not tell which one was wrong.
        ok_user = hmac.compare_digest(user.encode(), expected_user.encode())
        ok_secret = hmac.compare_digest(secret.encode(), expected_secret.encode())
        if not (sep and ok_user and ok_secret):
            raise AuthError("invalid credentials")
        return user
