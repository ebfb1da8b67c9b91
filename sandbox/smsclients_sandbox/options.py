"""Start-up options of the sandbox: seed, credentials, validation, storage and faults.

One frozen dataclass shared by the CLI and the Python API, so both document the same defaults.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from smsclients_sandbox.callback_policy import allow_external_from_env
from smsclients_sandbox.surfaces import Provider

# Documented defaults (also in the package docstring and `--help`): what the demo and the tests
# use. They are not secrets; the sandbox only listens on loopback unless told otherwise.
DEFAULT_CREDENTIALS: dict[Provider, tuple[str, str]] = {
    "flowroute": ("sandbox-access-key", "sandbox-secret-key"),
    "bandwidth": ("sandbox-api-token", "sandbox-api-secret"),
    "messagemedia": ("sandbox-api-key", "sandbox-api-secret"),
}


@dataclass(frozen=True)
class FaultOptions:
    """Fault rates applied to every API request (not /_sandbox), drawn from a seeded RNG.

    A request carrying an ``X-Sandbox-Fault`` header uses the header instead of the rates.
    """

    rate_429: float = 0.0
    rate_503: float = 0.0
    latency_ms: int = 0
    reset_before: float = 0.0
    reset_after: float = 0.0
    retry_after_s: int = 1
    # Process the request, then hold the answer this long: past a client's timeout, the outcome of
    # a send is unknown to it although the message was stored (the timeout twin of reset_after).
    stall_after: float = 0.0
    stall_ms: int = 2000

    def validate(self) -> None:
        for name in ("rate_429", "rate_503", "reset_before", "reset_after", "stall_after"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"fault rate {name} must be between 0 and 1, got {value}")
        if self.latency_ms < 0 or self.retry_after_s < 0 or self.stall_ms < 0:
            raise ValueError("latency, stall and Retry-After must not be negative")


@dataclass(frozen=True)
class SandboxOptions:
    """Everything the app needs to start; ``host``/``port`` are only used by the runners."""

    seed: int = 1
    host: str = "127.0.0.1"
    port: int = 8080
    db: str | None = None
    validate: bool = True
    credentials: dict[Provider, tuple[str, str]] = field(default_factory=lambda: dict(DEFAULT_CREDENTIALS))
    faults: FaultOptions = field(default_factory=FaultOptions)
    hmac_max_skew_s: int = 300
    realistic: bool = False
    """Answer with documented real-world variants (see :mod:`smsclients_sandbox.realistic`)."""
    # Callbacks (smsclients_sandbox.callbacks): a default URL per provider for events that have no
    # URL of their own, how fast retry schedules run (0.001: 30 s become 30 ms), MessageMedia's digest.
    callback_urls: dict[Provider, str] = field(default_factory=dict)
    callback_time_scale: float = 0.001
    messagemedia_signature_digest: str = "SHA256"
    # Callbacks go to loopback hosts only unless opted in (smsclients_sandbox.callback_policy).
    allow_external_callbacks: bool = field(default_factory=allow_external_from_env)
