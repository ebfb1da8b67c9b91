"""Counting accepted messages and markers across surfaces."""

from __future__ import annotations

import httpx
from smsclients_sandbox import SandboxHandle

from tests.sandbox.helpers import bw_message, client, fr_message, mm_message


def test_accepted_counts_and_duplicate_markers_across_surfaces(sb: SandboxHandle) -> None:
    with client(sb, "flowroute-messages-v2") as fr2:
        fr2.post("/messages", json={"to": "12066418000", "from": "18553569768", "body": "a mk-1111aaaa"})
    with client(sb, "flowroute-v2") as fr:
        fr.post("/v2.1/messages", **fr_message("b"))
    with client(sb, "bandwidth-messaging-v1") as bw:
        bw.post("/users/u/messages", json=[bw_message("c mk-2222bbbb"), bw_message("d mk-2222bbbb mk-2222bbbb")])
    with client(sb, "messagemedia-messages-v1") as mm:
        mm.post("/v1/messages", json={"messages": [mm_message("e mk-1111aaaa"), mm_message("f mk-3333cccc")]})
        mm.post("/v1/messages", json={"messages": [{"content": "invalid"}]})  # rejected: not counted
    stats = sb.stats()
    assert stats["accepted"] == {
        "flowroute-messages-v2": 1,
        "flowroute-v2": 1,
        "bandwidth-messaging-v1": 2,
        "messagemedia-messages-v1": 2,
    }
    assert stats["accepted_total"] == 6
    # A marker repeated inside one message counts once for that message.
    assert stats["markers"] == {"distinct": 3, "total": 5}
    assert stats["duplicates"] == ["mk-1111aaaa", "mk-2222bbbb"]
    assert stats["spec_violations"] == 0


def test_stats_endpoint_needs_no_auth_and_reset_clears(sb: SandboxHandle) -> None:
    with client(sb, "bandwidth-messaging-v1") as bw:
        bw.post("/users/u/messages", json=bw_message("mk-abcdef012"))
    assert httpx.get(f"{sb.url}/_sandbox/stats").json()["accepted_total"] == 1
    sb.reset()
    assert sb.stats()["accepted_total"] == 0 and sb.stats()["markers"]["total"] == 0
