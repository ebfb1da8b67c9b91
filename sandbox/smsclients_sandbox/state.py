"""The shared context every provider module works with: store, ids, stats, callbacks, clock, options."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from smsclients_sandbox.callback_urls import CallbackRegistry
from smsclients_sandbox.callbacks import Callbacks
from smsclients_sandbox.ids import Ids
from smsclients_sandbox.journal import Journal
from smsclients_sandbox.options import SandboxOptions
from smsclients_sandbox.stats import Stats
from smsclients_sandbox.storage import Store
from smsclients_sandbox.surfaces import Surface


class State:
    """Handles to everything stateful; one per running app."""

    def __init__(self, options: SandboxOptions, store: Store) -> None:
        self.options = options
        self.store = store
        self.ids = Ids(options.seed, store)
        self.stats = Stats(store)
        self.journal = Journal()  # what the inbox page lists: requests, faults, spec violations
        self.callback_urls = CallbackRegistry(store)  # set through the Flowroute API
        # Moved forward by POST /_sandbox/clock, so tests can let scheduled messages fall due;
        # back to zero on reset. HMAC date checks keep the real clock (clients sign with it).
        self.clock_offset = timedelta(0)
        self.callbacks = Callbacks(self)  # sends the webhooks (after the registry: it reads it)

    def callback_url(self, surface: str | Surface, kind: str, number: str | None = None) -> str | None:
        """The URL a ``kind`` notification (``sms_callback``, ``mms_callback``, ``dlr_callback``,
        ``sms_dlr_callback``, ``mms_dlr_callback``) about ``number`` is sent to, or None.

        ``surface`` is a surface or its name (``"flowroute-v2"``). A number's own URL wins over
        the account's; without ``number`` only the account's URL is considered.
        """
        return self.callback_urls.url(surface, kind, number)

    def now(self) -> datetime:
        """The sandbox's current time in UTC: the real clock plus any advance (providers timestamp with it)."""
        return datetime.now(UTC) + self.clock_offset


def iso_z(moment: datetime, digits: int = 3) -> str:
    """``2017-05-20T06:30:37.642Z`` style timestamps (milliseconds by default)."""
    text = moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    if digits <= 0:
        return text[:-7] + "Z"
    return text[: len(text) - 6 + min(digits, 6)] + "Z"


def parse_timestamp(value: str) -> datetime | None:
    """Parse the ISO-ish dates the specs accept; naive values are UTC; None if impossible.

    Accepts a bare date, ``T`` or space separator, optional seconds and fraction (any number of
    digits), ``Z`` or a ``±HH[:]MM`` offset.
    """
    text = value.strip().replace(" ", "T", 1)
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    if "." in text:
        head, _, tail = text.partition(".")
        digits = len(tail) - len(tail.lstrip("0123456789"))
        text = head + "." + tail[:digits][:6].ljust(6, "0") + tail[digits:]
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
