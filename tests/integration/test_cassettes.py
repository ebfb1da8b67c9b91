"""The recorded cassettes hold no credentials and cover every flow."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import yaml

from demo.run import FLOWS

CASSETTES = Path(__file__).resolve().parent / "cassettes" / "test_flows"
SECRETS = ["sandbox-secret-key", "sandbox-api-secret"]


# The webhooks, Bandwidth MMS and MessageMedia management flows need the sandbox to call a live receiver
# back, which a cassette cannot replay; they run live in tests/webhooks/test_sandbox_callbacks.py,
# tests/bandwidth/test_mms_flow.py, tests/messagemedia/test_management.py and test_demo.py.
LIVE_ONLY = {"webhooks modern", "bandwidth mms modern", "bandwidth mms legacy", "messagemedia mgmt modern"}


def test_every_flow_has_a_cassette() -> None:
    names = {path.stem for path in CASSETTES.glob("*.yaml")}
    assert {name for name, _ in FLOWS} >= LIVE_ONLY
    assert len(names) == len(FLOWS) - len(LIVE_ONLY) == 12


def test_cassettes_hold_no_credentials() -> None:
    encoded = [base64.b64encode(f"{user}:{secret}".encode()).decode() for user, secret in _pairs()]
    for path in CASSETTES.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for secret in [*SECRETS, *encoded]:
            assert secret not in text, f"{path.name} holds a credential"
        for interaction in yaml.safe_load(text)["interactions"]:
            headers = {name.lower() for name in interaction["request"]["headers"]}
            assert not headers & {"authorization", "proxy-authorization", "cookie", "x-api-key"}, path.name


def test_cassettes_hold_no_key_of_a_pre_signed_url() -> None:
    keyed = re.compile(r"(?i)\b(token|signature|x-amz-signature)=(?!REDACTED\b|%3Credacted%3E)")
    texts = {path.name: path.read_text(encoding="utf-8") for path in CASSETTES.glob("*.yaml")}
    assert "token=REDACTED" in texts["test_flowroute_port_orders.yaml"]  # the upload URL was recorded keyless
    assert [name for name, text in texts.items() if keyed.search(text)] == []


def _pairs() -> list[tuple[str, str]]:
    return [
        ("sandbox-access-key", "sandbox-secret-key"),
        ("sandbox-api-token", "sandbox-api-secret"),
        ("sandbox-api-key", "sandbox-api-secret"),
    ]
