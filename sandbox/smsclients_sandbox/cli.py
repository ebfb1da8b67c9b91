"""``python -m smsclients_sandbox`` / ``smsclients-sandbox``: run the sandbox, print each surface's base URL.

Exit status: 0 after Ctrl+C, 2 for a bad option, 1 when it cannot start (the port is in use, the
extra ``sandbox`` is not installed), each with a one-line message on stderr.
"""

from __future__ import annotations

import argparse
import errno
import logging
import sys
import threading
import time
import webbrowser
from collections.abc import Sequence
from typing import Any

from smsclients_sandbox._extra import MissingExtraError, require_extra
from smsclients_sandbox.callback_policy import allow_external_from_env
from smsclients_sandbox.options import DEFAULT_CREDENTIALS, FaultOptions, SandboxOptions
from smsclients_sandbox.surfaces import Provider

EPILOG = f"""\
default credentials (Basic user:secret; MessageMedia HMAC uses the same key/secret):
  flowroute     {":".join(DEFAULT_CREDENTIALS["flowroute"])}
  bandwidth     {":".join(DEFAULT_CREDENTIALS["bandwidth"])}   (any userId in the path)
  messagemedia  {":".join(DEFAULT_CREDENTIALS["messagemedia"])}

per-request faults: header  X-Sandbox-Fault: 429 | 503 | latency=<ms> | reset-before | reset-after
                    | stall-after=<ms> | retry-after=<s> | none   (comma-separated)
inbox page: GET /  (live view of messages, receipts, callbacks; acts through the control API)
magic numbers: +15005550001..05 (errors), +15005550010..12 (outcomes); see the inbox or sandbox/README.md
control endpoints (no auth): GET /_sandbox/stats, GET /_sandbox/info, POST /_sandbox/reset,
                    POST /_sandbox/faults, POST /_sandbox/clock,
                    POST /_sandbox/messagemedia/replies, POST /_sandbox/messagemedia/advance,
                    POST /_sandbox/flowroute/inbound, POST /_sandbox/bandwidth/inbound,
                    GET /_sandbox/messagemedia/signature_key, GET /_sandbox/callbacks,
                    POST /_sandbox/realistic, POST /_sandbox/messages/outcome
"""


def _pair(text: str) -> tuple[str, str]:
    user, sep, secret = text.partition(":")
    if not sep or not user:
        raise argparse.ArgumentTypeError("expected USER:SECRET")
    return user, secret


def _callback(text: str) -> tuple[str, str]:
    provider, sep, url = text.partition("=")
    if (
        not sep
        or provider not in ("flowroute", "bandwidth", "messagemedia")
        or not url.startswith(("http://", "https://"))
    ):
        raise argparse.ArgumentTypeError("expected PROVIDER=URL, PROVIDER one of flowroute, bandwidth, messagemedia")
    return provider, url


def _rate(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError("a rate is between 0 and 1")
    return value


def parser(prog: str | None = None) -> argparse.ArgumentParser:
    """The command line; ``prog`` is how it was started (argparse's guess from ``sys.argv[0]`` by default)."""
    p = argparse.ArgumentParser(
        prog=prog,
        description="Local, stateful sandbox of the Flowroute, Bandwidth and MessageMedia APIs, "
        "validated against specs/*.yaml.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--host", default="127.0.0.1", help="interface to bind (default: loopback only)")
    p.add_argument("--port", type=int, default=8080, help="port (0 = any free port; default 8080)")
    p.add_argument("--seed", type=int, default=1, help="seed of the inventory, ids and fault draws (default 1)")
    p.add_argument("--db", help="SQLite file to keep state in across restarts (default: memory only)")
    p.add_argument("--no-validate", action="store_true", help="skip spec validation (benchmarks only)")
    p.add_argument("--fault-429", type=_rate, default=0.0, metavar="RATE", help="share of requests answered 429")
    p.add_argument("--fault-503", type=_rate, default=0.0, metavar="RATE", help="share of requests answered 503")
    p.add_argument("--latency-ms", type=int, default=0, help="latency added to every API request")
    p.add_argument("--fault-reset-before", type=_rate, default=0.0, metavar="RATE", help="resets before processing")
    p.add_argument("--fault-reset-after", type=_rate, default=0.0, metavar="RATE", help="resets after processing")
    p.add_argument(
        "--fault-stall-after", type=_rate, default=0.0, metavar="RATE", help="answers held back after processing"
    )
    p.add_argument("--stall-ms", type=int, default=2000, help="how long a stalled answer is held (default 2000)")
    p.add_argument("--retry-after", type=int, default=1, metavar="SECONDS", help="Retry-After of 429/503 (default 1)")
    for provider in ("flowroute", "bandwidth", "messagemedia"):
        p.add_argument(f"--{provider}-credentials", type=_pair, metavar="USER:SECRET", help=f"{provider} credentials")
    p.add_argument(
        "--realistic",
        action="store_true",
        help="answer with documented real-world variants (later enum values, omitted optional and extra fields)",
    )
    p.add_argument(
        "--callback-url",
        type=_callback,
        action="append",
        default=[],
        metavar="PROVIDER=URL",
        help="default callback URL of a provider (flowroute, bandwidth, messagemedia) for events without one; "
        "repeat per provider",
    )
    p.add_argument(
        "--allow-external-callbacks",
        action="store_true",
        help="also send callbacks to non-loopback hosts (default: loopback only; "
        "env SMSCLIENTS_SANDBOX_ALLOW_EXTERNAL_CALLBACKS=1 does the same)",
    )
    p.add_argument(
        "--callback-time-scale",
        type=float,
        default=0.001,
        metavar="FACTOR",
        help="multiplies the providers' callback retry delays (default 0.001: 30 s become 30 ms)",
    )
    p.add_argument(
        "--messagemedia-signature-digest",
        choices=["SHA224", "SHA256", "SHA512"],
        default="SHA256",
        help="digest of the key MessageMedia webhooks are signed with (default SHA256)",
    )
    p.add_argument("--open", action="store_true", help="open the inbox page (the root URL) in a web browser")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.add_argument(
        "--env",
        action="store_true",
        help="print the clients' environment variables (NAME=value lines, for `export`) instead of the URL table",
    )
    return p


def options_from(args: argparse.Namespace) -> SandboxOptions:
    credentials: dict[Provider, tuple[str, str]] = dict(DEFAULT_CREDENTIALS)
    for provider in ("flowroute", "bandwidth", "messagemedia"):
        pair = getattr(args, f"{provider}_credentials")
        if pair:
            credentials[provider] = pair
    faults = FaultOptions(
        rate_429=args.fault_429,
        rate_503=args.fault_503,
        latency_ms=args.latency_ms,
        reset_before=args.fault_reset_before,
        reset_after=args.fault_reset_after,
        retry_after_s=args.retry_after,
        stall_after=args.fault_stall_after,
        stall_ms=args.stall_ms,
    )
    return SandboxOptions(
        seed=args.seed,
        host=args.host,
        port=args.port,
        db=args.db,
        validate=not args.no_validate,
        realistic=args.realistic,
        credentials=credentials,
        faults=faults,
        callback_urls=dict(args.callback_url),
        callback_time_scale=args.callback_time_scale,
        messagemedia_signature_digest=args.messagemedia_signature_digest,
        allow_external_callbacks=args.allow_external_callbacks or allow_external_from_env(),
    )


def main(argv: Sequence[str] | None = None, prog: str | None = None) -> int:
    args = parser(prog).parse_args(argv)
    try:
        options = options_from(args)
        options.faults.validate()
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        require_extra()
    except MissingExtraError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    from smsclients_sandbox.app import SandboxApp
    from smsclients_sandbox.server import SandboxHandle, bind, exposure_warning, make_server, root_url
    from smsclients_sandbox.testing import client_environment

    try:
        sock = bind(options.host, options.port)
    except OSError as exc:
        reason = "the port is in use" if exc.errno == errno.EADDRINUSE else (exc.strerror or str(exc))
        print(
            f"error: cannot listen on {options.host}:{options.port}: {reason} (--port 0 picks a free one)",
            file=sys.stderr,
        )
        return 1
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s %(name)s: %(message)s")
    exposed = exposure_warning(options.host)
    if exposed:
        print(f"WARNING: {exposed}", file=sys.stderr)
    app = SandboxApp(options)
    handle = SandboxHandle(root_url(sock), options, app)
    if args.env:
        for name, value in client_environment(handle).items():
            print(f"{name}={value}")
    else:
        width = max(len(name) for name in handle.base_urls)
        for name, url in handle.base_urls.items():
            print(f"{name:<{width}}  {url}")
    print(f"inbox: {handle.url}/  (every message, receipt and callback, live)", file=sys.stderr)
    print(f"stats: {handle.url}/_sandbox/stats  (Ctrl+C to stop)", file=sys.stderr)
    sys.stdout.flush()
    server = make_server(app, args.log_level)
    if args.open:
        threading.Thread(target=_open_when_started, args=(server, handle.url + "/"), daemon=True).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn re-raises Ctrl+C after a graceful shutdown; that is a normal stop
    finally:
        sock.close()
        app.close()
    return 0


def _open_when_started(server: Any, url: str, limit_s: float = 30.0) -> None:
    """Open ``url`` in the user's browser once the server accepts connections."""
    deadline = time.monotonic() + limit_s
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    if server.started:
        webbrowser.open(url)
