"""Configuration from the environment: every facade, sync and async, reads <PROVIDER>_<PARAMETER>.

Each client is built with no credentials and probed with one GET through a recording transport: the
request shows which credentials and base URL were used. Explicit arguments win; a missing variable
is an InputError naming it; a base URL from the environment is checked like an argument.
"""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from smsclients import (
    AsyncBandwidthClient,
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    BandwidthClient,
    FlowrouteClient,
    InputError,
    InsecureURLError,
    MessageMediaClient,
    MissingSettingError,
    NotFoundError,
    SmsClientError,
)
from smsclients.config import environment_variable, from_environment

from tests.fields import dig

MM_ID = "877c19ef-fa2e-4cec-827a-e1df9b5509f7"


@dataclass(frozen=True)
class Provider:
    name: str
    sync: type[Any]
    asynchronous: type[Any]
    credentials: dict[str, str]  # parameter -> value put in the environment
    production_host: str
    probe: Callable[[Any], Any]  # one GET; sync clients return the result, async ones an awaitable


PROVIDERS = [
    Provider(
        "flowroute",
        FlowrouteClient,
        AsyncFlowrouteClient,
        {"access_key": "fr-key", "secret_key": "fr-secret"},
        "api.flowroute.com",
        lambda c: c.messages_v2.get("mdr1-e3672cb28a9d422a9671945c9bc4eb9a"),
    ),
    Provider(
        "bandwidth",
        BandwidthClient,
        AsyncBandwidthClient,
        {"user_id": "u-from-env", "api_token": "bw-token", "api_secret": "bw-secret"},
        "api.catapult.inetwork.com",
        lambda c: c.messages.get("m-abc123"),
    ),
    Provider(
        "messagemedia",
        MessageMediaClient,
        AsyncMessageMediaClient,
        {"api_key": "mm-key", "api_secret": "mm-secret"},
        "api.messagemedia.com",
        lambda c: c.messages.status(MM_ID),
    ),
]
IDS = [p.name for p in PROVIDERS]


def _basic(user: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{secret}".encode()).decode()


def _env(provider: Provider) -> dict[str, str]:
    return {environment_variable(provider.name, k): v for k, v in provider.credentials.items()}


def _auth_pair(provider: Provider, values: dict[str, str]) -> tuple[str, str]:
    names = [k for k in provider.credentials if k != "user_id"]
    return values[names[0]], values[names[1]]


def _probe(provider: Provider, asynchronous: bool, **kwargs: Any) -> httpx.Request:
    """Build the client with ``kwargs`` (plus a recording transport), make one GET, return the request sent."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(404, json={"message": "not found"})

    if asynchronous:

        async def run() -> None:
            transport = httpx.MockTransport(handler)
            async with provider.asynchronous(transport=transport, **kwargs) as client:
                with pytest.raises(NotFoundError):
                    result = provider.probe(client)
                    assert isinstance(result, Awaitable)
                    await result

        asyncio.run(run())
    else:
        with provider.sync(transport=httpx.MockTransport(handler), **kwargs) as client, pytest.raises(NotFoundError):
            provider.probe(client)
    (request,) = seen
    return request


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No provider variable leaks in from the machine running the tests."""
    for provider in PROVIDERS:
        for parameter in [*provider.credentials, "base_url"]:
            monkeypatch.delenv(environment_variable(provider.name, parameter), raising=False)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("provider", PROVIDERS, ids=IDS)
def test_no_arguments_reads_the_credentials_and_base_url(
    provider: Provider, asynchronous: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _env(provider).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(environment_variable(provider.name, "base_url"), f"https://{provider.name}.example.test/root")
    request = _probe(provider, asynchronous)
    assert request.url.host == f"{provider.name}.example.test"
    assert request.url.path.startswith("/root/")
    assert request.headers["authorization"] == _basic(*_auth_pair(provider, provider.credentials))
    if provider.name == "bandwidth":
        assert "/users/u-from-env/" in request.url.path


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("provider", PROVIDERS, ids=IDS)
def test_without_a_base_url_variable_production_is_the_default(
    provider: Provider, asynchronous: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _env(provider).items():
        monkeypatch.setenv(name, value)
    assert _probe(provider, asynchronous).url.host == provider.production_host


@pytest.mark.parametrize("provider", PROVIDERS, ids=IDS)
def test_explicit_arguments_win_over_the_environment(provider: Provider, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in _env(provider).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv(environment_variable(provider.name, "base_url"), "https://from-env.example.test")
    explicit = {k: f"explicit-{v}" for k, v in provider.credentials.items()}
    request = _probe(provider, False, **explicit, base_url="https://explicit.example.test")
    assert request.url.host == "explicit.example.test"
    assert request.headers["authorization"] == _basic(*_auth_pair(provider, explicit))


@pytest.mark.parametrize("provider", PROVIDERS, ids=IDS)
def test_an_explicit_empty_argument_is_not_replaced_by_the_environment(
    provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _env(provider).items():
        monkeypatch.setenv(name, value)
    first = next(iter(provider.credentials))
    with pytest.raises(InputError) as caught:
        provider.sync(**{first: ""})
    assert caught.value.field == first and not isinstance(caught.value, MissingSettingError)


@pytest.mark.parametrize("asynchronous", [False, True], ids=["sync", "async"])
@pytest.mark.parametrize("provider", PROVIDERS, ids=IDS)
def test_each_missing_variable_is_named(
    provider: Provider, asynchronous: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    cls = provider.asynchronous if asynchronous else provider.sync
    for missing in provider.credentials:
        for name, value in _env(provider).items():
            monkeypatch.setenv(name, value)
        variable = environment_variable(provider.name, missing)
        monkeypatch.setenv(variable, "")  # empty counts as unset
        with pytest.raises(MissingSettingError) as caught:
            cls()
        assert caught.value.field == missing and caught.value.variable == variable
        assert variable in str(caught.value)
        assert isinstance(caught.value, InputError) and isinstance(caught.value, ValueError)


@pytest.mark.parametrize("provider", PROVIDERS, ids=IDS)
def test_a_clear_text_base_url_from_the_environment_is_refused_naming_the_variable(
    provider: Provider, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _env(provider).items():
        monkeypatch.setenv(name, value)
    variable = environment_variable(provider.name, "base_url")
    monkeypatch.setenv(variable, "http://api.example.test")
    with pytest.raises(InsecureURLError) as caught:
        provider.sync()
    assert caught.value.field == variable
    monkeypatch.setenv(variable, "http://127.0.0.1:9/root")  # loopback (the sandbox) is allowed
    assert _probe(provider, False).url.host == "127.0.0.1"


def test_secrets_from_the_environment_stay_out_of_reprs(monkeypatch: pytest.MonkeyPatch) -> None:
    for provider in PROVIDERS:
        for name, value in _env(provider).items():
            monkeypatch.setenv(name, value)
        with provider.sync() as client:
            text = repr(client) + repr(vars(client))
        for parameter, value in provider.credentials.items():
            if parameter != "user_id":
                assert value not in text


def test_from_environment_keeps_order_and_reads_a_given_mapping() -> None:
    env = {"ACME_A": "1", "ACME_C": "3"}
    assert from_environment("acme", environ=env, a=None, b="2", c=None) == ("1", "2", "3")
    with pytest.raises(MissingSettingError, match="ACME_D"):
        from_environment("acme", environ=env, a=None, d=None)


def test_the_sandbox_is_reachable_from_the_environment_alone(
    sandbox_server: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end: the variables the sms_sandbox fixture sets are all a client needs."""
    from smsclients_sandbox.testing import client_environment

    sandbox_server.reset()
    for name, value in client_environment(sandbox_server).items():
        monkeypatch.setenv(name, value)
    with FlowrouteClient() as fr, BandwidthClient() as bw, MessageMediaClient() as mm:
        assert dig(fr.messages.send(to="12066418000", from_="12012673227", body="env"), "data.id").startswith("mdr2-")
        assert bw.messages.send(from_="+19195551212", to="+19195554444", text="env").startswith("m-")
        sent = mm.messages.send([{"content": "env", "destination_number": "+61491570156"}])
        assert len(dig(sent, "messages")) == 1
    assert sandbox_server.stats()["accepted_total"] == 3


def test_errors_from_configuration_are_smsclient_errors() -> None:
    with pytest.raises(SmsClientError):
        FlowrouteClient()
