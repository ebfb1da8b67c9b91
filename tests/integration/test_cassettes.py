"""The recorded cassettes hold no credentials and cover every flow."""

from __future__ import annotations

import base64
from pathlib import Path

import yaml

from demo.run import FLOWS

CASSETTES = Path(__file__).resolve().parent / "cassettes" / "test_flows"
SECRETS = ["sandbox-secret-key", "sandbox-api-secret"]


# The webhooks flows need the sandbox to call a live receiver back, which a cassette cannot replay;
# they run live in tests/webhooks/test_sandbox_callbacks.py, tests/messagemedia/test_management.py
# and in test_demo.py.
LIVE_ONLY = {"webhooks modern", "messagemedia mgmt modern"}


def test_every_flow_has_a_cassette() -> None:
    names = {path.stem for path in CASSETTES.glob("*.yaml")}
    assert {name for name, _ in FLOWS} >= LIVE_ONLY
    assert len(names) == len(FLOWS) - len(LIVE_ONLY) == 11


def test_cassettes_hold_no_credentials() -> None:
    encoded = [base64.b64encode(f"{user}:{secret}".encode()).decode() for user, secret in _pairs()]
    for path in CASSETTES.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for secret in [*SECRETS, *encoded]:
            assert secret not in text, f"{path.name} holds a credential"
        for interaction in yaml.safe_load(text)["interactions"]:
            headers = {name.lower() for name in interaction["request"]["headers"]}
            assert not headers & {"authorization", "proxy-authorization", "cookie", "x-api-key"}, path.name


def _pairs() -> list[tuple[str, str]]:
    return [
        ("sandbox-access-key", "sandbox-secret-key"),
        ("sandbox-api-token", "sandbox-api-secret"),
        ("sandbox-api-key", "sandbox-api-secret"),
    ]
