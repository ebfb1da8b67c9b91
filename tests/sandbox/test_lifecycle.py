"""Starting and stopping the sandbox, from Python and from the command line."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx
from smsclients_sandbox import DEFAULT_CREDENTIALS, running

ROOT = Path(__file__).resolve().parents[2]
SURFACES = ["flowroute-messages-v2", "flowroute-v2", "bandwidth-messaging-v1", "messagemedia-messages-v1"]


def test_running_starts_on_a_free_loopback_port_and_stops() -> None:
    with running(seed=1) as sb:
        assert sb.url.startswith("http://127.0.0.1:")
        port = int(sb.url.rsplit(":", 1)[1])
        assert list(sb.base_urls) == SURFACES
        assert sb.base_urls["flowroute-v2"] == f"{sb.url}/flowroute"
        assert sb.base_urls["flowroute-messages-v2"] == f"{sb.url}/flowroute/v2"
        assert sb.base_urls["bandwidth-messaging-v1"] == f"{sb.url}/bandwidth/v1"
        assert sb.base_urls["messagemedia-messages-v1"] == f"{sb.url}/messagemedia"
        assert sb.credentials["flowroute-v2"] == DEFAULT_CREDENTIALS["flowroute"]
        assert sb.credentials["flowroute-messages-v2"] == DEFAULT_CREDENTIALS["flowroute"]
        info = httpx.get(f"{sb.url}/_sandbox/info").json()
        assert info["seed"] == 1 and info["validate"] is True and info["surfaces"] == sb.base_urls
    with socket.socket() as probe:  # the port is released
        probe.bind(("127.0.0.1", port))


def test_two_sandboxes_run_side_by_side() -> None:
    with running(seed=1) as a, running(seed=2) as b:
        assert a.url != b.url
        assert httpx.get(f"{a.url}/_sandbox/info").json()["seed"] == 1
        assert httpx.get(f"{b.url}/_sandbox/info").json()["seed"] == 2


def test_custom_credentials() -> None:
    with running(seed=1, credentials={"bandwidth": ("me", "s3cret")}) as sb:
        assert sb.credentials["bandwidth-messaging-v1"] == ("me", "s3cret")
        url = sb.base_urls["bandwidth-messaging-v1"] + "/users/u/messages"
        assert httpx.get(url, auth=("me", "s3cret")).status_code == 200
        assert httpx.get(url, auth=DEFAULT_CREDENTIALS["bandwidth"]).status_code == 401


def test_cli_prints_one_base_url_per_surface_and_serves() -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(str(ROOT / p) for p in ("clients", "overlays", "sandbox", "."))}
    process = subprocess.Popen(
        [sys.executable, "-m", "smsclients_sandbox", "--port", "0", "--seed", "4", "--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline().split() for _ in SURFACES]
        assert [name for name, _ in lines] == SURFACES
        urls = dict((name, url) for name, url in lines)
        assert urls["flowroute-v2"].startswith("http://127.0.0.1:") and urls["flowroute-v2"].endswith("/flowroute")
        response = httpx.get(urls["flowroute-v2"] + "/v2/routes", auth=DEFAULT_CREDENTIALS["flowroute"], timeout=10)
        assert response.status_code == 200
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=10) == 0


def test_cli_help_documents_the_defaults() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "sandbox")}
    result = subprocess.run(
        [sys.executable, "-m", "smsclients_sandbox", "--help"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    for user, secret in DEFAULT_CREDENTIALS.values():
        assert f"{user}:{secret}" in result.stdout
    assert "X-Sandbox-Fault" in result.stdout and "--no-validate" in result.stdout
