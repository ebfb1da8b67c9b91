"""Keep a test that uses ``sms_sandbox`` on loopback: no request may leave for a real provider.

Setting the clients' environment variables redirects clients built *during* the test. A client
built earlier (at import time, as a module-level singleton kept alive for its connections) already
holds production URLs and credentials; the fixture cannot redirect it, so it must stop it. While the
guard is on, every way a request can leave the process is checked before any name is resolved or
any connection opened, and a non-loopback target raises :class:`SandboxIsolationError`:

* httpx's network transports (``HTTPTransport`` / ``AsyncHTTPTransport``): every httpx client --
  the project's modern and legacy clients, and a caller's own ``httpx.Client`` -- ends there,
  whenever it was built; the proxy the transport was built with is checked too.
* The project's optional fast transports (pyreqwest does its networking in Rust, out of Python's
  sight), patched on their classes when the project is installed.
* Python sockets (``socket.getaddrinfo`` and ``socket.connect``): the backstop for anything else
  written in Python (aiohttp, urllib, requests, a vendor SDK), which also keeps DNS lookups of
  outside names from leaving.

The error is deliberately not an ``OSError``/``RuntimeError``/httpx error, so no retry rule or
error mapping turns it into "the request may have been processed": nothing was sent.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import socket
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from smsclients_sandbox.callback_policy import host_address

__all__ = ["SandboxIsolationError", "guard", "is_loopback"]

# The project's transports that do not end in httpx's own (module, class, method).
_PROJECT_TRANSPORTS = (
    ("smsclients.transports", "PyreqwestTransport", "handle_request"),
    ("smsclients.transports", "AsyncPyreqwestTransport", "handle_async_request"),
    ("smsclients.transports", "AiohttpTransport", "handle_async_request"),
)

WHY = (
    "the sms_sandbox fixture is active, so requests may only go to loopback (the sandbox); "
    "a client built before the test (e.g. at import time) keeps the URL and credentials it read then. "
    "Build the client inside the test, or give it base_url=sms_sandbox.base_urls[...]"
)


class SandboxIsolationError(Exception):
    """A request to a non-loopback host was stopped before anything left the process."""


def is_loopback(host: str | bytes | None) -> bool:
    """``localhost`` or a loopback IP literal (IPv4-mapped too); other names are not resolved."""
    if host is None:
        return True  # getaddrinfo(None, port): the local wildcard, used for binding
    address = host_address(host.decode("ascii", "replace") if isinstance(host, bytes) else host)
    return address is not None and (address.is_loopback or address.is_unspecified)


def _refuse(host: object, what: str) -> SandboxIsolationError:
    return SandboxIsolationError(f"{what} to non-loopback host {host!r} blocked: {WHY}")


def _check_request(request: httpx.Request) -> None:
    if not is_loopback(request.url.host):
        raise _refuse(request.url.host, f"{request.method} {request.url.copy_with(query=None, fragment=None)}")


def _check_proxy(transport: object) -> None:
    proxy = getattr(getattr(transport, "_pool", None), "_proxy_url", None)
    host = getattr(proxy, "host", None)
    if host is not None:
        name = host.decode("ascii", "replace") if isinstance(host, bytes) else str(host)
        if not is_loopback(name):
            raise _refuse(name, "a request through the proxy")


def _guard_sync(original: Callable[..., httpx.Response], proxy: bool) -> Callable[..., httpx.Response]:
    @functools.wraps(original)
    def handle_request(self: Any, request: httpx.Request) -> httpx.Response:
        _check_request(request)
        if proxy:
            _check_proxy(self)
        return original(self, request)

    return handle_request


def _guard_async(original: Callable[..., Any], proxy: bool) -> Callable[..., Any]:
    @functools.wraps(original)
    async def handle_async_request(self: Any, request: httpx.Request) -> httpx.Response:
        _check_request(request)
        if proxy:
            _check_proxy(self)
        response: httpx.Response = await original(self, request)
        return response

    return handle_async_request


def _guard_getaddrinfo(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if not is_loopback(host):
            raise _refuse(host, "a name lookup")
        return original(host, *args, **kwargs)

    return getaddrinfo


def _guard_connect(original: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(original)
    def connect(self: socket.socket, address: Any, *args: Any) -> Any:
        inet = self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple)
        if inet and not is_loopback(address[0]):
            raise _refuse(address[0], "a connection")
        return original(self, address, *args)

    return connect


def _project_transports() -> Iterator[tuple[type, str, bool]]:
    for module_name, class_name, method in _PROJECT_TRANSPORTS:
        if importlib.util.find_spec(module_name.split(".")[0]) is None:
            continue
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        cls = getattr(module, class_name, None)
        if isinstance(cls, type) and hasattr(cls, method):
            yield cls, method, method == "handle_async_request"


def guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Block non-loopback requests until ``monkeypatch`` is undone (at the end of the test)."""
    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", _guard_sync(httpx.HTTPTransport.handle_request, True))
    monkeypatch.setattr(
        httpx.AsyncHTTPTransport,
        "handle_async_request",
        _guard_async(httpx.AsyncHTTPTransport.handle_async_request, True),
    )
    for cls, method, is_async in _project_transports():
        original = getattr(cls, method)
        monkeypatch.setattr(cls, method, _guard_async(original, False) if is_async else _guard_sync(original, False))
    monkeypatch.setattr(socket, "getaddrinfo", _guard_getaddrinfo(socket.getaddrinfo))
    monkeypatch.setattr(socket.socket, "connect", _guard_connect(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex", _guard_connect(socket.socket.connect_ex))
