"""Who may use the inbox page and the control API from a browser.

* The page and its data are answered only to loopback clients, unless the sandbox was started
  on another address (``--host``): then it is the operator's choice to share it.
* The ``Host`` header must name the sandbox (a loopback name, or the address it was started on),
  so a web page cannot reach it through a DNS name rebound to 127.0.0.1.
* A request that changes something (any method but GET/HEAD) and comes from a browser (it
  carries ``Origin`` or ``Sec-Fetch-Site``) must come from the page itself: same origin, and the
  token the page was served with in ``X-Sandbox-Token``. Programs (no such headers) are not
  affected, so tests and scripts keep using the control API as before.
"""

from __future__ import annotations

import hmac
import ipaddress
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.types import Scope

TOKEN_HEADER = "X-Sandbox-Token"
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def is_loopback(host: str) -> bool:
    """True for ``localhost`` and loopback addresses (``127.0.0.0/8``, ``::1``)."""
    host = host.strip("[]").lower()
    if host in LOOPBACK_NAMES or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def refusal(scope: Scope, bound_host: str, token: str, *, page: bool) -> str | None:
    """Why this request is refused, or None when it may go on (``page``: the inbox's own URLs)."""
    headers = Headers(scope=scope)
    browser = "origin" in headers or "sec-fetch-site" in headers
    shared = not is_loopback(bound_host)
    if not page and not browser:
        return None  # a program using the control API: unchanged
    client = scope.get("client")
    if not shared and client is not None and not is_loopback(str(client[0])):
        return "the inbox answers loopback clients only (start the sandbox with --host to share it)"
    host = urlsplit(f"//{headers.get('host', '')}").hostname or ""
    if not shared and not is_loopback(host):
        return f"unexpected Host header {host!r}: use http://127.0.0.1 or http://localhost"
    if scope["method"] in ("GET", "HEAD") or not browser:
        return None
    fetch_site = headers.get("sec-fetch-site")
    if fetch_site is not None and fetch_site not in ("same-origin", "none"):
        return f"cross-site request refused (Sec-Fetch-Site: {fetch_site})"
    origin = headers.get("origin")
    if origin is not None and origin != f"{scope.get('scheme', 'http')}://{headers.get('host', '')}":
        return f"cross-site request refused (Origin: {origin})"
    if not hmac.compare_digest(headers.get(TOKEN_HEADER.lower(), ""), token):
        return f"a browser request must carry the page's {TOKEN_HEADER}"
    return None
