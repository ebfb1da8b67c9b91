"""Every demo flow, modern and legacy, replayed from cassettes recorded against the sandbox (seed 1).

Each test runs the same function ``make demo`` runs, then checks what it returned, the step lines
it printed, and the exact requests it made (method and path, in order, every one replayed).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from demo import flows_bandwidth, flows_flowroute, flows_messagemedia, flows_porting
from demo.steps import BANDWIDTH_USER, FLOWROUTE_FROM, FLOWROUTE_TO, MEDIA_URL, MESSAGEMEDIA_TO, Reporter, Target

from .conftest import MESSAGE_START_DATE, SCHEDULE_AT


def _requests(cassette: Any) -> list[tuple[str, str]]:
    if cassette.rewound:  # replaying (while recording, nothing is "played")
        assert cassette.all_played, "a recorded exchange was not replayed"
    return [(request.method, urlsplit(request.uri).path) for request in cassette.requests]


def _json(request: Any) -> Any:
    body = request.body
    return json.loads(body.decode() if isinstance(body, bytes) else body)


def _query(request: Any) -> dict[str, list[str]]:
    return parse_qs(urlsplit(request.uri).query)


def _step_names(step: Reporter) -> list[str]:
    return [line.split(" -> ")[0].split(maxsplit=3)[-1].strip() for line in step.lines]


# ------------------------------------------------------------------------------- Flowroute v3

V3_PATHS = [
    ("GET", "/flowroute/v2/numbers/available/areacodes"),
    ("GET", "/flowroute/v2/numbers/available/exchanges"),
    ("GET", "/flowroute/v2/numbers/available"),
    ("POST", "/flowroute/v2/numbers/{number}"),
    ("GET", "/flowroute/v2/numbers"),
    ("GET", "/flowroute/v2/numbers/{number}"),
    ("POST", "/flowroute/v2/routes"),
    ("GET", "/flowroute/v2/routes"),
    ("PATCH", "/flowroute/v2/numbers/{number}/relationships/primary_route"),
    ("PATCH", "/flowroute/v2/numbers/{number}/relationships/failover_route"),
    ("POST", "/flowroute/v2.1/messages"),
    ("GET", "/flowroute/v2.1/messages"),
    ("GET", "/flowroute/v2.1/messages/{mdr}"),
]


def _check_v3(result: flows_flowroute.V3Result, cassette: Any, step: Reporter) -> None:
    expected = [
        (method, path.replace("{number}", result.number).replace("{mdr}", result.mdr_id)) for method, path in V3_PATHS
    ]
    assert _requests(cassette) == expected
    requests = cassette.requests
    assert _query(requests[1])["areacode"] == [result.area_code]
    assert _query(requests[2])["starts_with"] == ["1" + result.exchange]
    assert result.number.startswith("1" + result.exchange)
    assert _json(requests[6])["data"]["attributes"] == {
        "route_type": "host",
        "value": "sip.example.com",
        "alias": _json(requests[6])["data"]["attributes"]["alias"],
    }
    route_reference = {"data": {"type": "route", "id": result.route_id}}
    assert _json(requests[8]) == route_reference
    assert _json(requests[9]) == route_reference
    mms = _json(requests[10])["data"]["attributes"]
    assert (mms["to"], mms["from"], mms["media_urls"], mms["is_mms"]) == (
        FLOWROUTE_TO,
        result.number,
        [MEDIA_URL],
        True,
    )
    assert _query(requests[11])["start_date"] == [MESSAGE_START_DATE]
    assert result.route_id.isdigit() and int(result.route_id) >= 98396  # the sandbox's first created route id
    assert result.mdr_id.startswith("mdr2-") and result.mdr_id in result.message_ids
    assert len(step.lines) == len(V3_PATHS) == 13


@pytest.mark.vcr
def test_flowroute_v3_modern(target: Target, step: Reporter, vcr: Any) -> None:
    result = flows_flowroute.v3_modern(target, step)
    _check_v3(result, vcr, step)
    assert _step_names(step)[3] == "purchase"


@pytest.mark.vcr
def test_flowroute_v3_legacy(target: Target, step: Reporter, vcr: Any) -> None:
    result = flows_flowroute.v3_legacy(target, step)
    _check_v3(result, vcr, step)
    assert _step_names(step)[3] == "purchase_a_phone_number"
    assert step.lines[3].endswith(f"-> {result.number}")


# ------------------------------------------------------------------------- Flowroute Messages v2


def _check_v2(result: flows_flowroute.V2Result, cassette: Any, text: str) -> None:
    assert _requests(cassette) == [
        ("POST", "/flowroute/v2/messages"),
        ("GET", f"/flowroute/v2/messages/{result.mdr_id}"),
    ]
    sent = _json(cassette.requests[0])
    assert sent == {"to": FLOWROUTE_TO, "from": FLOWROUTE_FROM, "body": text}
    assert result.mdr_id.startswith("mdr1-")
    assert result.body == text


@pytest.mark.vcr
def test_flowroute_messages_v2_modern(target: Target, step: Reporter, vcr: Any) -> None:
    _check_v2(flows_flowroute.messages_v2_modern(target, step), vcr, "demo v2")


@pytest.mark.vcr
def test_flowroute_messages_v2_legacy(target: Target, step: Reporter, vcr: Any) -> None:
    _check_v2(flows_flowroute.messages_v2_legacy(target, step), vcr, "demo v2 (legacy)")


# ----------------------------------------------------------------------- Flowroute port orders


@pytest.mark.vcr
def test_flowroute_port_orders(target: Target, step: Reporter, vcr: Any) -> None:
    result = flows_porting.modern(target, step)
    order = f"/flowroute/v2/portorders/{result.order_id}"
    requests = _requests(vcr)
    assert requests[:3] == [
        ("POST", "/flowroute/v2/portorders/portability"),
        ("POST", "/flowroute/v2/portorders"),
        ("POST", f"{order}/upload_file"),
    ]
    upload_method, upload_path = requests[3]
    assert upload_method == "PUT" and upload_path.startswith(f"/_sandbox/flowroute/portorder-files/{result.order_id}/")
    assert requests[4:] == [
        ("GET", order),
        *[("POST", "/_sandbox/flowroute/portorders/advance")] * 4,
        ("GET", f"{order}/status"),
        ("GET", f"/flowroute/v2/numbers/{result.number}"),
    ]
    created = _json(vcr.requests[1])["data"]
    assert created["type"] == "portorder" and created["attributes"]["numbers"] == [flows_porting.PORTED]
    assert vcr.requests[3].body == flows_porting.DOCUMENT
    assert "authorization" not in {name.lower() for name in vcr.requests[3].headers}  # the upload URL is keyless
    assert _step_names(step)[-1] == "numbers.get (ported number)"


# ---------------------------------------------------------------------------------- Bandwidth


def _check_bandwidth(result: flows_bandwidth.BandwidthResult, cassette: Any, text: str) -> None:
    messages = f"/bandwidth/v1/users/{BANDWIDTH_USER}/messages"
    requests = _requests(cassette)
    assert requests[:2] == [("POST", messages), ("POST", messages)]
    assert requests[-1] == ("GET", f"{messages}/{result.sent_id}")
    pages = requests[2:-1]
    assert len(pages) >= 2 and set(pages) == {("GET", messages)}  # the list followed Link: rel="next"
    assert len(pages) == -(-len(result.listed_ids) // flows_bandwidth.PAGE_SIZE)
    assert _json(cassette.requests[0])["text"] == text
    assert [item["to"] for item in _json(cassette.requests[1])] == ["+19195554444", "+19195554444"]
    assert _query(cassette.requests[2])["size"] == [str(flows_bandwidth.PAGE_SIZE)]
    assert any(key.startswith("sortKey") for key in _query(cassette.requests[3]))
    assert result.sent_id.startswith("m-") and len(result.batch_ids) == 2
    assert {result.sent_id, *result.batch_ids} <= set(result.listed_ids)
    assert result.fetched_text == text


@pytest.mark.vcr
def test_bandwidth_modern(target: Target, step: Reporter, vcr: Any) -> None:
    _check_bandwidth(flows_bandwidth.modern(target, step), vcr, "demo (modern)")
    assert len(step.lines) == 4


@pytest.mark.vcr
def test_bandwidth_legacy(target: Target, step: Reporter, vcr: Any) -> None:
    _check_bandwidth(flows_bandwidth.legacy(target, step), vcr, "demo (legacy)")
    assert len(step.lines) == 4


# ------------------------------------------------------------------------------- MessageMedia


def _check_messagemedia(
    result: flows_messagemedia.MessageMediaResult, cassette: Any, *, hmac: bool, modern: bool
) -> None:
    message = f"/messagemedia/v1/messages/{result.message_id}"
    expected = [
        ("POST", "/messagemedia/v1/messages"),
        ("GET", message),
        ("GET", message),
        ("POST", "/messagemedia/v1/messages"),
        ("PUT", f"/messagemedia/v1/messages/{result.scheduled_id}"),
        ("GET", "/messagemedia/v1/delivery_reports"),
        ("POST", "/messagemedia/v1/delivery_reports/confirmed"),
        ("POST", "/_sandbox/messagemedia/replies"),
        ("GET", "/messagemedia/v1/replies"),
        ("POST", "/messagemedia/v1/replies/confirmed"),
    ]
    if modern:
        expected.append(("GET", "/messagemedia/v1/replies"))
    assert _requests(cassette) == expected
    requests = cassette.requests
    for request in requests:
        if request.path.startswith("/_sandbox"):
            continue
        headers = {name.lower() for name in request.headers}
        assert "authorization" not in headers  # scrubbed from the cassette
        if hmac:  # the signature's other inputs are recorded; they are harmless without the secret
            assert "date" in headers
    if hmac:
        assert all(
            "x-content-md5" in {n.lower() for n in r.headers}
            for r in requests
            if r.method in ("POST", "PUT") and not r.path.startswith("/_sandbox")
        )
    first = _json(requests[0])["messages"][0]
    assert (first["destination_number"], first["delivery_report"]) == (MESSAGEMEDIA_TO, True)
    assert (
        _json(requests[3])["messages"][0]["scheduled"]
        == "2099-01-01T09:30:00.000Z"
        == f"{SCHEDULE_AT:%Y-%m-%dT%H:%M:%S.000Z}"
    )
    assert _json(requests[4]) == {"status": "cancelled"}
    assert _json(requests[6]) == {"delivery_report_ids": result.delivery_report_ids}
    assert _json(requests[9]) == {"reply_ids": [result.reply_id]}
    assert result.statuses == ["enroute", "delivered"]
    assert len(result.delivery_report_ids) == 2
    assert result.reply_content == ("Yes please" if modern else "Nope")


@pytest.mark.vcr
@pytest.mark.parametrize("hmac", [False, True], ids=["basic", "hmac"])
def test_messagemedia_modern(target: Target, step: Reporter, vcr: Any, hmac: bool) -> None:
    result = flows_messagemedia.modern(target, step, hmac=hmac)
    _check_messagemedia(result, vcr, hmac=hmac, modern=True)
    assert len(step.lines) == 11


@pytest.mark.vcr
@pytest.mark.parametrize("hmac", [False, True], ids=["basic", "hmac"])
def test_messagemedia_legacy(target: Target, step: Reporter, vcr: Any, hmac: bool) -> None:
    result = flows_messagemedia.legacy(target, step, hmac=hmac)
    _check_messagemedia(result, vcr, hmac=hmac, modern=False)
    assert len(step.lines) == 10


# ------------------------------------------------------------------------------- MessageMedia management

MANAGEMENT_LEGACY_PATHS = [
    ("POST", "/messagemedia/v1/webhooks/messages"),
    ("GET", "/messagemedia/v1/webhooks/messages"),
    ("PATCH", "/messagemedia/v1/webhooks/messages/{id}"),
    ("DELETE", "/messagemedia/v1/webhooks/messages/{id}"),
    ("GET", "/messagemedia/v1/lookups/phone/%2B61491570156"),
]


@pytest.mark.vcr
def test_messagemedia_management_legacy(target: Target, step: Reporter, vcr: Any) -> None:
    """The Webhooks and Lookups SDK drop-ins (the live-only templated flow is in tests/messagemedia)."""
    result = flows_messagemedia.management_legacy(target, step)
    webhook_id = result["webhook_id"]
    expected = [(method, path.replace("{id}", webhook_id)) for method, path in MANAGEMENT_LEGACY_PATHS]
    assert _requests(vcr) == expected
    created = _json(vcr.requests[0])
    assert "headers" not in created and created["events"] == ["ENROUTE_DR"]  # None members left out
    assert _query(vcr.requests[1]) == {"page": ["0"], "page_size": ["10"]}
    assert _json(vcr.requests[2])["encoding"] == "FORM_ENCODED"
    assert _query(vcr.requests[4]) == {"options": ["carrier,type"]}
    assert result["country_code"] == "AU"
    assert _step_names(step) == [
        "create_webhook",
        "retrieve_webhook",
        "update_webhook",
        "delete_webhook",
        "get_lookup_a_phone_number",
    ]
