"""Property-based contract test: no sandbox response violates its spec (schemathesis).

Schemathesis generates schema-valid requests (positive mode: the spec examples first, then
random data) for every operation of the four specs (the new ones of spec 1.1.0 included),
sends them to a running sandbox with the documented Basic credentials, and checks each
response with its conformance checks (status code declared, content type, headers, body
schema) plus "no 5xx". Requests that violate the
spec are covered by the hand-written tests, because the specs do not declare a 4xx for every
kind of invalid input (see sandbox/README.md, "Validation").

Bounded for CI: ``MAX_EXAMPLES`` random cases per operation, no shrinking, deterministic.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from smsclients_sandbox import SandboxHandle, running
from smsclients_sandbox.surfaces import SURFACES_BY_NAME

Case = schemathesis.Case[Any]

# 69 Flowroute v2 operations since spec 1.2.0: 25 cases each keeps the whole run near a minute or two.
MAX_EXAMPLES = 25
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _schema(surface: str) -> schemathesis.BaseSchema:
    schema = schemathesis.openapi.from_path(SURFACES_BY_NAME[surface].spec_path)
    schema.config.generation.update(
        modes=[GenerationMode.POSITIVE], max_examples=MAX_EXAMPLES, no_shrink=True, deterministic=True
    )
    return schema


@pytest.fixture(scope="module")
def contract_sandbox() -> Iterator[SandboxHandle]:
    with running(seed=11) as sb:
        yield sb


flowroute_messages_v2 = _schema("flowroute-messages-v2")
flowroute_v2 = _schema("flowroute-v2")
bandwidth = _schema("bandwidth-messaging-v1")
messagemedia = _schema("messagemedia-messages-v1")

SETTINGS = settings(deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


def _check(case: Case, sb: SandboxHandle, surface: str) -> None:
    case.call_and_validate(base_url=sb.base_urls[surface], auth=sb.credentials[surface], checks=CHECKS)


@flowroute_messages_v2.parametrize()
@SETTINGS
def test_flowroute_messages_v2(case: Case, contract_sandbox: SandboxHandle) -> None:
    _check(case, contract_sandbox, "flowroute-messages-v2")


@flowroute_v2.parametrize()
@SETTINGS
def test_flowroute_v2(case: Case, contract_sandbox: SandboxHandle) -> None:
    _check(case, contract_sandbox, "flowroute-v2")


@bandwidth.parametrize()
@SETTINGS
def test_bandwidth_messaging_v1(case: Case, contract_sandbox: SandboxHandle) -> None:
    _check(case, contract_sandbox, "bandwidth-messaging-v1")


@messagemedia.parametrize()
@SETTINGS
def test_messagemedia_messages_v1(case: Case, contract_sandbox: SandboxHandle) -> None:
    _check(case, contract_sandbox, "messagemedia-messages-v1")


def test_the_contract_run_caused_no_spec_violation(contract_sandbox: SandboxHandle) -> None:
    """The sandbox's own response validation agrees (it would have answered 500 otherwise)."""
    assert contract_sandbox.stats()["spec_violations"] == 0
