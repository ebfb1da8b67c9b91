"""The sandbox's own spec checks: every operation is served, bad responses are caught loudly."""

from __future__ import annotations

import logging

import httpx
import pytest
from smsclients_sandbox import SandboxApp, SandboxHandle, SandboxOptions, running
from smsclients_sandbox.surfaces import SURFACES
from smsclients_sandbox.validation import load_spec
from smsclients_sandbox.wire import Call, Reply

from tests.sandbox.helpers import client

METHODS = {"get", "put", "post", "patch", "delete"}


def test_every_spec_operation_is_implemented_and_nothing_else() -> None:
    app = SandboxApp(SandboxOptions())
    try:
        for surface in SURFACES:
            document = load_spec(surface.spec_path)
            declared = {
                (method.upper(), path, op["operationId"])
                for path, item in document["paths"].items()
                for method, op in item.items()
                if method in METHODS
            }
            served = {(o.method, o.template, o.operation_id) for o in app.operations if o.surface is surface}
            assert served == declared, surface.name
    finally:
        app.close()


def test_a_response_that_violates_the_spec_becomes_a_loud_500(caplog: pytest.LogCaptureFixture) -> None:
    with running(seed=1) as sb:
        op = next(o for o in sb.app.operations if o.operation_id == "list_routes")

        def broken(call: Call) -> Reply:
            return Reply(200, {"data": "not a list"})

        object.__setattr__(op, "handler", broken)
        with caplog.at_level(logging.ERROR, logger="sandbox"), client(sb, "flowroute-v2") as c:
            response = c.get("/v2/routes")
        assert response.status_code == 500
        assert "violated the spec" in response.json()["errors"][0]["detail"]
        assert sb.stats()["spec_violations"] == 1
    assert any("SANDBOX BUG" in r.getMessage() and "list_routes" in r.getMessage() for r in caplog.records)


def test_no_validate_skips_the_spec_checks() -> None:
    with running(seed=1, validate=False) as sb, client(sb, "flowroute-v2") as c:
        # limit 401 breaks the spec's maximum (a 422 when validating); unchecked, it is clamped.
        response = c.get("/v2/numbers/available/areacodes", params={"limit": 401})
        assert response.status_code == 200
        # Handlers still refuse what they cannot process, in the provider's shape.
        body = c.post("/v2/routes", json={"data": {}})
        assert body.status_code == 422 and "errors" in body.json()


def test_unknown_paths_are_404(sb: SandboxHandle) -> None:
    assert httpx.get(sb.url + "/nowhere").status_code == 404
    with client(sb, "bandwidth-messaging-v1") as c:
        missing = c.get("/users")
        assert missing.status_code == 404 and "message" in missing.json()
