"""The rules every legacy drop-in keeps (Bandwidth 3.0.3, Flowroute messaging library, Flowroute SDK v3).

Code that ran on a vendor SDK runs on the drop-in with only its import lines changed:
construction never fails where the SDK's did not (applications build clients at import time from
``os.environ.get``); settings are read on every call, as the SDKs read them; a check fails on
use, raising the SDK's exception class with its attributes (and the typed error); the SDK's module
paths, configuration attributes and hooks exist and work; and the drop-ins read the modern
clients' environment variables, base URLs included, so the ``sms_sandbox`` fixture redirects them.
"""

from __future__ import annotations

import importlib
import json
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from smsclients.config import MissingSettingError
from smsclients.errors import InputError, InsecureURLError
from smsclients.legacy import bandwidth, flowroute_messaging, flowroute_v3
from smsclients.legacy.flowroute_v3 import (
    BaseController,
    Configuration,
    ErrorException,
    FlowroutenumbersandmessagingClient,
    HttpCallBack,
    HttpContext,
    HttpRequest,
    NumbersController,
)
from smsclients_sandbox import SandboxHandle
from smsclients_sandbox.testing import client_environment

ENV_NAMES = (
    "FLOWROUTE_ACCESS_KEY",
    "FLOWROUTE_SECRET_KEY",
    "FLOWROUTE_BASE_URL",
    "BANDWIDTH_USER_ID",
    "BANDWIDTH_API_TOKEN",
    "BANDWIDTH_API_SECRET",
    "BANDWIDTH_BASE_URL",
)
SECRET = "s3cret-CANARY-h20"
FR_NUMBER = "12012673227"  # on the sandbox's Flowroute account
MDR = "mdr1-" + "ab" * 16
ROUTES: dict[str, Any] = {"data": [], "links": {}}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def sandbox_env(sandbox_server: SandboxHandle, monkeypatch: pytest.MonkeyPatch) -> Iterator[SandboxHandle]:
    """What the ``sms_sandbox`` fixture does: a reset sandbox and the clients' variables pointing at it."""
    sandbox_server.reset()
    for name, value in client_environment(sandbox_server).items():
        monkeypatch.setenv(name, value)
    yield sandbox_server
    assert sandbox_server.stats()["spec_violations"] == 0


class Canned(httpx.MockTransport):
    """Answers every request with ``status`` and ``body`` (JSON); keeps the requests."""

    def __init__(self, status: int = 200, body: Any = None, headers: dict[str, str] | None = None) -> None:
        self.requests: list[httpx.Request] = []

        def handle(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return httpx.Response(status, json=body, headers=headers)

        super().__init__(handle)


# ----------------------------------------------------------------------------- the sandbox redirects legacy code


def test_legacy_code_without_arguments_talks_to_the_sandbox(sandbox_env: SandboxHandle) -> None:
    # As applications build them: credentials from os.environ.get (None here), no URL.
    import os

    with bandwidth.client("messaging") as bw:
        message_id = bw.send_message(from_="+19195551212", to="+19195551213", text="hi")
        assert bw.get_message(message_id)["id"] == message_id
    controller = flowroute_messaging.APIController(os.environ.get("ACCESS_KEY"), os.environ.get("SECRET_KEY"))
    with controller:
        message = flowroute_messaging.Message(to="12066418000", from_=FR_NUMBER, content="hi")
        mdr = controller.create_message(message)["data"]["id"]
        assert controller.get_message_lookup(mdr)["data"]["id"] == mdr
    with FlowroutenumbersandmessagingClient() as v3:
        assert v3.numbers.list_account_phone_numbers()["data"]
    assert sandbox_env.stats()["accepted"]["bandwidth-messaging-v1"] == 1
    assert sandbox_env.stats()["accepted"]["flowroute-messages-v2"] == 1


def test_controllers_built_alone_use_configuration_and_the_environment(sandbox_env: SandboxHandle) -> None:
    # The SDK allowed NumbersController() on its own (global Configuration).
    assert NumbersController().list_account_phone_numbers()["data"]


# ----------------------------------------------------------------------------- construction never fails

anything = st.one_of(st.none(), st.text(max_size=30), st.integers(), st.booleans(), st.builds(object))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(username=anything, password=anything, base_uri=anything, retry=anything, transport=anything)
def test_flowroute_messaging_construction_never_raises(
    username: Any, password: Any, base_uri: Any, retry: Any, transport: Any
) -> None:
    flowroute_messaging.APIController(username, password, base_uri=base_uri, retry=retry, transport=transport)


@settings(max_examples=60, deadline=None)
@given(username=anything, password=anything, base_uri=anything, retry=anything, transport=anything)
def test_flowroute_v3_construction_never_raises(
    username: Any, password: Any, base_uri: Any, retry: Any, transport: Any
) -> None:
    client = FlowroutenumbersandmessagingClient(username, password, base_uri=base_uri, retry=retry, transport=transport)
    repr(client)
    client.numbers  # noqa: B018 -- the lazily built controllers too
    NumbersController()
    NumbersController(None, None)


@settings(max_examples=60, deadline=None)
@given(
    user_id=st.text(min_size=1, max_size=20),
    options=st.dictionaries(
        st.sampled_from(["api_endpoint", "api_version", "retry", "transport", "api_endpiont", "timeout"]), anything
    ),
)
def test_bandwidth_construction_never_raises_with_credentials(user_id: str, options: dict[str, Any]) -> None:
    # BW-py refused only missing credentials at construction (ValueError); everything else was stored.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        api = bandwidth.Client(user_id, "token", SECRET, **options)
    repr(api)


def test_bandwidth_unknown_option_warns_and_bad_endpoint_fails_on_use() -> None:
    with pytest.warns(UserWarning, match="api_endpiont"):
        bandwidth.Client("u-1", "token", SECRET, api_endpiont="https://x.example")
    api = bandwidth.Client("u-1", "token", SECRET, api_endpoint="http://api.example.com")
    with pytest.raises(InsecureURLError) as caught:
        api.send_message(from_="+19195551212", to="+19195551213", text="hi")
    assert "e.g. https://api.catapult.inetwork.com" in str(caught.value)
    assert "api.example.com" not in str(caught.value)


def test_bandwidth_still_requires_credentials_at_construction() -> None:
    with pytest.raises(ValueError, match="required"):
        bandwidth.Client("u-1", "token")


# ----------------------------------------------------------------------------- missing credentials fail on use


def test_missing_credentials_raise_the_sdks_401_on_the_first_call() -> None:
    wire = Canned()
    controller = flowroute_messaging.APIController(None, None, transport=wire)
    with pytest.raises(flowroute_messaging.APIException) as caught:
        controller.get_message_lookup(MDR)
    error = caught.value
    assert isinstance(error, MissingSettingError) and error.variable == "FLOWROUTE_ACCESS_KEY"
    assert (error.response_code, error.reason) == (401, "UNAUTHORIZED")
    assert error.response_body["errors"][0]["status"] == 401  # the library's demo reads ['errors']

    v3 = FlowroutenumbersandmessagingClient("key", None, transport=wire)
    with pytest.raises(ErrorException) as v3_caught:
        v3.routes.list_inbound_routes()
    assert isinstance(v3_caught.value, MissingSettingError) and v3_caught.value.field == "basic_auth_password"
    assert v3_caught.value.context.response.status_code == 401
    assert wire.requests == []


# ----------------------------------------------------------------------------- settings read on every call


def test_flowroute_messaging_configuration_is_read_on_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    wire = Canned(200, {"data": {"type": "message", "id": MDR, "attributes": {}}})
    controller = flowroute_messaging.APIController("key", SECRET, transport=wire)
    # Any base URI the library took: it only appended /messages.
    monkeypatch.setattr(flowroute_messaging.Configuration, "BASE_URI", "https://proxy.example.com/flowroute")
    controller.get_message_lookup(MDR)
    monkeypatch.setattr(flowroute_messaging.Configuration, "BASE_URI", "https://api.flowroute.com/v2/")
    controller.get_message_lookup(MDR)
    assert [str(r.url) for r in wire.requests] == [
        f"https://proxy.example.com/flowroute/messages/{MDR}",
        f"https://api.flowroute.com/v2/messages/{MDR}",
    ]
    monkeypatch.setattr(flowroute_messaging.Configuration, "BASE_URI", "http://api.example.com/v2")
    with pytest.raises(InsecureURLError) as caught:
        controller.get_message_lookup(MDR)
    assert caught.value.field == "Configuration.BASE_URI"
    assert "e.g. https://api.flowroute.com/v2" in str(caught.value) and "api.example.com" not in str(caught.value)


def test_flowroute_v3_configuration_is_read_on_every_call(monkeypatch: pytest.MonkeyPatch) -> None:
    wire = Canned(200, ROUTES)
    client = FlowroutenumbersandmessagingClient(transport=wire)
    monkeypatch.setattr(Configuration, "basic_auth_user_name", "first")
    monkeypatch.setattr(Configuration, "basic_auth_password", SECRET)
    client.routes.list_inbound_routes()
    monkeypatch.setattr(Configuration, "base_uri", "http://127.0.0.1:9/other")
    monkeypatch.setattr(Configuration, "basic_auth_user_name", "second")
    client.routes.list_inbound_routes()
    first, second = wire.requests
    assert str(first.url).startswith("https://api.flowroute.com/v2/routes")
    assert str(second.url).startswith("http://127.0.0.1:9/other/v2/routes")
    assert first.headers["authorization"] != second.headers["authorization"]


def test_environment_base_urls_apply_only_to_default_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWROUTE_BASE_URL", "http://127.0.0.1:9/fr")
    monkeypatch.setenv("BANDWIDTH_BASE_URL", "http://127.0.0.1:9/bw/v1")
    fr_wire, bw_wire = Canned(200, {"data": {"id": MDR}}), Canned(200, {"id": "m-1"})
    flowroute_messaging.APIController("key", SECRET, transport=fr_wire).get_message_lookup(MDR)
    bandwidth.Client("u-1", "t", SECRET, transport=bw_wire).get_message("m-1")
    given = bandwidth.Client("u-1", "t", SECRET, api_endpoint="https://bw.example.com", transport=bw_wire)
    given.get_message("m-1")
    assert str(fr_wire.requests[0].url) == f"http://127.0.0.1:9/fr/v2/messages/{MDR}"
    assert [str(r.url) for r in bw_wire.requests] == [
        "http://127.0.0.1:9/bw/v1/users/u-1/messages/m-1",
        "https://bw.example.com/v1/users/u-1/messages/m-1",  # a setting given wins over the environment
    ]


def test_bandwidth_endpoint_attribute_is_read_on_every_call() -> None:
    wire = Canned(200, {"id": "m-1"})
    api = bandwidth.Client("u-1", "t", SECRET, transport=wire)
    api.get_message("m-1")
    api.api_endpoint = "https://other.example.com"
    api.get_message("m-1")
    assert [r.url.host for r in wire.requests] == ["api.catapult.inetwork.com", "other.example.com"]


# ----------------------------------------------------------------------------- refused requests are the SDK's errors


def test_refused_requests_raise_the_sdk_exception_with_its_attributes() -> None:
    wire = Canned()
    controller = flowroute_messaging.APIController("key", SECRET, transport=wire)
    with pytest.raises(flowroute_messaging.APIException) as fr_lib:
        controller.create_message(flowroute_messaging.Message(to="123", from_=FR_NUMBER, content="x"))
    assert isinstance(fr_lib.value, InputError) and fr_lib.value.field == "message.to"
    assert (fr_lib.value.response_code, fr_lib.value.reason) == (403, "FORBIDDEN")

    v3 = FlowroutenumbersandmessagingClient("key", SECRET, transport=wire)
    with pytest.raises(ErrorException) as sdk_v3:
        v3.numbers.list_phone_number_details("not-a-number")
    assert isinstance(sdk_v3.value, InputError)
    assert sdk_v3.value.response_code == 422 and sdk_v3.value.errors is not None
    assert json.loads(sdk_v3.value.context.response.raw_body)["errors"][0]["status"] == 422  # the demos print it

    api = bandwidth.Client("u-1", "t", SECRET, transport=wire)
    with pytest.raises(bandwidth.BandwidthMessageAPIException) as bw:
        api.send_message(from_="not a number", to="+19195551213", text="x")
    assert isinstance(bw.value, InputError) and bw.value.status_code == 400
    assert wire.requests == []


# ----------------------------------------------------------------------------- Bandwidth reads as tolerantly as BW-py


def test_bandwidth_returns_whatever_json_came_back() -> None:
    page = [{"id": "m-1"}, {"id": "m-2", "newField": {"innerValue": 1}}]
    api = bandwidth.Client("u-1", "t", SECRET, transport=Canned(200, page))
    assert list(api.list_messages()) == [{"id": "m-1"}, {"id": "m-2", "new_field": {"inner_value": 1}}]
    single = bandwidth.Client("u-1", "t", SECRET, transport=Canned(200, {"text": "only this"}))
    assert single.get_message("m-1") == {"text": "only this"}


def test_flowroute_drop_ins_return_whatever_json_came_back() -> None:
    # Neither the library nor the SDK v3 required a documented field of an answer: they returned the JSON.
    partial = {"data": [{"id": "98396", "extra": 1}]}  # no "links", no "type"
    v3 = FlowroutenumbersandmessagingClient("key", SECRET, transport=Canned(200, partial))
    assert v3.routes.list_inbound_routes() == partial
    lookup = {"data": {"id": MDR}}  # no "type", no "attributes"
    controller = flowroute_messaging.APIController("key", SECRET, transport=Canned(200, lookup))
    assert controller.get_message_lookup(MDR) == lookup


# ----------------------------------------------------------------------------- hooks


class Recorder(HttpCallBack):
    def __init__(self) -> None:
        self.before: list[HttpRequest] = []
        self.after: list[HttpContext] = []

    def on_before_request(self, request: HttpRequest) -> None:
        request.headers["x-trace"] = "t-1"  # the SDK let a hook add headers
        self.before.append(request)

    def on_after_response(self, context: HttpContext) -> None:
        self.after.append(context)


def test_flowroute_v3_http_call_back_is_called_around_each_request() -> None:
    wire = Canned(200, ROUTES)
    hooks = Recorder()
    client = FlowroutenumbersandmessagingClient("key", SECRET, transport=wire)
    client.routes.http_call_back = hooks
    client.routes.global_headers = {**client.routes.global_headers, "x-app": "demo"}
    client.routes.list_inbound_routes(5)
    (request,) = wire.requests
    assert (request.headers["x-trace"], request.headers["x-app"]) == ("t-1", "demo")
    assert [r.http_method for r in hooks.before] == ["GET"]
    assert hooks.before[0].query_parameters == {"limit": "5"}
    assert SECRET not in json.dumps(hooks.before[0].headers) and "Basic" not in json.dumps(hooks.before[0].headers)
    assert [c.response.status_code for c in hooks.after] == [200]
    assert json.loads(hooks.after[0].response.raw_body) == ROUTES


def test_flowroute_v3_call_back_given_to_a_controller_and_on_the_class(monkeypatch: pytest.MonkeyPatch) -> None:
    wire = Canned(200, ROUTES)
    monkeypatch.setattr(Configuration, "basic_auth_user_name", "key")
    monkeypatch.setattr(Configuration, "basic_auth_password", SECRET)
    # Controllers built alone share one connection; here it answers from ``wire``.
    monkeypatch.setattr(flowroute_v3, "_SHARED", flowroute_v3._Connection(transport=wire))
    own = Recorder()
    controller = flowroute_v3.RoutesController(None, own)
    shared = Recorder()
    monkeypatch.setattr(BaseController, "http_call_back", shared)
    controller.list_inbound_routes()
    flowroute_v3.RoutesController().list_inbound_routes()
    assert (len(own.before), len(shared.before)) == (1, 1)
    with pytest.warns(UserWarning, match="HttpClient"):
        flowroute_v3.NumbersController(object())


# ----------------------------------------------------------------------------- documented names


@pytest.mark.parametrize(
    ("module", "names"),
    [
        ("smsclients.legacy.bandwidth", ["client", "Client", "BandwidthMessageAPIException"]),
        ("smsclients.legacy.bandwidth.messaging", ["Client", "BandwidthMessageAPIException"]),
        ("smsclients.legacy.bandwidth.messaging.client_module", ["Client"]),
        ("smsclients.legacy.bandwidth.messaging.api_exception_module", ["BandwidthMessageAPIException"]),
        ("smsclients.legacy.bandwidth.client_module", ["client"]),
        ("smsclients.legacy.bandwidth.convert_camel", ["convert_object_to_snake_case"]),
        ("smsclients.legacy.flowroute_messaging", ["APIController", "APIException", "Configuration", "Message"]),
        (
            "smsclients.legacy.flowroute_messaging.Controllers.APIController",
            ["APIController", "APIException", "Configuration"],
        ),
        ("smsclients.legacy.flowroute_messaging.Models.Message", ["Message"]),
        ("smsclients.legacy.flowroute_v3.flowroutenumbersandmessaging_client", ["FlowroutenumbersandmessagingClient"]),
        ("smsclients.legacy.flowroute_v3.configuration", ["Configuration"]),
        ("smsclients.legacy.flowroute_v3.controllers.base_controller", ["BaseController"]),
        ("smsclients.legacy.flowroute_v3.controllers.numbers_controller", ["NumbersController"]),
        ("smsclients.legacy.flowroute_v3.exceptions.error_exception", ["ErrorException"]),
        ("smsclients.legacy.flowroute_v3.http.http_call_back", ["HttpCallBack"]),
        ("smsclients.legacy.flowroute_v3.http.http_context", ["HttpContext"]),
    ],
)
def test_sdk_module_paths_and_names_exist(module: str, names: list[str]) -> None:
    imported = importlib.import_module(module)
    for name in names:
        assert getattr(imported, name) is not None, (module, name)


def test_sdk_configuration_attributes_exist() -> None:
    assert flowroute_messaging.Configuration.BASE_URI == "https://api.flowroute.com/v2"
    assert Configuration.base_uri == "https://api.flowroute.com"
    assert Configuration.array_serialization == "indexed"
    assert hasattr(Configuration, "basic_auth_user_name") and hasattr(Configuration, "basic_auth_password")
    assert FlowroutenumbersandmessagingClient.config is Configuration
    api = bandwidth.Client("u-1", "t", SECRET)
    assert (api.user_id, api.api_endpoint, api.api_version) == ("u-1", "https://api.catapult.inetwork.com", "v1")
    assert tuple(api.auth) == ("t", SECRET) and SECRET not in repr(api.auth)
