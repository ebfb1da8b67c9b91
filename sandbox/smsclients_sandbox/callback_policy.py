"""Which callback URLs the sandbox may call, and how a URL is shown in logs and the delivery log.

A sandbox is for tests and demos: the callback URLs it is given (per message, through a provider's
API, or at start-up) normally point at a receiver on the same machine. A URL such as the documents'
``https://example.com/dlr`` or a production webhook must not receive sandbox traffic by accident,
so only loopback hosts are called unless the operator opts in (``allow_external_callbacks``, the
CLI's ``--allow-external-callbacks`` or ``SMSCLIENTS_SANDBOX_ALLOW_EXTERNAL_CALLBACKS=1``).

Loopback means an IP literal in ``127.0.0.0/8`` or ``::1`` (also IPv4-mapped), or the name
``localhost``; other names are not resolved, so no DNS answer can turn a public name into an
"allowed" one.
"""

from __future__ import annotations

import ipaddress
import os
from urllib.parse import urlsplit

ALLOW_EXTERNAL_ENV = "SMSCLIENTS_SANDBOX_ALLOW_EXTERNAL_CALLBACKS"
REFUSED = "refused-non-loopback"
HINT = (
    "the sandbox calls loopback callback URLs only; start it with --allow-external-callbacks "
    f"(or {ALLOW_EXTERNAL_ENV}=1, or running(allow_external_callbacks=True)) to call other hosts"
)


def allow_external_from_env() -> bool:
    """The opt-in from the environment (``1``/``true``/``yes``)."""
    return os.environ.get(ALLOW_EXTERNAL_ENV, "").strip().lower() in ("1", "true", "yes")


def host_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The IP address a host names literally (``localhost`` as 127.0.0.1; IPv4-mapped IPv6 as IPv4),
    else None: other names are never resolved."""
    name = host.strip("[]").rstrip(".").lower()
    if name == "localhost":
        return ipaddress.IPv4Address("127.0.0.1")
    try:
        address = ipaddress.ip_address(name.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def is_loopback_host(host: str | None) -> bool:
    address = host_address(host) if host else None
    return address is not None and address.is_loopback


def is_loopback_url(url: str) -> bool:
    """True when ``url`` is an http(s) URL whose host is loopback."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and is_loopback_host(host)


def redact(url: str) -> str:
    """A URL fit for logs: userinfo (Bandwidth callback URLs may embed Basic credentials) becomes ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable URL>"
    if "@" not in parts.netloc:
        return url
    return parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]).geturl()
