"""The sandbox's Bandwidth account resources, through the generated client: state, rules and routing.

Media keep their bytes and type; applications receive the inbound messages and events of the
numbers attached to them; numbers are allocated and released; every message is charged; failed
callbacks and unroutable messages are filed as errors.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from smsclients import BandwidthClient, InputError
from smsclients.errors import APIError, BadRequestError, NotFoundError, PermissionDeniedError
from smsclients_sandbox import SandboxHandle
from smsclients_sandbox.providers import bandwidth_account

from demo.flows_webhooks import serving
from tests.fields import dig
from tests.sandboxed import Recorder

USER = "u-account-tests"
HANDSET = "+19195554444"
WAIT_S = 15.0


@pytest.fixture
def bw(sb: SandboxHandle) -> Iterator[BandwidthClient]:
    token, secret = sb.credentials["bandwidth-messaging-v1"]
    with BandwidthClient(USER, token, secret, base_url=sb.base_urls["bandwidth-messaging-v1"]) as client:
        yield client


def _number(bw: BandwidthClient, application_id: str | None = None) -> tuple[str, str]:
    """Allocate an available local number (attached to ``application_id``); (id, number)."""
    number = str(bw.available_numbers.search_local(area_code="919", quantity=1)[0].number)
    return bw.phone_numbers.allocate(number=number, application_id=application_id), number


# ----------------------------------------------------------------------------- media


def test_media_keep_their_bytes_and_type(bw: BandwidthClient) -> None:
    picture = bytes(range(256)) * 4
    bw.media.upload("cat picture.png", picture, content_type="image/png")
    bw.media.upload("notes.txt", "héllo")  # a str is sent as UTF-8, as application/octet-stream
    listed = {m.media_name: m for m in bw.media.iter()}
    assert listed["cat picture.png"].content_length == len(picture)
    assert str(listed["cat picture.png"].content).endswith("/users/u-account-tests/media/cat%20picture.png")
    downloaded = bw.media.download("cat picture.png")
    assert (downloaded.content, downloaded.content_type) == (picture, "image/png")
    assert bw.media.download("notes.txt") == ("héllo".encode(), "application/octet-stream")
    bw.media.upload("notes.txt", b"replaced", content_type="text/plain")
    assert bw.media.download("notes.txt") == (b"replaced", "text/plain")
    bw.media.delete("notes.txt")
    with pytest.raises(NotFoundError):
        bw.media.download("notes.txt")
    with pytest.raises(NotFoundError):
        bw.media.delete("notes.txt")


def test_media_over_the_documented_size_is_refused(
    bw: BandwidthClient, sb: SandboxHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(InputError) as caught:  # 65 MB, from the spec, before anything is sent
        bw.media.upload("big.bin", bytes(65 * 1024 * 1024 + 1))
    assert caught.value.field == "content"
    monkeypatch.setattr(bandwidth_account, "MAX_MEDIA_BYTES", 4)  # the server's own check, on a small file
    with pytest.raises(BadRequestError) as refused:
        bw.media.upload("five.bin", b"12345")
    assert refused.value.code == "media-size-overflow"
    assert [m.media_name for m in bw.media.iter()] == []


def test_an_mms_may_name_stored_media_only(bw: BandwidthClient) -> None:
    _, number = _number(bw)
    bw.media.upload("kept.png", b"png", content_type="image/png")
    url = str(next(iter(bw.media.iter())).content)
    message_id = bw.messages.send(from_=number, to=HANDSET, media=[url])
    assert bw.messages.get(message_id).media == [url]
    with pytest.raises(BadRequestError) as caught:
        bw.messages.send(from_=number, to=HANDSET, media=[url.replace("kept.png", "gone.png")])
    assert caught.value.code == "media-not-found"
    # Media elsewhere on the web are the carrier's business, not the sandbox's.
    bw.messages.send(from_=number, to=HANDSET, media=["https://example.com/picture.png"])


# ----------------------------------------------------------------------------- applications and numbers


def test_applications_need_a_callback_url_and_keep_what_is_not_changed(bw: BandwidthClient) -> None:
    with pytest.raises(BadRequestError) as caught:
        bw.applications.create(name="no urls")
    assert caught.value.code == "validation-error"
    application_id = bw.applications.create(name="first", incoming_message_url="https://example.com/in")
    bw.applications.update(application_id, name="renamed", incoming_message_url_callback_timeout=2000)
    application = bw.applications.get(application_id)
    assert (application.name, application.incoming_message_url) == ("renamed", "https://example.com/in")
    assert application.incoming_message_url_callback_timeout == 2000
    assert [a.id for a in bw.applications.iter()] == [application_id]
    bw.applications.delete(application_id)
    with pytest.raises(NotFoundError):
        bw.applications.get(application_id)


def test_numbers_are_allocated_once_attached_and_released(bw: BandwidthClient) -> None:
    application_id = bw.applications.create(name="app", incoming_message_url="https://example.com/in")
    number_id, number = _number(bw)
    assert number not in [n.number for n in bw.available_numbers.search_local(area_code="919", quantity=5)]
    with pytest.raises(APIError) as taken:
        bw.phone_numbers.allocate(number=number)
    assert (taken.value.status_code, taken.value.code) == (409, "number-already-allocated")
    with pytest.raises(PermissionDeniedError):
        bw.phone_numbers.update(number_id, application_id="a-unknown")
    bw.phone_numbers.update(number_id, application_id=application_id, name="front desk")
    by_number = bw.phone_numbers.get(number)  # by the E.164 number as well as by id
    assert (by_number.id, by_number.application_id, by_number.name) == (number_id, application_id, "front desk")
    assert [n.id for n in bw.phone_numbers.iter(application_id=application_id)] == [number_id]
    bw.phone_numbers.update(number_id, application_id="")  # detached
    assert bw.phone_numbers.get(number_id).application_id is None or not bw.phone_numbers.get(number_id).application_id
    bw.phone_numbers.delete(number_id)
    with pytest.raises(NotFoundError):
        bw.phone_numbers.get(number_id)
    assert number in [n.number for n in bw.available_numbers.search_local(area_code="919", quantity=5)]


def test_search_and_order_allocates_and_follows_the_documented_rules(bw: BandwidthClient) -> None:
    with pytest.raises(BadRequestError) as caught:
        bw.available_numbers.search_local(city="Cary")  # a city needs a state (BW-docs errors.md)
    assert caught.value.code == "invalid-available-number-search"
    with pytest.raises(InputError) as refused:  # BW-docs: order at most 10
        bw.available_numbers.order_local(area_code="910", quantity=11)
    assert refused.value.field == "quantity"
    with pytest.raises(InputError):  # localNumber needs areaCode (x-dependent-required)
        bw.available_numbers.search_local(local_number="555")
    matching = bw.available_numbers.search_local(area_code="910", pattern="*0?7", quantity=3)
    assert [dig(n, "number")[-2:] for n in matching] == ["07", "17", "27"]
    # /availableNumbers names no user: the order goes to the one these credentials last named.
    bw.account.get()
    ordered = bw.available_numbers.order_local(area_code="910", quantity=2)
    free = bw.available_numbers.order_toll_free(quantity=1)
    ids = [str(n.location).rsplit("/", 1)[-1] for n in [*ordered, *free]]
    assert sorted(dig(n, "id") for n in bw.phone_numbers.iter()) == sorted(ids)
    assert str(free[0].number).startswith("+1844")


def test_cnam_lookup(bw: BandwidthClient) -> None:
    info = bw.number_info.get("+19195551212")
    assert (info.number, info.name) == ("+19195551212", "RALEIGH, NC")


# ----------------------------------------------------------------------------- routing, errors, charges


def test_inbound_messages_and_events_go_to_the_numbers_application(bw: BandwidthClient, sb: SandboxHandle) -> None:
    recorder = Recorder()
    with serving(recorder) as root:
        application_id = bw.applications.create(
            name="router", incoming_message_url=root + "/in", callback_http_method="get"
        )
        _, number = _number(bw, application_id)
        message_id = bw.messages.send(from_=number, to=HANDSET, text="out")
        sb.inject_inbound("bandwidth", {"to": number, "from": HANDSET, "text": "in", "user_id": USER})
        requests = recorder.wait(2)
    assert {r["method"] for r in requests} == {"GET"}
    assert all(r["path"] == "/in" for r in requests)
    outgoing = next(r for r in requests if "direction=out" in r["query"])
    inbound = next(r for r in requests if "direction=in" in r["query"])
    assert f"messageId={message_id}" in outgoing["query"]
    assert f"applicationId={application_id}" in inbound["query"]


def test_a_failing_application_url_falls_back_and_then_files_an_error(bw: BandwidthClient, sb: SandboxHandle) -> None:
    recorder = Recorder()
    with serving(recorder) as root:
        application_id = bw.applications.create(
            name="fallback",
            incoming_message_url="http://hook:secret-pw@127.0.0.1:9/primary",
            incoming_message_fallback_url=root + "/fallback",
        )
        _, number = _number(bw, application_id)
        sb.inject_inbound("bandwidth", {"to": number, "from": HANDSET, "text": "hi", "user_id": USER})
        assert recorder.wait(1)[0]["path"] == "/fallback"
    assert list(bw.errors.iter()) == []  # the fallback took it

    bw.applications.update(application_id, incoming_message_fallback_url="http://127.0.0.1:9/fallback")
    sb.inject_inbound("bandwidth", {"to": number, "from": HANDSET, "text": "lost", "user_id": USER})
    assert sb.wait_for_callbacks(WAIT_S)
    (error,) = bw.errors.iter()
    assert error.code == "callback-failed"
    assert bw.errors.get(str(error.id)).message == error.message
    details = {d.name: d.value for d in error.details or []}
    assert details["callbackUrl"] == "http://127.0.0.1:9/fallback"
    assert "secret-pw" not in repr(error.to_dict())


def test_an_inbound_message_with_nowhere_to_go_is_an_error(bw: BandwidthClient, sb: SandboxHandle) -> None:
    _, number = _number(bw)
    result = sb.inject_inbound("bandwidth", {"to": number, "from": HANDSET, "text": "anyone?", "user_id": USER})
    assert result["callback"] is False
    (error,) = bw.errors.iter()
    assert (error.code, error.message) == (
        "no-application-for-number",
        f"No application is configured for number {number}",
    )


def test_each_message_is_charged_and_recorded(bw: BandwidthClient, sb: SandboxHandle) -> None:
    start = bw.account.get()
    assert (start.balance, start.account_type) == ("100.00000", "pre-pay")
    _, number = _number(bw)
    sms = bw.messages.send(from_=number, to=HANDSET, text="one")
    mms = bw.messages.send(from_=number, to=HANDSET, media=["https://example.com/a.png"])
    sb.inject_inbound("bandwidth", {"to": number, "from": HANDSET, "text": "back", "user_id": USER})
    charges = list(bw.account.iter_transactions(size=1))  # one per page: follows Link rel="next"
    assert [t.product_type for t in charges] == ["sms-in", "mms-out", "sms-out", "local-number-per-month"]
    assert [t.resource_id for t in charges[1:3]] == [mms, sms]
    assert bw.account.get().balance == "99.62000"  # 100 - 0.35 - 0.0075 - 0.015 - 0.0075
    assert [t.product_type for t in bw.account.iter_transactions(type_="charge", max_items=2)] == ["sms-in", "mms-out"]
    assert list(bw.account.iter_transactions(number="+19195550999")) == []
    with pytest.raises(InputError):
        bw.account.list_transactions(type_="refund")  # type: ignore[arg-type]


def test_a_binary_upload_passes_the_sandbox_validation_as_raw_bytes(sb: SandboxHandle) -> None:
    token, secret = sb.credentials["bandwidth-messaging-v1"]
    url = sb.base_urls["bandwidth-messaging-v1"] + f"/users/{USER}/media/raw.bin"
    data = b"\x00\xff\xfe not utf-8 \x80"
    with httpx.Client(auth=(token, secret), timeout=10) as client:
        assert client.put(url, content=data, headers={"Content-Type": "application/x-anything"}).status_code == 200
        answer = client.get(url)
    assert (answer.content, answer.headers["content-type"]) == (data, "application/x-anything")


def test_the_async_client_moves_the_same_bytes(sb: SandboxHandle) -> None:
    from bandwidth_messaging_v1_client.resources import Binary
    from smsclients import AsyncBandwidthClient

    token, secret = sb.credentials["bandwidth-messaging-v1"]
    data = bytes(range(255, -1, -1))

    async def transfer() -> tuple[Binary, list[str]]:
        async with AsyncBandwidthClient(USER, token, secret, base_url=sb.base_urls["bandwidth-messaging-v1"]) as bw:
            await bw.media.upload("async.bin", bytearray(data), content_type="application/x-test")
            names = [dig(m, "media_name") async for m in bw.media.iter()]
            return await bw.media.download("async.bin"), names

    downloaded, names = asyncio.run(transfer())
    assert names == ["async.bin"]
    assert downloaded == Binary(data, "application/x-test")


def test_realistic_answers_of_the_account_resources_still_parse(bw: BandwidthClient, sb: SandboxHandle) -> None:
    """BW-docs' other forms: an error's time in epoch milliseconds and upper-case category, an
    application's older ``incomingSmsUrl``; the tolerant reader keeps them."""
    realistic = {"X-Sandbox-Realistic": "on"}
    application_id = bw.applications.create(name="old style", incoming_message_url="https://example.com/in")
    application = bw.applications.get(application_id, extra_headers=realistic)
    assert application.incoming_sms_url == "https://example.com/in"
    _, number = _number(bw)
    sb.inject_inbound("bandwidth", {"to": number, "from": HANDSET, "text": "?", "user_id": USER})
    (error,) = bw.errors.list(extra_headers=realistic)
    assert isinstance(error.time, int) and error.category == "UNAVAILABLE"
    assert bw.errors.get(str(error.id), extra_headers=realistic).code == "no-application-for-number"
