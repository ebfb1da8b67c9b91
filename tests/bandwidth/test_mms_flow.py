"""The demo's Bandwidth MMS flow, live on the sandbox: media, application, number, MMS, events, reply, charges."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from smsclients_sandbox import SandboxHandle

from demo import flows_bandwidth_mms
from demo.steps import Reporter, Target


@pytest.mark.parametrize("flow", [flows_bandwidth_mms.modern, flows_bandwidth_mms.legacy], ids=["modern", "legacy"])
def test_an_mms_round_trip_through_an_application(
    sandbox_server: SandboxHandle, flow: Callable[[Target, Reporter], flows_bandwidth_mms.MmsResult]
) -> None:
    sandbox_server.reset()
    target = Target(
        base_urls=sandbox_server.base_urls,
        credentials=sandbox_server.credentials,
        inject_reply=lambda content, message_id: None,
    )
    result = flow(target, Reporter())
    base = sandbox_server.base_urls["bandwidth-messaging-v1"]
    assert result.media_url.startswith(f"{base}/users/u-demo/media/demo-")
    # The outgoing MMS's event and the reply both reached the application's URL.
    assert [event.message_id for event in result.events] == [result.message_id]
    assert result.reply.to == result.number and result.reply.media_urls == (result.media_url,)
    assert result.products == ["local-number-per-month", "mms-in", "mms-out"]
    deliveries = sandbox_server.callbacks()
    assert {d["url"].rsplit("/", 1)[-1] for d in deliveries} == {"application"}
    assert all(d["state"] == "delivered" for d in deliveries)
    assert sandbox_server.stats()["spec_violations"] == 0
