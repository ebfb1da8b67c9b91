"""send_many(..., optouts=): opted-out recipients are skipped with a typed result, never sent, kept
so in the outbox; one list query per sender per window; a list that cannot be read stops the run
before anything unchecked is sent."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from smsclients import AsyncBandwidthClient, BandwidthClient, FlowrouteClient, InputError, MessageMediaClient
from smsclients.sending import SendResult, SqliteOutbox
from smsclients.sending.optouts import (
    ANY_ACCOUNT,
    MessageMediaMirror,
    OptedOutError,
    OptOutsUnavailableError,
    RedisOptOutStore,
    SQLiteOptOutStore,
)
from smsclients_sandbox.testing import SmsSandbox

from .support import FLOWROUTE_SENDER, SENDER, messages, number

MM_SENDER = "+61491570157"


class Counting:
    """A store that counts its batch checks (and can be made to fail)."""

    def __init__(self, store: Any, fail: bool = False) -> None:
        self.store, self.fail = store, fail
        self.calls: list[tuple[str, str, int]] = []

    def opted_out(self, provider: str, account: str, numbers: Iterable[str]) -> set[str]:
        numbers = list(numbers)
        self.calls.append((provider, account, len(numbers)))
        if self.fail:
            raise OSError("disk gone")
        found: set[str] = self.store.opted_out(provider, account, numbers)
        return found


def _skipped(results: list[SendResult]) -> list[int]:
    return [r.index for r in results if r.state == "skipped"]


def _check_skip(result: SendResult, provider: str, sender: str) -> None:
    assert result.state == "skipped" and not result.ok and result.message_id is None
    error = result.error
    assert isinstance(error, OptedOutError) and isinstance(error, InputError)
    assert result.message is not None
    assert (error.provider, error.account, error.number) == (provider, sender, result.message.to)
    assert error.number in str(error)


def test_bandwidth_skips_opted_out_recipients_and_the_outbox_keeps_them_skipped(
    sandbox: SmsSandbox, tmp_path: Path
) -> None:
    store = SQLiteOptOutStore(tmp_path / "optouts.sqlite3")
    store.add("bandwidth", SENDER, number(3))
    store.add("bandwidth", ANY_ACCOUNT, "1 (206) 432-0007")  # any sender; another spelling of the number
    store.add("bandwidth", "+19195550000", number(5))  # another sender's opt-out: not this campaign's
    store.add("flowroute", SENDER, number(6))  # another provider's
    outbox = tmp_path / "campaign.sqlite"
    rows = messages(12)
    with BandwidthClient() as bw:
        first = list(bw.messages.send_many(rows, from_=SENDER, outbox=str(outbox), optouts=store))
        assert _skipped(first) == [3, 7]
        for index in (3, 7):
            _check_skip(first[index], "bandwidth", SENDER)
        assert sum(r.ok for r in first) == 10 and sandbox.accepted("bandwidth") == 10
        assert SqliteOutbox(outbox).counts()["skipped"] == 2

        # A re-run neither sends them nor loses them, even once the number opted back in.
        store.remove("bandwidth", SENDER, number(3))
        again = list(bw.messages.send_many(rows, from_=SENDER, outbox=str(outbox), optouts=store))
    assert _skipped(again) == [3, 7] and all(r.resumed for r in again)
    _check_skip(again[3], "bandwidth", SENDER)
    assert sandbox.accepted("bandwidth") == 10 and sandbox.stats()["duplicates"] == []


def test_a_path_or_a_store_one_batch_check_per_sender_per_window(sandbox: SmsSandbox, tmp_path: Path) -> None:
    path = tmp_path / "optouts.sqlite3"
    with SQLiteOptOutStore(path) as store:
        store.add("flowroute", FLOWROUTE_SENDER, number(11))
    rows = messages(25)
    rows[4]["from"] = "+12012673228"  # a message of its own sender is checked against that sender
    with FlowrouteClient() as fr:
        by_path = list(fr.messages.send_many(rows, from_=FLOWROUTE_SENDER, optouts=str(path)))
        assert _skipped(by_path) == [11]
        counting = Counting(SQLiteOptOutStore(path))
        rows = messages(25, prefix="b")
        again = list(fr.messages.send_many(rows, from_=FLOWROUTE_SENDER, optouts=counting, window=10))
    assert _skipped(again) == [11]
    # 25 messages in windows of 10: three queries, never one per message.
    assert counting.calls == [("flowroute", FLOWROUTE_SENDER, 10)] * 2 + [("flowroute", FLOWROUTE_SENDER, 5)]


def test_the_async_driver_skips_too(sandbox: SmsSandbox, tmp_path: Path) -> None:
    store = SQLiteOptOutStore(tmp_path / "optouts.sqlite3")
    store.add("bandwidth", SENDER, number(1))
    outbox = str(tmp_path / "campaign.sqlite")

    async def main() -> list[SendResult]:
        async with AsyncBandwidthClient() as bw:
            return [r async for r in bw.messages.send_many(messages(70), from_=SENDER, optouts=store, outbox=outbox)]

    results = asyncio.run(main())
    assert _skipped(results) == [1]
    _check_skip(results[1], "bandwidth", SENDER)
    assert sandbox.accepted("bandwidth") == 69
    again = asyncio.run(main())
    assert _skipped(again) == [1] and all(r.resumed for r in again) and sandbox.accepted("bandwidth") == 69


def test_a_list_that_cannot_be_read_stops_the_run_before_sending(sandbox: SmsSandbox, tmp_path: Path) -> None:
    store = SQLiteOptOutStore(tmp_path / "optouts.sqlite3")
    outbox = str(tmp_path / "campaign.sqlite")
    with BandwidthClient() as bw:
        with pytest.raises(OptOutsUnavailableError) as stopped:
            list(bw.messages.send_many(messages(10), from_=SENDER, outbox=outbox, optouts=Counting(store, fail=True)))
        assert "disk gone" not in str(stopped.value) and isinstance(stopped.value.__cause__, OSError)
        assert sandbox.accepted("bandwidth") == 0 and SqliteOutbox(outbox).counts()["pending"] == 10
        # The STOP that arrives meanwhile is honoured by the next run, which sends the rest.
        store.add("bandwidth", SENDER, number(2))
        results = list(bw.messages.send_many(messages(10), from_=SENDER, outbox=outbox, optouts=store))
    assert _skipped(results) == [2] and sandbox.accepted("bandwidth") == 9


@pytest.mark.parametrize("value", [42, "", object(), ["a.sqlite"]])
def test_a_bad_optouts_option_is_a_typed_error(sandbox: SmsSandbox, value: object) -> None:
    with BandwidthClient() as bw, pytest.raises(InputError) as caught:
        list(bw.messages.send_many(messages(2), from_=SENDER, optouts=value))
    assert caught.value.field == "optouts"
    assert sandbox.accepted() == 0


def test_a_redis_url(sandbox: SmsSandbox, redis_url: str) -> None:
    import redis

    shared = RedisOptOutStore(redis.Redis.from_url(redis_url), prefix="t-send-many:")
    shared.add("bandwidth", SENDER, number(0))
    with BandwidthClient() as bw:
        url = redis_url  # the store's default prefix: a second list beside the one above
        RedisOptOutStore.from_url(url).add("bandwidth", SENDER, number(4))
        results = list(bw.messages.send_many(messages(6), from_=SENDER, optouts=url))
        assert _skipped(results) == [4]
        outbox = f"{redis_url}?campaign=optouts-test"  # the Redis outbox keeps skipped rows too
        rows = messages(6, prefix="c")
        results = list(bw.messages.send_many(rows, from_=SENDER, optouts=shared, outbox=outbox))
        assert _skipped(results) == [0]
        again = list(bw.messages.send_many(rows, from_=SENDER, optouts=shared, outbox=outbox))
    assert _skipped(again) == [0] and all(r.resumed for r in again)
    assert isinstance(again[0].error, OptedOutError)
    assert sandbox.accepted("bandwidth") == 5 + 5


def test_messagemedia_mirror_consults_the_blacklist_and_keeps_the_list_in_step(
    sandbox: SmsSandbox, tmp_path: Path
) -> None:
    rows = [{"to": f"+6149157{i:04d}", "text": f"hi mk-m{i:07x}"} for i in range(8)]
    with MessageMediaClient() as mm, SQLiteOptOutStore(tmp_path / "o.sqlite3") as local:
        mm.number_authorisation.block(["+61491570002"])  # on MessageMedia's list only
        local.add("messagemedia", MM_SENDER, "+61491570005")  # on the local list only
        mirror = MessageMediaMirror(local, mm)
        rows += [{"to": "0123", "text": "hi"}, {"to": "not a number", "text": "hi"}]  # refused one by one
        results = list(mm.messages.send_many(rows, from_=MM_SENDER, optouts=mirror))
        assert _skipped(results) == [2, 5]
        assert [(r.state, type(r.error)) for r in results[8:]] == [("failed", InputError)] * 2
        _check_skip(results[2], "messagemedia", MM_SENDER)
        assert local.is_opted_out("messagemedia", MM_SENDER, "+61491570002")  # pulled into the local list
        assert sandbox.accepted("messagemedia") == 6
        # live=False: the local list alone.
        offline = MessageMediaMirror(local, mm, live=False)
        assert offline.opted_out("messagemedia", MM_SENDER, ["+61491570003", "+61491570005"]) == {"+61491570005"}


def test_the_mirror_refuses_an_async_client() -> None:
    from smsclients import AsyncMessageMediaClient

    async def main() -> None:
        async with AsyncMessageMediaClient("key", "secret", base_url="http://127.0.0.1:9") as mm:
            with pytest.raises(InputError):
                MessageMediaMirror(SQLiteOptOutStore(":memory:"), mm)

    asyncio.run(main())
