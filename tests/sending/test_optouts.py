"""The opt-out stores (SQLite and Redis), the batch check, the typed refusal, the receiver helper, the CLI."""

from __future__ import annotations

import asyncio
import json
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fakeredis
import pytest
import smsclients
from smsclients.cli import main
from smsclients.errors import InputError
from smsclients.sending import optouts
from smsclients.sending.optouts import (
    ANY_ACCOUNT,
    OptedOutError,
    OptOutStore,
    RedisOptOutStore,
    SQLiteOptOutStore,
)
from smsclients.webhooks import InboundMessage

SENDER = "12012673227"
HANDSET = "12065551234"


@pytest.fixture(params=["sqlite", "sqlite-memory", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OptOutStore]:
    if request.param == "redis":
        yield RedisOptOutStore(fakeredis.FakeRedis())
    else:
        path = ":memory:" if request.param == "sqlite-memory" else tmp_path / "optouts.sqlite3"
        with SQLiteOptOutStore(path) as sqlite:
            yield sqlite


def test_add_contains_remove(store: OptOutStore) -> None:
    assert isinstance(store, OptOutStore)
    assert not store.is_opted_out("flowroute", SENDER, HANDSET)
    assert store.add("flowroute", SENDER, HANDSET) is True
    assert store.add("flowroute", SENDER, HANDSET) is False  # already there
    assert store.is_opted_out("flowroute", SENDER, HANDSET)
    # Scoped: another sender, another provider are not affected.
    assert not store.is_opted_out("flowroute", "18553569768", HANDSET)
    assert not store.is_opted_out("bandwidth", SENDER, HANDSET)
    assert store.remove("flowroute", SENDER, HANDSET) is True
    assert store.remove("flowroute", SENDER, HANDSET) is False
    assert not store.is_opted_out("flowroute", SENDER, HANDSET)


def test_number_forms_are_one_entry(store: OptOutStore) -> None:
    store.add("bandwidth", "+1 (201) 267-3227", "+1 206-555-1234")
    assert store.is_opted_out("bandwidth", SENDER, HANDSET)
    assert store.is_opted_out("BANDWIDTH", "+12012673227", "+12065551234")
    (entry,) = store.entries()
    assert (entry.provider, entry.account, entry.number, entry.source) == ("bandwidth", SENDER, HANDSET, "manual")


def test_any_account_applies_to_every_sender(store: OptOutStore) -> None:
    store.add("messagemedia", ANY_ACCOUNT, "+61491570156", source="provider")
    assert store.is_opted_out("messagemedia", "+61491570157", "+61491570156")
    assert store.is_opted_out("messagemedia", "MyBrand", "+61491570156")  # an alphanumeric sender id
    # Removing a sender's own entry leaves the all-senders one.
    assert not store.remove("messagemedia", "+61491570157", "+61491570156")
    assert store.is_opted_out("messagemedia", "+61491570157", "+61491570156")


def test_batch_check_and_split_keep_order_and_given_forms(store: OptOutStore) -> None:
    numbers = [f"1206555{i:04d}" for i in range(1200)]  # more than one SQL statement's parameters
    for n in numbers[::7]:
        store.add("flowroute", SENDER, n)
    given = [*numbers, "+1 206 555 0007"]
    assert store.opted_out("flowroute", SENDER, given) == {*numbers[::7], "+1 206 555 0007"}
    assert store.opted_out("flowroute", SENDER, []) == set()
    allowed, refused = optouts.filter(store, "flowroute", SENDER, given)
    assert all(isinstance(r, OptedOutError) for r in refused)
    assert [r.number for r in refused] == [*numbers[::7], "+1 206 555 0007"]
    assert allowed == [n for n in numbers if n not in set(numbers[::7])]


def test_check_raises_a_typed_error(store: OptOutStore) -> None:
    optouts.check(store, "flowroute", SENDER, HANDSET)  # not listed: no error
    store.add("flowroute", SENDER, HANDSET)
    with pytest.raises(OptedOutError) as caught:
        optouts.check(store, "flowroute", SENDER, HANDSET)
    assert isinstance(caught.value, InputError)
    assert (caught.value.provider, caught.value.account, caught.value.number) == ("flowroute", SENDER, HANDSET)
    assert HANDSET in str(caught.value) and "opted out" in str(caught.value)


@pytest.mark.parametrize("bad", ["", "   ", None, 12065551234])
def test_bad_numbers_are_typed_errors(store: OptOutStore, bad: Any) -> None:
    with pytest.raises(InputError, match="number"):
        store.add("flowroute", SENDER, bad)
    with pytest.raises(InputError, match="number"):
        store.opted_out("flowroute", SENDER, [bad])


def test_bad_provider_is_a_typed_error(store: OptOutStore) -> None:
    with pytest.raises(InputError, match="provider"):
        store.add("", SENDER, HANDSET)
    with pytest.raises(InputError, match="provider"):
        store.add("a:b", SENDER, HANDSET)


def test_entries_filter(store: OptOutStore) -> None:
    store.add("flowroute", SENDER, HANDSET)
    store.add("flowroute", "18553569768", HANDSET)
    store.add("bandwidth", SENDER, HANDSET)
    assert len(store.entries()) == 3
    assert {(e.provider, e.account) for e in store.entries("flowroute")} == {
        ("flowroute", SENDER),
        ("flowroute", "18553569768"),
    }
    assert [(e.provider, e.account) for e in store.entries("flowroute", SENDER)] == [("flowroute", SENDER)]


def test_sqlite_file_persists_and_is_shared_between_threads(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    with SQLiteOptOutStore(path) as first:
        threads = [threading.Thread(target=first.add, args=("flowroute", SENDER, f"1206555{i:04d}")) for i in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    with SQLiteOptOutStore(path) as second:
        assert len(second.entries()) == 20
    assert "o.sqlite3" not in repr(second)


def _inbound(text: str, to: str | None = SENDER, provider: Any = "flowroute") -> InboundMessage:
    return InboundMessage(
        provider=provider, message_id="m", event_id="e", raw=None, payload={}, from_=HANDSET, to=to, text=text
    )


def test_apply_event(store: OptOutStore) -> None:
    assert optouts.apply_event(store, _inbound("hello")) is None
    assert optouts.apply_event(store, _inbound("HELP")) is None
    assert optouts.apply_event(store, _inbound(" Stop ")) == "added"
    (entry,) = store.entries()
    assert (entry.account, entry.number, entry.source) == (SENDER, HANDSET, "keyword")
    assert optouts.apply_event(store, _inbound("START")) == "removed"
    assert store.entries() == []
    # No number to scope it (a MessageMedia reply may not say): every sender, never dropped.
    assert optouts.apply_event(store, _inbound("STOP", to=None, provider="messagemedia")) == "added"
    assert store.is_opted_out("messagemedia", "anything", HANDSET)
    # An explicit account wins.
    optouts.apply_event(store, _inbound("stop"), account="acct-1")
    assert store.is_opted_out("flowroute", "acct-1", HANDSET)


def test_recording_wraps_sync_and_async_handlers(store: OptOutStore) -> None:
    seen: list[str] = []
    wrapped = optouts.recording(store, lambda e: seen.append(e.text))
    wrapped(_inbound("STOP"))
    assert seen == ["STOP"] and store.is_opted_out("flowroute", SENDER, HANDSET)

    async def handler(event: Any) -> None:
        seen.append("async " + event.text)

    wrapped_async = optouts.recording(store, handler)
    assert asyncio.iscoroutinefunction(wrapped_async)
    asyncio.run(wrapped_async(_inbound("start")))
    assert seen[-1] == "async start" and not store.is_opted_out("flowroute", SENDER, HANDSET)
    optouts.recording(store)(_inbound("quit"))  # no handler of its own
    assert store.is_opted_out("flowroute", SENDER, HANDSET)


def test_recording_does_not_call_the_handler_when_the_store_fails() -> None:
    class Broken(SQLiteOptOutStore):
        def add(self, *args: Any, **kwargs: Any) -> bool:
            raise RuntimeError("disk full")

    seen: list[Any] = []
    with Broken(":memory:") as broken, pytest.raises(RuntimeError):
        optouts.recording(broken, seen.append)(_inbound("STOP"))
    assert seen == []  # the receiver answers 500 and the provider sends the STOP again


def test_top_level_name() -> None:
    assert smsclients.optouts is optouts


def test_cli_add_list_remove(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(tmp_path / "cli.sqlite3")
    assert main(["optouts", "add", "--db", db, "--provider", "flowroute", "--account", SENDER, "+1 206 555 1234"]) == 0
    assert "added: +1 206 555 1234" in capsys.readouterr().out
    assert main(["optouts", "list", "--db", db, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["optouts"]
    assert [(e["provider"], e["account"], e["number"]) for e in listed] == [("flowroute", SENDER, HANDSET)]
    assert main(["optouts", "list", "--db", db, HANDSET]) == 0
    assert HANDSET in capsys.readouterr().out
    assert main(["optouts", "remove", "--db", db, "--provider", "flowroute", "--account", SENDER, HANDSET]) == 0
    assert main(["optouts", "list", "--db", db]) == 0
    assert "(no opt-outs)" in capsys.readouterr().out


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SMSCLIENTS_OPTOUTS_DB", raising=False)
    assert main(["optouts", "list"]) == 2
    assert "--db" in capsys.readouterr().err
    db = str(tmp_path / "cli.sqlite3")
    assert main(["optouts", "add", "--db", db, HANDSET]) == 2
    assert "--provider" in capsys.readouterr().err
    assert main(["optouts", "add", "--db", db, "--provider", "flowroute"]) == 2


def test_cli_send_refuses_an_opted_out_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "send.sqlite3"
    with SQLiteOptOutStore(db) as store:
        store.add("flowroute", SENDER, HANDSET)
    monkeypatch.setenv("SMSCLIENTS_OPTOUTS_DB", str(db))
    # Refused before any client is built: the base URL points nowhere and no credential is set.
    argv = ["send", "flowroute", "--to", HANDSET, "--from", SENDER, "--base-url", "http://127.0.0.1:9", "hi"]
    assert main([*argv, "--json"]) == 2
    error = json.loads(capsys.readouterr().out)["error"]
    assert error["type"] == "OptedOutError" and "opted out" in error["message"]


def test_cli_shared_list_on_redis(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import redis

    server = fakeredis.FakeServer()
    monkeypatch.setattr(redis.Redis, "from_url", lambda url: fakeredis.FakeRedis(server=server))
    url = "redis://127.0.0.1:6379/0"
    assert main(["optouts", "add", "--redis", url, "--provider", "bandwidth", "+12065551234"]) == 0
    assert main(["optouts", "list", "--redis", url, "--json"]) == 0
    capsys.readouterr()
    assert RedisOptOutStore(fakeredis.FakeRedis(server=server)).is_opted_out("bandwidth", "anyone", HANDSET)
    # `send --optouts` takes the same URL (as send-bulk's --optouts and send_many's optouts=).
    argv = ["send", "bandwidth", "--to", HANDSET, "--from", SENDER, "--base-url", "http://127.0.0.1:9", "hi"]
    assert main([*argv, "--optouts", url, "--json"]) == 2
    assert json.loads(capsys.readouterr().out)["error"]["type"] == "OptedOutError"
    assert main(["optouts", "list", "--redis", "127.0.0.1:6379"]) == 2  # not a URL: never a file of that name
    assert "--redis" in capsys.readouterr().err


def test_redis_from_url_without_redis_names_the_extra(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ImportError, match="extra 'redis'"):
        RedisOptOutStore.from_url("redis://127.0.0.1:6379/0")
    assert main(["optouts", "list", "--redis", "redis://127.0.0.1:6379/0"]) == 2
    assert "extra 'redis'" in capsys.readouterr().err
