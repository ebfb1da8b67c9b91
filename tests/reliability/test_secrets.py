"""Canary credentials never leak: not in a log line (DEBUG, httpx/httpcore included), a repr, an
exception message or a recorded cassette.

Representative flows of every provider run against the sandbox, configured with the canary
credentials, on the modern (sync and async) and legacy surfaces, with HTTP Basic and MessageMedia
HMAC, while vcrpy records every exchange into a temporary cassette with the project's filter
settings (``vcr_config`` in tests/conftest.py). Wrong secrets (canaries too) trigger 401/403s.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import smsclients_sandbox
import vcr  # type: ignore[import-untyped]
from messagemedia_messages_v1_client.resources import NewMessageParams
from smsclients import (
    AsyncBandwidthClient,
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    BandwidthClient,
    FlowrouteClient,
    MessageMediaClient,
    RetryPolicy,
    SmsClientError,
)
from smsclients.legacy import bandwidth as legacy_bandwidth
from smsclients.legacy import flowroute_messaging as legacy_flowroute_messaging
from smsclients.legacy import flowroute_v3 as legacy_flowroute_v3
from smsclients.legacy import messagemedia as legacy_messagemedia

from tests.conftest import pytest_recording_configure
from tests.fields import dig

FR = ("fr-key-CANARY-3c1e0a", "fr-secret-CANARY-77d2b9")
BW = ("bw-token-CANARY-5e8f41", "bw-secret-CANARY-0a93c6")
MM = ("mm-key-CANARY-b4d7e2", "mm-secret-CANARY-c1f058")
WRONG_SECRET = "wrong-secret-CANARY-9e4f1d"


def _basic(user: str, secret: str) -> str:
    return base64.b64encode(f"{user}:{secret}".encode()).decode()


CANARIES = (
    *FR,
    *BW,
    *MM,
    WRONG_SECRET,
    _basic(*FR),
    _basic(*BW),
    _basic(*MM),
    _basic(FR[0], WRONG_SECRET),
    _basic(BW[0], WRONG_SECRET),
    _basic(MM[0], WRONG_SECRET),
    "CANARY",  # any part of any canary
)
POLICY = RetryPolicy(max_retries=1, backoff_initial=0.001, backoff_max=0.01, timeout=10.0)
# Without an Account header the sandbox uses the API key as the account and echoes it in bodies
# (vendor_account_id.account_id); a real account is a name, so the flows name one.
ACCOUNT = "MyAccount"  # a sub-account the sandbox knows (others are refused, as the provider does)
MM_MESSAGE: NewMessageParams = {"content": "secret test", "destination_number": "+61491570156", "delivery_report": True}


def assert_clean(text: str, what: str) -> None:
    for canary in CANARIES:
        assert canary not in text, f"{what} contains a credential: {text[:300]!r}"


@pytest.fixture(scope="module")
def canary_sandbox() -> Iterator[smsclients_sandbox.SandboxHandle]:
    with smsclients_sandbox.running(
        seed=3, credentials={"flowroute": FR, "bandwidth": BW, "messagemedia": MM}
    ) as handle:
        yield handle


@pytest.fixture
def recorder(vcr_config: dict[str, Any], tmp_path: Path) -> Iterator[Path]:
    """Records every exchange into a cassette in ``tmp_path`` with the project's filter settings."""
    settings = {**vcr_config, "record_mode": "all"}
    recording = vcr.VCR(cassette_library_dir=str(tmp_path), **settings)
    pytest_recording_configure(None, recording)  # the project's matchers, as pytest-recording registers them
    with recording.use_cassette("secrets.yaml"):
        yield tmp_path
    # The cassette is written when it is closed: check it here, after the test body.
    text = (tmp_path / "secrets.yaml").read_text(encoding="utf-8")
    assert "interactions" in text and "/messagemedia/v1/messages" in text and "/flowroute/v2.1/messages" in text
    assert_clean(text, "the cassette")
    assert "Basic " not in text and "authorization" not in text.lower()


def _urls(sb: smsclients_sandbox.SandboxHandle) -> dict[str, str]:
    return {
        "fr": sb.base_urls["flowroute-v2"],
        "fr-v2": sb.base_urls["flowroute-messages-v2"],
        "bw": sb.base_urls["bandwidth-messaging-v1"],
        "bw-endpoint": sb.base_urls["bandwidth-messaging-v1"].removesuffix("/v1"),
        "mm": sb.base_urls["messagemedia-messages-v1"],
    }


def _modern_flows(urls: dict[str, str], reprs: list[str]) -> None:
    with FlowrouteClient(*FR, base_url=urls["fr"], retry=POLICY) as fr:
        reprs.append(repr(fr))
        sent = fr.messages.send(to="12065550100", from_="12012673227", body="secret test")
        fr.messages.get(dig(sent, "data.id"))
        fr.messages_v2.send(to="12065550100", from_="12012673227", body="secret test v2")
        fr.routes.list(limit=2)
        list(fr.numbers.iter_account_numbers(page_size=2, max_items=4))
    with BandwidthClient("u-secrets", *BW, base_url=urls["bw"], retry=POLICY) as bw:
        reprs.append(repr(bw))
        bw.messages.get(bw.messages.send(from_="+12012673227", to="+12065550100", text="secret test"))
        list(bw.messages.iter(max_items=3))
    for hmac in (False, True):
        with MessageMediaClient(*MM, hmac=hmac, account=ACCOUNT, base_url=urls["mm"], retry=POLICY) as mm:
            reprs.append(repr(mm))
            message_id = str(dig(mm.messages.send([MM_MESSAGE]), "messages[0].message_id"))
            mm.messages.status(message_id)
            reports = mm.delivery_reports.check()
            if reports:
                mm.delivery_reports.confirm([dig(report, "delivery_report_id") for report in reports])
            mm.replies.check()


async def _async_flows(urls: dict[str, str], reprs: list[str]) -> None:
    async with AsyncFlowrouteClient(*FR, base_url=urls["fr"], retry=POLICY) as fr:
        reprs.append(repr(fr))
        await fr.messages.send(to="12065550100", from_="12012673227", body="secret async")
    async with AsyncBandwidthClient("u-secrets", *BW, base_url=urls["bw"], retry=POLICY) as bw:
        reprs.append(repr(bw))
        await bw.messages.send(from_="+12012673227", to="+12065550100", text="secret async")
    async with AsyncMessageMediaClient(*MM, hmac=True, account=ACCOUNT, base_url=urls["mm"], retry=POLICY) as mm:
        reprs.append(repr(mm))
        await mm.messages.send([MM_MESSAGE])


def _legacy_flows(urls: dict[str, str], reprs: list[str]) -> None:
    v3 = legacy_flowroute_v3.FlowroutenumbersandmessagingClient(*FR, base_uri=urls["fr"], retry=POLICY)
    reprs.append(repr(v3))
    v3.routes.list_inbound_routes(limit=2)
    v3.messages.send_a_message(
        {"data": {"type": "message", "attributes": {"to": "12065550100", "from": "12012673227", "body": "legacy"}}}
    )
    v3.close()
    v2 = legacy_flowroute_messaging.APIController(*FR, base_uri=urls["fr-v2"], retry=POLICY)
    reprs.append(repr(v2))
    created = v2.create_message(
        legacy_flowroute_messaging.Message(to="12065550100", from_="12012673227", content="legacy")
    )
    v2.get_message_lookup(created["data"]["id"])
    v2.close()
    bw = legacy_bandwidth.Client("u-secrets", *BW, api_endpoint=urls["bw-endpoint"], retry=POLICY)
    reprs.append(repr(bw))
    # BW-py's documented ``Client.auth`` pair shows the API token (an account identifier, like the
    # user id) by design; only the secret must be hidden there.
    assert BW[1] not in repr(bw.auth) and BW[1] not in str(bw.auth) and BW[0] in repr(bw.auth)
    bw.get_message(bw.send_message("+12012673227", "+12065550100", "legacy"))
    list(bw.list_messages(size=2))
    bw.close()
    for hmac in (False, True):
        mm = legacy_messagemedia.MessageMediaMessagesClient(*MM, hmac, base_url=urls["mm"], retry=POLICY)
        reprs.extend([repr(mm), repr(mm.messages)])
        sent = mm.messages.create_send_messages({"messages": [MM_MESSAGE]}, ACCOUNT)
        assert sent.messages
        mm.messages.get_message_status(sent.messages[0]["message_id"], ACCOUNT)
        mm.delivery_reports.get_check_delivery_reports(ACCOUNT)
        mm.close()


def _wrong_secret_calls(urls: dict[str, str]) -> list[tuple[str, Callable[[], object]]]:
    def fr() -> object:
        with FlowrouteClient(FR[0], WRONG_SECRET, base_url=urls["fr"], retry=POLICY) as client:
            return client.routes.list()

    def fr_send() -> object:
        with FlowrouteClient(FR[0], WRONG_SECRET, base_url=urls["fr"], retry=POLICY) as client:
            return client.messages.send(to="12065550100", from_="12012673227", body="x")

    def bw() -> object:
        with BandwidthClient("u-secrets", BW[0], WRONG_SECRET, base_url=urls["bw"], retry=POLICY) as client:
            return client.messages.send(from_="+12012673227", to="+12065550100", text="x")

    def mm(hmac: bool) -> Callable[[], object]:
        def call() -> object:
            with MessageMediaClient(MM[0], WRONG_SECRET, hmac=hmac, base_url=urls["mm"], retry=POLICY) as client:
                return client.messages.send([MM_MESSAGE])

        return call

    def legacy_v3() -> object:
        client = legacy_flowroute_v3.FlowroutenumbersandmessagingClient(
            FR[0], WRONG_SECRET, base_uri=urls["fr"], retry=POLICY
        )
        try:
            return client.routes.list_inbound_routes()
        finally:
            client.close()

    def legacy_v2() -> object:
        client = legacy_flowroute_messaging.APIController(FR[0], WRONG_SECRET, base_uri=urls["fr-v2"], retry=POLICY)
        try:
            return client.create_message(
                legacy_flowroute_messaging.Message(to="12065550100", from_="12012673227", content="x")
            )
        finally:
            client.close()

    def legacy_bw() -> object:
        client = legacy_bandwidth.Client("u-secrets", BW[0], WRONG_SECRET, api_endpoint=urls["bw-endpoint"])
        try:
            return client.get_message("m-abc")
        finally:
            client.close()

    def legacy_mm(hmac: bool) -> Callable[[], object]:
        def call() -> object:
            client = legacy_messagemedia.MessageMediaMessagesClient(
                MM[0], WRONG_SECRET, hmac, base_url=urls["mm"], retry=POLICY
            )
            try:
                return client.messages.create_send_messages({"messages": [MM_MESSAGE]})
            finally:
                client.close()

        return call

    async def async_mm() -> object:
        async with AsyncMessageMediaClient(MM[0], WRONG_SECRET, hmac=True, base_url=urls["mm"]) as client:
            return await client.messages.send([MM_MESSAGE])

    return [
        ("flowroute", fr),
        ("flowroute send", fr_send),
        ("bandwidth", bw),
        ("messagemedia basic", mm(False)),
        ("messagemedia hmac", mm(True)),
        ("legacy flowroute v3", legacy_v3),
        ("legacy flowroute messaging", legacy_v2),
        ("legacy bandwidth", legacy_bw),
        ("legacy messagemedia basic", legacy_mm(False)),
        ("legacy messagemedia hmac", legacy_mm(True)),
        ("async messagemedia hmac", lambda: asyncio.run(async_mm())),
    ]


def _exception_texts(error: BaseException) -> Iterator[str]:
    """Everything an exception shows: str, repr, args, attributes, and the same for its causes."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield str(current)
        yield repr(current)
        yield repr(current.args)
        yield repr({name: repr(value) for name, value in vars(current).items()})
        context = getattr(current, "context", None)
        if context is not None:
            yield repr(vars(context))
            for part in ("request", "response"):
                if hasattr(context, part):
                    yield repr(vars(getattr(context, part)))
        current = current.__cause__ or current.__context__


def test_canaries_never_leak(
    canary_sandbox: smsclients_sandbox.SandboxHandle, recorder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    urls = _urls(canary_sandbox)
    reprs: list[str] = []
    errors: list[tuple[str, BaseException]] = []
    with (
        caplog.at_level(logging.DEBUG),
        caplog.at_level(logging.DEBUG, logger="httpx"),
        caplog.at_level(logging.DEBUG, logger="httpcore"),
        caplog.at_level(logging.DEBUG, logger="smsclients"),
    ):
        _modern_flows(urls, reprs)
        asyncio.run(_async_flows(urls, reprs))
        _legacy_flows(urls, reprs)
        for name, call in _wrong_secret_calls(urls):
            with pytest.raises(SmsClientError) as raised:
                call()
            errors.append((name, raised.value))

    assert len(reprs) >= 12 and len(errors) == 11
    for text in reprs:
        assert_clean(text, "a repr")
    for name, error in errors:
        assert getattr(error, "status_code", None) in (401, 403), (name, error)
        for text in _exception_texts(error):
            assert_clean(text, f"the exception of {name}")
    # httpx and httpcore really logged at DEBUG: the check below saw the request traffic.
    assert any(record.name.startswith("httpcore") for record in caplog.records)
    assert any(record.name.startswith("httpx") for record in caplog.records)
    for record in caplog.records:
        assert_clean(record.getMessage(), f"log line of {record.name}")
        assert_clean(repr(record.args), f"log arguments of {record.name}")
    assert_clean(caplog.text, "the captured log")
