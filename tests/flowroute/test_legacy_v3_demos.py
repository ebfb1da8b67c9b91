"""The SDK v3's four demo programs, as scenarios on the drop-in against the local sandbox.

Each scenario makes the calls of one vendor demo (``number_route_message_demo.py``,
``e911_demo.py``, ``cnam_demo.py``, ``cdr_demo.py`` of flowroute-sdk-v3-python) in the demo's
order, with the demo's arguments and argument style, and uses each answer the way the demo does
(the keys it reads to go on). The client is made the demo's way: credentials from
``Configuration`` or the ``FR_ACCESS_KEY``/``FR_SECRET_KEY`` environment variables, no base URL
argument; ``Configuration.base_uri`` points it at the sandbox, as an SDK user would set it.
Where a demo catches an exception and carries on, the scenario requires the call to succeed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from smsclients.legacy.flowroute_v3 import Configuration, FlowroutenumbersandmessagingClient
from smsclients_sandbox import SandboxHandle

MOBILE_NUMBER = "12066418000"  # the demo's "YOUR MOBILE NUMBER HERE"


@pytest.fixture
def demo_setup(fresh_sandbox: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxHandle]:
    """Where the demos find their settings: Configuration and the environment."""
    access_key, secret_key = fresh_sandbox.credentials["flowroute-v2"]
    monkeypatch.setattr(Configuration, "base_uri", fresh_sandbox.base_urls["flowroute-v2"])
    monkeypatch.setattr(Configuration, "basic_auth_user_name", access_key)
    monkeypatch.setattr(Configuration, "basic_auth_password", secret_key)
    monkeypatch.setenv("FR_ACCESS_KEY", access_key)
    monkeypatch.setenv("FR_SECRET_KEY", secret_key)
    yield fresh_sandbox


def _client_from_environment() -> FlowroutenumbersandmessagingClient:
    return FlowroutenumbersandmessagingClient(os.environ.get("FR_ACCESS_KEY"), os.environ.get("FR_SECRET_KEY"))


def _json_route(value: str, alias: str) -> str:
    """The demo's route body: a JSON string with the edge strategy as the string "1"."""
    return (
        f'{{"data": {{"type": "route", "attributes": {{"route_type": "host", "value": "{value}", '
        f'"alias": "{alias}", "edge_strategy": "1"}}}}}}'
    )


def _json_route_reference(route_id: Any) -> str:
    return f'{{"data": {{"type": "route", "id": "{route_id}"}}}}'


def _json_message(from_number: str, **extra: str) -> str:
    attributes = {"to": MOBILE_NUMBER, "from": from_number, "body": "Hello there how are you?", "is_mms": "false"}
    attributes |= extra
    pairs = ", ".join(f'"{key}": "{value}"' for key, value in attributes.items() if key != "media_urls")
    if "media_urls" in extra:
        pairs += f', "media_urls": ["{extra["media_urls"]}"]'
    return f'{{"data": {{"type": "message", "attributes": {{{pairs}}}}}}}'


def test_number_route_message_demo(demo_setup: SandboxHandle) -> None:
    with FlowroutenumbersandmessagingClient(
        Configuration.basic_auth_user_name, Configuration.basic_auth_password
    ) as client:
        numbers, routes, messages, porting = client.numbers, client.routes, client.messages, client.porting

        assert numbers.list_available_area_codes(3, None, 3.25)["data"]
        assert numbers.list_available_exchange_codes(3, None, None, 347)["data"]
        purchasable = numbers.search_for_purchasable_phone_numbers(206, 3, None, 3, None, None, None)
        assert len(purchasable["data"])  # the demo's purchase step is disabled, so nothing is released

        account = numbers.list_account_phone_numbers(None, None, None, 3, None)
        number_id = account["data"][0]["id"]
        assert numbers.list_phone_number_details(number_id)["data"]["id"] == number_id

        assert numbers.set_did_alias(number_id, "New Test")["data"]["attributes"]["alias"] == "New Test"
        assert numbers.list_phone_number_details(number_id)["data"]["attributes"]["alias"] == "New Test"
        assert numbers.set_did_callback(number_id, "http://www.example.com/test") is None

        assert routes.list_edge_strategies()["data"]
        created = routes.create_an_inbound_route(_json_route("x7k2q9.sonsofodin.com", "q8w7e60123456789"))
        assert created["data"]["attributes"]["edge_strategy_id"] == 1
        listed = routes.list_inbound_routes(10)
        primary_routeid, secondary_routeid = listed["data"][1]["id"], listed["data"][2]["id"]
        assert routes.update_primary_voice_route(number_id, _json_route_reference(primary_routeid)) is None
        assert routes.update_failover_voice_route(number_id, _json_route_reference(secondary_routeid)) is None

        sms = messages.send_a_message(_json_message(number_id))
        mms = messages.send_a_message(
            _json_message(
                number_id,
                body="hello there",
                is_mms="true",
                media_urls="http://s3.amazonaws.com/barkpost-assets/50+GIFs/37.gif",
            )
        )
        with_dlr = messages.send_a_message(_json_message(number_id, dlr_callback="http://httpbin.org/status/:code"))
        sent = {sms["data"]["id"], mms["data"]["id"], with_dlr["data"]["id"]}

        today = datetime.now()
        found = messages.look_up_a_set_of_messages(
            (today - timedelta(days=30)).strftime("%Y-%m-%d"), today.strftime("%Y-%m-%d"), 10
        )
        assert {item["id"] for item in found["data"]} == sent
        message_id = found["data"][0]["id"]
        assert messages.look_up_a_message_detail_record(message_id)["data"]["id"] == message_id

        assert messages.set_account_level_sms_callback("http://example.com/sms") is None
        assert messages.set_account_level_mms_callback("http://example.com/mms") is None
        assert messages.set_account_level_dlr_callback("http://example.com/dlr") is None
        assert messages.set_did_level_dlr_callback(number_id, "http://example.com/did/dlr") is None

        portability = porting.checkPortability(["14254664444", "18827833439"])
        assert sorted(portability["data"]["portable"]) == ["+14254664444", "+18827833439"]

    assert demo_setup.callback_url("flowroute-v2", "sms_callback") == "http://example.com/sms"
    assert demo_setup.callback_url("flowroute-v2", "dlr_callback", number_id) == "http://example.com/did/dlr"


def _e911_demo(client: FlowroutenumbersandmessagingClient) -> None:
    numbers, e911s = client.numbers, client.e911s
    listed = e911s.list_e911s(10, None)
    e911_id = next((record["id"] for record in listed["data"]), None)
    if e911_id:  # a second run finds the records of the first
        assert e911s.get_e911(e911_id)["data"]["id"] == e911_id

    address = {
        "first_name": "Chris",
        "last_name": "Smith",
        "street_name": "3rd Ave",
        "city": "Seattle",
        "state": "WA",
        "country": "US",
        "zipcode": "98101",
    }
    assert (
        e911s.validate_address(
            label="Test Address", street_number="1182", address_type="Suite", address_type_number="600", **address
        )
        is None
    )
    for suite in ("600", "700"):
        result = e911s.create_address(
            label="E911 Test", street_number="1218", address_type="Suite", address_type_number=suite, **address
        )
        assert result["data"]["attributes"]["address_type_number"] == suite
    record_id = result["data"]["id"]
    assert e911s.update_address(record_id, last_name="Wiley")["data"]["attributes"]["last_name"] == "Wiley"

    did = numbers.list_account_phone_numbers()["data"][0]["attributes"]["value"]
    e911_id = e911s.list_e911s()["data"][0]["id"]
    assert e911s.associate(e911_id, did) is None
    assert [item["id"] for item in e911s.list_dids_for_e911(e911_id)["data"]] == [did]
    assert e911s.disconnect(did) is None
    assert e911s.delete_address(e911_id) is None


def test_e911_demo(demo_setup: SandboxHandle) -> None:
    with _client_from_environment() as client:
        _e911_demo(client)
        _e911_demo(client)  # again, now with records on the account (the demo's get_e911 branch)
        remaining = client.e911s.list_e911s()["data"]
    assert len(remaining) == 2  # four created, one deleted per run


def test_cnam_demo(demo_setup: SandboxHandle) -> None:
    with _client_from_environment() as client:
        numbers, cnams = client.numbers, client.cnams
        assert cnams.list_cnams(10, None)["data"]
        approved = cnams.list_cnams(10, None, is_approved=True)
        assert len(approved["data"])
        cnam_id = approved["data"][0]["id"]
        detail = cnams.get_cnam(cnam_id)
        assert len(detail["data"])
        cnam_id = detail["data"]["id"]

        for search in ({"contains": "CHRIS"}, {"starts_with": "CHRIS"}, {"ends_with": "CHRIS"}):
            assert cnams.search_cnams(**search) == {"data": []}  # no CHRIS on the sandbox account
        created = cnams.create_cnam_record("FR K3Q9")
        assert created["data"]["attributes"]["is_approved"] is False

        did_id = numbers.list_account_phone_numbers()["data"][0]["id"]
        assert cnams.associate_cnam(cnam_id, did_id)["data"]["id"] == int(cnam_id)
        assert cnams.unassociate_cnam(did_id)["data"]["id"] is None
        assert cnams.remove_cnam(cnam_id) is None
        assert [item["id"] for item in cnams.list_cnams()["data"]] == ["22671", created["data"]["id"]]


def test_cdr_demo(demo_setup: SandboxHandle, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # the demo writes temp_cdr_file.csv to the working directory
    with _client_from_environment() as client:
        # Setup, not in the demo: give a number one of the aliases the demo filters on, so the
        # export has rows for its last step to print (the sandbox synthesises calls per day).
        client.numbers.set_did_alias("12012673227", "Office 221")
        cdrs = client.cdrs
        filters = {
            "start_call_start_time": "2019-01-01 00:00:00",
            "start_call_end_time": "2019-02-01 00:00:00",
            "number_aliases": ["Office 221", "Office 888"],
        }
        assert cdrs.create_cdr_export(filters, "https://myserver.com/cdrs")["data"]["attributes"]["status"]
        assert len(cdrs.list_cdrs(10, None)["data"]) == 1
        completed = cdrs.list_cdrs(10, None, "completed")
        assert len(completed["data"])
        cdr_id = completed["data"][0]["data"]["id"]
        assert cdrs.get_cdr_export_status(cdr_id)["data"]["attributes"]["download_url"]

        filename = "temp_cdr_file.csv"
        result = cdrs.download_cdr_export(cdr_id, filename)
        assert result["filename"] == filename
        lines = [
            "{} called {} for {} starting at {}".format(
                row["callerid"], row["destination"], row["total_cost"], row["start_time"]
            )
            for row in cdrs.parse_cdr_export(filename)
        ]
    assert lines and all(" called " in line and " starting at 2019-01-" in line for line in lines)
