"""The async Bandwidth facade: each method family over the same wire exchanges as the sync one."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from bandwidth_messaging_v1_client.models import BandwidthError, Message
from smsclients.bandwidth import AsyncBandwidthClient, message_id_from_location
from smsclients.errors import AuthenticationError, InputError, NotFoundError, ServerError

from tests.fields import dig

from .support import (
    API_SECRET,
    API_TOKEN,
    BATCH,
    FROM,
    MESSAGES_PATH,
    PAGED_IDS,
    SEED_MESSAGE_WIRE,
    TO,
    USER_ID,
    AsyncRecordingTransport,
    Cassette,
    assert_all_played,
    assert_basic_auth,
    body_json,
    calls,
)


@pytest.mark.vcr
def test_async_send_and_get(vcr: Cassette) -> None:
    wire = AsyncRecordingTransport()

    async def run() -> tuple[str, Message]:
        async with AsyncBandwidthClient(USER_ID, API_TOKEN, API_SECRET, transport=wire) as bw:
            message_id = await bw.messages.send(from_=FROM, to=TO, text="SMS message", receipt_requested="all")
            return message_id, await bw.messages.get("m-messageId")

    message_id, message = asyncio.run(run())

    assert message_id == "m-it6ewpyiyadfe"
    assert message.to_dict() == SEED_MESSAGE_WIRE
    assert calls(wire.requests) == [("POST", MESSAGES_PATH), ("GET", f"{MESSAGES_PATH}/m-messageId")]
    assert body_json(wire.requests[0]) == {"from": FROM, "to": TO, "text": "SMS message", "receiptRequested": "all"}
    assert_basic_auth(wire.requests)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_async_send_batch(vcr: Cassette) -> None:
    wire = AsyncRecordingTransport()

    async def run() -> list[str]:
        async with AsyncBandwidthClient(USER_ID, API_TOKEN, API_SECRET, transport=wire) as bw:
            results = await bw.messages.send_batch(BATCH)
        assert isinstance(results[2].error, BandwidthError)
        return [message_id_from_location(result.location) if result.location else "" for result in results]

    assert asyncio.run(run()) == ["m-batch0001", "m-batch0002", ""]
    assert body_json(wire.requests[0]) == BATCH
    assert_all_played(vcr)


@pytest.mark.vcr
def test_async_iter_three_pages(vcr: Cassette) -> None:
    wire = AsyncRecordingTransport()

    async def run() -> list[str]:
        async with AsyncBandwidthClient(USER_ID, API_TOKEN, API_SECRET, transport=wire) as bw:
            pager = bw.messages.iter(size=2)
            assert wire.requests == []  # lazy
            return [dig(message, "id") async for message in pager]

    assert asyncio.run(run()) == PAGED_IDS
    assert calls(wire.requests) == [
        ("GET", f"{MESSAGES_PATH}?size=2"),
        ("GET", f"{MESSAGES_PATH}?size=2&sortKeyLT=m-okbq3ufqyadfe"),
        ("GET", f"{MESSAGES_PATH}?size=2&sortKeyLT=m-t2gspvs6iadfe"),
    ]
    assert_basic_auth(wire.requests)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_async_error_mapping(vcr: Cassette) -> None:
    wire = AsyncRecordingTransport()

    async def run() -> None:
        async with AsyncBandwidthClient(USER_ID, API_TOKEN, API_SECRET, transport=wire) as bw:
            with pytest.raises(NotFoundError) as not_found:
                await bw.messages.get("m-unknown")
            assert not_found.value.code == "message-not-found"
            with pytest.raises(AuthenticationError):
                await bw.messages.send(from_=FROM, to=TO, text="hi")
            with pytest.raises(ServerError) as server:
                await bw.messages.get("m-messageId")
            assert server.value.body is None
            assert server.value.message.startswith("<html>")

    asyncio.run(run())
    assert len(wire.requests) == 3
    assert_all_played(vcr)


def test_async_input_checks_send_nothing() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise AssertionError(f"no request may be sent, got {request.method} {request.url}")

    async def run() -> None:
        async with AsyncBandwidthClient(USER_ID, API_TOKEN, API_SECRET, transport=httpx.MockTransport(refuse)) as bw:
            with pytest.raises(InputError, match="from_: must be a possible phone number"):
                await bw.messages.send(from_="+1234567980", to=TO, text="hi")
            with pytest.raises(InputError, match="messages: must contain at most 50 items"):
                await bw.messages.send_batch([BATCH[0]] * 51)
            with pytest.raises(InputError, match="size: must be at most 1000"):
                bw.messages.iter(size=5000)
            with pytest.raises(InputError, match="message_id"):
                await bw.messages.get("")

    asyncio.run(run())


def test_async_repr_hides_credentials() -> None:
    async def run() -> str:
        async with AsyncBandwidthClient(USER_ID, API_TOKEN, API_SECRET) as bw:
            return repr(bw) + str(bw) + repr(bw.messages)

    text = asyncio.run(run())
    assert USER_ID in text
    assert API_TOKEN not in text and API_SECRET not in text
