"""Bad credentials are one class on every provider, and every APIError carries the request id.

Each provider answers bad credentials with the status it documents (Flowroute and Bandwidth 401,
MessageMedia 403); the caller writes ``except AuthenticationError`` once. A 403 elsewhere stays a
plain PermissionDeniedError. ``request_id`` is the one ``RawResponse.request_id`` reads.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from smsclients import (
    APIError,
    AsyncBandwidthClient,
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    AuthenticationError,
    BandwidthClient,
    CredentialsForbiddenError,
    FlowrouteClient,
    MessageMediaClient,
    PermissionDeniedError,
)
from smsclients.legacy import messagemedia as legacy_messagemedia

MM_ID = "82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b"
BAD_CREDENTIALS = {"flowroute": 401, "bandwidth": 401, "messagemedia": 403}


def _answer(status: int, request_id_header: str = "X-Request-Id") -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(
            status, json={"message": "Invalid authentication credentials"}, headers={request_id_header: "rid-42"}
        )
    )


def _sync(provider: str, transport: httpx.MockTransport) -> tuple[Any, Callable[[Any], object]]:
    if provider == "flowroute":
        return FlowrouteClient("k", "s", transport=transport), lambda c: c.messages.get("mdr2-1")
    if provider == "bandwidth":
        return BandwidthClient("u-1", "t", "s", transport=transport), lambda c: c.messages.get("m-1")
    return MessageMediaClient("k", "s", transport=transport), lambda c: c.messages.status(MM_ID)


def _async(provider: str, transport: httpx.MockTransport) -> tuple[Any, Callable[[Any], Any]]:
    if provider == "flowroute":
        return AsyncFlowrouteClient("k", "s", transport=transport), lambda c: c.messages.get("mdr2-1")
    if provider == "bandwidth":
        return AsyncBandwidthClient("u-1", "t", "s", transport=transport), lambda c: c.messages.get("m-1")
    return AsyncMessageMediaClient("k", "s", transport=transport), lambda c: c.messages.status(MM_ID)


@pytest.mark.parametrize("provider", sorted(BAD_CREDENTIALS))
def test_bad_credentials_are_an_authentication_error_everywhere(provider: str) -> None:
    status = BAD_CREDENTIALS[provider]
    client, call = _sync(provider, _answer(status))
    with client, pytest.raises(AuthenticationError) as caught:
        call(client)
    assert caught.value.status_code == status and caught.value.request_id == "rid-42"
    assert "request_id=rid-42" in str(caught.value)

    async def run() -> None:
        aclient, acall = _async(provider, _answer(status))
        async with aclient:
            await acall(aclient)

    with pytest.raises(AuthenticationError):
        asyncio.run(run())


def test_messagemedias_403_is_still_a_permission_denied_error() -> None:
    client, call = _sync("messagemedia", _answer(403))
    with client, pytest.raises(CredentialsForbiddenError) as caught:
        call(client)
    assert isinstance(caught.value, PermissionDeniedError) and isinstance(caught.value, AuthenticationError)


@pytest.mark.parametrize("provider", ["flowroute", "bandwidth"])
def test_a_403_elsewhere_is_not_called_bad_credentials(provider: str) -> None:
    client, call = _sync(provider, _answer(403))
    with client, pytest.raises(PermissionDeniedError) as caught:
        call(client)
    assert not isinstance(caught.value, AuthenticationError)


def test_the_legacy_drop_in_raises_its_own_class_that_is_also_an_authentication_error() -> None:
    mm = legacy_messagemedia.MessageMediaMessagesClient("k", "s", False, transport=_answer(403))
    with mm, pytest.raises(legacy_messagemedia.APIException) as caught:
        mm.messages.get_message_status(MM_ID)
    assert isinstance(caught.value, AuthenticationError)
    assert isinstance(caught.value, APIError) and caught.value.request_id == "rid-42"


@pytest.mark.parametrize("header", ["X-Request-Id", "Request-Id", "X-Amzn-RequestId", "X-Correlation-Id"])
def test_request_id_is_read_like_the_raw_responses(header: str) -> None:
    with FlowrouteClient("k", "s", transport=_answer(500, header)) as fr:
        with pytest.raises(APIError) as caught:
            fr.messages.get("mdr2-1", max_retries=0)
        raw = fr.messages.with_raw_response
        with pytest.raises(APIError) as caught_raw:
            raw.get("mdr2-1", max_retries=0)
    assert caught.value.request_id == caught_raw.value.request_id == "rid-42"
    assert "rid-42" in repr(caught.value)
