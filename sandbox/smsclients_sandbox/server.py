"""Running the sandbox: a uvicorn server on a loopback socket, in the foreground or a thread.

The socket is bound before uvicorn starts, so port 0 works (the OS picks a free port) and the
URLs can be printed or handed to tests before the first request.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

import httpx
import uvicorn

from smsclients_sandbox.app import SandboxApp
from smsclients_sandbox.options import FaultOptions, SandboxOptions
from smsclients_sandbox.surfaces import SURFACES


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; binding it here (not in uvicorn) lets port 0 pick a free port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio only disables Nagle (TCP_NODELAY) on accepted sockets
    # whose protocol is explicitly TCP; with proto 0 every response costs a 40 ms delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class ExposedSandboxWarning(UserWarning):
    """The sandbox listens on an address other machines can reach."""


def exposure_warning(host: str) -> str | None:
    """The warning to give when ``host`` is not a loopback address (None when it is)."""
    name = host.strip("[]").lower()
    try:
        loopback = name == "localhost" or ipaddress.ip_address(name.split("%", 1)[0]).is_loopback
    except ValueError:
        loopback = False
    if loopback:
        return None
    return (
        f"the sandbox listens on {host}, not on loopback: other machines can reach its test credentials "
        "and its unauthenticated /_sandbox control API (reset, faults, injected callbacks). "
        "Use --host 127.0.0.1 unless you mean it."
    )


def root_url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def base_urls(root: str) -> dict[str, str]:
    """Surface name -> the base URL a generated client should be given."""
    return {s.name: root + s.prefix for s in SURFACES}


def make_server(app: SandboxApp, log_level: str = "warning") -> uvicorn.Server:
    config = uvicorn.Config(app, lifespan="off", log_level=log_level, access_log=False, timeout_graceful_shutdown=2)
    return uvicorn.Server(config)


class SandboxHandle:
    """What ``running()`` yields: URLs, credentials and the control hooks of one sandbox."""

    def __init__(self, url: str, options: SandboxOptions, app: SandboxApp) -> None:
        self.url = url
        self.options = options
        self.app = app
        self.base_urls = base_urls(url)
        self.credentials: dict[str, tuple[str, str]] = {s.name: options.credentials[s.provider] for s in SURFACES}

    def _control(self, method: str, path: str, payload: Any = None) -> Any:
        # trust_env=False: a proxy configured in the environment must not see loopback control calls.
        if method == "POST" and payload is None:
            payload = {}  # the control API takes JSON bodies only (see smsclients_sandbox.control)
        with httpx.Client(base_url=self.url, timeout=10, trust_env=False) as client:
            response = client.request(method, path, json=payload)
        if response.status_code == 400:
            raise ValueError(f"sandbox {path}: {response.json().get('message')}")
        response.raise_for_status()
        return response.json()

    def stats(self) -> dict[str, Any]:
        """``GET /_sandbox/stats``: accepted counts, markers, duplicates, faults, spec violations."""
        result: dict[str, Any] = self._control("GET", "/_sandbox/stats")
        return result

    def inject_reply(
        self,
        content: str,
        *,
        message_id: str | None = None,
        source_number: str | None = None,
        destination_number: str | None = None,
        callback_url: str | None = None,
    ) -> dict[str, Any]:
        """Make a MessageMedia reply appear (to ``message_id``'s message if given); returns it.

        It is pushed to ``callback_url``, else to the original message's ``callback_url``, else to
        the start-up callback URL for MessageMedia, if any.
        """
        payload = {
            k: v
            for k, v in {
                "content": content,
                "message_id": message_id,
                "source_number": source_number,
                "destination_number": destination_number,
                "callback_url": callback_url,
            }.items()
            if v is not None
        }
        result: dict[str, Any] = self._control("POST", "/_sandbox/messagemedia/replies", payload)
        return result

    def inject_inbound(self, provider: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Make a message arrive at a Flowroute or Bandwidth number (``POST /_sandbox/<provider>/inbound``).

        It is sent to ``payload["callback_url"]`` or, without one, to the provider's callback URL.
        """
        result: dict[str, Any] = self._control("POST", f"/_sandbox/{provider}/inbound", payload)
        return result

    def signature_key(self) -> dict[str, Any]:
        """The public key MessageMedia webhooks are signed with (``key_id``, ``digest``, ``public_key_pem``, ...)."""
        result: dict[str, Any] = self._control("GET", "/_sandbox/messagemedia/signature_key")
        return result

    def callbacks(self) -> list[dict[str, Any]]:
        """Every callback delivery so far, with its attempts (``GET /_sandbox/callbacks``)."""
        result: list[dict[str, Any]] = self._control("GET", "/_sandbox/callbacks")["deliveries"]
        return result

    def wait_for_callbacks(self, timeout: float = 10.0) -> bool:
        """Wait until no callback is queued or in flight; False if that did not happen within ``timeout`` s."""
        return self.app.state.callbacks.dispatcher.wait_idle(timeout)

    def advance(self, steps: int = 1) -> None:
        """Move in-flight MessageMedia messages ``steps`` steps (queued -> enroute -> delivered)."""
        self._control("POST", "/_sandbox/messagemedia/advance", {"steps": steps})

    def reset(self) -> None:
        """Forget all state and stats; the next request sees a freshly seeded sandbox (faults and clock too)."""
        self._control("POST", "/_sandbox/reset")

    def callback_url(self, surface: str, kind: str, number: str | None = None) -> str | None:
        """Where the sandbox would send a ``kind`` notification about ``number`` (see ``State.callback_url``)."""
        return self.app.state.callback_url(surface, kind, number)

    def approve_cnam(self, cnam_id: str, approved: bool = True, reason: str | None = None) -> dict[str, Any]:
        """Approve (or reject) a pending Flowroute CNAM record, as Flowroute's staff would."""
        payload = {"id": cnam_id, "approved": approved, "reason": reason}
        result: dict[str, Any] = self._control("POST", "/_sandbox/flowroute/cnams/approve", payload)
        return result

    def info(self) -> dict[str, Any]:
        """``GET /_sandbox/info``: seed, base URLs, the fault rates in force, queued faults, clock offset."""
        result: dict[str, Any] = self._control("GET", "/_sandbox/info")
        return result

    def fail_next(self, *faults: str) -> None:
        """Queue one fault per coming API request, in order, e.g. ``fail_next("503", "reset-after")``.

        Each is an ``X-Sandbox-Fault`` value (``429``, ``503``, ``reset-before``, ``reset-after``,
        ``stall-after=<ms>``, ``latency=<ms>``, ``retry-after=<s>``, ``none``; comma-separated to combine).
        """
        self._control("POST", "/_sandbox/faults", {"next": list(faults)})

    def set_faults(self, **rates: float) -> None:
        """Replace the fault rates (:class:`FaultOptions` fields or the CLI's names); those left out are off."""
        self._control("POST", "/_sandbox/faults", {"rates": {FAULT_ALIASES.get(k, k): v for k, v in rates.items()}})

    def advance_clock(self, seconds: float) -> None:
        """Move the sandbox's clock forward (scheduled MessageMedia messages fall due); reset() undoes it."""
        self._control("POST", "/_sandbox/clock", {"advance_s": seconds})


# CLI-style names accepted by running() next to the FaultOptions field names.
FAULT_ALIASES = {
    "fault_429": "rate_429",
    "fault_503": "rate_503",
    "fault_reset_before": "reset_before",
    "fault_reset_after": "reset_after",
    "fault_stall_after": "stall_after",
    "retry_after": "retry_after_s",
}


@contextmanager
def running(
    seed: int = 1,
    port: int = 0,
    host: str = "127.0.0.1",
    *,
    db: str | None = None,
    validate: bool = True,
    realistic: bool = False,
    credentials: dict[str, tuple[str, str]] | None = None,
    faults: FaultOptions | None = None,
    log_level: str = "warning",
    callback_urls: dict[str, str] | None = None,
    callback_time_scale: float | None = None,
    allow_external_callbacks: bool | None = None,
    **fault_rates: Any,
) -> Iterator[SandboxHandle]:
    """Run a sandbox in a background thread for the duration of the ``with`` block.

    ``fault_rates`` are :class:`FaultOptions` fields (``rate_429=0.2``, ``latency_ms=50``, …) or
    the CLI's names (``fault_429=0.2``, ``fault_reset_after=0.1``, ``retry_after=2``).
    ``credentials`` maps a provider (``flowroute``, ``bandwidth``, ``messagemedia``) to a pair;
    ``callback_urls`` maps a provider to its default callback URL (see :mod:`smsclients_sandbox.callbacks`);
    ``callback_time_scale`` multiplies the providers' retry delays (default 0.001);
    ``allow_external_callbacks`` lets callbacks go to non-loopback hosts (default: no, unless
    ``SMSCLIENTS_SANDBOX_ALLOW_EXTERNAL_CALLBACKS=1``). A non-loopback ``host`` gives an
    :class:`ExposedSandboxWarning`.
    """
    options = SandboxOptions(seed=seed, host=host, port=port, db=db, validate=validate, realistic=realistic)
    if callback_urls:
        options = replace(options, callback_urls=dict(callback_urls))  # type: ignore[arg-type]
    if callback_time_scale is not None:
        options = replace(options, callback_time_scale=callback_time_scale)
    if allow_external_callbacks is not None:
        options = replace(options, allow_external_callbacks=allow_external_callbacks)
    if credentials:
        options = replace(options, credentials={**options.credentials, **credentials})  # type: ignore[dict-item]
    if faults or fault_rates:
        rates = {FAULT_ALIASES.get(name, name): value for name, value in fault_rates.items()}
        options = replace(options, faults=replace(faults or FaultOptions(), **rates))
    options.faults.validate()
    exposed = exposure_warning(host)
    if exposed:
        warnings.warn(exposed, ExposedSandboxWarning, stacklevel=3)
    app = SandboxApp(options)
    sock = bind(host, port)
    server = make_server(app, log_level)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="sandbox", daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the sandbox server did not start")
            time.sleep(0.005)
        yield SandboxHandle(root_url(sock), options, app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
        app.close()
