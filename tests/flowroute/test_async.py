"""The async Flowroute facade: every method over the same wire exchanges as the sync one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import pytest
from smsclients.errors import AuthenticationError, InputError, NotFoundError, ServerError
from smsclients.flowroute import AsyncFlowrouteClient

from tests.fields import dig

from .support import (
    ACCESS_KEY,
    FROM_NUMBER,
    MDR1_LOOKUP,
    MDR1_SENT,
    MDR2_ID,
    MMS_URL,
    NUMBER,
    SECRET_KEY,
    SENT_MDR2_ID,
    TO_NUMBER,
    V2_FROM,
    AsyncRecordingTransport,
    Cassette,
    assert_all_played,
    body_json,
    calls,
    params,
)

R = TypeVar("R")


def run(wire: AsyncRecordingTransport, body: Callable[[AsyncFlowrouteClient], Awaitable[R]]) -> R:
    """Run ``body`` with a fresh async client on ``wire`` and close the client afterwards."""

    async def main() -> R:
        async with AsyncFlowrouteClient(ACCESS_KEY, SECRET_KEY, transport=wire) as client:
            return await body(client)

    return asyncio.run(main())


@pytest.mark.vcr
def test_async_numbers_lists(vcr: Cassette) -> None:
    wire = AsyncRecordingTransport()

    async def body(fr: AsyncFlowrouteClient) -> None:
        areas = await fr.numbers.list_available_area_codes(limit=3, max_setup_cost=3.25)
        assert [dig(code, "id") for code in dig(areas, "data")] == ["201", "202", "203"]
        exchanges = await fr.numbers.list_available_exchange_codes(areacode=347, limit=3)
        assert dig(exchanges, "data[0].id") == "347215"
        purchasable = await fr.numbers.search_purchasable(starts_with=646, contains=3, ends_with=7, limit=3)
        assert dig(purchasable, "data[2].attributes.setup_cost") == 3.99
        account = await fr.numbers.list_account_numbers(starts_with=201, limit=3)
        assert dig(account, "data[0].id") == FROM_NUMBER

    run(wire, body)

    assert calls(wire) == [
        ("GET", "/v2/numbers/available/areacodes"),
        ("GET", "/v2/numbers/available/exchanges"),
        ("GET", "/v2/numbers/available"),
        ("GET", "/v2/numbers"),
    ]
    assert params(wire.requests[2]) == {"starts_with": "646", "contains": "3", "ends_with": "7", "limit": "3"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_async_numbers_iterators_follow_pages(vcr: Cassette) -> None:
    wire = AsyncRecordingTransport()

    async def body(fr: AsyncFlowrouteClient) -> list[list[str]]:
        areas = [dig(code, "id") async for code in fr.numbers.iter_available_area_codes(page_size=2)]
        exchanges = [
            dig(code, "id") async for code in fr.numbers.iter_available_exchange_codes(areacode=347, page_size=3)
        ]
        purchasable = [
            n.id async for n in fr.numbers.iter_purchasable(rate_center="nwyrcyzn01", state="ny", page_size=2)
        ]
        account = [dig(n, "id") async for n in fr.numbers.iter_account_numbers(page_size=2, max_items=3)]
        return [areas, exchanges, purchasable, account]

    areas, exchanges, purchasable, account = run(wire, body)

    assert areas == ["201", "202", "203", "204", "205"]
    assert exchanges == ["347215", "347325", "347331", "347342"]
    assert purchasable == ["16463439507", "16463439617", "16463439667"]
    assert account == [FROM_NUMBER, "12014845220", "12015550143"]
    assert len(wire.requests) == 3 + 2 + 2 + 2
    assert_all_played(vcr)


@pytest.mark.vcr
def test_async_numbers_purchase_and_get(vcr: Cassette) -> None:
    wire = AsyncRecordingTransport()

    async def body(fr: AsyncFlowrouteClient) -> None:
        bought = await fr.numbers.purchase(NUMBER)
        assert dig(bought, "data.id") == NUMBER
        details = await fr.numbers.get("+" + NUMBER)
        assert dig(details, "data.attributes.rate_center") == "millbrae"

    run(wire, body)

    assert calls(wire) == [("POST", f"/v2/numbers/{NUMBER}"), ("GET", f"/v2/numbers/{NUMBER}")]
    assert_all_played(vcr)


@pytest.mark.vcr
def test_async_routes(vcr: Cassette) -> None:
    wire = AsyncRecordingTransport()

    async def body(fr: AsyncFlowrouteClient) -> None:
        created = await fr.routes.create("host", "il775u.sonsofodin.com", "new route")
        assert dig(created, "data.id") == "98396"
        page = await fr.routes.list(limit=2)
        assert [dig(route, "id") for route in dig(page, "data")] == ["0", "83834"]
        assert [dig(route, "id") async for route in fr.routes.iter(page_size=2)] == ["0", "83834", "98396"]
        await fr.routes.set_primary(FROM_NUMBER, "83834")
        await fr.routes.set_failover(FROM_NUMBER, "98396")

    run(wire, body)

    assert [method for method, _ in calls(wire)] == ["POST", "GET", "GET", "GET", "PATCH", "PATCH"]
    assert body_json(wire.requests[4]) == {"data": {"type": "route", "id": "83834"}}
    assert wire.requests[5].url.path == f"/v2/numbers/{FROM_NUMBER}/relationships/failover_route"
    assert_all_played(vcr)


@pytest.mark.vcr
def test_async_messages(vcr: Cassette) -> None:
    wire = AsyncRecordingTransport()

    async def body(fr: AsyncFlowrouteClient) -> None:
        accepted = await fr.messages.send(to=TO_NUMBER, from_=FROM_NUMBER, body="hello there", media_urls=[MMS_URL])
        assert dig(accepted, "data.id") == SENT_MDR2_ID
        page = await fr.messages.list("2017-12-01", "2018-01-08", limit=2)
        receipts = dig(page, "data[1].attributes.delivery_receipts")
        assert isinstance(receipts, list) and receipts[0].status_code == 1003
        records = [dig(record, "id") async for record in fr.messages.iter("2017-12-01", "2018-01-08", page_size=2)]
        assert len(records) == 5
        record = await fr.messages.get(MDR2_ID)
        assert dig(record, "data.attributes.body") == "Hello are you there? "

    run(wire, body)

    assert body_json(wire.requests[0])["data"]["attributes"]["is_mms"] is True
    assert len(wire.requests) == 1 + 1 + 3 + 1
    assert_all_played(vcr)


@pytest.mark.vcr
def test_async_messages_v2(vcr: Cassette) -> None:
    wire = AsyncRecordingTransport()

    async def body(fr: AsyncFlowrouteClient) -> None:
        sent = await fr.messages_v2.send(to=TO_NUMBER, from_=V2_FROM, body="example body")
        assert dig(sent, "data.id") == MDR1_SENT
        record = await fr.messages_v2.get(MDR1_LOOKUP)
        assert dig(record, "data.attributes.to") == "15305557784"

    run(wire, body)

    assert calls(wire) == [("POST", "/v2/messages"), ("GET", f"/v2/messages/{MDR1_LOOKUP}")]
    assert body_json(wire.requests[0]) == {"to": TO_NUMBER, "from": V2_FROM, "body": "example body"}
    assert_all_played(vcr)


@pytest.mark.vcr
def test_async_errors(vcr: Cassette) -> None:
    wire = AsyncRecordingTransport()

    async def body(fr: AsyncFlowrouteClient) -> None:
        with pytest.raises(AuthenticationError):
            await fr.numbers.list_account_numbers()
        with pytest.raises(NotFoundError):
            await fr.messages.get("mdr2-00000000000000000000000000000000")
        with pytest.raises(ServerError) as caught:
            await fr.messages_v2.send(to=TO_NUMBER, from_=V2_FROM, body="example body")
        assert caught.value.body is None

    run(wire, body)
    assert len(wire.requests) == 3
    assert_all_played(vcr)


@pytest.mark.vcr
def test_async_invalid_input_sends_nothing() -> None:
    wire = AsyncRecordingTransport()

    async def body(fr: AsyncFlowrouteClient) -> None:
        with pytest.raises(InputError, match="to"):
            await fr.messages.send(to="555-1234", from_=FROM_NUMBER, body="hi")
        with pytest.raises(InputError, match="max_items"):
            fr.routes.iter(max_items=-1)
        with pytest.raises(InputError, match="start_date"):
            await fr.messages.list("yesterday")

    run(wire, body)
    assert wire.requests == []


def test_async_repr_has_no_credentials() -> None:
    async def main() -> str:
        async with AsyncFlowrouteClient(ACCESS_KEY, SECRET_KEY) as client:
            return repr(client)

    text = asyncio.run(main())
    assert text == "AsyncFlowrouteClient(base_url='https://api.flowroute.com')"
