"""Local, stateful sandbox of the Flowroute, Bandwidth Catapult and MessageMedia APIs.

Lets users try, test and benchmark the clients without provider accounts or charges. Every
request and every response is checked against ``specs/*.yaml`` (the files the clients are
generated from), so the sandbox cannot drift from what the clients expect.

Start it::

    python -m smsclients_sandbox --host 127.0.0.1 --port 8080 --seed 1 [--db state.sqlite] [--no-validate]
        [--fault-429 0.2 --fault-503 0.0 --latency-ms 0 --fault-reset-before 0.0 --fault-reset-after 0.0
         --fault-stall-after 0.0 --stall-ms 2000]

or from Python (tests, the demo)::

    with smsclients_sandbox.running(seed=1) as sb:   # free loopback port, background thread
        sb.base_urls["flowroute-v2"]             # -> "http://127.0.0.1:<port>/flowroute"
        sb.credentials["flowroute-v2"]           # -> ("sandbox-access-key", "sandbox-secret-key")
        sb.stats(); sb.inject_reply("Yes!", message_id=...); sb.advance(); sb.reset()
        sb.fail_next("503"); sb.set_faults(rate_429=0.2); sb.advance_clock(3600)

In a pytest suite, the ``sms_sandbox`` fixture (:mod:`smsclients_sandbox.pytest_plugin`) does this
for you and points the clients' environment variables at it.

The root URL (``http://HOST:PORT/``, ``--open`` opens it) is a live web inbox of every message,
receipt, callback and request (:mod:`smsclients_sandbox.inbox`); magic destination numbers
(:mod:`smsclients_sandbox.magic`) produce every documented error and delivery outcome.

Surfaces (base URL = what a generated client is given):

    flowroute-messages-v2     http://HOST:PORT/flowroute/v2
    flowroute-v2              http://HOST:PORT/flowroute
    bandwidth-messaging-v1    http://HOST:PORT/bandwidth/v1
    messagemedia-messages-v1  http://HOST:PORT/messagemedia

Default credentials (change with ``--<provider>-credentials USER:SECRET``):

    Flowroute (both surfaces)  Basic  sandbox-access-key : sandbox-secret-key
    Bandwidth                  Basic  sandbox-api-token  : sandbox-api-secret   (any userId)
    MessageMedia               Basic  sandbox-api-key    : sandbox-api-secret
                               or HMAC with the same key/secret (docs/providers.md; date skew <= 5 min)

Initial Flowroute account: numbers 12012673227, 12014845220 (standard) and 18444205700,
18553569768 (toll-free), routes 0 (sip-reg) and 83834; created routes get ids from 98396.

Faults (off by default): start-up rates, or per request ``X-Sandbox-Fault: 429 | 503 |
latency=<ms> | reset-before | reset-after | stall-after=<ms> | retry-after=<s> | none``
(comma-separated).
Realistic mode (off by default): ``--realistic`` / ``running(realistic=True)``, or per request
``X-Sandbox-Realistic: on|off``: answers in documented real-world variants (``realistic.py``).

Control endpoints (no auth): ``GET /_sandbox/stats``, ``GET /_sandbox/info``,
``POST /_sandbox/reset``, ``POST /_sandbox/faults``, ``POST /_sandbox/clock``,
``POST /_sandbox/messagemedia/replies``, ``POST /_sandbox/messagemedia/advance``,
``POST /_sandbox/flowroute/cnams/approve``, ``GET /_sandbox/flowroute/cdrexports/<id>.csv.gz``,
``POST /_sandbox/flowroute/inbound``, ``POST /_sandbox/bandwidth/inbound``,
``GET /_sandbox/messagemedia/signature_key``, ``GET /_sandbox/callbacks``. Messaging callback URLs
set through the Flowroute API: ``State.callback_url(surface, kind, number=None)``
(``sb.callback_url`` in tests).

Callbacks (:mod:`smsclients_sandbox.callbacks`): status events and injected inbound messages are
sent to the callback URLs, from background threads, retried on each provider's schedule run
``--callback-time-scale`` times as fast; MessageMedia webhooks are RSA-signed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from smsclients_sandbox._extra import MissingExtraError, require_extra

if TYPE_CHECKING:
    from smsclients_sandbox.app import SandboxApp, build_app
    from smsclients_sandbox.options import DEFAULT_CREDENTIALS, FaultOptions, SandboxOptions
    from smsclients_sandbox.server import SandboxHandle, running

# Imported on first use, so that importing the package (as pytest does for the plugin) needs none
# of the extra's dependencies; a missing one is reported then, naming the extra.
_LAZY = {
    "SandboxApp": "app",
    "build_app": "app",
    "DEFAULT_CREDENTIALS": "options",
    "FaultOptions": "options",
    "SandboxOptions": "options",
    "SandboxHandle": "server",
    "running": "server",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    require_extra()
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "DEFAULT_CREDENTIALS",
    "FaultOptions",
    "MissingExtraError",
    "SandboxApp",
    "SandboxHandle",
    "SandboxOptions",
    "build_app",
    "running",
]
