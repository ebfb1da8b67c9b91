"""MessageMedia's management APIs against the sandbox: webhooks (templated, signed deliveries), the
opt-out list, lookups and signature keys, on the modern client and on the Webhooks / Lookups drop-ins.

``sms_sandbox`` points the ``MESSAGEMEDIA_*`` environment variables at a freshly reset sandbox, so
clients built without arguments (modern and legacy alike) reach it.
"""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from messagemedia_messages_v1_client.types import UNSET
from smsclients import APIError, AsyncMessageMediaClient, InputError, MessageMediaClient, NotFoundError
from smsclients.webhooks import (
    InboundMessage,
    MessageMediaSignatureVerifier,
    MessageStatus,
    WebhookASGIApp,
    WebhookEvent,
    parse_event,
)
from smsclients_sandbox.testing import SmsSandbox

from demo.flows_webhooks import Inbox, serving
from tests.fields import dig
from tests.sandboxed import Recorder

TO = "+61491570156"
BLOCKED = "+61491570157"
TEMPLATE = '{"id": "$mtId", "state": "$status", "code": "$statusCode", "n": $retryCount}'


@pytest.fixture
def mm(sms_sandbox: SmsSandbox) -> Iterator[MessageMediaClient]:
    with MessageMediaClient() as client:  # credentials and base URL from MESSAGEMEDIA_* (the sandbox)
        yield client
    assert sms_sandbox.stats()["spec_violations"] == 0


def _tick(mm: MessageMediaClient, message_id: str, times: int = 2) -> str:
    status = ""
    for _ in range(times):
        status = str(mm.messages.status(message_id).status)
    return status


# ----------------------------------------------------------------------------- webhooks


def test_webhooks_are_created_listed_updated_and_deleted(mm: MessageMediaClient) -> None:
    created = mm.webhooks.create(
        url="https://example.com/hook",
        method="POST",
        encoding="JSON",
        headers={"X-Token": "abc"},
        events=["DELIVERED_DR"],
        template=TEMPLATE,
        retry_delay=30,
    )
    assert created.to_dict()["headers"] == {"X-Token": "abc"}  # a body field named `headers` is sent
    page = mm.webhooks.list(page=0, page_size=10)
    assert [w.id for w in page.page_data or []] == [created.id]
    updated = mm.webhooks.update(str(created.id), encoding="FORM_ENCODED", template="id=$mtId")
    assert (updated.encoding, updated.template, updated.url) == ("FORM_ENCODED", "id=$mtId", "https://example.com/hook")
    with pytest.raises(APIError) as conflict:  # same url and method again (MM-docs: 409)
        mm.webhooks.create(
            url="https://example.com/hook", method="POST", encoding="JSON", events=["ENROUTE_DR"], template=TEMPLATE
        )
    assert conflict.value.status_code == 409 and "already exists" in conflict.value.message
    mm.webhooks.delete(str(created.id))
    with pytest.raises(NotFoundError):
        mm.webhooks.delete(str(created.id))


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"events": []}, "events"),
        ({"events": ["DELIVERED"]}, "events[0]"),
        ({"encoding": "YAML"}, "encoding"),
        ({"headers": {"Content-Type": "text/plain"}}, "headers"),
        ({"retry_delay": 4}, "retry_delay"),
        ({"read_timeout": 60001}, "read_timeout"),
        ({"url": "not a url"}, "url"),
    ],
)
def test_a_webhook_the_api_would_refuse_is_refused_before_sending(
    mm: MessageMediaClient, sms_sandbox: SmsSandbox, kwargs: dict[str, Any], field: str
) -> None:
    good: dict[str, Any] = {
        "url": "https://example.com/h",
        "method": "POST",
        "encoding": "JSON",
        "events": ["ENROUTE_DR"],
    }
    with pytest.raises(InputError) as caught:
        mm.webhooks.create(**{**good, "template": TEMPLATE, **kwargs})
    assert caught.value.field.startswith(field)
    with pytest.raises(InputError):
        mm.webhooks.update("a7f11bb0-f299-4861-a5ca-9b29d04bc5ad")  # nothing to update


def test_templated_deliveries_are_signed_with_the_enabled_key_and_read_with_the_template(
    mm: MessageMediaClient, sms_sandbox: SmsSandbox
) -> None:
    key = mm.signature_keys.create(digest="SHA512")
    assert key.enabled is False and key.cipher == "RSA"
    mm.signature_keys.enable(str(key.key_id))
    inbox = Inbox()
    verifier = MessageMediaSignatureVerifier({str(key.key_id): str(key.public_key)})
    app = WebhookASGIApp("messagemedia", inbox, verifiers=[verifier], template=TEMPLATE)
    with serving(app) as url:
        mm.webhooks.create(
            url=url + "/hook", method="POST", encoding="JSON", events=["ENROUTE_DR", "DELIVERED_DR"], template=TEMPLATE
        )
        sent = mm.messages.send([{"content": "hi", "destination_number": TO, "delivery_report": True}])
        message_id = str(dig(sent, "messages[0].message_id"))
        assert _tick(mm, message_id) == "delivered"

        def mine(events: list[WebhookEvent]) -> list[MessageStatus]:
            return [e for e in events if isinstance(e, MessageStatus) and e.message_id == message_id]

        reports = inbox.wait(mine, 2)
        assert sms_sandbox.wait_for_callbacks(15)
    assert sorted((e.status, e.error_code) for e in reports) == [("delivered", "220"), ("enroute", "101")]
    deliveries = [d for d in sms_sandbox.callbacks() if d["event"].endswith("_DR")]
    assert sorted(d["event"] for d in deliveries) == ["DELIVERED_DR", "ENROUTE_DR"]
    assert all(json.loads(d["body"])["id"] == message_id for d in deliveries)  # the template, rendered
    assert all(a["status"] == 200 for d in deliveries for a in d["attempts"])  # verified: no 403


def test_a_form_encoded_webhook_gets_its_headers_and_its_rendered_form(
    mm: MessageMediaClient, sms_sandbox: SmsSandbox
) -> None:
    recorder = Recorder()
    with serving(recorder) as url:
        mm.webhooks.create(
            url=url + "/form",
            method="POST",
            encoding="FORM_ENCODED",
            headers={"X-Hook": "h1"},
            events=["DELIVERED_DR"],
            template="id=$mtId&status=$status&text=$esc.url($mtContent)",
        )
        sent = mm.messages.send([{"content": "a&b c", "destination_number": TO, "delivery_report": True}])
        message_id = str(dig(sent, "messages[0].message_id"))
        _tick(mm, message_id)
        assert sms_sandbox.wait_for_callbacks(15)
    first, *others = recorder.requests
    headers, body = first["headers"], first["body"]
    assert others == []  # only DELIVERED_DR was asked for
    assert headers["content-type"] == "application/x-www-form-urlencoded"
    assert headers["x-hook"] == "h1" and headers["x-messagemedia-signature"]
    assert body.decode() == f"id={message_id}&status=delivered&text=a%26b+c"
    event = parse_event("messagemedia", method="POST", headers=headers, body=body, template="id=$mtId&status=$status")
    assert isinstance(event, MessageStatus) and event.delivered and event.message_id == message_id


# MM-docs' documented reply template ("Example Webhook Request with Templates", MO / MO MMS).
MO_TEMPLATE = (
    '{  "account_id": "$accountId",  "reply_id": "$replyId",  "destination_number": "$destinationAddress",'
    '  "source_number": "$sourceAddress",  "date_received": "$receivedTimestamp",  "message_id": "$messageId",'
    '  #if ($attachments)  "attachments": [   #foreach ($entry in $attachments)    {'
    '      "content_type": "$entry.contentType",      "content": "$entry.base64",'
    '      "original_name": "$entry.originalName"    }#if( $foreach.hasNext ),#end    #end  ],  #else'
    '  "content": "$esc.json($moContent)",  #end  "metadata": {    #foreach ($entry in $metadata.entrySet())'
    '    "$entry.key": "$entry.value"#if( $foreach.hasNext ),#end    #end  }}'
)


def test_a_reply_reaches_a_received_sms_webhook_through_the_documented_template(
    mm: MessageMediaClient, sms_sandbox: SmsSandbox
) -> None:
    inbox = Inbox()
    with serving(WebhookASGIApp("messagemedia", inbox, template=MO_TEMPLATE)) as url:
        mm.webhooks.create(
            url=url + "/mo", method="POST", encoding="JSON", events=["RECEIVED_SMS"], template=MO_TEMPLATE
        )
        sent = mm.messages.send(
            [{"content": "hi", "destination_number": TO, "source_number": "+61491570158", "metadata": {"k": "v"}}]
        )
        message_id = str(dig(sent, "messages[0].message_id"))
        sms_sandbox.inject_reply('Yes "please"', message_id=message_id)

        def replies(events: list[WebhookEvent]) -> list[InboundMessage]:
            return [e for e in events if isinstance(e, InboundMessage)]

        (reply,) = inbox.wait(replies, 1)
    assert (reply.from_, reply.to, reply.text, reply.in_reply_to) == (TO, "+61491570158", 'Yes "please"', message_id)
    assert reply.payload["metadata"] == {"k": "v"} and reply.event_id == f"messagemedia:reply:{reply.message_id}"


async def _failing(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] == "http":
        await send({"type": "http.response.start", "status": 500, "headers": []})
        await send({"type": "http.response.body", "body": b""})


@pytest.mark.parametrize(("retries", "attempts"), [(0, 1), (2, 3)])
def test_a_webhook_is_retried_as_its_retries_say(
    mm: MessageMediaClient, sms_sandbox: SmsSandbox, retries: int, attempts: int
) -> None:
    with serving(_failing) as url:
        mm.webhooks.create(
            url=url + "/down",
            method="POST",
            encoding="JSON",
            events=["DELIVERED_DR"],
            template=TEMPLATE,
            retries=retries,
            retry_delay=5,
            read_timeout=5000,
        )
        sent = mm.messages.send([{"content": "x", "destination_number": TO, "delivery_report": True}])
        _tick(mm, str(dig(sent, "messages[0].message_id")))
        assert sms_sandbox.wait_for_callbacks(30)
    (delivery,) = [d for d in sms_sandbox.callbacks() if d["event"] == "DELIVERED_DR"]
    assert [a["status"] for a in delivery["attempts"]] == [500] * attempts
    assert delivery["state"] != "delivered"


def test_the_async_client_has_the_management_apis(sms_sandbox: SmsSandbox) -> None:
    async def run() -> tuple[Any, Any]:
        async with AsyncMessageMediaClient() as amm:
            await amm.number_authorisation.block([BLOCKED])
            checked = await amm.number_authorisation.is_authorised(BLOCKED)
            hook = await amm.webhooks.create(
                url="https://example.com/a",
                method="POST",
                encoding="XML",
                events=["RECEIVED_SMS"],
                template="<id>$moId</id>",
            )
            await amm.webhooks.delete(str(hook.id))
            return checked, await amm.lookups.lookup(TO, options="type")

    checked, found = asyncio.run(run())
    assert [n.authorised for n in dig(checked, "numbers")] == [False] and found.type_ == "mobile"


def test_a_template_that_fails_on_the_data_sends_nothing_and_breaks_nothing(
    mm: MessageMediaClient, sms_sandbox: SmsSandbox
) -> None:
    mm.webhooks.create(
        url="http://127.0.0.1:9/never",
        method="POST",
        encoding="JSON",
        events=["ENROUTE_DR"],
        template='{"id": "$mtId", "n": "$metadata.get()"}',  # a method call with a missing argument
    )
    sent = mm.messages.send([{"content": "x", "destination_number": TO, "delivery_report": True}])
    assert _tick(mm, str(dig(sent, "messages[0].message_id"))) == "delivered"  # the send flow is unaffected


def test_signature_keys_one_enabled_at_a_time(mm: MessageMediaClient) -> None:
    first = mm.signature_keys.create(digest="SHA224")
    second = mm.signature_keys.create(digest="SHA256")
    with pytest.raises(NotFoundError):
        mm.signature_keys.get_enabled()
    mm.signature_keys.enable(str(first.key_id))
    mm.signature_keys.enable(str(second.key_id))  # enabling one disables the other
    assert mm.signature_keys.get_enabled().key_id == second.key_id
    listed = {k.key_id: k.enabled for k in mm.signature_keys.list(page=0, page_size=10)}
    assert listed == {first.key_id: False, second.key_id: True}
    assert isinstance(mm.signature_keys.get(str(first.key_id)).created, str)
    mm.signature_keys.disable()
    mm.signature_keys.disable()  # 204 with no key enabled too
    with pytest.raises(NotFoundError):
        mm.signature_keys.get_enabled()
    mm.signature_keys.delete(str(first.key_id))
    with pytest.raises(NotFoundError):
        mm.signature_keys.get(str(first.key_id))
    with pytest.raises(InputError):
        mm.signature_keys.create(digest="MD5")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- number authorisation


def test_an_opted_out_number_gets_a_rejected_report_not_a_delivery(mm: MessageMediaClient) -> None:
    assert mm.number_authorisation.block([BLOCKED]).numbers == [BLOCKED]
    again = mm.number_authorisation.with_raw_response.block([BLOCKED])
    assert again.status_code == 200  # all were already on the list (201 when one was added)
    checked = mm.number_authorisation.is_authorised(f"{TO},{BLOCKED}")
    assert [(n.number, n.authorised) for n in dig(checked, "numbers")] == [(TO, True), (BLOCKED, False)]
    sent = mm.messages.send(
        [
            {"content": "a", "destination_number": BLOCKED, "delivery_report": True},
            {"content": "b", "destination_number": TO, "delivery_report": True},
        ]
    )
    assert [m.status for m in dig(sent, "messages")] == ["queued", "queued"]  # accepted, as MessageMedia does
    blocked_id, fine_id = (str(m.message_id) for m in dig(sent, "messages"))
    assert _tick(mm, blocked_id) == "rejected"
    assert mm.messages.status(fine_id).status == "delivered"
    reports = [r for r in mm.delivery_reports.check() if r.message_id == blocked_id]
    assert [r.status for r in reports] == ["rejected"]
    assert mm.number_authorisation.list_blocked().numbers == [BLOCKED]
    mm.number_authorisation.unblock(BLOCKED)
    assert mm.number_authorisation.list_blocked().numbers == []
    with pytest.raises(NotFoundError):
        mm.number_authorisation.unblock(BLOCKED)


def test_the_opt_out_list_pages_by_token(mm: MessageMediaClient) -> None:
    numbers = [f"+6149157{i:04d}" for i in range(105)]
    for start in range(0, len(numbers), 10):
        mm.number_authorisation.block(numbers[start : start + 10])
    first = mm.number_authorisation.list_blocked()
    assert len(first.numbers or []) == 100 and first.pagination
    rest = mm.number_authorisation.list_blocked(token=str(first.pagination.page))
    assert (first.numbers or []) + (rest.numbers or []) == numbers and not rest.pagination


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda mm: mm.number_authorisation.block([f"+614915701{i:02d}" for i in range(11)]), "numbers"),
        (lambda mm: mm.number_authorisation.block(["0491570156"]), "numbers[0]"),
        (lambda mm: mm.number_authorisation.is_authorised("+61491570156;+61491570157"), "numbers"),
        (lambda mm: mm.number_authorisation.unblock("61491570156"), "number"),
        (lambda mm: mm.lookups.lookup("+61491570156", options="carrier,name"), "options"),
        (lambda mm: mm.lookups.lookup(""), "phone_number"),
    ],
)
def test_numbers_the_api_would_refuse_are_refused_before_sending(mm: MessageMediaClient, call: Any, field: str) -> None:
    with pytest.raises(InputError) as caught:
        call(mm)
    assert caught.value.field == field


# ----------------------------------------------------------------------------- lookups


def test_lookups_answer_from_the_table_with_what_options_ask(mm: MessageMediaClient) -> None:
    bare = mm.lookups.lookup(TO)
    assert (bare.country_code, bare.phone_number, bare.type_, bare.carrier) == ("AU", TO, UNSET, UNSET)
    full = mm.lookups.lookup(TO, options="carrier,type")
    assert (full.type_, full.carrier and full.carrier.name) == ("mobile", "Telstra")
    assert mm.lookups.lookup("+61291570156", options="type").type_ == "landline"
    with pytest.raises(NotFoundError):
        mm.lookups.lookup("+99912345678")


# ----------------------------------------------------------------------------- legacy drop-ins


def test_the_webhooks_drop_in_runs_the_sdk_examples(sms_sandbox: SmsSandbox) -> None:
    from smsclients.legacy.messagemedia_webhooks import (
        APIException,
        CreateWebhook400ResponseException,
        CreateWebhookRequest,
        MessageMediaWebhooksClient,
    )

    client = MessageMediaWebhooksClient()  # settings from MESSAGEMEDIA_* as the modern client reads them
    webhooks = client.webhooks
    seen: list[int] = []
    bodies: list[Any] = []

    class Catcher:
        def on_before_request(self, request: Any) -> None:
            assert "authorization" not in {name.lower() for name in request.headers}
            bodies.append(request.parameters and json.loads(request.parameters))

        def on_after_response(self, context: Any) -> None:
            seen.append(context.response.status_code)

    webhooks.http_call_back = Catcher()
    # examples/createWebhook.py, examples/retrieveWebhook.py, examples/updateWebhook.py, examples/deleteWebhook.py
    body = CreateWebhookRequest(
        "http://webhook.com", "POST", "JSON", None, ["ENROUTE_DR"], '{"id":"$mtId","status":"$statusCode"}'
    )
    result = webhooks.create_webhook(body)
    assert result["url"] == "http://webhook.com"
    assert "headers" not in bodies[0]  # None members are left out, not sent as null
    assert webhooks.retrieve_webhook(0, 10)["pageData"][0]["id"] == result["id"]
    assert webhooks.retrieve_webhook("0", "10")["pageSize"] == 10  # as the SDK's own test passes them
    body_value = (
        '{"url": "https://myurl.com","method": "POST", "encoding": "FORM_ENCODED", "events": ["ENROUTE_DR"],'
        '"template": "{\\"id\\":\\"$mtId\\", \\"status\\":\\"$statusCode\\"}" }'
    )
    updated = webhooks.update_webhook(result["id"], json.loads(body_value))
    assert updated["encoding"] == "FORM_ENCODED"
    assert webhooks.delete_webhook(result["id"]) is None
    with pytest.raises(APIException) as missing:
        webhooks.delete_webhook(result["id"])
    assert (str(missing.value), missing.value.response_code) == ("", 404)
    assert isinstance(missing.value, NotFoundError)
    webhooks.create_webhook(body)
    with pytest.raises(CreateWebhook400ResponseException) as conflict:
        webhooks.create_webhook(body)
    assert conflict.value.response_code == 409 and "already exists" in str(conflict.value.message)
    assert seen == [201, 200, 200, 200, 204, 404, 201, 409]
    client.close()


def test_the_lookups_drop_in_keeps_the_sdk_shape(sms_sandbox: SmsSandbox, monkeypatch: pytest.MonkeyPatch) -> None:
    from smsclients.legacy.messagemedia_lookups import APIException, Configuration, MessageMediaLookupsClient

    key, secret = sms_sandbox.credentials["messagemedia-messages-v1"]
    monkeypatch.delenv("MESSAGEMEDIA_API_KEY")
    monkeypatch.delenv("MESSAGEMEDIA_API_SECRET")
    monkeypatch.setattr(Configuration, "basic_auth_user_name", key)  # the SDK tests' way
    monkeypatch.setattr(Configuration, "basic_auth_password", secret)
    with MessageMediaLookupsClient() as client:
        result = client.lookups.get_lookup_a_phone_number(TO, "carrier,type")
        assert (result.country_code, result.phone_number, result.mtype, result.carrier) == (
            "AU",
            TO,
            "mobile",
            {"name": "Telstra"},
        )
        assert client.lookups.get_lookup_a_phone_number("+61291570156").mtype is None  # no options: no type
        with pytest.raises(APIException) as invalid:
            client.lookups.get_lookup_a_phone_number("+99912345678")
        assert (str(invalid.value), invalid.value.response_code) == ("Number was invalid", 404)
    assert key not in repr(client) and secret not in repr(invalid.value) + str(invalid.value.context.request.headers)


def test_the_drop_ins_need_credentials_from_somewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    from smsclients.legacy.messagemedia_webhooks import MessageMediaWebhooksClient

    for name in ("MESSAGEMEDIA_API_KEY", "MESSAGEMEDIA_API_SECRET"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(InputError) as caught:
        _ = MessageMediaWebhooksClient().webhooks
    assert "MESSAGEMEDIA_API_KEY" in str(caught.value)


SDK_PATHS = {
    "messagemedia_webhooks": [
        ("message_media_webhooks_client", "MessageMediaWebhooksClient"),
        ("configuration", "Configuration"),
        ("api_helper", "APIHelper"),
        ("controllers.webhooks_controller", "WebhooksController"),
        ("models.create_webhook_request", "CreateWebhookRequest"),
        ("models.update_webhook_request", "UpdateWebhookRequest"),
        ("exceptions.api_exception", "APIException"),
        ("exceptions.create_webhook_400_response_exception", "CreateWebhook400ResponseException"),
        ("exceptions.retrieve_webhook_400_response_exception", "RetrieveWebhook400ResponseException"),
        ("exceptions.update_webhook_400_response_exception", "UpdateWebhook400ResponseException"),
        ("http.http_call_back", "HttpCallBack"),
    ],
    "messagemedia_lookups": [
        ("message_media_lookups_client", "MessageMediaLookupsClient"),
        ("configuration", "Configuration"),
        ("controllers.lookups_controller", "LookupsController"),
        ("models.lookup_a_phone_number_response", "LookupAPhoneNumberResponse"),
        ("exceptions.api_exception", "APIException"),
    ],
}


@pytest.mark.parametrize(("module", "path", "name"), [(m, p, n) for m, items in SDK_PATHS.items() for p, n in items])
def test_the_sdk_module_paths_resolve_under_the_drop_ins(module: str, path: str, name: str) -> None:
    package = importlib.import_module(f"smsclients.legacy.{module}")
    assert getattr(importlib.import_module(f"smsclients.legacy.{module}.{path}"), name) is getattr(package, name)


def test_each_sdk_has_its_own_configuration() -> None:
    from smsclients.legacy import messagemedia_lookups, messagemedia_webhooks

    webhooks_config: type[Any] = messagemedia_webhooks.Configuration
    assert webhooks_config is not messagemedia_lookups.Configuration
    assert messagemedia_webhooks.MessageMediaWebhooksClient.config is messagemedia_webhooks.Configuration
