"""Concurrent async sends and reads through the fault-injecting sandbox, on every async transport.

The sync fault suite runs one operation at a time; this one keeps 16 in flight, so connections are
reset while others are mid-request and pools hand connections between requests under faults. The
same guarantees hold: nothing is accepted twice, every reported success was accepted, reads
succeed within the retry budget, a send either succeeds, is refused with a typed error, or
raises DeliveryUnknownError, and no call outlasts its timeout budget.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from functools import partial

import httpx
import pytest
import smsclients_sandbox
from smsclients import (
    AsyncBandwidthClient,
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    DeliveryUnknownError,
    ServerError,
)
from smsclients.transports import ASYNC_KINDS, DEFAULT_ASYNC_KIND, fast_async_transport

from tests.fields import dig

from .test_faults import (
    BW_FROM,
    BW_TO,
    FAULTS,
    FR_FROM,
    FR_TO,
    MM_TO,
    POLICY,
    SEED,
    Budget,
    Sent,
    assert_accepted,
    timed_out,
)

OPS = 240
SOAK_OPS = 2000
CONCURRENCY = 16


@pytest.fixture(scope="module")
def faulty_async() -> Iterator[smsclients_sandbox.SandboxHandle]:
    with smsclients_sandbox.running(seed=SEED + 1, latency_ms=5, **FAULTS) as handle:
        yield handle


class AsyncWorkload:
    def __init__(self, sb: smsclients_sandbox.SandboxHandle, kind: str) -> None:
        def t() -> httpx.AsyncBaseTransport | None:
            return None if kind == DEFAULT_ASYNC_KIND else fast_async_transport(kind)  # the default: none given

        mm_key, mm_secret = sb.credentials["messagemedia-messages-v1"]
        self.flowroute = AsyncFlowrouteClient(
            *sb.credentials["flowroute-v2"], base_url=sb.base_urls["flowroute-v2"], retry=POLICY, transport=t()
        )
        self.bandwidth = AsyncBandwidthClient(
            "u-reliability",  # the verifier reads back as this user
            *sb.credentials["bandwidth-messaging-v1"],
            base_url=sb.base_urls["bandwidth-messaging-v1"],
            retry=POLICY,
            transport=t(),
        )
        self.messagemedia = AsyncMessageMediaClient(
            mm_key, mm_secret, hmac=True, base_url=sb.base_urls["messagemedia-messages-v1"], retry=POLICY, transport=t()
        )
        self.ops: Counter[str] = Counter()
        self.sends_ok: list[Sent] = []
        self.unknown: list[str] = []
        self.unknown_after_timeout = 0
        self.refused: list[str] = []
        self.budget = Budget()

    async def aclose(self) -> None:
        await self.flowroute.aclose()
        await self.bandwidth.aclose()
        await self.messagemedia.aclose()

    async def send(self, marker: str, rng: random.Random) -> None:
        text = f"reliability {marker}"
        surface = rng.choice(["flowroute-v2.1", "bandwidth", "messagemedia"])
        try:
            if surface == "flowroute-v2.1":
                message_id = dig(await self.flowroute.messages.send(to=FR_TO, from_=FR_FROM, body=text), "data.id")
            elif surface == "bandwidth":
                message_id = await self.bandwidth.messages.send(from_=BW_FROM, to=BW_TO, text=text)
            else:
                sent = await self.messagemedia.messages.send([{"content": text, "destination_number": MM_TO}])
                message_id = str(dig(sent, "messages[0].message_id"))
        except DeliveryUnknownError as exc:
            self.unknown.append(marker)
            self.unknown_after_timeout += timed_out(exc)
        except ServerError:
            self.refused.append(marker)
        else:
            self.sends_ok.append(Sent(marker, surface, message_id))

    async def read(self, rng: random.Random) -> None:
        if rng.random() < 0.5 or not self.sends_ok:
            assert (await self.flowroute.routes.list(limit=5)).data
            return
        sent = rng.choice(self.sends_ok)
        body: object
        if sent.surface == "flowroute-v2.1":
            body = dig(await self.flowroute.messages.get(sent.message_id), "data.attributes.body")
        elif sent.surface == "bandwidth":
            body = (await self.bandwidth.messages.get(sent.message_id)).text
        else:
            body = (await self.messagemedia.messages.status(sent.message_id)).content
        assert sent.marker in str(body)

    async def run(self, n: int, rng: random.Random) -> None:
        plan: list[Callable[[], Awaitable[None]]] = []
        for serial in range(n):
            if rng.random() < 0.6:
                self.ops["send"] += 1
                marker = f"mk-{rng.getrandbits(32):08x}{serial:08x}"
                plan.append(partial(self.send, marker, random.Random(marker)))
            else:
                self.ops["read"] += 1
                plan.append(partial(self.read, random.Random(serial)))
        queue = iter(plan)

        async def worker() -> None:
            for operation in queue:  # shared iterator: each operation runs once
                started = time.monotonic()
                await operation()  # one API call
                self.budget.check("async operation", time.monotonic() - started, 1)

        await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))


@pytest.mark.parametrize("kind", ASYNC_KINDS)
def test_concurrent_async_operations_under_faults(faulty_async: smsclients_sandbox.SandboxHandle, kind: str) -> None:
    _run(faulty_async, OPS, kind)


@pytest.mark.soak
@pytest.mark.parametrize("kind", ASYNC_KINDS)
def test_soak_concurrent_async_operations_under_faults(
    faulty_async: smsclients_sandbox.SandboxHandle, kind: str
) -> None:
    _run(faulty_async, SOAK_OPS, kind)


def _run(sb: smsclients_sandbox.SandboxHandle, n: int, kind: str) -> None:
    sb.reset()
    workload = AsyncWorkload(sb, kind)

    async def run() -> None:
        try:
            await workload.run(n, random.Random(SEED))
            # Concurrent requests reach the sandbox in no fixed order, so which one draws which fault
            # varies: the rates make each kind likely, these make each certain (one at a time).
            sb.fail_next("429", "503", "reset-before")
            workload.ops["read"] += 1
            await workload.read(random.Random(n))
            sb.fail_next("reset-after")
            workload.ops["send"] += 1
            rng = random.Random(n + 1)
            await workload.send(f"mk-{rng.getrandbits(32):08x}{n:08x}", rng)
        finally:
            await workload.aclose()

    asyncio.run(run())
    stats = sb.stats()
    ok = len(workload.sends_ok)
    assert stats["duplicates"] == []
    assert stats["markers"]["total"] == stats["markers"]["distinct"]
    assert ok <= stats["markers"]["distinct"] <= ok + len(workload.unknown)
    assert workload.ops["send"] == ok + len(workload.unknown) + len(workload.refused)
    faults = stats["faults"]
    assert all(faults[name] > 0 for name in ("429", "503", "reset-before", "reset-after")), faults
    assert_accepted(sb, workload.sends_ok)
    print(
        f"\nreliability async [{kind}], {CONCURRENCY} in flight: ops={dict(workload.ops)} faults={faults} "
        f"duplicates=0 sends_ok={ok} delivery_unknown={len(workload.unknown)} "
        f"(after a timeout: {workload.unknown_after_timeout}) server_error={len(workload.refused)} "
        f"largest share of a call's timeout budget={workload.budget.largest_share:.0%}"
    )
