"""MessageMedia webhooks with payload templates: read backwards into typed events, or unknown, never refused.

The templates are MessageMedia's documented examples (``create_webhook`` in
specs/messagemedia-messages-v1.yaml), rendered here by hand as MessageMedia would send them.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from smsclients import InputError
from smsclients.webhooks import (
    InboundMessage,
    MessageStatus,
    UnknownEvent,
    WebhookEvent,
    WebhookTemplate,
    WebhookWSGIApp,
    parse_event,
)

SIMPLE = '{"id":"$mtId","status":"$statusCode"}'  # the documented create/update example
DR = (
    '{  "delivery_report_id": "$drId",  "source_number": "$sourceAddress",  "date_received": "$receivedTimestamp",'
    '  "status": "$status",  "delay": "0",  "submitted_date": "$submittedTimestamp",  "message_id": "$messageId",'
    '  "original_text": "$esc.json($!mtContent)",  "vendor_account_id": {    "vendor_id": "$vendorId",'
    '    "account_id": "$accountId"  },  "error_code": "$statusCode",  "metadata": {'
    '    #foreach($key in $metadata.keySet())    "$key": "$esc.json($metadata.get($key))"#if( $velocityHasNext ),#end'
    "    #end  }}"
)
MO = (
    '{  "account_id": "$accountId",  "reply_id": "$replyId",  "destination_number": "$destinationAddress",'
    '  "source_number": "$sourceAddress",  "date_received": "$receivedTimestamp",  "message_id": "$messageId",'
    '  #if ($attachments)  "attachments": [   #foreach ($entry in $attachments)    {'
    '      "content_type": "$entry.contentType",      "content": "$entry.base64",'
    '      "original_name": "$entry.originalName"    }#if( $foreach.hasNext ),#end    #end  ],  #else'
    '  "content": "$esc.json($moContent)",  #end  "metadata": {    #foreach ($entry in $metadata.entrySet())'
    '    "$entry.key": "$entry.value"#if( $foreach.hasNext ),#end    #end  }}'
)
JSON = {"Content-Type": "application/json"}


def _parse(body: Any, template: Any = None, headers: dict[str, str] | None = None) -> WebhookEvent:
    raw = json.dumps(body) if isinstance(body, dict) else body
    return parse_event("messagemedia", method="POST", headers=headers or JSON, body=raw, template=template)


def test_the_documented_template_gives_a_status_from_its_status_code() -> None:
    event = _parse({"id": "877c19ef-fa2e-4cec-827a-e1df9b5509f7", "status": "220"}, SIMPLE)
    assert isinstance(event, MessageStatus)
    assert (event.message_id, event.error_code, event.status, event.outcome) == (
        "877c19ef-fa2e-4cec-827a-e1df9b5509f7",
        "220",
        "delivered",
        "delivered",
    )
    failed = _parse({"id": "m", "status": "302"}, SIMPLE)
    assert isinstance(failed, MessageStatus) and failed.failed and failed.status == "rejected"
    unknown_code = _parse({"id": "m", "status": "999"}, SIMPLE)
    assert isinstance(unknown_code, MessageStatus) and unknown_code.pending


def test_the_documented_delivery_report_template_reads_like_the_standard_payload() -> None:
    body = {
        "delivery_report_id": "01e1fa0a-6e27-4945-9cdb-18644b4de043",
        "source_number": "+61491570156",
        "date_received": "2016-12-07T08:44:00.850Z",
        "status": "delivered",
        "delay": "0",
        "submitted_date": "2016-12-07T08:43:00.850Z",
        "message_id": "877c19ef-fa2e-4cec-827a-e1df9b5509f7",
        "original_text": 'Hi "Derp"',
        "vendor_account_id": {"vendor_id": "MessageMedia", "account_id": "DeveloperPortal7000"},
        "error_code": "220",
        "metadata": {"name": "value"},
    }
    templated = _parse(body, DR)
    standard = _parse(body)  # it has the standard keys too, so without the template it is standard
    assert isinstance(templated, MessageStatus) and isinstance(standard, MessageStatus)
    for name in ("message_id", "event_id", "status", "outcome", "to", "error_code", "timestamp"):
        assert getattr(templated, name) == getattr(standard, name), name
    assert WebhookTemplate(DR).fields["account_id"] == "vendor_account_id.account_id"
    assert WebhookTemplate(DR).fields["metadata"] == "metadata"


def test_the_documented_reply_template_gives_an_inbound_message() -> None:
    body = {
        "account_id": "DeveloperPortal7000",
        "reply_id": "a175e797-2b54-468b-9850-41a3eab32f74",
        "destination_number": "+61491593156",
        "source_number": "+61491570156",
        "date_received": "2016-12-07T08:44:00.850Z",
        "message_id": "877c19ef-fa2e-4cec-827a-e1df9b5509f7",
        "content": "Hello Derpina",
        "metadata": {},
    }
    event = _parse(body, MO)
    assert isinstance(event, InboundMessage)
    assert (event.message_id, event.from_, event.to, event.text, event.in_reply_to) == (
        "a175e797-2b54-468b-9850-41a3eab32f74",
        "+61491570156",
        "+61491593156",
        "Hello Derpina",
        "877c19ef-fa2e-4cec-827a-e1df9b5509f7",
    )
    assert event.event_id == "messagemedia:reply:a175e797-2b54-468b-9850-41a3eab32f74"


@pytest.mark.parametrize(
    ("template", "content_type", "body"),
    [
        ("id=$mtId&code=${statusCode}&try=$retryCount", "application/x-www-form-urlencoded", "id=m-1&code=220&try=0"),
        (
            "<dr><id>$mtId</id><code>$!statusCode</code></dr>",
            "application/xml",
            "<dr><id>m-1</id><code>220</code></dr>",
        ),
        (
            '{"report": {"message": "$mtId", "code": "$statusCode"}}',
            "application/json",
            '{"report": {"message": "m-1", "code": "220"}}',
        ),
    ],
    ids=["form", "xml", "nested-json"],
)
def test_every_encoding_of_a_template_is_read(template: str, content_type: str, body: str) -> None:
    event = _parse(body, template, {"Content-Type": content_type})
    assert isinstance(event, MessageStatus)
    assert (event.message_id, event.error_code, event.delivered) == ("m-1", "220", True)


def test_a_mapping_names_the_places_by_field_or_by_parameter() -> None:
    by_field = _parse({"ref": "m-2", "state": {"value": "failed"}}, {"message_id": "ref", "status": "state.value"})
    by_parameter = _parse({"ref": "m-2", "state": {"value": "failed"}}, {"$mtId": "ref", "status": "state.value"})
    for event in (by_field, by_parameter):
        assert isinstance(event, MessageStatus)
        assert (event.message_id, event.status, event.failed) == ("m-2", "failed", True)


@pytest.mark.parametrize(
    ("template", "field"),
    [
        ("", "template"),
        ("{}", "template"),
        ('{"id": "prefix $mtId"}', "template"),  # no parameter alone in a value
        ({"nonsense": "id"}, "template.nonsense"),
        ({"message_id": ""}, "template.message_id"),
        (42, "template"),
    ],
)
def test_a_template_that_cannot_be_read_is_a_named_error(template: Any, field: str) -> None:
    with pytest.raises(InputError) as caught:
        _parse({"id": "m"}, template)
    assert caught.value.field == field


def test_only_messagemedia_has_templates() -> None:
    with pytest.raises(InputError) as caught:
        parse_event("flowroute", method="POST", headers=JSON, body="{}", template=SIMPLE)
    assert caught.value.field == "template"


def test_retries_of_one_templated_event_share_its_id_and_events_differ() -> None:
    template = '{"id": "$mtId", "code": "$statusCode", "attempt": $retryCount}'
    first = _parse('{"id": "m", "code": "101", "attempt": 0}', template)
    again = _parse('{"id": "m", "code": "101", "attempt": 3}', template)
    later = _parse('{"id": "m", "code": "220", "attempt": 0}', template)
    assert first.event_id == again.event_id != later.event_id


def test_parameters_an_event_does_not_have_are_absent_not_values() -> None:
    """One webhook for replies and reports: a report renders `$replyId` as written (or empty)."""
    template = '{"reply": "$replyId", "text": "$!moContent", "id": "$mtId", "status": "$status"}'
    report = _parse('{"reply": "$replyId", "text": "", "id": "m", "status": "delivered"}', template)
    assert isinstance(report, MessageStatus) and report.delivered
    reply = _parse('{"reply": "r-1", "text": "hi", "id": "m", "status": "$status"}', template)
    assert isinstance(reply, UnknownEvent)  # a reply without the sender's number: not an inbound message


@pytest.mark.parametrize(
    ("headers", "body", "payload"),
    [
        (JSON, '{"id": "m-3", "status": "220"}', {"id": "m-3", "status": "220"}),
        ({"Content-Type": "application/x-www-form-urlencoded"}, "id=m-3&status=220", {"id": "m-3", "status": "220"}),
        ({"Content-Type": "application/xml"}, "<r><id>m-3</id><s>220</s></r>", {"id": "m-3", "s": "220"}),
        ({}, "<r><id>m-3</id></r>", {"id": "m-3"}),
        (JSON, '[{"id": "m-3"}]', {"value": [{"id": "m-3"}]}),
        ({}, "[1, 2]", {"value": [1, 2]}),
        (JSON, '"delivered"', {"value": "delivered"}),
    ],
    ids=["json", "form", "xml", "xml-sniffed", "json-array", "json-array-sniffed", "json-string"],
)
def test_without_a_template_a_well_formed_body_is_unknown_with_its_payload(
    headers: dict[str, str], body: str, payload: dict[str, str]
) -> None:
    event = parse_event("messagemedia", method="POST", headers=headers, body=body)
    assert isinstance(event, UnknownEvent) and event.kind == "unknown"
    assert dict(event.payload) == payload and event.raw == payload


@pytest.mark.parametrize(
    ("headers", "body"),
    [
        (JSON, ""),
        (JSON, "{not json"),
        ({"Content-Type": "application/xml"}, "<r><unclosed></r>"),
        ({"Content-Type": "application/xml"}, '<!DOCTYPE r [<!ENTITY e "x">]><r>&e;</r>'),
        ({}, "just text"),
    ],
)
def test_a_malformed_body_is_still_an_error(headers: dict[str, str], body: str) -> None:
    with pytest.raises(InputError):
        parse_event("messagemedia", method="POST", headers=headers, body=body)


def _wsgi(app: WebhookWSGIApp, body: bytes) -> str:
    status: list[str] = []
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/hook",
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)),
        "wsgi.input": io.BytesIO(body),
        "SERVER_PROTOCOL": "HTTP/1.1",
    }
    app(environ, lambda line, headers: status.append(line))
    return status[0]


def test_receivers_answer_2xx_to_templated_bodies_and_read_them_with_the_template() -> None:
    seen: list[WebhookEvent] = []
    body = b'{"id":"m-4","status":"220"}'
    assert _wsgi(WebhookWSGIApp("messagemedia", seen.append), body).startswith("200")
    assert _wsgi(WebhookWSGIApp("messagemedia", seen.append, template=SIMPLE), body).startswith("200")
    assert [e.kind for e in seen] == ["unknown", "message_status"]
    with pytest.raises(InputError):
        WebhookWSGIApp("messagemedia", seen.append, template="no parameters here")


FUZZ = settings(
    max_examples=200, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
TEMPLATE_PIECES = st.sampled_from(
    [
        '{"',
        '"',
        ":",
        ",",
        "}",
        "{",
        "[",
        "]",
        "$mtId",
        "$!status",
        "${statusCode}",
        "#if($x)",
        "#end",
        "$esc.json(",
        ")",
        "<a>",
        "</a>",
        "=",
        "&",
        "id",
        "$metadata",
        " ",
    ]
)


@FUZZ
@given(st.lists(TEMPLATE_PIECES, max_size=30).map("".join) | st.text(max_size=200))
def test_reading_any_template_is_a_template_or_a_named_error(template: str) -> None:
    try:
        places = WebhookTemplate(template)
    except InputError as exc:
        assert exc.field == "template"
    else:
        assert places.fields and all(isinstance(path, str) and path for path in places.fields.values())


@FUZZ
@given(
    st.sampled_from([SIMPLE, DR, MO, "id=$mtId&s=$status", "<r><id>$mtId</id></r>"]),
    st.sampled_from(["application/json", "application/xml", "application/x-www-form-urlencoded", ""]),
    st.binary(max_size=300) | st.text(max_size=300).map(str.encode),
)
def test_any_body_with_a_template_is_an_event_or_a_named_error(template: str, content_type: str, body: bytes) -> None:
    headers = {"Content-Type": content_type} if content_type else {}
    try:
        event = parse_event("messagemedia", method="POST", headers=headers, body=body, template=template)
    except InputError:
        return
    assert event.provider == "messagemedia" and event.event_id.startswith("messagemedia:")


@pytest.mark.parametrize("method", ["PUT", "PATCH", "GET", "post"])
def test_an_account_webhook_may_use_any_method(method: str) -> None:
    """`create_webhook` takes the method; the body is read the same way whatever it is."""
    standard = {"delivery_report_id": "d-1", "message_id": "m-1", "status": "delivered"}
    event = parse_event("messagemedia", method=method, headers=JSON, body=json.dumps(standard))
    assert isinstance(event, MessageStatus) and event.delivered
    templated = parse_event(
        "messagemedia", method=method, headers=JSON, body='{"id":"m","status":"220"}', template=SIMPLE
    )
    assert isinstance(templated, MessageStatus) and templated.delivered
