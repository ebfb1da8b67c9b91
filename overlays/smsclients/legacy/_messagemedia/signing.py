"""The SDKs' request-signing helpers (1.1.0 ``BasicAuth``/``HmacAuth``, 2.x ``AuthManager``).

The drop-ins sign through :mod:`smsclients.auth` when they send; these classes keep the SDKs'
documented helpers working on an ``HttpRequest`` (reading ``Configuration`` as the SDKs did), with
the signature computed by the same functions.
"""

from __future__ import annotations

import base64
from datetime import datetime
from time import mktime
from typing import Any, ClassVar
from wsgiref.handlers import format_date_time

from smsclients.auth import content_md5, hmac_authorization, hmac_signature

from .wire import HttpRequest

__all__ = ["AuthManager", "BasicAuth", "HmacAuth", "sign", "sign_basic", "sign_hmac"]


def _now_http_date() -> str:
    # The local clock, converted to GMT (as both SDKs did).
    return str(format_date_time(mktime(datetime.now().timetuple())))


def sign_basic(config: Any, http_request: HttpRequest) -> None:
    """The Basic ``Authorization`` header from ``config``'s Basic settings."""
    joined = f"{config.basic_auth_user_name}:{config.basic_auth_password}"
    http_request.headers["Authorization"] = "Basic " + base64.b64encode(joined.encode()).decode("iso-8859-1")


def sign_hmac(config: Any, http_request: HttpRequest, url: str, body: str | None = None) -> None:
    """MessageMedia's HMAC headers (``date``, ``x-Content-MD5``, ``Authorization``) from ``config``'s HMAC settings."""
    date = _now_http_date()
    md5 = None
    if body is not None:
        md5 = content_md5(body.encode("utf-8"))
        http_request.headers["x-Content-MD5"] = md5
    http_request.headers["date"] = date
    method = str(http_request.http_method or "GET")
    signature = hmac_signature(str(config.hmac_auth_password), method=method, path=url, date=date, body_md5=md5)
    http_request.headers["Authorization"] = hmac_authorization(
        str(config.hmac_auth_user_name), signature, with_body=body is not None
    )


def sign(config: Any, http_request: HttpRequest, url: str, body: str | None = None) -> None:
    """HMAC when both HMAC settings are set, else Basic (both SDK generations' rule)."""
    if config.hmac_auth_user_name is not None and config.hmac_auth_password is not None:
        sign_hmac(config, http_request, url, body)
    else:
        sign_basic(config, http_request)


class _Signing:
    configuration: ClassVar[Any]

    @classmethod
    def _basic(cls, http_request: HttpRequest) -> None:
        sign_basic(cls.configuration, http_request)

    @classmethod
    def _hmac(cls, http_request: HttpRequest, url: str, body: str | None = None) -> None:
        sign_hmac(cls.configuration, http_request, url, body)


class BasicAuth(_Signing):
    """1.1.0 ``http.auth.basic_auth.BasicAuth``: ``apply(request)`` adds the Basic header."""

    @classmethod
    def apply(cls, http_request: HttpRequest) -> None:
        cls._basic(http_request)


class HmacAuth(_Signing):
    """1.1.0 ``http.auth.hmac_auth.HmacAuth``: ``apply(request, url, body)`` adds the HMAC headers."""

    @classmethod
    def apply(cls, http_request: HttpRequest, url: str, body: str | None = None) -> None:
        cls._hmac(http_request, url, body)


class AuthManager(_Signing):
    """2.x ``http.auth.auth_manager.AuthManager``: HMAC when both HMAC settings are set, else Basic."""

    @classmethod
    def apply(cls, http_request: HttpRequest, url: str, body: str | None = None) -> None:
        sign(cls.configuration, http_request, url, body)

    @classmethod
    def apply_basic_auth(cls, http_request: HttpRequest) -> None:
        cls._basic(http_request)

    @classmethod
    def apply_hmac_auth(cls, http_request: HttpRequest, url: str, body: str | None = None) -> None:
        cls._hmac(http_request, url, body)

    @classmethod
    def create_signature(cls, date: str, content_signature: str, url: str, request_type: str) -> str:
        md5 = content_signature.split(":", 1)[1].strip() if content_signature else None
        return hmac_signature(
            str(cls.configuration.hmac_auth_password), method=request_type, path=url, date=date, body_md5=md5
        )
