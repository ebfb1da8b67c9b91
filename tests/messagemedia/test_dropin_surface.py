"""The MessageMedia SDK drop-ins expose every module path, class and setting the SDKs documented.

Module trees enumerated from the SDK repository (messagemedia/messages-python-sdk) at v1.1.0 and
at v2.1.3 (the latest 2.x tag); import lines change ``message_media_messages`` to
``smsclients.legacy.message_media_messages`` (1.1.0) or ``..._v2`` (2.x).
"""

from __future__ import annotations

import importlib
from typing import Any

import pytest
from smsclients.errors import APIError, InputError
from smsclients.legacy.messagemedia import BasicAuth, HmacAuth

V1 = "smsclients.legacy.message_media_messages"
V2 = "smsclients.legacy.message_media_messages_v2"

COMMON: dict[str, list[str]] = {
    "api_helper": ["APIHelper"],
    "configuration": ["Configuration"],
    "message_media_messages_client": ["MessageMediaMessagesClient"],
    "controllers": [],
    "controllers.base_controller": ["BaseController"],
    "controllers.messages_controller": ["MessagesController"],
    "controllers.delivery_reports_controller": ["DeliveryReportsController"],
    "controllers.replies_controller": ["RepliesController"],
    "exceptions": [],
    "exceptions.api_exception": ["APIException"],
    "http": [],
    "http.auth": [],
    "http.http_call_back": ["HttpCallBack"],
    "http.http_client": ["HttpClient"],
    "http.http_context": ["HttpContext"],
    "http.http_method_enum": ["HttpMethodEnum"],
    "http.http_request": ["HttpRequest"],
    "http.http_response": ["HttpResponse"],
    "http.requests_client": ["RequestsClient"],
    "models": [],
    "models.cancel_scheduled_message_request": ["CancelScheduledMessageRequest"],
    "models.check_delivery_reports_response": ["CheckDeliveryReportsResponse"],
    "models.check_replies_response": ["CheckRepliesResponse"],
    "models.confirm_delivery_reports_as_received_request": ["ConfirmDeliveryReportsAsReceivedRequest"],
    "models.confirm_replies_as_received_request": ["ConfirmRepliesAsReceivedRequest"],
    "models.send_messages_request": ["SendMessagesRequest"],
    "models.send_messages_response": ["SendMessagesResponse"],
}
V1_TREE: dict[str, list[str]] = {
    **COMMON,
    "decorators": ["LazyProperty"],
    "http.auth.basic_auth": ["BasicAuth"],
    "http.auth.hmac_auth": ["HmacAuth"],
    "models.confirm_delivery_reports_as_received_request_11": ["ConfirmDeliveryReportsAsReceivedRequest11"],
    "models.confirm_replies_as_received_request_8": ["ConfirmRepliesAsReceivedRequest8"],
}
V2_TREE: dict[str, list[str]] = {
    **COMMON,
    "decorators": ["lazy_property"],
    "exceptions.send_messages_400_response_exception": ["SendMessages400ResponseException"],
    "http.auth.auth_manager": ["AuthManager"],
    "models.confirm_delivery_reports_as_received_request_1": ["ConfirmDeliveryReportsAsReceivedRequest1"],
    "models.confirm_replies_as_received_request_1": ["ConfirmRepliesAsReceivedRequest1"],
    "models.delivery_report": ["DeliveryReport"],
    "models.format_1_enum": ["Format1Enum"],
    "models.format_enum": ["FormatEnum"],
    "models.get_message_status_response": ["GetMessageStatusResponse"],
    "models.message": ["Message"],
    "models.reply": ["Reply"],
    "models.source_number_type_enum": ["SourceNumberTypeEnum"],
    "models.status_2_enum": ["Status2Enum"],
    "models.status_enum": ["StatusEnum"],
    "models.vendor_account_id": ["VendorAccountId"],
}
TREES = [(V1, module, names) for module, names in V1_TREE.items()] + [
    (V2, module, names) for module, names in V2_TREE.items()
]
CONFIG_ATTRIBUTES = (
    "array_serialization",
    "base_uri",
    "basic_auth_user_name",
    "basic_auth_password",
    "hmac_auth_user_name",
    "hmac_auth_password",
)
V1_METHODS = {
    "messages": ["create_send_messages", "get_message_status", "update_cancel_scheduled_message"],
    "delivery_reports": ["get_check_delivery_reports", "create_confirm_delivery_reports_as_received"],
    "replies": ["get_check_replies", "create_confirm_replies_as_received"],
}
V2_METHODS = {
    "messages": ["send_messages", "get_message_status", "cancel_scheduled_message", "check_credits_remaining"],
    "delivery_reports": ["check_delivery_reports", "confirm_delivery_reports_as_received"],
    "replies": ["check_replies", "confirm_replies_as_received"],
}


def _get(package: str, module: str, name: str) -> Any:
    return getattr(importlib.import_module(f"{package}.{module}"), name)


@pytest.mark.parametrize(("package", "module", "names"), TREES, ids=[f"{p[-2:]}:{m}" for p, m, _ in TREES])
def test_every_documented_module_and_class_exists(package: str, module: str, names: list[str]) -> None:
    loaded = importlib.import_module(f"{package}.{module}")
    for name in names:
        assert isinstance(getattr(loaded, name), type) or callable(getattr(loaded, name)), (module, name)


@pytest.mark.parametrize("package", [V1, V2])
def test_configuration_has_the_sdk_attributes(package: str) -> None:
    configuration = _get(package, "configuration", "Configuration")
    for attribute in CONFIG_ATTRIBUTES:
        assert hasattr(configuration, attribute), attribute
    assert configuration.base_uri == "https://api.messagemedia.com"
    client = _get(package, "message_media_messages_client", "MessageMediaMessagesClient")
    assert client.config is configuration


@pytest.mark.parametrize(("package", "methods"), [(V1, V1_METHODS), (V2, V2_METHODS)])
def test_controllers_have_the_sdk_methods_and_hook_attributes(package: str, methods: dict[str, list[str]]) -> None:
    client = _get(package, "message_media_messages_client", "MessageMediaMessagesClient")()
    for controller_name, names in methods.items():
        controller = getattr(client, controller_name)
        assert isinstance(controller, _get(package, "controllers.base_controller", "BaseController"))
        assert controller.http_call_back is None and controller.http_client is not None
        assert isinstance(controller.global_headers, dict)
        for name in names:
            assert callable(getattr(controller, name)), (controller_name, name)
    client.close()


@pytest.mark.parametrize("package", [V1, V2])
@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((), {}),
        (("key",), {}),
        (("key", "secret"), {}),
        (("key", "secret", True), {}),
        (("key", "secret", 1), {}),
        ((None, None, False), {}),
        ((), {"auth_user_name": "key", "auth_password": "secret", "use_hmac_authentication": "yes"}),
        ((12345, 67890), {}),
    ],
)
def test_construction_never_raises_on_what_the_sdk_accepted(
    package: str, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> None:
    client = _get(package, "message_media_messages_client", "MessageMediaMessagesClient")(*args, **kwargs)
    assert client.messages is client.messages
    client.close()
    # Controllers on their own (the SDK let them be built with no client at all).
    for module, name in (
        ("controllers.messages_controller", "MessagesController"),
        ("controllers.delivery_reports_controller", "DeliveryReportsController"),
        ("controllers.replies_controller", "RepliesController"),
    ):
        _get(package, module, name)()
        _get(package, module, name)(None, None)


def test_the_pypi_1_1_0_keyword_spelling_is_accepted() -> None:
    client = _get(V1, "message_media_messages_client", "MessageMediaMessagesClient")(
        "k", "s", use_hmac_autentication=True
    )
    assert "hmac=True" in repr(client)
    client.close()


@pytest.mark.parametrize("package", [V1, V2])
def test_exceptions_are_the_typed_errors_too(package: str) -> None:
    api_exception = _get(package, "exceptions.api_exception", "APIException")
    assert issubclass(api_exception, APIError)
    if package == V2:
        send_400 = _get(package, "exceptions.send_messages_400_response_exception", "SendMessages400ResponseException")
        assert issubclass(send_400, api_exception)


def test_models_round_trip_and_keep_the_sdk_argument_order() -> None:
    message = _get(V2, "models.message", "Message")("hi", "+61491570156")
    assert (message.content, message.destination_number, message.delivery_report) == ("hi", "+61491570156", False)
    request = _get(V2, "models.send_messages_request", "SendMessagesRequest")([message])
    helper = _get(V2, "api_helper", "APIHelper")
    text = helper.json_serialize(request)
    assert helper.json_deserialize(text) == {
        "messages": [{"content": "hi", "destination_number": "+61491570156", "delivery_report": False}]
    }
    report = _get(V2, "models.delivery_report", "DeliveryReport").from_dictionary(
        {"delivery_report_id": "x", "vendor_account_id": {"vendor_id": "MessageMedia", "account_id": "A"}, "new": 1}
    )
    assert report.vendor_account_id.account_id == "A" and report.delivery_report_id == "x"
    v1_request = _get(V1, "models.send_messages_request", "SendMessagesRequest").from_dictionary(
        {"messages": [{"a": 1}]}
    )
    assert v1_request.messages == [{"a": 1}]
    for module, name in (
        ("models.confirm_delivery_reports_as_received_request_11", "ConfirmDeliveryReportsAsReceivedRequest11"),
        ("models.confirm_replies_as_received_request_8", "ConfirmRepliesAsReceivedRequest8"),
    ):
        model = _get(V1, module, name).from_dictionary({"delivery_report_ids": ["a"], "reply_ids": ["b"]})
        assert helper.json_deserialize(helper.json_serialize(model)) in (
            {"delivery_report_ids": ["a"]},
            {"reply_ids": ["b"]},
        )


def test_model_constructors_name_a_wrong_argument() -> None:
    message_class = _get(V2, "models.message", "Message")
    with pytest.raises(TypeError, match="contnet"):
        message_class(contnet="hi")


def test_the_sdk_signing_helpers_sign_with_configuration() -> None:
    configuration = _get(V1, "configuration", "Configuration")
    request_class = _get(V1, "http.http_request", "HttpRequest")
    saved = dict(vars(configuration))
    try:
        configuration.basic_auth_user_name, configuration.basic_auth_password = "user", "pass"
        request = request_class("GET", "https://api.messagemedia.com/v1/replies", {})
        BasicAuth.apply(request)
        assert request.headers["Authorization"] == "Basic dXNlcjpwYXNz"
        configuration.hmac_auth_user_name, configuration.hmac_auth_password = "user", "pass"
        HmacAuth.apply(request, "/v1/messages", '{"messages":[]}')
        assert request.headers["Authorization"].startswith(
            'hmac username="user", algorithm="hmac-sha1", headers="date x-Content-MD5 request-line"'
        )
        assert len(request.headers["x-Content-MD5"]) == 32
    finally:
        for name in CONFIG_ATTRIBUTES:
            setattr(configuration, name, saved[name])


def test_api_helper_urls() -> None:
    helper = _get(V1, "api_helper", "APIHelper")
    assert helper.clean_url("http://127.0.0.1:8080//a//b?x=//") == "http://127.0.0.1:8080/a/b?x=//"
    with pytest.raises(ValueError):
        helper.clean_url("ftp://x")
    assert (
        helper.append_url_with_template_parameters("/v1/messages/{messageId}", {"messageId": "a b"})
        == "/v1/messages/a%20b"
    )
    assert helper.json_deserialize("not json") == "not json"
    assert helper.json_deserialize(None) is None


def test_an_input_error_is_still_an_input_error() -> None:
    client = _get(V2, "message_media_messages_client", "MessageMediaMessagesClient")("k", "s")
    with pytest.raises(InputError):
        client.messages.send_messages({"messages": "not a list"})
    client.close()
