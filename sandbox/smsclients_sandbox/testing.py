"""What the ``sms_sandbox`` fixture gives a test: the sandbox's handle plus the clients' environment.

:attr:`SmsSandbox.env` holds the variables the clients read when constructed without arguments
(``FlowrouteClient()``, ``BandwidthClient()``, ``MessageMediaClient()``; the names are documented in
docs/guides/configuration.md), set to this sandbox's base URLs and credentials. The sandbox shares
no code with the clients: it only knows those documented names.
"""

from __future__ import annotations

from typing import Any

from smsclients_sandbox.server import SandboxHandle
from smsclients_sandbox.surfaces import SURFACES

__all__ = ["SANDBOX_USER_ID", "SmsSandbox", "client_environment"]

SANDBOX_USER_ID = "u-sandbox"  # Bandwidth's user id only names the account in the path; any is accepted


def client_environment(handle: SandboxHandle) -> dict[str, str]:
    """The clients' environment variables for this sandbox (``FLOWROUTE_ACCESS_KEY`` ... ``MESSAGEMEDIA_BASE_URL``)."""
    urls, credentials = handle.base_urls, handle.credentials
    flowroute, bandwidth, messagemedia = (
        credentials["flowroute-v2"],
        credentials["bandwidth-messaging-v1"],
        credentials["messagemedia-messages-v1"],
    )
    return {
        "FLOWROUTE_ACCESS_KEY": flowroute[0],
        "FLOWROUTE_SECRET_KEY": flowroute[1],
        "FLOWROUTE_BASE_URL": urls["flowroute-v2"],
        "BANDWIDTH_USER_ID": SANDBOX_USER_ID,
        "BANDWIDTH_API_TOKEN": bandwidth[0],
        "BANDWIDTH_API_SECRET": bandwidth[1],
        "BANDWIDTH_BASE_URL": urls["bandwidth-messaging-v1"],
        "MESSAGEMEDIA_API_KEY": messagemedia[0],
        "MESSAGEMEDIA_API_SECRET": messagemedia[1],
        "MESSAGEMEDIA_BASE_URL": urls["messagemedia-messages-v1"],
    }


class SmsSandbox(SandboxHandle):
    """A running sandbox for one test: URLs, credentials, ``env``, stats and the control hooks.

    Inherited: ``url``, ``base_urls``, ``credentials``, ``stats()``, ``info()``, ``inject_reply()``,
    ``advance()``, ``advance_clock()``, ``fail_next()``, ``set_faults()``, ``reset()``.
    """

    def __init__(self, handle: SandboxHandle) -> None:
        super().__init__(handle.url, handle.options, handle.app)
        self.env = client_environment(handle)

    def accepted(self, name: str | None = None) -> int:
        """Messages the sandbox accepted: all of them, or of one provider (``"flowroute"``) or surface."""
        counts: dict[str, Any] = self.stats()["accepted"]
        if name is None:
            return sum(int(count) for count in counts.values())
        providers = {s.provider for s in SURFACES}
        if name in providers:
            return sum(int(counts.get(s.name, 0)) for s in SURFACES if s.provider == name)
        if name not in counts:
            raise ValueError(f"unknown provider or surface {name!r}; one of {sorted(providers | set(counts))}")
        return int(counts[name])
