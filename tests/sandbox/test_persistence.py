"""State in a SQLite file survives a restart; the memory and SQLite stores behave alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from smsclients_sandbox import running
from smsclients_sandbox.storage import MemoryStore, SqliteStore, Store

from tests.sandbox.helpers import bw_message, client, fr_message, mm_message


def test_state_survives_a_restart(tmp_path: Path) -> None:
    db = str(tmp_path / "state.sqlite")
    with running(seed=3, db=db) as sb:
        with client(sb, "flowroute-v2") as fr:
            assert fr.post("/v2/numbers/16502390214").status_code == 201
            mdr = fr.post("/v2.1/messages", **fr_message("a")).json()["data"]["id"]
        with client(sb, "bandwidth-messaging-v1") as bw:
            location = bw.post("/users/u-1/messages", json=bw_message("mk-00c0ffee1")).headers["location"]
        with client(sb, "messagemedia-messages-v1") as mm:
            sent = mm.post("/v1/messages", json={"messages": [mm_message(delivery_report=True)]}).json()
            message_id = sent["messages"][0]["message_id"]
        sb.inject_reply("hi", message_id=message_id)
        before = sb.stats()

    with running(seed=3, db=db) as sb:
        assert sb.stats() == before
        with client(sb, "flowroute-v2") as fr:
            assert [n["id"] for n in fr.get("/v2/numbers", params={"starts_with": 650}).json()["data"]] == [
                "16502390214"
            ]
            assert fr.get(f"/v2.1/messages/{mdr}").status_code == 200
            assert fr.post("/v2/numbers/16502390214").status_code == 404  # still owned
        with client(sb, "bandwidth-messaging-v1") as bw:
            path = location.split("/bandwidth/v1", 1)[1]
            assert bw.get(path).json()["text"] == "mk-00c0ffee1"
            second = bw.post("/users/u-1/messages", json=bw_message("mk-00c0ffee1")).headers["location"]
            assert second != location  # ids continue, they do not restart with the seed
        with client(sb, "messagemedia-messages-v1") as mm:
            assert mm.get(f"/v1/messages/{message_id}").json()["status"] == "enroute"
            assert [r["content"] for r in mm.get("/v1/replies").json()["replies"]] == ["hi"]
        assert sb.stats()["duplicates"] == ["mk-00c0ffee1"]


def test_memory_state_does_not_survive() -> None:
    with running(seed=3) as sb, client(sb, "bandwidth-messaging-v1") as bw:
        bw.post("/users/u-1/messages", json=bw_message())
    with running(seed=3) as sb, client(sb, "bandwidth-messaging-v1") as bw:
        assert bw.get("/users/u-1/messages").json() == []


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Store:
    return MemoryStore() if request.param == "memory" else SqliteStore(str(tmp_path / "s.sqlite"))


def test_store_contract(store: Store) -> None:
    store.put("k", "b", {"v": 1})
    store.put("k", "a", {"v": 2})
    store.put("k", "b", {"v": 3})  # replaced in place: keeps its position
    assert store.scan("k") == [{"v": 3}, {"v": 2}]
    assert store.get("k", "a") == {"v": 2} and store.get("k", "zz") is None
    doc = store.get("k", "a")
    assert doc is not None
    doc["v"] = 99  # callers get copies
    assert store.get("k", "a") == {"v": 2}
    assert store.count("k") == 2 and store.count("other") == 0
    assert store.delete("k", "b") and not store.delete("k", "b")
    assert store.incr("c:x") == 1 and store.incr("c:x", 4) == 5 and store.incr("d") == 1
    assert store.counters("c:") == {"c:x": 5}
    store.clear()
    assert store.scan("k") == [] and store.counters("") == {}
    store.close()
