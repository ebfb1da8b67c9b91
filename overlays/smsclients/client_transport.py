"""A user-built ``httpx.Client`` / ``AsyncClient`` as the network layer of a provider client (``http_client=``).

The facade still builds, checks and signs every request and sends it through its retry transport;
only the last step, putting the request on the network, goes through the given client's ``send``.
So everything configured on that client applies to every attempt: proxies (``proxy=``, ``mounts=``,
and the ``HTTP(S)_PROXY``/``ALL_PROXY``/``NO_PROXY`` variables when ``trust_env`` is true, httpx's
default), certificates and ``verify``, limits, its transport and its event hooks (a request hook
sees each attempt, signed). What the facade guarantees stays the facade's: the HTTPS rule for the
base URL, timeouts and retries from its ``RetryPolicy`` (the given client's own timeout is not
used), typed errors, redirects never followed, and redaction in its logs and exceptions.

The client is borrowed: closing the facade does not close it, so one client can serve several
facades; close it yourself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import httpx

from .errors import InputError

__all__ = ["AsyncClientTransport", "ClientTransport", "network_async_transport", "network_transport"]

T = TypeVar("T")
C = TypeVar("C")


def _both_given() -> InputError:
    return InputError("http_client", "give either transport= or http_client=, not both")


def _closed() -> InputError:
    return InputError("http_client", "has been closed; a borrowed client must stay open while it is used")


class ClientTransport(httpx.BaseTransport):
    """Sends each (already signed) request with ``client.send``; never follows redirects."""

    def __init__(self, client: httpx.Client) -> None:
        if not isinstance(client, httpx.Client):
            hint = " (an AsyncClient goes to the Async... clients)" if isinstance(client, httpx.AsyncClient) else ""
            raise InputError("http_client", f"must be an httpx.Client; got {type(client).__name__}{hint}")
        self.client = client

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.client.is_closed:
            raise _closed()
        try:
            # auth=None: the request is signed already; the borrowed client's own auth must not re-sign it.
            return self.client.send(request, auth=None, follow_redirects=False)
        except httpx.HTTPStatusError as exc:
            # A response hook that calls raise_for_status(): the facade maps the status to its typed error.
            return exc.response

    def close(self) -> None:
        """Nothing to release: the client is borrowed (see the module docstring)."""


class AsyncClientTransport(httpx.AsyncBaseTransport):
    """Async twin of :class:`ClientTransport`, for an ``httpx.AsyncClient``."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        if not isinstance(client, httpx.AsyncClient):
            raise InputError("http_client", f"must be an httpx.AsyncClient; got {type(client).__name__}")
        self.client = client

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.client.is_closed:
            raise _closed()
        try:
            return await self.client.send(request, auth=None, follow_redirects=False)
        except httpx.HTTPStatusError as exc:
            return exc.response

    async def aclose(self) -> None:
        """Nothing to release: the client is borrowed."""


def _choose(transport: T | None, http_client: C | None, borrow: Callable[[C], T], default: Callable[[], T]) -> T:
    if http_client is None:
        return transport if transport is not None else default()
    if transport is not None:
        raise _both_given()
    return borrow(http_client)


def network_transport(
    transport: httpx.BaseTransport | None, http_client: httpx.Client | None, verify: bool = True
) -> httpx.BaseTransport:
    """The transport under a sync client's retries: ``transport``, or ``http_client``'s send, or the default."""
    from .http import default_transport  # here: http imports this module

    return _choose(transport, http_client, ClientTransport, lambda: default_transport(verify))


def network_async_transport(
    transport: httpx.AsyncBaseTransport | None, http_client: httpx.AsyncClient | None, verify: bool = True
) -> httpx.AsyncBaseTransport:
    """Async twin of :func:`network_transport`."""
    from .http import default_async_transport

    return _choose(transport, http_client, AsyncClientTransport, lambda: default_async_transport(verify))
