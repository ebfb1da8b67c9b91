"""Small helpers for the sandbox tests: clients per surface and a test-side HMAC signer.

The signer here is written from docs/providers.md §4.6 for the tests only; the sandbox's verifier
(``sandbox/hmac_verify.py``) and the clients' signer are separate implementations.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import httpx
from smsclients_sandbox import SandboxHandle

FR_JSON = {"Content-Type": "application/vnd.api+json"}


def client(sb: SandboxHandle, surface: str, *, auth: tuple[str, str] | None = None) -> httpx.Client:
    """An httpx client for one surface, authenticated with the sandbox's Basic credentials."""
    return httpx.Client(base_url=sb.base_urls[surface], auth=auth or sb.credentials[surface], timeout=10)


def fr_body(value: Any) -> dict[str, Any]:
    """Keyword arguments for a Flowroute v2 JSON:API request body."""
    return {"content": json.dumps(value), "headers": FR_JSON}


def http_date(moment: datetime | None = None) -> str:
    return format_datetime(moment or datetime.now(UTC), usegmt=True)


def hmac_headers(
    key: str,
    secret: str,
    method: str,
    path: str,
    body: bytes = b"",
    *,
    date: str | None = None,
    md5: str | None = None,
    names: tuple[str, str] = ("date", "x-Content-MD5"),
    algorithm: str = "hmac-sha1",
) -> dict[str, str]:
    """Headers of an HMAC-signed MessageMedia request (SDK form, docs/providers.md §4.6)."""
    date = date or http_date()
    date_name, md5_name = names
    headers = {date_name: date}
    signed = [f"{date_name}: {date}"]
    header_list = [date_name]
    if body:
        digest = md5 if md5 is not None else hashlib.md5(body).hexdigest()
        headers[md5_name] = digest
        signed.append(f"{md5_name}: {digest}")
        header_list.append(md5_name)
    signed.append(f"{method} {path} HTTP/1.1")
    header_list.append("request-line")
    digestmod = {"hmac-sha1": hashlib.sha1, "hmac-sha256": hashlib.sha256}[algorithm]
    mac = hmac.new(secret.encode(), "\n".join(signed).encode(), digestmod)
    signature = base64.b64encode(mac.digest()).decode()
    headers["Authorization"] = (
        f'hmac username="{key}", algorithm="{algorithm}", headers="{" ".join(header_list)}", signature="{signature}"'
    )
    return headers


def mm_message(content: str = "Hello from the sandbox", **extra: Any) -> Any:
    return {"content": content, "destination_number": "+61491570156", **extra}


def bw_message(text: str = "SMS message", **extra: Any) -> dict[str, Any]:
    return {"from": "+19195551212", "to": "+19195551213", "text": text, **extra}


def fr_message(body: str = "hello", *, to: str = "12061232634", sender: str = "12012673227") -> dict[str, Any]:
    """Keyword arguments for a Flowroute Messages v2.1 send (``from`` is an account number)."""
    return fr_body({"data": {"type": "message", "attributes": {"to": to, "from": sender, "body": body}}})


def fr_route(value: str, alias: str, route_type: str = "host") -> dict[str, Any]:
    """Keyword arguments for a Flowroute create-route request."""
    return fr_body(
        {"data": {"type": "route", "attributes": {"route_type": route_type, "value": value, "alias": alias}}}
    )
