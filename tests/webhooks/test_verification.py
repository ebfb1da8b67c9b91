"""Flowroute's source-address allow-list and Bandwidth's URL-embedded Basic credentials."""

from __future__ import annotations

import base64

import pytest
from smsclients import InputError, Secret
from smsclients.webhooks import (
    FLOWROUTE_SOURCE_ADDRESSES,
    BasicAuthVerifier,
    SourceAddressVerifier,
    WebhookRequest,
    WebhookVerificationError,
    check_basic_auth,
    check_source_address,
)


def _request(client: str | None = None, headers: dict[str, str] | None = None) -> WebhookRequest:
    return WebhookRequest.build("POST", "/hooks", headers or {}, b"{}", client_address=client)


@pytest.mark.parametrize("address", [*FLOWROUTE_SOURCE_ADDRESSES, "::ffff:52.88.246.140"])
def test_flowroute_documented_addresses_pass(address: str) -> None:
    check_source_address(address)
    SourceAddressVerifier().verify(_request(address))


@pytest.mark.parametrize("address", ["52.88.246.141", "127.0.0.1", "::1", "", None, "not an address"])
def test_other_addresses_are_refused(address: str | None) -> None:
    with pytest.raises(WebhookVerificationError) as caught:
        SourceAddressVerifier().verify(_request(address))
    assert caught.value.check == "source_address"
    if address:
        assert address not in str(caught.value)


def test_allow_list_takes_networks() -> None:
    verifier = SourceAddressVerifier(["10.0.0.0/8", "2001:db8::/32"])
    verifier.verify(_request("10.1.2.3"))
    verifier.verify(_request("2001:db8::7"))
    with pytest.raises(WebhookVerificationError):
        verifier.verify(_request("11.0.0.1"))
    with pytest.raises(InputError):
        SourceAddressVerifier(["10.0.0.0/33"])


def _basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_bandwidth_basic_credentials_pass() -> None:
    check_basic_auth(_basic("hook", "s3cret:with:colons"), username="hook", password="s3cret:with:colons")
    BasicAuthVerifier("hook", Secret("pw")).verify(_request(headers=_basic("hook", "pw")))


@pytest.mark.parametrize(
    "headers",
    [
        {},
        _basic("hook", "zq-guess-7"),
        _basic("other", "pw"),
        _basic("hook", "pw" + "x"),
        {"Authorization": "Bearer abc"},
        {"Authorization": "Basic !!!"},
        {"Authorization": "Basic " + base64.b64encode(b"hookpw").decode()},
    ],
)
def test_wrong_or_missing_credentials_are_refused_without_echo(headers: dict[str, str]) -> None:
    verifier = BasicAuthVerifier("hook", "pw-very-secret")
    with pytest.raises(WebhookVerificationError) as caught:
        verifier.verify(_request(headers=headers))
    assert caught.value.check == "basic_auth"
    text = f"{caught.value} {caught.value!r} {verifier!r}"
    assert "pw-very-secret" not in text
    assert "zq-guess-7" not in text and headers.get("Authorization", "@@") not in text
