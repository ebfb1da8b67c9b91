"""Flowroute flows: the SDK v3 demo flow (Numbers, Routes, Messages v2.1) and Messages v2.

Each flow exists twice: on the modern :class:`smsclients.FlowrouteClient` and on the legacy
drop-ins (``smsclients.legacy.flowroute_v3`` and ``smsclients.legacy.flowroute_messaging``).
A flow returns what it created so tests can assert on it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from smsclients import FlowrouteClient
from smsclients.legacy.flowroute_messaging import APIController
from smsclients.legacy.flowroute_messaging import Message as LegacyV2Message
from smsclients.legacy.flowroute_v3 import FlowroutenumbersandmessagingClient

from .present import known
from .steps import (
    FLOWROUTE_FROM,
    FLOWROUTE_MESSAGES_V2,
    FLOWROUTE_TO,
    FLOWROUTE_V2,
    MEDIA_URL,
    Reporter,
    Target,
    check,
)


@dataclass(frozen=True)
class V3Result:
    """What the SDK v3 flow did: the number it bought, the route it made, the MMS it sent."""

    area_code: str
    exchange: str
    number: str
    route_id: str
    mdr_id: str
    message_ids: list[str]


def v3_modern(target: Target, step: Reporter) -> V3Result:
    """The SDK v3 demo flow on ``FlowrouteClient`` (``.numbers``, ``.routes``, ``.messages``)."""
    step.begin("flowroute v3 modern")
    access_key, secret_key = target.credentials[FLOWROUTE_V2]
    with FlowrouteClient(access_key, secret_key, base_url=target.base_urls[FLOWROUTE_V2]) as fr:
        area_codes = step(
            "list_available_area_codes",
            lambda: fr.numbers.list_available_area_codes(limit=3),
            lambda page: ", ".join(known(item.id) for item in known(page.data)),
        )
        check(len(known(area_codes.data)) > 0, "no area codes")
        area_code = known(known(area_codes.data)[0].id, "the area code's id")
        exchanges = step(
            "list_available_exchange_codes",
            lambda: fr.numbers.list_available_exchange_codes(areacode=int(area_code), limit=3),
            lambda page: f"{len(known(page.data))} in {area_code}: " + ", ".join(known(i.id) for i in known(page.data)),
        )
        check(len(known(exchanges.data)) > 0, f"no exchanges in {area_code}")
        exchange = known(known(exchanges.data)[0].id, "the exchange's id")
        found = step(
            "search_purchasable",
            lambda: fr.numbers.search_purchasable(starts_with=int("1" + exchange), limit=3),
            lambda page: (
                f"{len(known(page.data))} starting 1{exchange}: "
                + ", ".join(known(item.id) for item in known(page.data))
            ),
        )
        check(len(known(found.data)) > 0, f"nothing purchasable in 1{exchange}")
        number = known(known(found.data)[0].id, "the number")
        bought = step("purchase", lambda: fr.numbers.purchase(number), lambda doc: known(known(doc.data).id))
        bought_id = known(known(bought.data).id, "the purchased number")
        check(bought_id == number, f"bought {bought_id}, asked for {number}")
        owned = step(
            "list_account_numbers",
            lambda: fr.numbers.list_account_numbers(limit=50),
            lambda page: f"{len(known(page.data))} numbers",
        )
        check(number in [item.id for item in known(owned.data)], f"{number} is not on the account")
        details = step(
            "get (number details)",
            lambda: fr.numbers.get(number),
            lambda doc: (
                f"{known(doc.data).id} {known(known(doc.data).attributes).rate_center} "
                f"{known(known(doc.data).attributes).state}"
            ),
        )
        check(known(details.data).id == number, "details of another number")
        route = step(
            "routes.create",
            lambda: fr.routes.create("host", "sip.example.com", "demo modern"),
            lambda doc: f"route {known(doc.data).id}",
        )
        route_id = known(known(route.data).id, "the route's id")
        routes = step("routes.list", lambda: fr.routes.list(limit=50), lambda page: f"{len(known(page.data))} routes")
        check(route_id in [item.id for item in known(routes.data)], f"route {route_id} not listed")
        step("routes.set_primary", lambda: fr.routes.set_primary(number, route_id), lambda _: f"{number} -> {route_id}")
        step(
            "routes.set_failover", lambda: fr.routes.set_failover(number, route_id), lambda _: f"{number} -> {route_id}"
        )
        sent = step(
            "messages.send (MMS)",
            lambda: fr.messages.send(to=FLOWROUTE_TO, from_=number, body="demo MMS", media_urls=[MEDIA_URL]),
            lambda doc: known(known(doc.data).id),
        )
        mdr_id = known(known(sent.data).id, "the message's id")
        records = step(
            "messages.list",
            lambda: fr.messages.list(target.message_start_date, limit=10),
            lambda page: f"{len(known(page.data))} since {target.message_start_date}",
        )
        message_ids = [known(item.id, "a message's id") for item in known(records.data)]
        check(mdr_id in message_ids, f"{mdr_id} not in the message set")
        record = step(
            "messages.get (MDR)",
            lambda: fr.messages.get(mdr_id),
            lambda doc: (
                f"{known(known(doc.data).attributes).status}, is_mms={known(known(doc.data).attributes).is_mms}"
            ),
        )
        check(known(record.data).id == mdr_id, "another MDR")
    return V3Result(area_code, exchange, number, route_id, mdr_id, message_ids)


def v3_legacy(target: Target, step: Reporter) -> V3Result:
    """The same flow on the SDK v3 drop-in (``FlowroutenumbersandmessagingClient``), dicts in and out."""
    step.begin("flowroute v3 legacy")
    access_key, secret_key = target.credentials[FLOWROUTE_V2]
    with FlowroutenumbersandmessagingClient(access_key, secret_key, base_uri=target.base_urls[FLOWROUTE_V2]) as client:
        numbers, routes, messages = client.numbers, client.routes, client.messages
        area_codes = step("list_available_area_codes", lambda: numbers.list_available_area_codes(3), _ids)
        area_code: str = area_codes["data"][0]["id"]
        exchanges = step(
            "list_available_exchange_codes",
            lambda: numbers.list_available_exchange_codes(3, None, None, area_code),
            _ids,
        )
        exchange: str = exchanges["data"][0]["id"]
        found = step(
            "search_for_purchasable_phone_numbers",
            lambda: numbers.search_for_purchasable_phone_numbers("1" + exchange, None, None, 3),
            _ids,
        )
        check(len(found["data"]) > 0, f"nothing purchasable in 1{exchange}")
        number: str = found["data"][0]["id"]
        bought = step("purchase_a_phone_number", lambda: numbers.purchase_a_phone_number(number), _id)
        check(bought["data"]["id"] == number, "bought another number")
        owned = step("list_account_phone_numbers", lambda: numbers.list_account_phone_numbers(limit=50), _count)
        check(number in [item["id"] for item in owned["data"]], f"{number} is not on the account")
        details = step("list_phone_number_details", lambda: numbers.list_phone_number_details(number), _id)
        check(details["data"]["id"] == number, "details of another number")
        route_body = json.dumps(
            {
                "data": {
                    "type": "route",
                    "attributes": {"route_type": "host", "value": "sip.example.com", "alias": "demo"},
                }
            }
        )
        route = step("create_an_inbound_route", lambda: routes.create_an_inbound_route(route_body), _id)
        route_id: str = route["data"]["id"]
        listed = step("list_inbound_routes", lambda: routes.list_inbound_routes(50), _count)
        check(route_id in [item["id"] for item in listed["data"]], f"route {route_id} not listed")
        reference = json.dumps({"data": {"type": "route", "id": route_id}})
        step(
            "update_primary_voice_route",
            lambda: routes.update_primary_voice_route(number, reference),
            lambda _: f"{number} -> {route_id}",
        )
        step(
            "update_failover_voice_route",
            lambda: routes.update_failover_voice_route(number, reference),
            lambda _: f"{number} -> {route_id}",
        )
        mms = {
            "data": {
                "type": "message",
                "attributes": {
                    "to": FLOWROUTE_TO,
                    "from": number,
                    "body": "demo MMS (legacy)",
                    "is_mms": "true",
                    "media_urls": [MEDIA_URL],
                },
            }
        }
        sent = step("send_a_message (MMS)", lambda: messages.send_a_message(json.dumps(mms)), _id)
        mdr_id: str = sent["data"]["id"]
        records = step(
            "look_up_a_set_of_messages",
            lambda: messages.look_up_a_set_of_messages(target.message_start_date, None, 10),
            _count,
        )
        message_ids = [item["id"] for item in records["data"]]
        check(mdr_id in message_ids, f"{mdr_id} not in the message set")
        record = step(
            "look_up_a_message_detail_record", lambda: messages.look_up_a_message_detail_record(mdr_id), _status
        )
        check(record["data"]["id"] == mdr_id, "another MDR")
    return V3Result(area_code, exchange, number, route_id, mdr_id, message_ids)


@dataclass(frozen=True)
class V2Result:
    mdr_id: str
    body: str


def messages_v2_modern(target: Target, step: Reporter) -> V2Result:
    """Messages v2 on ``FlowrouteClient.messages_v2``: send an SMS, look up its MDR."""
    step.begin("flowroute v2 modern")
    access_key, secret_key = target.credentials[FLOWROUTE_MESSAGES_V2]
    root = target.base_urls[FLOWROUTE_MESSAGES_V2].removesuffix("/v2")
    with FlowrouteClient(access_key, secret_key, base_url=root) as fr:
        sent = step(
            "messages_v2.send",
            lambda: fr.messages_v2.send(to=FLOWROUTE_TO, from_=FLOWROUTE_FROM, body="demo v2"),
            lambda doc: known(known(doc.data).id),
        )
        sent_id = known(known(sent.data).id, "the message's id")
        record = step(
            "messages_v2.get (MDR)",
            lambda: fr.messages_v2.get(sent_id),
            lambda doc: f"{known(known(doc.data).attributes).direction} to {known(known(doc.data).attributes).to}",
        )
        mdr = known(record.data, "the MDR")
        check(mdr.id == sent_id, "another MDR")
        return V2Result(sent_id, known(known(mdr.attributes).body, "the MDR's body"))


def messages_v2_legacy(target: Target, step: Reporter) -> V2Result:
    """Messages v2 on the ``FlowrouteMessagingLib`` drop-in (``APIController``)."""
    step.begin("flowroute v2 legacy")
    access_key, secret_key = target.credentials[FLOWROUTE_MESSAGES_V2]
    with APIController(access_key, secret_key, base_uri=target.base_urls[FLOWROUTE_MESSAGES_V2]) as controller:
        message = LegacyV2Message(to=FLOWROUTE_TO, from_=FLOWROUTE_FROM, content="demo v2 (legacy)")
        sent = step("create_message", lambda: controller.create_message(message), _id)
        mdr_id: str = sent["data"]["id"]
        record = step("get_message_lookup", lambda: controller.get_message_lookup(mdr_id), _id)
        check(record["data"]["id"] == mdr_id, "another MDR")
        return V2Result(mdr_id, record["data"]["attributes"]["body"])


def _id(document: Any) -> str:
    return str(document["data"]["id"])


def _ids(document: Any) -> str:
    return ", ".join(str(item["id"]) for item in document["data"])


def _count(document: Any) -> str:
    return f"{len(document['data'])} items"


def _status(document: Any) -> str:
    attributes = document["data"]["attributes"]
    return f"{attributes['status']}, is_mms={attributes['is_mms']}"
