"""The four API surfaces the sandbox serves, and where each one is mounted.

Each surface is mounted under a path prefix chosen so that a generated client whose
``base_url`` is the printed URL sends exactly the spec paths: the prefix stands in for the
spec's ``servers[0].url``. The validation adapter maps the other way (sandbox URL -> server
URL) so openapi-core sees the request as the real provider would.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

Provider = Literal["flowroute", "bandwidth", "messagemedia"]


def _specs_dir() -> Path:
    """Where the OpenAPI documents are: package data once installed, else the repository's ``specs/``.

    The wheel's copy is made from ``specs/`` by the build (``setup.py``), so there is one source.
    """
    packaged = Path(__file__).resolve().parent / "specs"
    return packaged if packaged.is_dir() else Path(__file__).resolve().parents[2] / "specs"


SPECS_DIR = _specs_dir()


@dataclass(frozen=True)
class Surface:
    """One OpenAPI document served by the sandbox."""

    name: str
    provider: Provider
    prefix: str
    spec_file: str
    server_url: str
    media_type: str

    @property
    def spec_path(self) -> Path:
        return SPECS_DIR / self.spec_file

    @property
    def server_origin(self) -> str:
        """Scheme and host of the spec's server URL (what openapi-core calls ``host_url``)."""
        parts = urlsplit(self.server_url)
        return f"{parts.scheme}://{parts.netloc}"

    @property
    def server_base_path(self) -> str:
        """Path part of the spec's server URL (``/v2``, ``/v1`` or empty)."""
        return urlsplit(self.server_url).path.rstrip("/")


FLOWROUTE_MESSAGES_V2 = Surface(
    name="flowroute-messages-v2",
    provider="flowroute",
    prefix="/flowroute/v2",
    spec_file="flowroute-messages-v2.yaml",
    server_url="https://api.flowroute.com/v2",
    media_type="application/json",
)
FLOWROUTE_V2 = Surface(
    name="flowroute-v2",
    provider="flowroute",
    prefix="/flowroute",
    spec_file="flowroute-v2.yaml",
    server_url="https://api.flowroute.com",
    media_type="application/vnd.api+json",
)
BANDWIDTH_V1 = Surface(
    name="bandwidth-messaging-v1",
    provider="bandwidth",
    prefix="/bandwidth/v1",
    spec_file="bandwidth-messaging-v1.yaml",
    server_url="https://api.catapult.inetwork.com/v1",
    media_type="application/json",
)
MESSAGEMEDIA_V1 = Surface(
    name="messagemedia-messages-v1",
    provider="messagemedia",
    prefix="/messagemedia",
    spec_file="messagemedia-messages-v1.yaml",
    server_url="https://api.messagemedia.com",
    media_type="application/json",
)

# Order matters for dispatch: the Flowroute Messages v2 prefix (/flowroute/v2) lies inside the
# Flowroute v2 prefix (/flowroute), so its routes are tried first.
SURFACES: tuple[Surface, ...] = (FLOWROUTE_MESSAGES_V2, FLOWROUTE_V2, BANDWIDTH_V1, MESSAGEMEDIA_V1)
SURFACES_BY_NAME: dict[str, Surface] = {s.name: s for s in SURFACES}
