"""The sandbox's new Flowroute operations and their state rules (FR-docs, FR-spec-2018, FR-v3)."""

from __future__ import annotations

import csv
import gzip
import io
from typing import Any

import httpx
from smsclients_sandbox import SandboxHandle, running

from tests.sandbox.helpers import FR_JSON, fr_body, fr_route

NUMBER = "12012673227"
OTHER = "12014845220"
ADDRESS = {
    "label": "E911 Test",
    "first_name": "Chris",
    "last_name": "Smith",
    "street_name": "3rd Ave",
    "street_number": "1218",
    "city": "Seattle",
    "state": "WA",
    "country": "US",
    "zip": "98101",
}


def _e911(attributes: dict[str, Any]) -> dict[str, Any]:
    return fr_body({"data": {"type": "e911", "attributes": attributes}})


def test_callbacks_are_stored_per_account_and_per_number_and_the_number_wins(
    sb: SandboxHandle, flowroute: httpx.Client
) -> None:
    assert flowroute.get("/v2.1/messages/sms_callback").status_code == 404
    flat = fr_body({"callback_url": "https://account.example.com/sms"})
    assert flowroute.put("/v2.1/messages/sms_callback", **flat).status_code == 204
    wrapped = fr_body({"data": {"attributes": {"callback_url": "https://account.example.com/dlr"}}})
    assert flowroute.put("/v2.1/messages/dlr_callback", **wrapped).status_code == 204
    got = flowroute.get("/v2.1/messages/sms_callback").json()["data"]["attributes"]
    assert got["callback_url"] == "https://account.example.com/sms"
    # dlr_callback is the older name of sms_dlr_callback: one setting.
    assert sb.callback_url("flowroute-v2", "sms_dlr_callback") == "https://account.example.com/dlr"
    own = fr_body({"data": {"attributes": {"callback_url": "https://number.example.com/sms"}}})
    assert flowroute.post(f"/v2/numbers/{NUMBER}/relationships/sms_callback", **own).status_code == 204
    assert sb.callback_url("flowroute-v2", "sms_callback", NUMBER) == "https://number.example.com/sms"
    assert sb.callback_url("flowroute-v2", "sms_callback", OTHER) == "https://account.example.com/sms"
    assert sb.callback_url("flowroute-v2", "mms_callback", NUMBER) is None
    assert flowroute.delete(f"/v2/numbers/{NUMBER}/relationships/sms_callback").status_code == 204
    assert sb.callback_url("flowroute-v2", "sms_callback", NUMBER) == "https://account.example.com/sms"
    assert flowroute.delete("/v2.1/messages/sms_callback").status_code == 204
    assert sb.callback_url("flowroute-v2", "sms_callback", NUMBER) is None
    assert flowroute.post("/v2/numbers/19999999999/relationships/sms_callback", **own).status_code == 404


def test_a_released_number_returns_to_inventory_and_loses_its_routes(
    sb: SandboxHandle, flowroute: httpx.Client
) -> None:
    route_id = flowroute.post("/v2/routes", **fr_route("pbx.example.com", "office")).json()["data"]["id"]
    body = fr_body({"data": {"type": "route", "id": route_id}})
    assert flowroute.patch(f"/v2/numbers/{NUMBER}/relationships/failover_route", **body).status_code == 204
    callback = fr_body({"data": {"attributes": {"callback_url": "https://number.example.com/dlr"}}})
    flowroute.post(f"/v2/numbers/{NUMBER}/relationships/dlr_callback", **callback)
    assert flowroute.delete(f"/v2/routes/{route_id}").status_code == 403  # still in use
    assert flowroute.delete(f"/v2/numbers/{NUMBER}").status_code == 204
    assert flowroute.get(f"/v2/numbers/{NUMBER}").status_code == 404
    assert sb.callback_url("flowroute-v2", "dlr_callback", NUMBER) is None
    found = flowroute.get("/v2/numbers/available", params={"starts_with": NUMBER[:7]}).json()["data"]
    assert NUMBER in [n["id"] for n in found]
    again = flowroute.post(f"/v2/numbers/{NUMBER}").json()
    assert again["data"]["relationships"]["failover_route"]["data"] is None
    assert again["data"]["relationships"]["primary_route"]["data"] == {"type": "route", "id": "0"}
    assert flowroute.delete(f"/v2/routes/{route_id}").status_code == 204  # no longer used
    assert flowroute.delete(f"/v2/numbers/{NUMBER}").status_code == 204
    assert flowroute.delete(f"/v2/numbers/{NUMBER}").status_code == 404


def test_number_update_route_update_and_route_removal(flowroute: httpx.Client) -> None:
    updated = flowroute.patch(f"/v2/numbers/{NUMBER}", **fr_body({"type": "number", "alias": "NYC Number"}))
    assert updated.status_code == 200
    assert updated.json()["data"]["attributes"]["alias"] == "NYC Number"
    off = fr_body({"type": "number", "cnam_lookups_enabled": False, "messaging_enabled": True})
    document = flowroute.patch(f"/v2/numbers/{NUMBER}", **off).json()
    assert document["data"]["attributes"]["cnam_lookups_enabled"] is False
    assert "messaging-provision" in [i["type"] for i in document["included"]]
    edges = flowroute.get("/v2/routes/edge_strategies").json()["data"]
    assert {e["attributes"]["name"] for e in edges} >= {"US-East-VA"}
    route = flowroute.post("/v2/routes", **fr_route("pbx.example.com", "office")).json()["data"]
    change = fr_body({"data": {"type": "route", "attributes": {"alias": "renamed", "edge_strategy_id": 4}}})
    changed = flowroute.patch(f"/v2/routes/{route['id']}", **change).json()["data"]["attributes"]
    assert changed["alias"] == "renamed" and changed["edge_strategy_id"] == 4 and changed["value"] == "pbx.example.com"
    assert flowroute.patch("/v2/routes/0", **change).status_code == 403
    assert flowroute.delete(f"/v2/numbers/{NUMBER}/relationships/primary_route").status_code == 204
    details = flowroute.get(f"/v2/numbers/{NUMBER}").json()
    assert details["data"]["relationships"]["primary_route"]["data"] is None
    assert flowroute.delete("/v2/routes/424242").status_code == 404


def test_e911_records_are_validated_assigned_and_protected_while_in_use(flowroute: httpx.Client) -> None:
    assert flowroute.post("/v2/e911s/validate", **_e911(ADDRESS)).status_code == 204
    bad = flowroute.post("/v2/e911s", **_e911({**ADDRESS, "zip": "9810"}))
    assert bad.status_code == 400 and "geocode" in bad.json()["errors"][0]["detail"]
    wrong_province = flowroute.post("/v2/e911s/validate", **_e911({**ADDRESS, "country": "CA"}))
    assert wrong_province.status_code == 400
    assert flowroute.get("/v2/e911s").json()["data"] == []  # nothing stored by failures
    created = flowroute.post("/v2/e911s", **_e911(ADDRESS))
    assert created.status_code == 201
    e911_id = created.json()["data"]["id"]
    assert flowroute.patch(f"/v2/numbers/{NUMBER}/relationships/e911s/{e911_id}").status_code == 204
    assert flowroute.patch(f"/v2/numbers/{NUMBER}/relationships/e911s/{e911_id}").status_code == 204  # again: fine
    details = flowroute.get(f"/v2/numbers/{NUMBER}").json()
    assert details["data"]["relationships"]["e911_address"]["data"] == {"type": "e911", "id": e911_id}
    assert any(i["type"] == "e911" and i["id"] == e911_id for i in details["included"])
    users = flowroute.get(f"/v2/e911s/{e911_id}/relationships/numbers").json()["data"]
    assert [u["id"] for u in users] == [NUMBER]
    change = fr_body({"data": {"type": "e911", "attributes": {"last_name": "Wiley"}}})
    assert flowroute.patch(f"/v2/e911s/{e911_id}", **change).json()["data"]["attributes"]["last_name"] == "Wiley"
    bad_change = fr_body({"data": {"type": "e911", "attributes": {"state": "ON"}}})
    assert flowroute.patch(f"/v2/e911s/{e911_id}", **bad_change).status_code == 400
    assert flowroute.delete(f"/v2/e911s/{e911_id}").status_code == 409
    assert flowroute.delete(f"/v2/numbers/{NUMBER}/relationships/e911s").status_code == 204
    assert flowroute.delete(f"/v2/e911s/{e911_id}").status_code == 204
    assert flowroute.get(f"/v2/e911s/{e911_id}").status_code == 404


def test_cnam_records_need_approval_before_assignment(sb: SandboxHandle, flowroute: httpx.Client) -> None:
    approved = flowroute.get("/v2/cnams", params={"is_approved": "true"}).json()["data"]
    assert {c["id"] for c in approved} == {"17604", "22671"}
    created = flowroute.post("/v2/cnams", **fr_body({"value": "FR H5K8"})).json()["data"]
    assert created["attributes"]["is_approved"] is False
    pending = flowroute.patch(f"/v2/numbers/{NUMBER}/relationships/cnams/{created['id']}")
    assert pending.status_code == 422
    rename = fr_body({"data": {"type": "cnam", "attributes": {"value": "MY BUSINESS"}}})
    assert (
        flowroute.patch(f"/v2/cnams/{created['id']}", **rename).json()["data"]["attributes"]["value"] == "MY BUSINESS"
    )
    assert flowroute.post("/v2/cnams", **fr_body({"value": "12065551234"})).status_code == 422  # needs a letter
    sb.approve_cnam(created["id"])
    assert flowroute.patch(f"/v2/cnams/{created['id']}", **rename).status_code == 403  # no longer pending
    assigned = flowroute.patch(f"/v2/numbers/{NUMBER}/relationships/cnams/{created['id']}")
    assert assigned.status_code == 202 and assigned.json()["data"]["id"] == int(created["id"])
    detail = flowroute.get(f"/v2/cnams/{created['id']}").json()
    assert detail["data"]["relationships"]["numbers"]["data"] == [{"type": "number", "id": NUMBER}]
    number = flowroute.get(f"/v2/numbers/{NUMBER}").json()
    assert number["data"]["relationships"]["cnam_preset"]["data"] == {"type": "cnam", "id": created["id"]}
    assert flowroute.delete(f"/v2/cnams/{created['id']}").status_code == 204
    number = flowroute.get(f"/v2/numbers/{NUMBER}").json()
    assert number["data"]["relationships"]["cnam_preset"]["data"] is None
    unassigned = flowroute.delete(f"/v2/numbers/{NUMBER}/relationships/cnams")
    assert unassigned.status_code == 202 and unassigned.json()["data"]["id"] is None


def test_cdr_exports_complete_and_download_as_gzip_csv(flowroute: httpx.Client) -> None:
    flowroute.patch(f"/v2/numbers/{NUMBER}", **fr_body({"type": "number", "alias": "Office 221"}))
    filters = {
        "start_call_start_time": "2019-01-01 00:00:00",
        "start_call_end_time": "2019-01-08 00:00:00",
        "number_aliases": ["Office 221"],
    }
    body = fr_body({"data": {"type": "cdrexport", "attributes": {"filter_parameters": filters}}})
    created = flowroute.post("/v2/cdrs/exports", **body)
    assert created.status_code == 201
    export = created.json()["data"]
    assert export["attributes"]["status"] == "processing" and export["attributes"]["download_url"] is None
    listed = flowroute.get("/v2/cdrs/exports", params={"status": "completed"}).json()["data"]
    assert [item["data"]["id"] for item in listed] == [export["id"]]
    status = flowroute.get(f"/v2/cdrs/exports/{export['id']}").json()["data"]["attributes"]
    assert status["status"] == "completed"
    download = httpx.get(status["download_url"])  # no auth, like the pre-signed URL
    rows = list(csv.DictReader(io.StringIO(gzip.decompress(download.content).decode())))
    assert rows and len(rows) == status["num_calls"]
    assert {r["number_alias"] for r in rows} == {"Office 221"}
    assert all("2019-01-01" <= r["start_time"][:10] < "2019-01-08" for r in rows)
    too_long = {**filters, "start_call_end_time": "2019-06-01 00:00:00"}
    body = fr_body({"data": {"type": "cdrexport", "attributes": {"filter_parameters": too_long}}})
    assert flowroute.post("/v2/cdrs/exports", **body).status_code == 422


def test_portability_groups_numbers(flowroute: httpx.Client) -> None:
    checked = flowroute.post("/v2/portorders/portability", json={"numbers": [f"+{NUMBER}", "+14252081174"]})
    assert checked.status_code == 200 and checked.headers["content-type"] == "application/json"
    groups = checked.json()["data"]
    assert groups["nonportable"] == [f"+{NUMBER}"] and groups["portable"] == ["+14252081174"]
    # FR-docs: the leading + is required (FR-v3's demo sends numbers without it).
    assert flowroute.post("/v2/portorders/portability", json={"numbers": ["14254664444"]}).status_code == 422


def test_v21_send_accepts_the_flat_form_and_v2_lists_by_date(
    flowroute: httpx.Client, flowroute_v2: httpx.Client
) -> None:
    flat = {"to": "12061232634", "from": NUMBER, "body": "flat", "dlr_callback": "https://example.com/dlr"}
    sent = flowroute.post("/v2.1/messages", content=httpx.Request("POST", "/", json=flat).content, headers=FR_JSON)
    assert sent.status_code == 202
    record = flowroute.get(f"/v2.1/messages/{sent.json()['data']['id']}").json()["data"]
    assert record["attributes"]["body"] == "flat"
    ids = [
        flowroute_v2.post("/messages", json={"to": "12066418000", "from": "18553569768", "body": f"m{i}"}).json()[
            "data"
        ]["id"]
        for i in range(3)
    ]
    page = flowroute_v2.get("/messages", params={"start_date": "2000-01-01", "limit": 2}).json()
    assert [r["id"] for r in page["data"]] == ids[::-1][:2]  # newest first
    rest = httpx.get(page["links"]["next"], auth=flowroute_v2.auth).json()
    assert [r["id"] for r in rest["data"]] == ids[:1] and "next" not in rest["links"]
    assert flowroute_v2.get("/messages", params={"start_date": "2999-01-01"}).json()["data"] == []


def test_bandwidth_redact_keeps_the_record_with_empty_text(bandwidth: httpx.Client) -> None:
    sent = bandwidth.post("/users/u-1/messages", json={"from": "+19195551212", "to": "+19195551213", "text": "secret"})
    message_id = sent.headers["Location"].rsplit("/", 1)[1]
    assert bandwidth.patch(f"/users/u-1/messages/{message_id}", json={"text": "x"}).status_code == 400
    assert bandwidth.patch(f"/users/u-1/messages/{message_id}", json={"text": ""}).status_code == 200
    message = bandwidth.get(f"/users/u-1/messages/{message_id}").json()
    assert message["text"] == "" and message["to"] == "+19195551213"
    assert bandwidth.patch("/users/u-1/messages/m-missing", json={"text": ""}).status_code == 404


def _number_type(c: httpx.Client, **headers: str) -> str:
    return str(c.get(f"/v2/numbers/{NUMBER}", headers=headers).json()["data"]["attributes"]["number_type"])


def test_realistic_mode_per_request_answers_documented_variants_and_stays_valid(
    sb: SandboxHandle, flowroute: httpx.Client
) -> None:
    assert _number_type(flowroute) == "standard"
    document = flowroute.get(f"/v2/numbers/{NUMBER}", headers={"X-Sandbox-Realistic": "on"}).json()
    assert document["data"]["attributes"]["number_type"] == "longcode"
    assert {i["type"] for i in document["included"]} == {"route", "messaging-provision"}
    assert "voice_primary_route" in document["data"]["relationships"]
    error = flowroute.get("/v2/numbers/19999999999", headers={"X-Sandbox-Realistic": "on"}).json()["errors"][0]
    assert "id" not in error
    assert flowroute.get("/v2/routes", headers={"X-Sandbox-Realistic": "maybe"}).status_code == 400
    # The sb fixture then checks that no realistic answer was counted as a spec violation.


def test_realistic_mode_at_start_and_off_per_request() -> None:
    with (
        running(seed=5, realistic=True) as sb,
        httpx.Client(base_url=sb.base_urls["flowroute-v2"], auth=sb.credentials["flowroute-v2"]) as c,
    ):
        assert _number_type(c) == "longcode"
        assert _number_type(c, **{"X-Sandbox-Realistic": "off"}) == "standard"
        mms = {"to": "12061232634", "from": NUMBER, "is_mms": True, "media_urls": ["https://example.com/a.gif"]}
        sent = c.post("/v2.1/messages", **fr_body({"data": {"type": "message", "attributes": mms}})).json()
        record = c.get(f"/v2.1/messages/{sent['data']['id']}").json()["data"]["attributes"]
        assert "delivery_receipts" not in record and "message_callback_url" in record
        assert sb.stats()["spec_violations"] == 0
