"""The async MessageMedia facade: each method family over the same wire exchanges as the sync one."""

from __future__ import annotations

import asyncio

import pytest
from messagemedia_messages_v1_client.models import DeliveryReport, Reply
from smsclients.errors import InputError, NotFoundError, PermissionDeniedError
from smsclients.messagemedia import AsyncMessageMediaClient

from tests.fields import dig

from .support import (
    API_KEY,
    API_SECRET,
    BASIC_MESSAGE,
    CONFIRM_IDS,
    DELIVERY_REPORT_IDS,
    MESSAGE_ID,
    MESSAGE_ID_2,
    REPLY_IDS,
    AsyncRecordingTransport,
    Cassette,
    assert_all_played,
    assert_hmac_signed,
    body_json,
)


@pytest.mark.vcr
def test_async_messages_send_status_cancel_hmac(vcr: Cassette) -> None:
    wire = AsyncRecordingTransport()

    async def run() -> None:
        async with AsyncMessageMediaClient(API_KEY, API_SECRET, hmac=True, account="MyAccount", transport=wire) as mm:
            sent = await mm.messages.send([BASIC_MESSAGE])
            assert [m.message_id for m in dig(sent, "messages")] == [MESSAGE_ID]
            message = await mm.messages.status(MESSAGE_ID)
            assert message.status == "scheduled"
            await mm.messages.cancel(MESSAGE_ID)

    asyncio.run(run())

    calls = [(r.method, r.url.path) for r in wire.requests]
    assert calls == [
        ("POST", "/v1/messages"),
        ("GET", f"/v1/messages/{MESSAGE_ID}"),
        ("PUT", f"/v1/messages/{MESSAGE_ID}"),
    ]
    assert body_json(wire.requests[0]) == {"messages": [BASIC_MESSAGE]}
    assert body_json(wire.requests[2]) == {"status": "cancelled"}
    for request in wire.requests:
        assert request.headers["Account"] == "MyAccount"
        assert_hmac_signed(request)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_async_delivery_reports_check_confirm_iter(vcr: Cassette) -> None:
    wire = AsyncRecordingTransport()

    async def run() -> list[str]:
        async with AsyncMessageMediaClient(API_KEY, API_SECRET, transport=wire) as mm:
            reports = await mm.delivery_reports.check()
            assert all(isinstance(r, DeliveryReport) for r in reports)
            assert [r.delivery_report_id for r in reports] == DELIVERY_REPORT_IDS
            await mm.delivery_reports.confirm(DELIVERY_REPORT_IDS)
            return [dig(report, "delivery_report_id") async for report in mm.delivery_reports.iter()]

    seen = asyncio.run(run())

    assert len(seen) == 5
    confirms = [body_json(r)["delivery_report_ids"] for r in wire.requests if r.method == "POST"]
    assert confirms == [DELIVERY_REPORT_IDS, seen[0:2], seen[2:4], seen[4:5]]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_async_replies_check_confirm_drain(vcr: Cassette) -> None:
    wire = AsyncRecordingTransport()
    handled: list[str] = []

    async def handler(reply: Reply) -> None:
        handled.append(dig(reply, "reply_id"))

    async def run() -> int:
        async with AsyncMessageMediaClient(API_KEY, API_SECRET, transport=wire) as mm:
            replies = await mm.replies.check()
            assert [r.reply_id for r in replies] == REPLY_IDS
            await mm.replies.confirm(REPLY_IDS)
            return await mm.replies.drain(handler, max_items=3)

    assert asyncio.run(run()) == 3
    assert handled == CONFIRM_IDS
    confirms = [body_json(r)["reply_ids"] for r in wire.requests if r.method == "POST"]
    assert confirms == [REPLY_IDS, CONFIRM_IDS[:2], CONFIRM_IDS[2:]]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_async_error_mapping(vcr: Cassette) -> None:
    async def run() -> None:
        async with AsyncMessageMediaClient(API_KEY, API_SECRET, transport=AsyncRecordingTransport()) as mm:
            with pytest.raises(NotFoundError):
                await mm.messages.status(MESSAGE_ID_2)
            with pytest.raises(PermissionDeniedError):
                await mm.replies.check()
            with pytest.raises(InputError):
                await mm.messages.send([])

    asyncio.run(run())
    assert_all_played(vcr)
