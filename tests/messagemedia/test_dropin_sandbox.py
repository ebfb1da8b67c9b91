"""The MessageMedia SDKs' documented flows, run on the drop-ins against the sandbox.

Written the way the SDKs' own tests and README examples use them (messages-python-sdk v1.1.0
``tests/controllers/*``, v2.1.3 README): the no-argument client configured through
``Configuration``, an ``HttpCallBack`` catching responses, the sub-account header.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from smsclients import MessageMediaClient
from smsclients.errors import InputError
from smsclients.legacy import messagemedia as v1
from smsclients.legacy import messagemedia_v2 as v2
from smsclients.legacy.message_media_messages.http.http_call_back import HttpCallBack
from smsclients_sandbox.testing import SmsSandbox

from tests.transports import NoNetwork

MESSAGE = {"content": "My first message", "destination_number": "+61491570156", "delivery_report": True}
SETTINGS = ("base_uri", "basic_auth_user_name", "basic_auth_password", "hmac_auth_user_name", "hmac_auth_password")


class Catcher(HttpCallBack):
    """The SDK tests' HttpResponseCatcher, also recording what it saw before each request."""

    def __init__(self) -> None:
        self.requests: list[Any] = []
        self.contexts: list[Any] = []

    def on_before_request(self, request: Any) -> None:
        self.requests.append(request)

    def on_after_response(self, context: Any) -> None:
        self.contexts.append(context)
        self.response = context.response


@pytest.fixture(autouse=True)
def _restore_configuration() -> Iterator[None]:
    saved = [
        (config, {name: getattr(config, name) for name in SETTINGS}) for config in (v1.Configuration, v2.Configuration)
    ]
    yield
    for config, values in saved:
        for name, value in values.items():
            setattr(config, name, value)


def _credentials(sandbox: SmsSandbox) -> tuple[str, str]:
    return sandbox.env["MESSAGEMEDIA_API_KEY"], sandbox.env["MESSAGEMEDIA_API_SECRET"]


def _configure(config: Any, sandbox: SmsSandbox) -> None:
    key, secret = _credentials(sandbox)
    config.basic_auth_user_name, config.basic_auth_password = key, secret


# ------------------------------------------------------------------------------------------- 1.1.0


def test_v1_sdk_test_flow_with_configuration_and_a_catcher(sms_sandbox: SmsSandbox) -> None:
    client = v1.MessageMediaMessagesClient()  # the SDK tests' way: no arguments, then Configuration
    _configure(v1.Configuration, sms_sandbox)
    catcher = Catcher()
    messages = client.messages
    messages.http_call_back = catcher

    body = v1.APIHelper.json_deserialize(
        json.dumps({"messages": [MESSAGE, {**MESSAGE, "content": "two"}]}), v1.SendMessagesRequest.from_dictionary
    )
    result = messages.create_send_messages(body)
    assert catcher.response.status_code == 202 and "content-type" in catcher.response.headers
    assert [m["content"] for m in result.messages] == ["My first message", "two"]
    sent = catcher.requests[-1]
    assert (
        sent.http_method == "POST"
        and sent.query_url == sms_sandbox.base_urls["messagemedia-messages-v1"] + "/v1/messages"
    )
    assert "Authorization" not in sent.headers and "authorization" not in sent.headers
    assert json.loads(sent.parameters)["messages"][1]["content"] == "two"

    status = messages.get_message_status(result.messages[0]["message_id"])
    assert status["status"] in ("queued", "enroute", "delivered")

    reports_controller = client.delivery_reports
    reports_controller.http_call_back = catcher
    reports = reports_controller.get_check_delivery_reports()
    assert catcher.response.status_code == 200 and reports.delivery_reports
    ids = [r["delivery_report_id"] for r in reports.delivery_reports]
    answer = reports_controller.create_confirm_delivery_reports_as_received(
        v1.ConfirmDeliveryReportsAsReceivedRequest(ids)
    )
    assert answer == "" and catcher.response.status_code == 202 and "content-type" in catcher.response.headers

    replies_controller = client.replies
    replies_controller.http_call_back = catcher
    sms_sandbox.inject_reply("yes", message_id=result.messages[0]["message_id"])
    replies = replies_controller.get_check_replies()
    assert catcher.response.raw_body.startswith('{"replies":[') and replies.replies[0]["content"] == "yes"
    replies_controller.create_confirm_replies_as_received({"reply_ids": [replies.replies[0]["reply_id"]]})
    assert replies_controller.get_check_replies().replies == []
    client.close()


@pytest.mark.parametrize("call", ["send", "reports", "replies", "confirm"])
def test_v1_a_foreign_account_is_refused_with_403(sms_sandbox: SmsSandbox, call: str) -> None:
    client = v1.MessageMediaMessagesClient()
    _configure(v1.Configuration, sms_sandbox)
    catcher = Catcher()
    calls: dict[str, Callable[[], Any]] = {
        "send": lambda: client.messages.create_send_messages({"messages": [MESSAGE]}, "INVALID ACCOUNT"),
        "reports": lambda: client.delivery_reports.get_check_delivery_reports("INVALID ACCOUNT"),
        "replies": lambda: client.replies.get_check_replies("INVALID ACCOUNT"),
        "confirm": lambda: client.replies.create_confirm_replies_as_received(
            {"reply_ids": ["877c19ef-fa2e-4cec-827a-e1df9b5509f7"]}, "INVALID ACCOUNT"
        ),
    }
    for controller in (client.messages, client.delivery_reports, client.replies):
        controller.http_call_back = catcher
    with pytest.raises(v1.APIException) as caught:
        calls[call]()
    assert caught.value.response_code == 403 and str(caught.value) == v1.NOT_OK_REASON
    assert catcher.response.status_code == 403  # the hook saw the error answer too
    assert catcher.requests[-1].headers["account"] == "INVALID ACCOUNT"
    client.close()


def test_v1_sub_account_and_own_account_are_accepted(sms_sandbox: SmsSandbox) -> None:
    key, secret = _credentials(sms_sandbox)
    with v1.MessageMediaMessagesClient(key, secret) as client:
        assert client.delivery_reports.get_check_delivery_reports("MyAccount").delivery_reports == []
        assert client.replies.get_check_replies(key).replies == []


def test_configuration_is_read_on_every_call(sms_sandbox: SmsSandbox) -> None:
    client = v1.MessageMediaMessagesClient()
    v1.Configuration.basic_auth_user_name, v1.Configuration.basic_auth_password = "wrong", "wrong"
    with pytest.raises(v1.APIException) as caught:
        client.replies.get_check_replies()
    assert caught.value.response_code == 403
    _configure(v1.Configuration, sms_sandbox)
    assert client.replies.get_check_replies().replies == []
    # HMAC settings win once both are set, as in the SDK.
    v1.Configuration.hmac_auth_user_name, v1.Configuration.hmac_auth_password = _credentials(sms_sandbox)
    v1.Configuration.basic_auth_password = "wrong"
    assert client.replies.get_check_replies().replies == []
    client.close()


@pytest.mark.parametrize("version", [v1, v2])
def test_unconfigured_drop_ins_read_the_environment(sms_sandbox: SmsSandbox, version: Any) -> None:
    # The sms_sandbox fixture sets MESSAGEMEDIA_API_KEY / _API_SECRET / _BASE_URL.
    with version.MessageMediaMessagesClient() as client:
        send = client.messages.create_send_messages if version is v1 else client.messages.send_messages
        send({"messages": [MESSAGE]})
    assert sms_sandbox.accepted() == 1


@pytest.mark.parametrize("version", [v1, v2])
def test_missing_credentials_fail_on_use_with_the_sdk_exception(monkeypatch: pytest.MonkeyPatch, version: Any) -> None:
    monkeypatch.delenv("MESSAGEMEDIA_API_KEY", raising=False)
    monkeypatch.delenv("MESSAGEMEDIA_API_SECRET", raising=False)
    client = version.MessageMediaMessagesClient()  # never raises
    check = client.replies.get_check_replies if version is v1 else client.replies.check_replies
    with pytest.raises(version.APIException) as caught:
        check()
    assert caught.value.response_code == 403 and "MESSAGEMEDIA_API_KEY" in str(caught.value)
    assert isinstance(caught.value, InputError) and caught.value.field == "api_key"
    client.close()


# ------------------------------------------------------------------------------------------- 2.x


def test_v2_readme_flows(sms_sandbox: SmsSandbox) -> None:
    key, secret = _credentials(sms_sandbox)
    client = v2.MessageMediaMessagesClient(key, secret, False)
    messages = client.messages
    before = messages.check_credits_remaining()
    body = v2.SendMessagesRequest()
    body.messages = [v2.Message(), v2.Message()]
    for index, message in enumerate(body.messages):
        message.content = f"My message {index}"
        message.destination_number = "+61491570156"
        message.delivery_report = True
        message.format = v2.FormatEnum.SMS
    result = messages.send_messages(body)
    assert isinstance(result, v2.SendMessagesResponse) and all(isinstance(m, v2.Message) for m in result.messages)
    assert messages.check_credits_remaining()["credits"] == before["credits"] - 2

    status = messages.get_message_status(result.messages[0].message_id)
    assert isinstance(status, v2.GetMessageStatusResponse) and status.content == "My message 0"

    reports = client.delivery_reports.check_delivery_reports()
    assert reports.delivery_reports and isinstance(reports.delivery_reports[0], v2.DeliveryReport)
    assert isinstance(reports.delivery_reports[0].vendor_account_id, v2.VendorAccountId)
    confirm = v2.ConfirmDeliveryReportsAsReceivedRequest()
    confirm.delivery_report_ids = [r.delivery_report_id for r in reports.delivery_reports]
    client.delivery_reports.confirm_delivery_reports_as_received(confirm)

    sms_sandbox.inject_reply("hello", message_id=result.messages[1].message_id)
    replies = client.replies.check_replies()
    assert isinstance(replies.replies[0], v2.Reply) and replies.replies[0].content == "hello"
    client.replies.confirm_replies_as_received(v2.ConfirmRepliesAsReceivedRequest([replies.replies[0].reply_id]))
    assert client.replies.check_replies().replies == []
    client.close()


def test_v2_scheduled_message_is_cancelled(sms_sandbox: SmsSandbox) -> None:
    with v2.MessageMediaMessagesClient() as client:
        message = v2.Message("later", "+61491570156")
        message.scheduled = "2099-01-01T00:00:00.000Z"
        sent = client.messages.send_messages(v2.SendMessagesRequest([message]))
        message_id = sent.messages[0].message_id
        assert client.messages.cancel_scheduled_message(message_id, v2.CancelScheduledMessageRequest("cancelled")) == ""
        assert client.messages.get_message_status(message_id).status == v2.StatusEnum.CANCELLED


def test_v2_refused_send_raises_send_messages_400() -> None:
    refusal = {"message": "Request failed validation.", "details": ["content: too long"]}
    transport = httpx.MockTransport(lambda request: httpx.Response(400, json=refusal))
    client = v2.MessageMediaMessagesClient("k", "s", base_url="https://api.example.test", transport=transport)
    with client, pytest.raises(v2.SendMessages400ResponseException) as caught:
        client.messages.send_messages({"messages": [MESSAGE]})
    assert caught.value.response_code == 400 and caught.value.message == "Request failed validation."
    assert json.loads(caught.value.context.response.raw_body) == refusal
    assert str(caught.value) == v2.SEND_400_REASON


def test_v2_unknown_message_is_404(sms_sandbox: SmsSandbox) -> None:
    with v2.MessageMediaMessagesClient() as client, pytest.raises(v2.APIException) as caught:
        client.messages.get_message_status("877c19ef-fa2e-4cec-827a-e1df9b5509f7")
    assert caught.value.response_code == 404 and str(caught.value) == "Resource not found"


def test_v2_locally_refused_send_is_the_sdk_exception(sms_sandbox: SmsSandbox) -> None:
    # The SDK let the API refuse this (400); the drop-in refuses it before sending, same class.
    with v2.MessageMediaMessagesClient() as client, pytest.raises(v2.SendMessages400ResponseException) as caught:
        client.messages.send_messages({"messages": [{"content": "x", "destination_number": "MOBILE_NUMBER"}]})
    assert caught.value.response_code == 400 and isinstance(caught.value, InputError)
    assert "destination_number" in str(caught.value)
    assert sms_sandbox.accepted() == 0


def test_credits_are_per_account(sms_sandbox: SmsSandbox) -> None:
    with v2.MessageMediaMessagesClient() as client:
        own = client.messages.check_credits_remaining()["credits"]
        client.messages.send_messages({"messages": [MESSAGE]})
        assert client.messages.check_credits_remaining()["credits"] == own - 1
    key, secret = _credentials(sms_sandbox)
    with v1.MessageMediaMessagesClient(key, secret) as legacy:
        legacy.messages.create_send_messages({"messages": [MESSAGE]}, "SubAccount")
    with MessageMediaClient() as mm:  # the modern client has the operation too
        assert mm.messages.credits(account="SubAccount").to_dict()["credits"] == own - 1
        assert mm.messages.credits().to_dict()["credits"] == own - 1


# ------------------------------------------------------------------------------------------- hooks


@pytest.mark.parametrize("version", [v1, v2])
def test_hooks_wrap_every_request_and_hook_headers_are_sent(version: Any) -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"replies": []})

    class AddsHeader(Catcher):
        def on_before_request(self, request: Any) -> None:
            super().on_before_request(request)
            request.add_header("X-Trace", "abc")

    hook = AddsHeader()
    client = version.MessageMediaMessagesClient(
        "k", "s", base_url="https://api.example.test", transport=httpx.MockTransport(answer)
    )
    client.replies.http_call_back = hook
    (client.replies.get_check_replies if version is v1 else client.replies.check_replies)()
    assert len(hook.requests) == 1 and len(hook.contexts) == 1
    assert hook.contexts[0].request is hook.requests[0]
    assert hook.contexts[0].response.status_code == 200 and hook.contexts[0].response.raw_body == '{"replies":[]}'
    assert seen[0].headers["X-Trace"] == "abc"
    assert "k:s" not in repr(vars(hook.requests[0])) and "Authorization" not in hook.requests[0].headers
    client.close()


def test_a_hook_on_the_controller_class_applies_to_every_controller() -> None:
    calls: list[str] = []

    class Counting(HttpCallBack):
        def on_before_request(self, request: Any) -> None:
            calls.append("before")

        def on_after_response(self, context: Any) -> None:
            calls.append("after")

    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"delivery_reports": []}))
    controller = v1.DeliveryReportsController(call_back=Counting())
    controller._engine = v1.MessageMediaMessagesClient(
        "k", "s", base_url="https://api.example.test", transport=transport
    )._engine
    controller.get_check_delivery_reports()
    assert calls == ["before", "after"]


@pytest.mark.parametrize("version", [v1, v2])
def test_a_custom_http_client_sends_every_request(version: Any) -> None:
    """The SDKs' extension point: an ``HttpClient`` subclass with ``execute_as_string`` does the sending."""
    package = "message_media_messages" if version is v1 else "message_media_messages_v2"
    http_client_module = __import__(f"smsclients.legacy.{package}.http.http_client", fromlist=["HttpClient"])
    response_module = __import__(f"smsclients.legacy.{package}.http.http_response", fromlist=["HttpResponse"])

    class Canned(http_client_module.HttpClient):  # type: ignore[misc,name-defined]
        def __init__(self) -> None:
            self.sent: list[Any] = []

        def execute_as_string(self, request: Any) -> Any:
            self.sent.append(request)
            if request.query_url.endswith("/v1/replies"):
                return response_module.HttpResponse(200, {"Content-Type": "application/json"}, '{"replies": []}')
            return response_module.HttpResponse(404, {"Content-Type": "application/json"}, '{"message": "nope"}')

    canned = Canned()
    client = version.MessageMediaMessagesClient("k", "s", base_url="https://api.example.test")
    client.replies.http_client = canned
    client.messages.http_client = canned
    assert (client.replies.get_check_replies if version is v1 else client.replies.check_replies)().replies == []
    with pytest.raises(version.APIException) as caught:
        client.messages.get_message_status("877c19ef-fa2e-4cec-827a-e1df9b5509f7")
    assert caught.value.response_code == 404 and caught.value.message == "nope"
    assert [r.http_method for r in canned.sent] == ["GET", "GET"]
    assert canned.sent[0].headers["authorization"].startswith("Basic ")  # signed, as the SDK's client received it
    client.close()


@pytest.mark.parametrize("version", [v1, v2])
def test_configuration_base_uri_is_read_on_every_call(
    sms_sandbox: SmsSandbox, monkeypatch: pytest.MonkeyPatch, version: Any
) -> None:
    url = sms_sandbox.env["MESSAGEMEDIA_BASE_URL"]
    monkeypatch.delenv("MESSAGEMEDIA_BASE_URL")
    client = version.MessageMediaMessagesClient(*_credentials(sms_sandbox))
    send = client.messages.create_send_messages if version is v1 else client.messages.send_messages
    version.Configuration.base_uri = url  # after construction, as the SDK tests do
    send({"messages": [MESSAGE]})
    assert sms_sandbox.accepted() == 1
    version.Configuration.base_uri = "http://api.example.test"  # clear text to a remote host: refused, not sent
    with pytest.raises(version.APIException) as caught:
        send({"messages": [MESSAGE]})
    assert isinstance(caught.value, InputError) and "https" in str(caught.value)
    assert sms_sandbox.accepted() == 1
    client.close()


@pytest.mark.parametrize("version", [v1, v2])
def test_hooks_stay_paired_when_the_client_refuses_a_request(version: Any) -> None:
    hook = Catcher()
    client = version.MessageMediaMessagesClient("k", "s", base_url="https://api.example.test", transport=NoNetwork())
    client.messages.http_call_back = hook
    status = client.messages.get_message_status
    with pytest.raises(version.APIException) as caught:
        status("not-a-message-id")  # the API answers 404 for it; refused here, nothing sent
    assert caught.value.response_code == 404
    assert len(hook.requests) == len(hook.contexts) == 1
    assert hook.contexts[0] is caught.value.context and hook.contexts[0].response.status_code == 404
    client.close()


@pytest.mark.parametrize("version", [v1, v2])
@pytest.mark.parametrize("hmac", [False, True])
def test_no_secret_reaches_hooks_exceptions_or_reprs(version: Any, hmac: bool) -> None:
    key, secret = "canary-key-5f1e2d", "canary-secret-9b7c4a"
    token = base64.b64encode(f"{key}:{secret}".encode()).decode()
    statuses = iter([200, 403, 404, 500])

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(next(statuses), json={"replies": [], "message": "m"})

    hook = Catcher()
    client = version.MessageMediaMessagesClient(
        key, secret, hmac, base_url="https://api.example.test", transport=httpx.MockTransport(answer)
    )
    client.replies.http_call_back = hook
    check = client.replies.get_check_replies if version is v1 else client.replies.check_replies
    seen: list[str] = [repr(client), repr(client._engine.credentials)]
    for _ in range(4):
        try:
            check()
        except version.APIException as error:
            seen += [str(error), repr(error), repr(vars(error)), repr(vars(error.context.request))]
    seen += [repr(vars(r)) for r in hook.requests] + [repr(vars(c.response)) for c in hook.contexts]
    text = "\n".join(seen)
    assert secret not in text and token not in text
    client.close()
