"""Optional fast transports behind the same httpx API (extra ``fast``: pyreqwest, httpx-aiohttp).

Pass the result as ``transport=`` to any facade or legacy drop-in; the default stays plain httpx.
Both keep TLS verification on (pyreqwest and aiohttp verify by default), and the facades still
refuse http:// to non-loopback hosts before any transport is used::

    from smsclients import FlowrouteClient
    from smsclients.transports import fast_transport

    client = FlowrouteClient(key, secret, transport=fast_transport("pyreqwest"))
"""

from __future__ import annotations

import importlib
from typing import Any, Final

import httpx

from .errors import InputError

__all__ = ["ASYNC_KINDS", "SYNC_KINDS", "fast_async_transport", "fast_transport"]

SYNC_KINDS: Final = ("httpx", "pyreqwest")
ASYNC_KINDS: Final = ("httpx", "pyreqwest", "aiohttp")

_EXTRA_HINT = "install the optional extra: pip install 'sms-provider-clients[fast]'"


def _load(module: str, name: str, kind: str) -> Any:
    try:
        return getattr(importlib.import_module(module), name)
    except ImportError:
        raise InputError("kind", f"transport {kind!r} needs the package providing {module}; {_EXTRA_HINT}") from None


def fast_transport(kind: str = "pyreqwest") -> httpx.BaseTransport:
    """A sync transport: ``"pyreqwest"`` (Rust, reqwest/hyper) or ``"httpx"`` (the default one)."""
    if kind == "httpx":
        return httpx.HTTPTransport()
    if kind == "pyreqwest":
        transport: httpx.BaseTransport = _load("pyreqwest.compatibility.httpx", "SyncHttpxTransport", kind)()
        return transport
    raise InputError("kind", f"must be one of {', '.join(SYNC_KINDS)}; got {kind!r}")


def fast_async_transport(kind: str = "pyreqwest") -> httpx.AsyncBaseTransport:
    """An async transport: ``"pyreqwest"``, ``"aiohttp"`` (httpx-aiohttp) or ``"httpx"`` (the default one)."""
    if kind == "httpx":
        return httpx.AsyncHTTPTransport()
    if kind == "pyreqwest":
        transport: httpx.AsyncBaseTransport = _load("pyreqwest.compatibility.httpx", "HttpxTransport", kind)()
        return transport
    if kind == "aiohttp":
        transport = _load("httpx_aiohttp", "AiohttpTransport", kind)()
        return transport
    raise InputError("kind", f"must be one of {', '.join(ASYNC_KINDS)}; got {kind!r}")
