"""Tolerant reader at the generated-client level: what real servers send must parse.

A response with an omitted optional field and an added field parses and keeps the added field
(``additional_properties``); a documented later enum value parses, and so does an unknown one:
the generator makes response enums open (the value reaches the caller unchanged).
"""

from __future__ import annotations

import copy
from typing import Any

from bandwidth_messaging_v1_client.models import Message as BandwidthMessage
from flowroute_messages_v2_client.models import FlowrouteErrorDocument as V2ErrorDocument
from flowroute_v2_client.models import (
    AccountNumberList,
    CnamResource,
    E911Resource,
    FlowrouteErrorDocument,
    IncludedResource,
    MessageRecordDocument,
    MessagingProvisionResource,
    NumberDocument,
    RouteResource,
)
from messagemedia_messages_v1_client.models import DeliveryReport

from tests.fields import dig

NUMBER: dict[str, Any] = {
    "data": {
        "type": "number",
        "id": "12064201234",
        "attributes": {
            "alias": "",
            "cnam_lookups_enabled": True,
            "number_type": "longcode",
            "rate_center": "seattle",
            "state": "wa",
            "value": "12064201234",
        },
        "relationships": {
            "cnam_preset": {"data": {"id": "6272", "type": "cnam"}},
            "e911_address": {"data": None},
            "failover_route": {"data": None},
            "primary_route": {"data": {"id": "0", "type": "route"}},
        },
        "links": {"self": "https://api.flowroute.com/v2/numbers/12064201234"},
    },
    "included": [
        {
            "type": "route",
            "id": "0",
            "attributes": {"alias": "sip-reg", "route_type": "sip-reg", "value": None, "edge_strategy_id": 1},
            "links": {"self": "https://api.flowroute.com/v2/routes/0"},
        },
        {
            "type": "cnam",
            "id": "6272",
            "attributes": {"value": "MY BUSINESS", "is_approved": True},
        },
        {
            "type": "e911",
            "id": "21845",
            "attributes": {
                "label": "Office",
                "first_name": "A",
                "last_name": "B",
                "street_number": "666",
                "street_name": "Main St",
                "city": "Seattle",
                "state": "WA",
                "country": "USA",
                "zip": "98101",
            },
        },
        {"type": "messaging-provision", "id": "12064201234", "attributes": {"status": "completed"}},
        {"type": "sms-route", "id": "7", "attributes": {"value": "https://example.com/hook"}},
    ],
    "links": {"self": "https://api.flowroute.com/v2/numbers/12064201234"},
}

MDR2_WITHOUT_RECEIPTS: dict[str, Any] = {
    "data": {
        "type": "message",
        "id": "mdr2-ca82be46e6ba11e79d08862d092cf73d",
        "attributes": {
            "body": "",
            "status": "delivered",
            "direction": "outbound",
            "amount_nanodollars": 20000000,
            "to": "12061232634",
            "message_encoding": 0,
            "timestamp": "2017-12-22T01:52:39.39Z",
            "amount_display": "$0.0200",
            "from": "12012673227",
            "is_mms": True,
            "message_type": "longcode",
            "message_callback_url": None,
        },
    }
}


def test_every_documented_included_type_parses_to_its_model_and_an_unknown_one_still_parses() -> None:
    document = NumberDocument.from_dict(NUMBER)
    assert document.included
    kinds = [type(item) for item in document.included]
    assert kinds == [RouteResource, CnamResource, E911Resource, MessagingProvisionResource, IncludedResource]
    assert document.included[-1].to_dict() == NUMBER["included"][-1]
    assert document.to_dict() == NUMBER


def test_documented_later_enum_values_parse() -> None:
    listed: dict[str, Any] = {
        "data": [{k: v for k, v in NUMBER["data"].items() if k != "relationships"}],
        "links": {},
    }
    for number_type in ("longcode", "toll-free", "standard", "tollfree"):
        body = copy.deepcopy(listed)
        body["data"][0]["attributes"]["number_type"] = number_type
        assert dig(AccountNumberList.from_dict(body), "data[0].attributes.number_type") == number_type


def test_an_omitted_optional_field_and_an_extra_field_parse_and_the_extra_field_is_kept() -> None:
    document = MessageRecordDocument.from_dict(MDR2_WITHOUT_RECEIPTS)
    attributes = dig(document, "data.attributes")
    assert attributes.is_mms is True
    assert attributes.additional_properties == {"message_callback_url": None}
    assert document.to_dict() == MDR2_WITHOUT_RECEIPTS


def test_flowroute_error_items_without_id_or_title_parse() -> None:
    for document_class in (FlowrouteErrorDocument, V2ErrorDocument):
        body = {"errors": [{"status": 403, "detail": "", "title": "ActionNotAuthorizedError"}, {"status": 404}]}
        parsed = document_class.from_dict(body)
        assert [e.status for e in dig(parsed, "errors")] == [403, 404]
        assert parsed.to_dict() == body


def test_bandwidth_and_messagemedia_keep_extra_fields() -> None:
    message = {
        "id": "m-abc123",
        "from": "+19193047864",
        "to": "+19191234567",
        "direction": "in",
        "state": "received",
        "time": "2017-02-01T21:10:32Z",
        "priority": "default",
    }
    parsed = BandwidthMessage.from_dict(message)
    assert parsed.additional_properties == {"priority": "default"}
    assert parsed.to_dict() == message
    report = {
        "delivery_report_id": "01e1fa0a-6e27-4945-9cdb-18644b4de043",
        "message_id": "877c19ef-fa2e-4cec-827a-e1df9b5509f7",
        "status": "delivered",
        "date_received": "2017-05-20T06:30:37.642Z",
        "carrier": {"name": "Telstra"},
    }
    assert DeliveryReport.from_dict(report).to_dict() == report


def test_an_unknown_number_type_reaches_the_caller_unchanged() -> None:
    body = copy.deepcopy(NUMBER)
    body["data"]["attributes"]["number_type"] = "shortcode"
    assert str(dig(NumberDocument.from_dict(body), "data.attributes.number_type")) == "shortcode"


def test_an_unknown_message_type_reaches_the_caller_unchanged() -> None:
    body = copy.deepcopy(MDR2_WITHOUT_RECEIPTS)
    body["data"]["attributes"]["message_type"] = "short-code"
    assert str(dig(MessageRecordDocument.from_dict(body), "data.attributes.message_type")) == "short-code"


def test_an_unknown_bandwidth_state_reaches_the_caller_unchanged() -> None:
    message = {
        "id": "m-1",
        "from": "+19193047864",
        "to": "+19191234567",
        "direction": "out",
        "state": "accepted",
        "time": "2017-02-01T21:10:32Z",
    }
    assert str(BandwidthMessage.from_dict(message).state) == "accepted"


def test_an_unknown_messagemedia_status_reaches_the_caller_unchanged() -> None:
    report = {
        "delivery_report_id": "01e1fa0a-6e27-4945-9cdb-18644b4de043",
        "message_id": "877c19ef-fa2e-4cec-827a-e1df9b5509f7",
        "status": "held",
        "date_received": "2017-05-20T06:30:37.642Z",
    }
    assert str(DeliveryReport.from_dict(report).status) == "held"
