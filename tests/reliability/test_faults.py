"""Mixed operations through the fault-injecting sandbox: reads always succeed, nothing is sent twice.

The sandbox answers 20 % of requests with 429/503, resets 5 % of connections (half before, half
after processing), holds back 2 % of answers past the client's timeout after processing, and adds
latency. Every send carries a unique marker, so the sandbox's stats can prove that no message was
accepted twice and that every send reported as a success was accepted. Every call ends within its
timeout budget. The long version is marked ``soak`` (run by ``make soak``; excluded from ``make test``).
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import smsclients_sandbox
from messagemedia_messages_v1_client.resources import NewMessageParams
from smsclients import (
    BandwidthClient,
    DeliveryUnknownError,
    FlowrouteClient,
    MessageMediaClient,
    RetryPolicy,
    ServerError,
    SmsClientError,
)
from smsclients.legacy import bandwidth as legacy_bandwidth
from smsclients.legacy import flowroute_messaging as legacy_flowroute_messaging
from smsclients.legacy import messagemedia as legacy_messagemedia
from smsclients.transports import SYNC_KINDS, fast_transport

from tests.fields import dig

BOUNDED_OPS = 300
SOAK_OPS = 2000
SEED = 5

FR_FROM = "12012673227"
FR_TO = "12065550100"
BW_FROM = "+12012673227"
BW_TO = "+12065550100"
MM_TO = "+61491570156"

# Small backoffs so the suite stays quick; enough retries that a read failing every attempt
# (probability 0.27 ** 13 per read) cannot happen in practice. Each attempt gets 1 s: far above a
# normal answer here (milliseconds), far below a stalled one (FAULTS["stall_ms"]).
TOTAL_TIMEOUT_S = 8.0
POLICY = RetryPolicy(
    max_retries=12,
    backoff_initial=0.001,
    backoff_max=0.01,
    retry_after_max=0.01,
    timeout=1.0,
    total_timeout=TOTAL_TIMEOUT_S,
)
# What one call may take: a retry is never started past total_timeout, and the attempt running at
# that moment ends within its own timeout. The slack is for a loaded machine's scheduling; the
# check is of the budget the client enforces, not of speed.
CALL_BUDGET_S = TOTAL_TIMEOUT_S + POLICY.timeout
BUDGET_SLACK_S = 2.0


class RetryCounter(logging.Handler):
    """Counts the retry transport's "retrying ..." debug records (the public trace of a retry)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("retrying "):
            self.count += 1


@dataclass
class Clients:
    flowroute: FlowrouteClient
    bandwidth: BandwidthClient
    messagemedia: MessageMediaClient
    messagemedia_hmac: MessageMediaClient
    legacy_flowroute: legacy_flowroute_messaging.APIController
    legacy_bandwidth: legacy_bandwidth.Client
    legacy_messagemedia: legacy_messagemedia.MessageMediaMessagesClient

    def close(self) -> None:
        for client in (
            self.flowroute,
            self.bandwidth,
            self.messagemedia,
            self.messagemedia_hmac,
            self.legacy_flowroute,
            self.legacy_bandwidth,
            self.legacy_messagemedia,
        ):
            client.close()


@dataclass
class Sent:
    marker: str
    surface: str
    message_id: str


@dataclass
class Budget:
    """Checks that each operation ended within the timeout budget of the calls it made."""

    largest_share: float = 0.0  # of its budget, the most any operation took

    def check(self, what: str, elapsed: float, calls: int) -> None:
        budget = calls * CALL_BUDGET_S
        assert elapsed <= budget + BUDGET_SLACK_S, f"{what} took {elapsed:.1f} s, over its {budget:.0f} s budget"
        self.largest_share = max(self.largest_share, elapsed / budget)


@dataclass
class Tally:
    ops: Counter[str] = field(default_factory=Counter)
    sends_ok: list[Sent] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # markers of sends raising DeliveryUnknownError
    unknown_after_timeout: int = 0  # of those, the ones whose attempt timed out (not reset)
    refused: list[str] = field(default_factory=list)  # markers of sends answered with an error status
    errors: Counter[str] = field(default_factory=Counter)
    budget: Budget = field(default_factory=Budget)


# The mix: 20 % 429/503, 5 % resets (half before, half after the request is processed),
# and timeouts: 2 % of answers held back, after processing, for longer than POLICY.timeout.
FAULTS: dict[str, Any] = {
    "fault_429": 0.1,
    "fault_503": 0.1,
    "fault_reset_before": 0.025,
    "fault_reset_after": 0.025,
    "fault_stall_after": 0.02,
    "stall_ms": 2500,
    "retry_after": 0,
}


def timed_out(error: DeliveryUnknownError) -> bool:
    """Whether the send's outcome is unknown because its attempt timed out (rather than a reset)."""
    return isinstance(error.__cause__, httpx.TimeoutException)


@pytest.fixture(scope="module")
def faulty() -> Iterator[smsclients_sandbox.SandboxHandle]:
    with smsclients_sandbox.running(seed=SEED, latency_ms=1, **FAULTS) as handle:
        yield handle


@pytest.fixture
def retry_counter() -> Iterator[RetryCounter]:
    counter = RetryCounter()
    logger = logging.getLogger("smsclients.retries")
    previous = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(previous)


def _clients(sb: smsclients_sandbox.SandboxHandle, kind: str = "httpx") -> Clients:
    """Every surface on one kind of transport (each client its own instance, as users would have)."""

    def t() -> httpx.BaseTransport | None:
        return None if kind == "httpx" else fast_transport(kind)

    mm_url = sb.base_urls["messagemedia-messages-v1"]
    mm_key, mm_secret = sb.credentials["messagemedia-messages-v1"]
    return Clients(
        flowroute=FlowrouteClient(
            *sb.credentials["flowroute-v2"], base_url=sb.base_urls["flowroute-v2"], retry=POLICY, transport=t()
        ),
        bandwidth=BandwidthClient(
            "u-reliability",
            *sb.credentials["bandwidth-messaging-v1"],
            base_url=sb.base_urls["bandwidth-messaging-v1"],
            retry=POLICY,
            transport=t(),
        ),
        messagemedia=MessageMediaClient(mm_key, mm_secret, base_url=mm_url, retry=POLICY, transport=t()),
        messagemedia_hmac=MessageMediaClient(
            mm_key, mm_secret, hmac=True, base_url=mm_url, retry=POLICY, transport=t()
        ),
        legacy_flowroute=legacy_flowroute_messaging.APIController(
            *sb.credentials["flowroute-messages-v2"],
            base_uri=sb.base_urls["flowroute-messages-v2"],
            retry=POLICY,
            transport=t(),
        ),
        legacy_bandwidth=legacy_bandwidth.Client(
            "u-reliability",
            *sb.credentials["bandwidth-messaging-v1"],
            api_endpoint=sb.base_urls["bandwidth-messaging-v1"].removesuffix("/v1"),
            retry=POLICY,
            transport=t(),
        ),
        legacy_messagemedia=legacy_messagemedia.MessageMediaMessagesClient(
            mm_key, mm_secret, True, base_url=mm_url, retry=POLICY, transport=t()
        ),
    )


class Workload:
    """Draws and runs one operation at a time; sends record their outcome, reads must succeed."""

    def __init__(self, clients: Clients, rng: random.Random) -> None:
        self.c = clients
        self.rng = rng
        self.tally = Tally()
        self._serial = 0

    def marker(self) -> str:
        self._serial += 1
        return f"mk-{self.rng.getrandbits(32):08x}{self._serial:08x}"

    # ------------------------------------------------------------------ sends

    def _send(self, surface: str, do: Callable[[str], str]) -> None:
        marker = self.marker()
        try:
            message_id = do(f"reliability {marker}")
        except DeliveryUnknownError as exc:
            self.tally.unknown.append(marker)
            self.tally.unknown_after_timeout += timed_out(exc)
        except ServerError:
            # A 503 to a POST is not retried (the server may have done the work); it is typed.
            self.tally.refused.append(marker)
        else:
            self.tally.sends_ok.append(Sent(marker, surface, message_id))

    def send_flowroute(self) -> None:
        self._send(
            "flowroute-v2.1",
            lambda text: dig(self.c.flowroute.messages.send(to=FR_TO, from_=FR_FROM, body=text), "data.id"),
        )

    def send_flowroute_v2(self) -> None:
        self._send(
            "flowroute-v2",
            lambda text: dig(self.c.flowroute.messages_v2.send(to=FR_TO, from_=FR_FROM, body=text), "data.id"),
        )

    def send_bandwidth(self) -> None:
        self._send("bandwidth", lambda text: self.c.bandwidth.messages.send(from_=BW_FROM, to=BW_TO, text=text))

    def send_messagemedia(self) -> None:
        client = self.rng.choice([self.c.messagemedia, self.c.messagemedia_hmac])

        def do(text: str) -> str:
            message: NewMessageParams = {"content": text, "destination_number": MM_TO, "delivery_report": True}
            return str(dig(client.messages.send([message]), "messages[0].message_id"))

        self._send("messagemedia", do)

    def send_legacy(self) -> None:
        """The legacy drop-ins: the same guarantees (their errors are typed smsclients errors too)."""
        choice = self.rng.randrange(3)
        if choice == 0:
            message = legacy_flowroute_messaging.Message

            def flowroute(text: str) -> str:
                sent = self.c.legacy_flowroute.create_message(message(to=FR_TO, from_=FR_FROM, content=text))
                return str(sent["data"]["id"])

            self._send("flowroute-v2", flowroute)
        elif choice == 1:
            self._send("bandwidth", lambda text: self.c.legacy_bandwidth.send_message(BW_FROM, BW_TO, text))
        else:

            def messagemedia(text: str) -> str:
                body = {"messages": [{"content": text, "destination_number": MM_TO}]}
                sent = self.c.legacy_messagemedia.messages.create_send_messages(body)
                assert sent.messages
                return str(sent.messages[0]["message_id"])

            self._send("messagemedia", messagemedia)

    # ------------------------------------------------------------------ reads (must succeed)

    def lookup(self) -> None:
        if not self.tally.sends_ok:
            self.c.flowroute.numbers.get(FR_FROM)
            return
        sent = self.rng.choice(self.tally.sends_ok)
        text = self._text_of(sent)
        assert sent.marker in text, (sent, text)

    def _text_of(self, sent: Sent) -> str:
        if sent.surface == "flowroute-v2.1":
            return str(dig(self.c.flowroute.messages.get(sent.message_id), "data.attributes.body"))
        if sent.surface == "flowroute-v2":
            return str(dig(self.c.flowroute.messages_v2.get(sent.message_id), "data.attributes.body"))
        if sent.surface == "bandwidth":
            return str(self.c.bandwidth.messages.get(sent.message_id).text)
        return str(self.c.messagemedia.messages.status(sent.message_id).content)

    def list_flowroute(self) -> None:
        choice = self.rng.randrange(3)
        if choice == 0:
            assert self.c.flowroute.routes.list(limit=5).data
        elif choice == 1:
            assert self.c.flowroute.numbers.list_account_numbers(limit=5).data
        else:
            assert len(list(self.c.flowroute.numbers.iter_available_area_codes(page_size=3, max_items=6))) == 6

    def list_bandwidth(self) -> None:
        list(self.c.bandwidth.messages.iter(size=5, max_items=10))

    def check_confirm(self) -> None:
        client = self.rng.choice([self.c.messagemedia, self.c.messagemedia_hmac])
        reports = client.delivery_reports.check()
        if reports:
            client.delivery_reports.confirm([dig(report, "delivery_report_id") for report in reports])
        replies = client.replies.check()
        if replies:
            client.replies.confirm([dig(reply, "reply_id") for reply in replies])

    def forced(
        self, sb: smsclients_sandbox.SandboxHandle, faults: list[str], kind: str, operation: Callable[[], None]
    ) -> None:
        """``operation`` with ``faults`` queued for its first requests (``X-Sandbox-Fault`` values)."""
        sb.fail_next(*faults)
        self.tally.ops[kind] += 1
        operation()

    def run(self, n: int) -> None:
        # (kind, operation, weight, most API calls it makes: a list reads two pages, check/confirm four)
        operations: list[tuple[str, Callable[[], None], int, int]] = [
            ("send", self.send_flowroute, 3, 1),
            ("send", self.send_flowroute_v2, 2, 1),
            ("send", self.send_bandwidth, 3, 1),
            ("send", self.send_messagemedia, 3, 1),
            ("send", self.send_legacy, 3, 1),
            ("lookup", self.lookup, 4, 1),
            ("list", self.list_flowroute, 2, 2),
            ("list", self.list_bandwidth, 2, 2),
            ("check/confirm", self.check_confirm, 2, 4),
        ]
        weights = [weight for _, _, weight, _ in operations]
        for _ in range(n):
            kind, operation, _weight, calls = self.rng.choices(operations, weights)[0]
            self.tally.ops[kind] += 1
            started = time.monotonic()
            try:
                operation()
            except SmsClientError as exc:
                # Reads have the whole retry budget; any typed failure of a read is a finding.
                self.tally.errors[type(exc).__name__] += 1
                if kind != "send":
                    raise
            self.tally.budget.check(kind, time.monotonic() - started, calls)


def assert_accepted(sb: smsclients_sandbox.SandboxHandle, sends_ok: list[Sent]) -> None:
    """Every send reported as a success is in the sandbox: read each back (with the whole retry budget)."""
    verifier = Workload(_clients(sb), random.Random(0))
    try:
        for sent in sends_ok:
            assert sent.marker in verifier._text_of(sent)
    finally:
        verifier.c.close()


def _run(sb: smsclients_sandbox.SandboxHandle, n: int, retries: RetryCounter, kind: str) -> None:
    sb.reset()
    clients = _clients(sb, kind)
    workload = Workload(clients, random.Random(SEED))
    try:
        workload.run(n)
        # The rates make each fault likely; these make each certain, however a loaded machine's
        # extra retries shifted the seeded draws: 429, 503 and a reset before processing on a read
        # (retried), then a reset after processing and an answer held past the timeout on sends.
        workload.forced(sb, ["429", "503", "reset-before"], "list", workload.list_bandwidth)
        workload.forced(sb, ["reset-after"], "send", workload.send_bandwidth)
        workload.forced(sb, [f"stall-after={FAULTS['stall_ms']}"], "send", workload.send_bandwidth)
    finally:
        clients.close()
    tally = workload.tally
    stats = sb.stats()

    assert stats["duplicates"] == []
    assert stats["markers"]["total"] == stats["markers"]["distinct"]
    assert stats["spec_violations"] == 0
    # Every success was read back above (lookup) or is counted here: the accepted markers are at
    # least the successful sends and at most those plus the sends whose outcome was unknown.
    ok = len(tally.sends_ok)
    assert ok <= stats["markers"]["distinct"] <= ok + len(tally.unknown)
    assert tally.ops["send"] == ok + len(tally.unknown) + len(tally.refused)
    assert_accepted(sb, tally.sends_ok)
    faults = stats["faults"]
    # The faults really happened, of every kind, and the resets after processing produced unknowns.
    assert all(faults[kind] > 0 for kind in ("429", "503", "reset-before", "reset-after", "stall-after")), faults
    # Both ways of not knowing: a reset after the request left, and a timeout waiting for the answer.
    assert 0 < tally.unknown_after_timeout < len(tally.unknown)
    assert retries.count > 0
    assert not tally.errors, tally.errors  # nothing but DeliveryUnknownError / ServerError on sends
    print(
        f"\nreliability [{kind}]: ops={sum(tally.ops.values())} {dict(tally.ops)} "
        f"faults={faults} retries={retries.count} duplicates={len(stats['duplicates'])} "
        f"sends_ok={ok} delivery_unknown={len(tally.unknown)} (after a timeout: {tally.unknown_after_timeout}) "
        f"server_error={len(tally.refused)} accepted_markers={stats['markers']['distinct']} "
        f"errors={dict(tally.errors)} largest share of a call's timeout budget={tally.budget.largest_share:.0%}"
    )


# The fast transport too: it classifies network failures itself, and a wrong class means a resend.
@pytest.mark.parametrize("kind", SYNC_KINDS)
def test_mixed_operations_under_faults(
    faulty: smsclients_sandbox.SandboxHandle, retry_counter: RetryCounter, kind: str
) -> None:
    _run(faulty, BOUNDED_OPS, retry_counter, kind)


@pytest.mark.soak
@pytest.mark.parametrize("kind", SYNC_KINDS)
def test_soak_mixed_operations_under_faults(
    faulty: smsclients_sandbox.SandboxHandle, retry_counter: RetryCounter, kind: str
) -> None:
    _run(faulty, SOAK_OPS, retry_counter, kind)
