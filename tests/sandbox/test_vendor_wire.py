"""The sandbox as the real API's stand-in: it takes the requests the vendors' own SDKs sent.

Each request here is byte for byte what the SDK put on the wire (read from its source at the
tag named): the real APIs accepted them, so code that ran on an SDK must run on the sandbox
before it is migrated. The spec records each such form under ``x-accepted-requests``; these tests
also check that every answer carries the Content-Type the spec declares for it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import yaml
from smsclients_sandbox import SandboxHandle
from smsclients_sandbox.accepted import AcceptedRequests, accepted_requests
from smsclients_sandbox.app import NO_CONTENT_TYPE, _encode, response_media_types
from smsclients_sandbox.surfaces import SURFACES
from smsclients_sandbox.wire import Reply

NUMBER = "12012673227"  # on the sandbox's Flowroute account
BW_USER = "u-sandbox"


def _raw(
    sb: SandboxHandle, surface: str, method: str, path: str, body: bytes, headers: dict[str, str]
) -> httpx.Response:
    """``body`` exactly as given, with only ``headers`` (httpx adds no Content-Type to raw content)."""
    with httpx.Client(base_url=sb.base_urls[surface], auth=sb.credentials[surface], timeout=10) as client:
        return client.request(method, path, content=body, headers=headers)


# ----------------------------------------------------------------------------- Bandwidth SDK 3.0.3


def test_bandwidth_sdk_send_message_with_null_fields(sb: SandboxHandle) -> None:
    # bandwidth/messaging/client_module.py send_message: every keyword goes out, unset ones as null
    # (requests' json= sets Content-Type: application/json).
    body = {
        "from": "+19195551212",
        "to": "+19195551213",
        "text": "hello",
        "media": None,
        "receiptRequested": None,
        "callbackUrl": None,
        "callbackHttpMethod": None,
        "callbackTimeout": None,
        "fallbackUrl": None,
        "tag": None,
    }
    headers = {"User-Agent": "PythonSDK_3.0.3", "Content-Type": "application/json"}
    sent = _raw(sb, "bandwidth-messaging-v1", "POST", f"/users/{BW_USER}/messages", json.dumps(body).encode(), headers)
    assert sent.status_code == 201, sent.text
    message_id = sent.headers["location"].rsplit("/", 1)[-1]
    got = _raw(sb, "bandwidth-messaging-v1", "GET", f"/users/{BW_USER}/messages/{message_id}", b"", headers)
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("application/json")  # BW-py parses only then
    message = got.json()
    assert message["text"] == "hello"
    assert message.get("media") in (None, []) and message.get("tag") is None  # null was read as absent


def test_bandwidth_nulls_do_not_hide_a_missing_required_field(sb: SandboxHandle) -> None:
    body = json.dumps({"from": "+19195551212", "to": None, "text": "hello"}).encode()
    refused = _raw(
        sb, "bandwidth-messaging-v1", "POST", f"/users/{BW_USER}/messages", body, {"Content-Type": "application/json"}
    )
    assert refused.status_code == 400


# ----------------------------------------------------------------------------- Flowroute messaging library


def test_flowroute_messaging_library_send_with_content(sb: SandboxHandle) -> None:
    # FlowrouteMessagingLib/Controllers/APIController.py create_message: Message.resolve_names
    # gives {"to", "from", "content"}. Numbers as S004 documents them (11 digits; the demo's comment
    # asks for a leading +1, which the API reference does not show: docs/providers.md §1).
    body = json.dumps({"to": "12066418000", "from": NUMBER, "content": "Your cool new SMS message here!"})
    headers = {"user-agent": "Flowroute Messaging SDK 1.0", "content-type": "application/json; charset=utf-8"}
    sent = _raw(sb, "flowroute-messages-v2", "POST", "/messages", body.encode(), headers)
    assert 200 <= sent.status_code <= 206, sent.text  # the library's success test
    mdr_id = sent.json()["data"]["id"]
    record = _raw(sb, "flowroute-messages-v2", "GET", f"/messages/{mdr_id}", b"", {})
    assert record.status_code == 200
    assert record.json()["data"]["attributes"]["body"] == "Your cool new SMS message here!"


def test_flowroute_messaging_body_wins_over_content(sb: SandboxHandle) -> None:
    body = json.dumps({"to": "12066418000", "from": NUMBER, "body": "documented", "content": "legacy"})
    sent = _raw(sb, "flowroute-messages-v2", "POST", "/messages", body.encode(), {"content-type": "application/json"})
    # Both names at once is no form any client sent: the extra member is refused like any other.
    assert sent.status_code in (200, 202, 422), sent.text
    if sent.status_code < 300:
        record = _raw(sb, "flowroute-messages-v2", "GET", f"/messages/{sent.json()['data']['id']}", b"", {})
        assert record.json()["data"]["attributes"]["body"] == "documented"


# ----------------------------------------------------------------------------- Flowroute SDK v3


@pytest.mark.parametrize("relation", ["primary_route", "failover_route"])
def test_flowroute_sdk_v3_patch_route_without_content_type(sb: SandboxHandle, relation: str) -> None:
    # routes_controller.py update_primary_voice_route: http_client.patch(url, parameters=<JSON text>),
    # no Content-Type (requests sends a str body as is).
    body = json.dumps({"data": {"type": "route", "id": "83834"}}).encode()
    patched = _raw(sb, "flowroute-v2", "PATCH", f"/v2/numbers/{NUMBER}/relationships/{relation}", body, {})
    assert patched.status_code == 204, patched.text
    details = _raw(sb, "flowroute-v2", "GET", f"/v2/numbers/{NUMBER}", b"", {"accept": "application/json"})
    assert details.json()["data"]["relationships"][relation]["data"]["id"] == "83834"


def test_flowroute_sdk_v3_untyped_e911_validate_and_cdr_export(sb: SandboxHandle) -> None:
    address = {
        "label": "Home",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "street_name": "Main St",
        "street_number": "123",
        "city": "Seattle",
        "state": "WA",
        "country": "US",
        "zip": "98101",
    }
    body = json.dumps({"data": {"type": "e911", "attributes": address}}).encode()
    validated = _raw(sb, "flowroute-v2", "POST", "/v2/e911s/validate", body, {"accept": "application/json"})
    assert validated.status_code == 204, validated.text
    export = {"data": {"type": "cdrexport", "attributes": {"filter_parameters": {"start_call_date": "2023-01-01"}}}}
    created = _raw(sb, "flowroute-v2", "POST", "/v2/cdrs/exports", json.dumps(export).encode(), {})
    assert created.status_code in (201, 422), created.text  # accepted as JSON: never an unsupported type
    assert "Unsupported content type" not in created.text


def test_flowroute_sdk_v3_create_route_as_application_json(sb: SandboxHandle) -> None:
    # routes_controller.py create_an_inbound_route: Content-Type application/json; charset=utf-8, and
    # the demo's body (with its "edge_strategy": "1").
    attributes = {"route_type": "host", "value": "a.example", "alias": "r1", "edge_strategy": "1"}
    route = {"data": {"type": "route", "attributes": attributes}}
    headers = {"accept": "application/json", "content-type": "application/json; charset=utf-8"}
    created = _raw(sb, "flowroute-v2", "POST", "/v2/routes", json.dumps(route).encode(), headers)
    assert created.status_code == 201, created.text
    assert created.headers["content-type"] == "application/vnd.api+json"


def test_flowroute_sdk_v3_send_with_is_mms_string(sb: SandboxHandle) -> None:
    # number_route_message_demo.py: "is_mms": "false" (a string), Content-Type application/vnd.api+json.
    attributes = {"to": "12066418000", "from": NUMBER, "body": "Hello there how are you?", "is_mms": "false"}
    body = json.dumps({"data": {"type": "message", "attributes": attributes}}).encode()
    headers = {"accept": "application/json", "content-type": "application/vnd.api+json; charset=utf-8"}
    sent = _raw(sb, "flowroute-v2", "POST", "/v2.1/messages", body, headers)
    assert sent.status_code == 202, sent.text
    attributes["is_mms"] = "maybe"  # only the two strings are read as booleans
    body = json.dumps({"data": {"type": "message", "attributes": attributes}}).encode()
    assert _raw(sb, "flowroute-v2", "POST", "/v2.1/messages", body, headers).status_code == 422


FORM = {"accept": "application/json", "content-type": "application/x-www-form-urlencoded"}


def test_flowroute_sdk_v3_create_cnam_form_encoded(sb: SandboxHandle) -> None:
    # cnams_controller.py create_cnam_record: http_client.post(parameters={"value": ...}), which
    # requests sends as a form (data=).
    created = _raw(sb, "flowroute-v2", "POST", "/v2/cnams", urlencode({"value": "Bob Law"}).encode(), FORM)
    assert created.status_code == 201, created.text
    assert created.json()["data"]["attributes"]["value"] == "Bob Law"
    # Checked like the documented form: a form missing the value is refused, never stored.
    refused = _raw(sb, "flowroute-v2", "POST", "/v2/cnams", b"name=Bob", FORM)
    assert refused.status_code in (400, 422), refused.text


@pytest.mark.parametrize(
    "form",
    [
        {"numbers": ["+14252081174", "+12125551212"]},  # a list: requests repeats the field
        {"numbers": "+14252081174,+12125551212"},  # the SDK's doc: "comma delimited list of strings"
    ],
)
def test_flowroute_sdk_v3_check_portability_form_encoded(sb: SandboxHandle, form: dict[str, Any]) -> None:
    body = urlencode(form, doseq=True).encode()
    checked = _raw(sb, "flowroute-v2", "POST", "/v2/portorders/portability", body, FORM)
    assert checked.status_code == 200, checked.text
    json_body = json.dumps({"numbers": ["+14252081174", "+12125551212"]}).encode()
    documented = _raw(
        sb, "flowroute-v2", "POST", "/v2/portorders/portability", json_body, {"content-type": "application/json"}
    )
    assert checked.json() == documented.json()  # the same answer as the documented form


def test_a_form_only_where_the_spec_records_it(sb: SandboxHandle) -> None:
    body = urlencode({"to": "12066418000", "from": NUMBER, "body": "hi"}).encode()
    refused = _raw(sb, "flowroute-messages-v2", "POST", "/messages", body, FORM)
    assert refused.status_code in (400, 415), refused.text


def test_untyped_body_only_where_the_spec_records_it(sb: SandboxHandle) -> None:
    # Creating a route: the SDK sent application/json; an untyped body there stays an error.
    route = {"data": {"type": "route", "attributes": {"route_type": "host", "value": "a.example", "alias": "r"}}}
    refused = _raw(sb, "flowroute-v2", "POST", "/v2/routes", json.dumps(route).encode(), {})
    assert refused.status_code == 400
    assert "content type" in refused.text.lower()


# ----------------------------------------------------------------------------- the spec extension


def test_accepted_requests_rewrite_only_what_they_name() -> None:
    variants = AcceptedRequests(untyped_body="application/json", null_members=True, renamed_members={"content": "body"})
    as_json = AcceptedRequests(media_types={"application/json": "application/vnd.api+json"})
    sent = [("Content-Type", "Application/JSON; charset=utf-8")]
    assert as_json.apply(sent, b"{}") == ([("Content-Type", "application/vnd.api+json")], b"{}")
    other = [("content-type", "text/plain")]
    assert as_json.apply(other, b"{}") == (other, b"{}")
    headers, body = variants.apply([], b'{"content": "x", "a": null, "n": {"b": null, "c": 1}, "l": [{"d": null}]}')
    assert headers == [("content-type", "application/json")]
    assert json.loads(body) == {"body": "x", "n": {"c": 1}, "l": [{}]}
    typed = [("Content-Type", "text/plain")]
    assert variants.apply(typed, b"not json") == (typed, b"not json")  # left for validation to report
    assert variants.apply([], b"") == ([], b"")  # no body: nothing to type
    form = AcceptedRequests(form_body="application/json", form_arrays=("numbers",))
    headers, body = form.apply(
        [("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")], b"a=1&numbers=x,y&numbers=z"
    )
    assert headers == [("content-type", "application/json")]
    assert json.loads(body) == {"a": "1", "numbers": ["x", "y", "z"]}
    assert form.apply([("content-type", "application/json")], b"a=1") == (
        [("content-type", "application/json")],
        b"a=1",
    )
    broken = [("content-type", "application/x-www-form-urlencoded")]
    assert form.apply(broken, b"\xff&&") == (broken, b"\xff&&")  # not a form: left for validation to report
    booleans = AcceptedRequests(string_booleans=("data.attributes.is_mms",))
    _, body = booleans.apply([], b'{"data": {"attributes": {"is_mms": "True", "other": "false"}}}')
    assert json.loads(body) == {"data": {"attributes": {"is_mms": True, "other": "false"}}}


def test_every_recorded_variant_names_known_keys_and_a_source_conflict() -> None:
    known = {"untyped-body", "null-members", "renamed-members", "media-types", "string-booleans", "form-body"}
    found = 0
    for surface in SURFACES:
        text = surface.spec_path.read_text(encoding="utf-8")
        document = yaml.safe_load(text)
        for path, item in document["paths"].items():
            for method, operation in item.items():
                declared = operation.get("x-accepted-requests") if isinstance(operation, dict) else None
                if declared is None:
                    continue
                found += 1
                assert set(declared) <= known, (path, method)
                assert accepted_requests(document, method, path) is not None
        assert text.count("x-accepted-requests:") <= text.count("# Source conflict:")
    assert found >= 10


# ----------------------------------------------------------------------------- Content-Type of every answer


def _declared(document: dict[str, Any], path: str, method: str) -> dict[str, str | None]:
    responses = document["paths"][path][method]["responses"]
    declared: dict[str, str | None] = {}
    for status, response in responses.items():
        if "$ref" in response:
            response = document["components"]["responses"][response["$ref"].rsplit("/", 1)[-1]]
        content = response.get("content") or {}
        declared[str(status)] = next(iter(content), None) or response.get("x-content-type")
    return declared


def test_every_answer_of_every_operation_carries_its_declared_content_type(sandbox_server: SandboxHandle) -> None:
    app = sandbox_server.app
    checked = 0
    for op in app.operations:
        document = app.validators[op.surface.name].document
        declared = _declared(document, op.template, op.method.lower())
        assert response_media_types(document, op) == declared
        for status_key, media_type in declared.items():
            status = 299 if status_key == "2XX" else 400 if status_key == "default" else int(status_key)
            for empty in (True, False) if status not in NO_CONTENT_TYPE else (True,):
                reply = app._typed(op, Reply(status, body=None if empty else {"x": 1}, empty=empty))
                _, headers, data = _encode(op.surface, reply)
                sent = dict(headers).get(b"content-type")
                if status in NO_CONTENT_TYPE:
                    assert sent is None, (op.operation_id, status)
                elif media_type is not None:
                    assert sent == media_type.encode(), (op.operation_id, status, sent)
                elif data:
                    assert sent == op.surface.media_type.encode(), (op.operation_id, status, sent)
                else:
                    assert sent is None, (op.operation_id, status, sent)
                checked += 1
    assert checked > 300


def test_messagemedia_confirm_answers_text_plain(sb: SandboxHandle) -> None:
    body = json.dumps({"delivery_report_ids": ["00000000-0000-4000-8000-000000000000"]}).encode()
    headers = {"content-type": "application/json", "accept": "application/json"}
    confirmed = _raw(sb, "messagemedia-messages-v1", "POST", "/v1/delivery_reports/confirmed", body, headers)
    assert confirmed.status_code == 202
    assert confirmed.headers["content-type"] == "text/plain"
    assert confirmed.content == b""
