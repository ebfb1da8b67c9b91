"""send_many: lazily, in batches, bounded, one typed result per message in input order; the outbox resumes."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from smsclients import (
    AsyncBandwidthClient,
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    BandwidthClient,
    DeliveryUnknownError,
    FlowrouteClient,
    InputError,
    MalformedResponseError,
    MessageMediaClient,
    RetryPolicy,
)
from smsclients.sending import OutgoingMessage, SendResult, SqliteOutbox
from smsclients_sandbox.testing import SmsSandbox

from .support import FLOWROUTE_SENDER, SENDER, messages, mm_messages

NO_RETRY = RetryPolicy(max_retries=0)


def _check_in_order(results: list[SendResult], count: int) -> None:
    assert [result.index for result in results] == list(range(count))


def test_bandwidth_sends_every_message_once_in_batches(sandbox: SmsSandbox) -> None:
    rows = messages(230)
    with BandwidthClient() as bw:
        results = list(bw.messages.send_many(rows, from_=SENDER, concurrency=3))
    _check_in_order(results, 230)
    assert all(result.ok and result.message_id for result in results)
    assert len({result.message_id for result in results}) == 230
    stats = sandbox.stats()
    assert sandbox.accepted("bandwidth") == 230 and stats["duplicates"] == [] and stats["markers"]["distinct"] == 230


def test_bad_input_gets_its_own_typed_error_and_the_campaign_goes_on(sandbox: SmsSandbox) -> None:
    rows: list[Any] = messages(60)
    rows[3] = {"to": "not a number", "text": "x"}  # refused by the spec's checks inside a batch
    rows[10] = {"to": "+12064320010", "text": ""}
    rows[11] = {"to": "+12064320011", "text": "hi", "colour": "red"}  # an unknown CSV column
    rows[12] = 42
    rows[13] = {"text": "no recipient"}
    with BandwidthClient() as bw:
        results = list(bw.messages.send_many(rows, from_=SENDER))
    _check_in_order(results, 60)
    bad = {3: "to", 10: "text", 11: "colour", 12: "message", 13: "to"}
    for index, field in bad.items():
        error = results[index].error
        assert results[index].state == "failed" and isinstance(error, InputError), index
        assert field in error.field, (index, error.field)
    assert all(result.ok for index, result in enumerate(results) if index not in bad)
    assert sandbox.accepted("bandwidth") == 60 - len(bad)


def test_a_message_without_a_sender_is_refused_alone(sandbox: SmsSandbox) -> None:
    rows = [{"to": "+12064320001", "text": "a", "from": SENDER}, {"to": "+12064320002", "text": "b"}]
    with BandwidthClient() as bw:
        first, second = bw.messages.send_many(rows)
    assert first.ok and isinstance(second.error, InputError) and second.error.field == "from"


def test_input_is_read_lazily(sandbox: SmsSandbox) -> None:
    taken = itertools.count()

    def endless() -> Iterator[OutgoingMessage]:
        for index in itertools.count():
            next(taken)
            yield OutgoingMessage(to=f"+1206432{index:04d}", text=f"lazy mk-d{index:07x}")

    with BandwidthClient() as bw:
        results: Any = bw.messages.send_many(endless(), from_=SENDER, window=20)  # a generator
        first = [next(results) for _ in range(5)]
        results.close()
    assert all(result.ok for result in first)
    # Not the endless input: a window is one request here (20 < a batch of 50), so to keep the four
    # workers busy the driver reads ahead four windows, plus one more while the first is read out.
    assert next(taken) <= 20 * (4 + 3) + 1


def test_messagemedia_sends_in_batches_of_100(sandbox: SmsSandbox) -> None:
    with MessageMediaClient() as mm:
        results = list(mm.messages.send_many(mm_messages(250), from_="+61491570157", concurrency=2))
    _check_in_order(results, 250)
    assert all(result.ok for result in results)
    assert sandbox.accepted("messagemedia") == 250 and sandbox.stats()["duplicates"] == []


def test_flowroute_sends_one_request_per_message(sandbox: SmsSandbox) -> None:
    with FlowrouteClient() as fr:
        results = list(fr.messages.send_many(messages(25), from_=FLOWROUTE_SENDER))
    assert all(result.ok for result in results), [r.error for r in results if not r.ok][:1]
    assert sandbox.accepted("flowroute") == 25


def test_async_twin_with_an_async_source(sandbox: SmsSandbox) -> None:
    async def source() -> AsyncIterator[dict[str, Any]]:
        for row in messages(120):
            yield row

    async def main() -> list[SendResult]:
        async with AsyncBandwidthClient() as bw:
            return [result async for result in bw.messages.send_many(source(), from_=SENDER, concurrency=4)]

    results = asyncio.run(main())
    _check_in_order(results, 120)
    assert all(result.ok for result in results) and sandbox.accepted("bandwidth") == 120


def test_async_messagemedia(sandbox: SmsSandbox) -> None:
    async def main() -> list[SendResult]:
        async with AsyncMessageMediaClient() as mm:
            return [r async for r in mm.messages.send_many(mm_messages(130), from_="+61491570157")]

    assert sum(result.ok for result in asyncio.run(main())) == 130


def test_a_rerun_with_the_outbox_sends_nothing_twice(sandbox: SmsSandbox, tmp_path: Path) -> None:
    outbox = tmp_path / "campaign.sqlite"
    rows = messages(140)
    with BandwidthClient() as bw:
        first = list(bw.messages.send_many(rows[:90], from_=SENDER, outbox=str(outbox)))
        again = list(bw.messages.send_many(rows, from_=SENDER, outbox=str(outbox)))
    assert all(result.ok for result in first + again)
    assert [result.resumed for result in again] == [True] * 90 + [False] * 50
    assert [r.message_id for r in again[:90]] == [r.message_id for r in first]
    assert sandbox.accepted("bandwidth") == 140 and sandbox.stats()["duplicates"] == []
    store = SqliteOutbox(outbox)
    assert store.counts()["accepted"] == 140
    store.close()


def test_a_changed_campaign_file_is_reported_not_sent(sandbox: SmsSandbox, tmp_path: Path) -> None:
    outbox = str(tmp_path / "c.sqlite")
    with BandwidthClient() as bw:
        list(bw.messages.send_many(messages(3), from_=SENDER, outbox=outbox))
        changed = list(bw.messages.send_many(messages(3, prefix="b"), from_=SENDER, outbox=outbox))
    assert all(isinstance(result.error, InputError) for result in changed)
    assert sandbox.accepted("bandwidth") == 3


def test_a_lost_answer_is_unknown_then_reconciled_by_tag_never_sent_twice(sandbox: SmsSandbox, tmp_path: Path) -> None:
    outbox = str(tmp_path / "c.sqlite")
    rows = messages(8)
    sandbox.fail_next("reset-after")  # the first request is processed, its answer lost
    with BandwidthClient(retry=NO_RETRY) as bw:
        first = list(bw.messages.send_many(rows, from_=SENDER, outbox=outbox, concurrency=1, batch_size=4))
        lost = [result for result in first if result.state == "unknown"]
        assert len(lost) == 4 and all(isinstance(result.error, DeliveryUnknownError) for result in lost)
        again = list(bw.messages.send_many(rows, from_=SENDER, outbox=outbox))
    assert all(result.ok for result in again)
    assert all("reconciled" in (result.evidence or "") for result in again if result.index in {r.index for r in lost})
    assert sandbox.accepted("bandwidth") == 8 and sandbox.stats()["duplicates"] == []


def test_flowroute_reconciles_on_to_from_and_body(sandbox: SmsSandbox, tmp_path: Path) -> None:
    outbox = str(tmp_path / "c.sqlite")
    rows = messages(3)
    sandbox.fail_next("reset-after")
    with FlowrouteClient(retry=NO_RETRY) as fr:
        first = list(fr.messages.send_many(rows, from_=FLOWROUTE_SENDER, outbox=outbox, concurrency=1))
        assert [result.state for result in first].count("unknown") == 1
        again = list(fr.messages.send_many(rows, from_=FLOWROUTE_SENDER, outbox=outbox))
    assert all(result.ok for result in again)
    assert sandbox.accepted("flowroute") == 3 and sandbox.stats()["duplicates"] == []


def test_messagemedia_leaves_a_lost_answer_unknown_with_evidence(sandbox: SmsSandbox, tmp_path: Path) -> None:
    outbox = str(tmp_path / "c.sqlite")
    sandbox.fail_next("reset-after")
    with MessageMediaClient(retry=NO_RETRY) as mm:
        first = list(mm.messages.send_many(mm_messages(3), from_="+61491570157", outbox=outbox))
        again = list(mm.messages.send_many(mm_messages(3), from_="+61491570157", outbox=outbox))
    assert [result.state for result in first] == ["unknown"] * 3
    assert [result.state for result in again] == ["unknown"] * 3
    assert all(isinstance(r.error, DeliveryUnknownError) and "smsclients_key" in (r.evidence or "") for r in again)
    assert sandbox.accepted("messagemedia") == 3  # the batch was processed once, never sent again


def test_a_refused_connection_is_failed_and_sent_by_the_next_run(sandbox: SmsSandbox, tmp_path: Path) -> None:
    outbox = str(tmp_path / "c.sqlite")

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    with BandwidthClient(transport=httpx.MockTransport(refuse), retry=NO_RETRY) as bw:
        failed = list(bw.messages.send_many(messages(5), from_=SENDER, outbox=outbox))
    assert [result.state for result in failed] == ["failed"] * 5
    with BandwidthClient() as bw:
        again = list(bw.messages.send_many(messages(5), from_=SENDER, outbox=outbox))
    assert all(result.ok and not result.resumed for result in again) and sandbox.accepted("bandwidth") == 5


def test_two_workers_sharing_one_outbox_send_each_message_once(sandbox: SmsSandbox, tmp_path: Path) -> None:
    import threading

    outbox = str(tmp_path / "shared.sqlite")
    rows = messages(300)
    results: dict[str, list[SendResult]] = {}

    def work(name: str) -> None:
        with BandwidthClient() as bw:
            results[name] = list(bw.messages.send_many(rows, from_=SENDER, outbox=outbox, batch_size=10))

    threads = [threading.Thread(target=work, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert set(results) == {"a", "b"}  # both workers ran to the end (a worker that died would not be here)
    assert sandbox.accepted("bandwidth") == 300 and sandbox.stats()["duplicates"] == []
    for index in range(300):
        states = {results[name][index].state for name in results}
        assert "accepted" in states and states <= {"accepted", "elsewhere"}, (index, states)


@pytest.mark.parametrize(
    "option", [{"concurrency": 0}, {"batch_size": "5"}, {"colour": 1}, {"from_": ""}, {"lease": -1}]
)
def test_bad_options_are_input_errors(sandbox: SmsSandbox, option: dict[str, Any]) -> None:
    with BandwidthClient() as bw, pytest.raises(InputError):
        list(bw.messages.send_many(messages(1), **{"from_": SENDER, **option}))


def test_a_claim_never_takes_a_message_settled_as_failed_for_good(tmp_path: Path) -> None:
    from smsclients.sending.outbox import Settle

    store = SqliteOutbox(tmp_path / "o.sqlite")
    store.open("bandwidth")
    store.register([(0, "f", {}, "k0"), (1, "f", {}, "k1"), (2, "f", {}, "k2")])
    assert store.claim([0, 1], "w1") == {0, 1}
    store.settle([Settle(0, "failed", retry=False), Settle(1, "failed", retry=True)], "w1")
    assert store.claim([0, 1, 2], "w2") == {1, 2}  # the refused-for-now one and the pending one
    assert store.claim([1, 2], "w3") == set()  # held by w2
    store.close()


def test_async_twin_reconciles_a_lost_answer_too(sandbox: SmsSandbox, tmp_path: Path) -> None:
    outbox = str(tmp_path / "c.sqlite")
    rows = messages(6)
    sandbox.fail_next("reset-after")

    async def run() -> tuple[list[SendResult], list[SendResult]]:
        async with AsyncBandwidthClient(retry=NO_RETRY) as bw:
            first = [
                r async for r in bw.messages.send_many(rows, from_=SENDER, outbox=outbox, concurrency=1, batch_size=3)
            ]
            again = [r async for r in bw.messages.send_many(rows, from_=SENDER, outbox=outbox)]
        return first, again

    first, again = asyncio.run(run())
    assert [result.state for result in first].count("unknown") == 3
    assert all(result.ok for result in again)
    assert sandbox.accepted("bandwidth") == 6 and sandbox.stats()["duplicates"] == []


def test_messagemedia_reconciles_through_delivery_reports_when_they_are_asked_for(
    sandbox: SmsSandbox, tmp_path: Path
) -> None:
    outbox = str(tmp_path / "c.sqlite")
    rows = [{**row, "delivery_report": True} for row in mm_messages(3)]
    sandbox.fail_next("reset-after")

    async def run_async() -> list[SendResult]:
        async with AsyncMessageMediaClient(retry=NO_RETRY) as mm:
            return [r async for r in mm.messages.send_many(rows, from_="+61491570157", outbox=outbox)]

    with MessageMediaClient(retry=NO_RETRY) as mm:
        first = list(mm.messages.send_many(rows, from_="+61491570157", outbox=outbox))
        assert [result.state for result in first] == ["unknown"] * 3
    again = asyncio.run(run_async())  # the async twin looks the reports up the same way
    assert all(result.ok and "reconciled" in (result.evidence or "") for result in again)
    assert {result.message_id for result in again} == {result.message_id for result in again if result.message_id}
    assert sandbox.accepted("messagemedia") == 3  # found, not sent again


# ----------------------------------------------------------------------------- accepted, id unreadable

FR_ROWS = [
    {"to": "12066418000", "text": "a", "from": FLOWROUTE_SENDER},
    {"to": "12066418001", "text": "b", "from": FLOWROUTE_SENDER},
]
MM_ROWS = [
    {"to": "+61491570156", "text": "a", "from": "+61491570100"},
    {"to": "+61491570157", "text": "b", "from": "+61491570100"},
]
BW_ROWS = [{"to": "+12064320001", "text": "a", "from": SENDER}, {"to": "+12064320002", "text": "b", "from": SENDER}]

# 2xx answers that accept the request but give no usable id: each message is unknown (it was
# accepted, so never sent again), with a typed MalformedResponseError, never a crash or "failed".
UNREADABLE: dict[str, list[tuple[int, dict[str, str], bytes]]] = {
    "flowroute": [
        (202, {"content-type": "application/vnd.api+json"}, b"{}"),
        (202, {"content-type": "application/vnd.api+json"}, b'{"data": {}}'),
        (202, {"content-type": "application/vnd.api+json"}, b'{"data": {"id": ""}}'),
        (202, {"content-type": "application/vnd.api+json"}, b'{"": [{}]}'),
    ],
    "messagemedia": [
        (202, {"content-type": "application/json"}, b"{}"),
        (202, {"content-type": "application/json"}, b'{"messages": [{}]}'),
        (202, {"content-type": "application/json"}, b'{"messages": [{"message_id": "m-1"}]}'),  # one id for two
    ],
    "bandwidth": [
        (202, {"content-type": "application/json"}, b'[{"result": "accepted"}, {"result": "accepted"}]'),
        (
            202,
            {"content-type": "application/json"},
            b'[{"result": "accepted", "location": "/"}, {"result": "accepted", "location": ""}]',
        ),
    ],
}


def _unreadable_client(provider: str, answer: tuple[int, dict[str, str], bytes], asynchronous: bool) -> Any:
    status, headers, body = answer

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, headers=headers, content=body)

    transport: Any = httpx.MockTransport(respond)
    kinds = {
        "flowroute": (FlowrouteClient, AsyncFlowrouteClient, ("key", "secret")),
        "messagemedia": (MessageMediaClient, AsyncMessageMediaClient, ("key", "secret")),
        "bandwidth": (BandwidthClient, AsyncBandwidthClient, ("u-1", "token", "secret")),
    }
    sync, asyn, credentials = kinds[provider]
    return (asyn if asynchronous else sync)(*credentials, transport=transport, retry=NO_RETRY)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize(
    ("provider", "answer"), [(provider, answer) for provider, answers in UNREADABLE.items() for answer in answers]
)
def test_an_accepted_answer_without_ids_leaves_each_message_unknown(
    provider: str, answer: tuple[int, dict[str, str], bytes], asynchronous: bool, tmp_path: Path
) -> None:
    rows = {"flowroute": FR_ROWS, "messagemedia": MM_ROWS, "bandwidth": BW_ROWS}[provider]
    outbox = str(tmp_path / "outbox.sqlite")
    client = _unreadable_client(provider, answer, asynchronous)

    async def collect_async() -> list[SendResult]:
        async with client:
            return [result async for result in client.messages.send_many(rows, outbox=outbox)]

    if asynchronous:
        results = asyncio.run(collect_async())
    else:
        with client:
            results = list(client.messages.send_many(rows, outbox=outbox))
    assert [result.state for result in results] == ["unknown", "unknown"], [r.error for r in results]
    assert all(isinstance(result.error, DeliveryUnknownError | MalformedResponseError) for result in results)
    assert SqliteOutbox(outbox).counts().get("unknown") == 2  # recorded: a rerun never sends them again
