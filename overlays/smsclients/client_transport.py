"""A user-built ``httpx.Client`` / ``AsyncClient`` as the network layer of a provider client (``http_client=``).

The facade still builds, checks and signs every request and sends it through its retry transport;
only the last step, putting the request on the network, goes through the given client: its hooks
and the transport it would send that URL through (what ``Client.send`` does, minus redirects).
So everything configured on that client applies to every attempt: proxies (``proxy=``, ``mounts=``,
and the ``HTTP(S)_PROXY``/``ALL_PROXY``/``NO_PROXY`` variables when ``trust_env`` is true, httpx's
default), certificates and ``verify``, limits, its transport and its event hooks (a request hook
sees each attempt, signed; a response hook each answer, before its body is read). What the facade
guarantees stays the facade's: the HTTPS rule for the base URL, timeouts and retries from its
``RetryPolicy`` (the given client's own timeout is not used), typed errors, redirects never
followed, and redaction in its logs and exceptions.

A hook's exception never makes a received answer "unknown": the status the server sent decides.
An error status (a hook calling ``raise_for_status()``, as httpx documents, or raising anything
else) is the facade's typed APIError with the body as received; a 2xx a hook refused is a
MalformedResponseError whose ``accepted`` says a send was processed. A request hook that raises
means nothing was sent (:class:`~smsclients.errors.TransportError`, not "delivery unknown").

The client is borrowed: closing the facade does not close it, so one client can serve several
facades; close it yourself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

import httpx

from .errors import InputError, MalformedResponseError, TransportError
from .responses import malformed_response

__all__ = [
    "AsyncClientTransport",
    "AsyncSharedTransport",
    "ClientTransport",
    "SharedTransport",
    "network_async_transport",
    "network_transport",
]

hook_logger = logging.getLogger("smsclients.http_client")
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
        hooks = self.client.event_hooks
        try:
            for hook in hooks["request"]:
                hook(request)
        except Exception as exc:
            raise _request_hook_failed(exc) from exc
        # The client's transport for this URL (its mounts and proxies), called as Client.send would;
        # the response hooks run here, where an exception of theirs cannot discard the answer unread.
        response = self.client._transport_for_url(request.url).handle_request(request)
        response.request = request
        try:
            for hook in hooks["response"]:
                hook(response)
        except Exception as exc:
            refusal = _refusal(response, exc)
            if refusal is not None:
                response.close()
                raise refusal from exc
        return response

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
        hooks = self.client.event_hooks
        try:
            for hook in hooks["request"]:
                await hook(request)
        except Exception as exc:
            raise _request_hook_failed(exc) from exc
        response = await self.client._transport_for_url(request.url).handle_async_request(request)
        response.request = request
        try:
            for hook in hooks["response"]:
                await hook(response)
        except Exception as exc:
            refusal = _refusal(response, exc)
            if refusal is not None:
                await response.aclose()
                raise refusal from exc
        return response

    async def aclose(self) -> None:
        """Nothing to release: the client is borrowed."""


class SharedTransport(httpx.BaseTransport):
    """Another client's network transport, borrowed: requests go through it, closing leaves it open.

    What a ``with_options()`` copy of a client sends through, so it shares the original's connections.
    """

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.inner.handle_request(request)

    def close(self) -> None:
        """Nothing to release: the original client closes the transport."""


class AsyncSharedTransport(httpx.AsyncBaseTransport):
    """Async twin of :class:`SharedTransport`."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        """Nothing to release: the original client closes the transport."""


def _request_hook_failed(exc: Exception) -> TransportError:
    # Only the exception's type: its text may quote the signed request.
    return TransportError(f"a request hook of http_client raised {type(exc).__name__}; the request was not sent")


def _refusal(response: httpx.Response, exc: Exception) -> MalformedResponseError | None:
    """After a response hook raised: None for an error status (it goes on to the facade's typed
    error, body and all); the error to raise for a 2xx the hook refused."""
    hook_logger.debug("a response hook of http_client raised %s on HTTP %d", type(exc).__name__, response.status_code)
    if not 200 <= response.status_code < 300:
        return None
    return malformed_response(
        f"a response hook of http_client refused the answer ({type(exc).__name__})",
        status_code=response.status_code,
        method=response.request.method,
    )


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
