"""Source addresses behind reverse proxies (``trusted_proxies``), and Basic credentials that must not be empty."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import pytest
from smsclients import InputError, Secret
from smsclients.webhooks import (
    BasicAuthVerifier,
    SourceAddressVerifier,
    WebhookRequest,
    WebhookVerificationError,
    check_basic_auth,
    check_source_address,
)

ROOT = Path(__file__).resolve().parents[2]
FLOWROUTE = "52.88.246.140"
PROXIES = ["10.0.0.0/8", "2001:db8::/32"]


def _request(peer: str | None, headers: Headers) -> WebhookRequest:
    return WebhookRequest.build("POST", "/hooks", headers, b"{}", client_address=peer)


Headers = dict[str, str] | list[tuple[str, str]]
PASSING: dict[str, tuple[str, Headers]] = {
    "x-forwarded-for, one proxy": ("10.0.0.1", {"X-Forwarded-For": FLOWROUTE}),
    "x-forwarded-for, two trusted proxies": ("10.0.0.1", {"X-Forwarded-For": f"{FLOWROUTE}, 10.9.9.9"}),
    "x-forwarded-for, spoofed entries left of the real client": (
        "10.0.0.1",
        {"X-Forwarded-For": f"1.2.3.4, evil, {FLOWROUTE}"},
    ),
    "x-forwarded-for split over two header lines": (
        "10.0.0.1",
        [("X-Forwarded-For", "6.6.6.6"), ("X-Forwarded-For", f"{FLOWROUTE}, 10.1.1.1")],
    ),
    "forwarded": ("10.0.0.1", {"Forwarded": f"for={FLOWROUTE};proto=https;by=10.0.0.1"}),
    "forwarded, quoted with a port, ipv6 proxy": (
        "2001:db8::5",
        {"Forwarded": f'for="{FLOWROUTE}:4711", for="[2001:db8::7]:80"'},
    ),
    "forwarded, case-insensitive name, empty elements": ("10.0.0.1", {"Forwarded": f",FOR={FLOWROUTE} ,"}),
    "both headers, agreeing": ("10.0.0.1", {"Forwarded": f"for={FLOWROUTE}", "X-Forwarded-For": FLOWROUTE}),
    "a direct request from the provider": (FLOWROUTE, {}),
    "a direct request, forwarding headers ignored": (FLOWROUTE, {"X-Forwarded-For": "6.6.6.6"}),
    "ipv4-mapped peer": ("::ffff:10.0.0.1", {"X-Forwarded-For": FLOWROUTE}),
}

REFUSED: dict[str, tuple[str | None, Headers]] = {
    "no proxies trusted (the default) and the peer is the proxy": ("10.0.0.1", {"X-Forwarded-For": FLOWROUTE}),
    "an untrusted peer sending the header itself": ("6.6.6.6", {"X-Forwarded-For": FLOWROUTE}),
    "the client right of the spoofed entry": ("10.0.0.1", {"X-Forwarded-For": f"{FLOWROUTE}, 6.6.6.6"}),
    "the trusted proxy forwarded nothing": ("10.0.0.1", {}),
    "an unknown hop": ("10.0.0.1", {"Forwarded": f"for={FLOWROUTE}, for=unknown"}),
    "an obfuscated hop": ("10.0.0.1", {"Forwarded": f"for={FLOWROUTE}, for=_hidden"}),
    "an element without for=": ("10.0.0.1", {"Forwarded": f"for={FLOWROUTE}, proto=https"}),
    "a malformed forwarded header": ("10.0.0.1", {"Forwarded": f'for={FLOWROUTE}, for="unterminated'}),
    "garbage in x-forwarded-for": ("10.0.0.1", {"X-Forwarded-For": f"{FLOWROUTE}, not-an-address"}),
    # A proxy that writes only X-Forwarded-For leaves a client's own Forwarded header as it was.
    "both headers, disagreeing": ("10.0.0.1", {"Forwarded": f"for={FLOWROUTE}", "X-Forwarded-For": "6.6.6.6"}),
    "only trusted hops": ("10.0.0.1", {"X-Forwarded-For": "10.2.2.2, 10.3.3.3"}),
    "no peer address": (None, {"X-Forwarded-For": FLOWROUTE}),
}


@pytest.mark.parametrize("case", sorted(PASSING))
def test_the_right_most_untrusted_address_is_checked(case: str) -> None:
    peer, headers = PASSING[case]
    SourceAddressVerifier(trusted_proxies=PROXIES).verify(_request(peer, headers))
    check_source_address(peer, headers=headers, trusted_proxies=PROXIES)


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_forwarding_headers_are_believed_only_from_trusted_proxies(case: str) -> None:
    peer, headers = REFUSED[case]
    trusted = [] if case.startswith("no proxies trusted") else PROXIES
    with pytest.raises(WebhookVerificationError) as caught:
        SourceAddressVerifier(trusted_proxies=trusted).verify(_request(peer, headers))
    assert caught.value.check == "source_address"
    with pytest.raises(WebhookVerificationError):
        check_source_address(peer, headers=headers, trusted_proxies=trusted)


def test_default_trusts_no_proxy() -> None:
    with pytest.raises(WebhookVerificationError):
        SourceAddressVerifier().verify(_request("127.0.0.1", {"X-Forwarded-For": FLOWROUTE}))
    with pytest.raises(WebhookVerificationError):
        check_source_address("127.0.0.1", headers={"Forwarded": f"for={FLOWROUTE}"})


@pytest.mark.parametrize("bad", [["not-a-network"], ["10.0.0.0/33"], [""]])
def test_bad_trusted_proxies_are_input_errors(bad: list[str]) -> None:
    with pytest.raises(InputError) as caught:
        SourceAddressVerifier(trusted_proxies=bad)
    assert caught.value.field == "trusted_proxies"


def test_one_address_string_is_one_proxy_not_its_characters() -> None:
    SourceAddressVerifier(trusted_proxies="10.0.0.1").verify(_request("10.0.0.1", {"X-Forwarded-For": FLOWROUTE}))


# ----------------------------------------------------------------------------- Basic credentials

EMPTY = [("", "pw"), ("hook", ""), ("", ""), ("hook", Secret("")), ("a:b", "pw"), (None, "pw"), ("hook", None)]


@pytest.mark.parametrize(("username", "password"), EMPTY)
def test_unusable_basic_credentials_are_refused_at_construction(username: object, password: object) -> None:
    with pytest.raises(InputError) as caught:
        BasicAuthVerifier(username, password)  # type: ignore[arg-type]
    assert caught.value.field in ("username", "password")


@pytest.mark.parametrize(("username", "password"), EMPTY)
def test_check_basic_auth_refuses_them_too(username: object, password: object) -> None:
    header = {"Authorization": "Basic " + base64.b64encode(b":").decode()}  # empty user and password
    with pytest.raises(InputError):
        check_basic_auth(header, username=username, password=password)  # type: ignore[arg-type]


def test_the_secret_is_not_in_the_construction_error() -> None:
    with pytest.raises(InputError) as caught:
        BasicAuthVerifier("", "pw-very-secret")
    assert "pw-very-secret" not in f"{caught.value} {caught.value!r}"


# ----------------------------------------------------------------------------- the missing extra


def test_missing_cryptography_names_the_extra_the_way_this_project_installs_it() -> None:
    code = (
        "import sys; sys.modules['cryptography'] = None\n"
        "from smsclients.webhooks import load_public_key\n"
        "try:\n    load_public_key('x')\nexcept ImportError as exc:\n    print(exc)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("clients", "overlays"))}
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "extra 'webhooks'" in result.stdout and "'.[webhooks]'" in result.stdout
    assert "sms-provider-clients[" not in result.stdout  # the package is on no index
