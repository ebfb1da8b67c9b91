"""The ``smsclients`` command: sends against the sandbox, exit codes by outcome, --json, redaction, status.

``main()`` runs in-process with the environment pointed at the session sandbox; CI runs the
installed console script from the wheel (``.ci/wheel-smoke``).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from smsclients.cli import (
    EXIT_API_ERROR,
    EXIT_DELIVERY_UNKNOWN,
    EXIT_INPUT,
    EXIT_NOT_SENT,
    EXIT_OK,
    installed_clients,
    main,
)
from smsclients_sandbox.testing import client_environment

ROOT = Path(__file__).resolve().parents[2]
SENDS = {
    "flowroute": ["--to", "12066418000", "--from", "12012673227"],
    "bandwidth": ["--to", "+19195551212", "--from", "+19195554444"],
    "messagemedia": ["--to", "+61491570156"],
}


@pytest.fixture
def sb(sandbox_server: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    sandbox_server.reset()
    for name, value in client_environment(sandbox_server).items():
        monkeypatch.setenv(name, value)
    return sandbox_server


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    out = capsys.readouterr().out
    document: dict[str, Any] = json.loads(out)
    return document


@pytest.mark.parametrize("provider", sorted(SENDS))
def test_send_through_each_provider(provider: str, sb: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", provider, *SENDS[provider], "hello from the command line"]) == EXIT_OK
    out, err = capsys.readouterr()
    status, _, rest = out.partition(": ")
    assert status in ("accepted", "queued") and rest.startswith(f"{provider} message ") and err == ""
    assert main(["send", provider, *SENDS[provider], "again", "--json"]) == EXIT_OK
    document = _json(capsys)
    assert document["ok"] is True and document["provider"] == provider and document["id"]
    assert document["status"] in ("accepted", "queued")
    assert sb.stats()["accepted_total"] == 2


def test_json_may_come_first(sb: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--json", "send", "bandwidth", *SENDS["bandwidth"], "hi"]) == EXIT_OK
    assert _json(capsys)["id"].startswith("m-")


def test_input_errors_exit_2_and_send_nothing(sb: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", "bandwidth", "--to", "not-a-number", "--from", "+19195554444", "hi"]) == EXIT_INPUT
    assert capsys.readouterr().err.startswith("error: InputError: ")
    assert main(["send", "flowroute", "--to", "12066418000", "hi"]) == EXIT_INPUT  # --from is required here
    assert "--from" in capsys.readouterr().err
    assert main(["send", "twilio", "--to", "1", "hi"]) == EXIT_INPUT  # argparse's own usage errors are 2 as well
    err = capsys.readouterr().err
    assert err.startswith("usage: smsclients send") and "error: argument provider: invalid choice" in err
    assert sb.stats()["accepted_total"] == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["--json", "send", "twilio", "--to", "1", "hi"],
        ["send", "--json", "flowroute", "--to", "1"],  # a missing positional
        ["send", "flowroute", "hi", "--json"],  # a missing option
        ["--json", "bogus"],  # an unknown command
        ["status", "--json", "--no-such-option"],
        ["--json"],  # no command at all
    ],
)
def test_usage_errors_are_json_with_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == EXIT_INPUT
    captured = capsys.readouterr()
    document = json.loads(captured.out)
    assert document["ok"] is False and document["exit_code"] == EXIT_INPUT
    assert document["error"]["type"] == "UsageError" and document["error"]["message"].startswith("smsclients")
    assert captured.err == ""


def test_a_missing_variable_is_named(
    sb: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MESSAGEMEDIA_API_SECRET")
    assert main(["send", "messagemedia", *SENDS["messagemedia"], "hi", "--json"]) == EXIT_INPUT
    error = _json(capsys)["error"]
    assert error["type"] == "MissingSettingError" and "MESSAGEMEDIA_API_SECRET" in error["message"]


def test_api_errors_exit_3_redacted(
    sb: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    canary = "canary-secret-0123456789"
    monkeypatch.setenv("FLOWROUTE_SECRET_KEY", canary)
    assert main(["send", "flowroute", *SENDS["flowroute"], "hi", "--json"]) == EXIT_API_ERROR
    out = capsys.readouterr().out
    document = json.loads(out)
    assert document == {"ok": False, "exit_code": 3, "error": document["error"]}
    assert document["error"]["type"] == "AuthenticationError" and document["error"]["status_code"] == 401
    assert canary not in out
    assert main(["send", "flowroute", *SENDS["flowroute"], "hi"]) == EXIT_API_ERROR
    captured = capsys.readouterr()
    assert captured.err.startswith("error: AuthenticationError: ") and canary not in captured.err + captured.out


def test_unknown_delivery_exits_4(sb: Any, capsys: pytest.CaptureFixture[str]) -> None:
    sb.fail_next("reset-after")
    assert main(["send", "messagemedia", *SENDS["messagemedia"], "hi", "--json"]) == EXIT_DELIVERY_UNKNOWN
    assert _json(capsys)["error"]["type"] == "DeliveryUnknownError"
    assert sb.stats()["accepted_total"] == 1  # it did arrive, and was not sent a second time


def test_an_unreachable_provider_exits_5(sb: Any, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again before the send: nothing listens there
    base_url = f"http://127.0.0.1:{port}/bandwidth/v1"
    assert main(["send", "bandwidth", *SENDS["bandwidth"], "--base-url", base_url, "hi"]) == EXIT_NOT_SENT
    assert capsys.readouterr().err.startswith("error: ConnectionFailedError: ")


def test_a_503_to_a_send_is_an_api_error(sb: Any, capsys: pytest.CaptureFixture[str]) -> None:
    sb.fail_next("503")
    assert main(["send", "bandwidth", *SENDS["bandwidth"], "hi"]) == EXIT_API_ERROR
    assert "ServerError" in capsys.readouterr().err


def test_unexpected_errors_are_one_scrubbed_line(
    sb: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from smsclients import cli

    secret = os.environ["MESSAGEMEDIA_API_SECRET"]

    def broken(*args: object) -> cli.Sent:
        raise RuntimeError(f"bug holding {secret}")

    monkeypatch.setitem(cli.SENDERS, "messagemedia", broken)
    assert main(["send", "messagemedia", *SENDS["messagemedia"], "hi"]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line == "error: RuntimeError: bug holding <redacted>"


def test_status_lists_every_client_with_its_pin(capsys: pytest.CaptureFixture[str]) -> None:
    lock = json.loads((ROOT / "clients.lock.json").read_text())["clients"]
    assert main(["status", "--json"]) == EXIT_OK
    document = _json(capsys)
    found = {c["package"]: c for c in document["clients"]}
    assert set(found) == {pin["package"] for pin in lock.values()}
    for pin in lock.values():
        client = found[pin["package"]]
        assert (client["spec_path"], client["spec_version"], client["spec_sha256"]) == (
            pin["spec"],
            pin["version"],
            pin["sha256"],
        )
        assert client["generator"].endswith(pin["generator"])
    assert document["sandbox"] is True
    assert main(["status"]) == EXIT_OK
    out = capsys.readouterr().out
    assert all(pin["sha256"][:12] in out for pin in lock.values())
    assert installed_clients() == document["clients"]


def test_sandbox_subcommand_passes_its_options_on(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        assert main(["sandbox", "--port", str(port)]) == 1
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith(f"error: cannot listen on 127.0.0.1:{port}: the port is in use")
    with pytest.raises(SystemExit) as shown:
        main(["sandbox", "--help"])
    assert shown.value.code == 0 and "usage: smsclients sandbox" in capsys.readouterr().out


def test_no_client_imports_the_command_line() -> None:
    code = (
        "import sys, smsclients\n"
        "from smsclients import FlowrouteClient, BandwidthClient, MessageMediaClient, AsyncFlowrouteClient\n"
        "import smsclients.legacy.flowroute_v3, smsclients.legacy.bandwidth, smsclients.legacy.messagemedia\n"
        "import smsclients.legacy.flowroute_messaging, smsclients.transports\n"
        "print('smsclients.cli' in sys.modules, 'argparse' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("clients", "overlays"))}
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.split()[0] == "False"
