"""What a flow needs: where the sandbox is (:class:`Target`) and how to report a step (:class:`Reporter`)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TextIO, TypeVar

import httpx

T = TypeVar("T")

# Surface names, as the sandbox prints them (``sandbox.base_urls``).
FLOWROUTE_V2 = "flowroute-v2"
FLOWROUTE_MESSAGES_V2 = "flowroute-messages-v2"
BANDWIDTH = "bandwidth-messaging-v1"
MESSAGEMEDIA = "messagemedia-messages-v1"

# Numbers the flows use. The Flowroute sender must be on the account (the sandbox seeds 18444205700).
FLOWROUTE_FROM = "18444205700"
FLOWROUTE_TO = "12066418000"
BANDWIDTH_FROM = "+19195551212"
BANDWIDTH_TO = "+19195554444"
BANDWIDTH_USER = "u-demo"
MESSAGEMEDIA_TO = "+61491570156"
MEDIA_URL = "https://example.com/picture.png"


def inject_reply_over_http(root_url: str) -> Callable[[str, str], dict[str, Any]]:
    """An injector posting to the sandbox's ``/_sandbox/messagemedia/replies`` (what the handle does)."""

    def inject(content: str, message_id: str) -> dict[str, Any]:
        with httpx.Client(base_url=root_url, timeout=10) as client:
            response = client.post(
                "/_sandbox/messagemedia/replies", json={"content": content, "message_id": message_id}
            )
        response.raise_for_status()
        reply: dict[str, Any] = response.json()
        return reply

    return inject


@dataclass(frozen=True)
class Target:
    """The sandbox as the flows see it.

    ``inject_reply(content, message_id)`` makes an inbound MessageMedia reply appear.
    ``message_start_date`` and ``schedule_at`` are the only time-dependent inputs: the demo uses
    today and a time an hour ahead, the recorded tests fixed values so cassettes replay exactly.
    """

    base_urls: Mapping[str, str]
    credentials: Mapping[str, tuple[str, str]]
    inject_reply: Callable[[str, str], object]
    message_start_date: str = field(default_factory=lambda: datetime.now(UTC).strftime("%Y-%m-%d"))
    schedule_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0) + timedelta(hours=1))


class StepFailed(Exception):
    """A step raised or its result was not what the flow expected; the message names the step."""

    def __init__(self, label: str, cause: BaseException) -> None:
        super().__init__(f"{label}: {type(cause).__name__}: {cause}")
        self.label = label
        self.cause = cause


class Reporter:
    """Runs and prints steps, one line each: ``<flow label>  <step name>  -> <short result>``."""

    def __init__(self, out: TextIO | None = None) -> None:
        self.out = out if out is not None else sys.stdout
        self.flow = ""
        self.lines: list[str] = []

    def begin(self, flow: str) -> None:
        self.flow = flow

    def __call__(self, name: str, action: Callable[[], T], show: Callable[[T], object] = str) -> T:
        label = f"{self.flow:<26} {name:<44}"
        try:
            result = action()
            summary = str(show(result))
        except Exception as exc:  # reported with the step's name, then the flow stops
            raise StepFailed(f"{self.flow} {name}".strip(), exc) from exc
        line = f"{label} -> {summary}"
        self.lines.append(line)
        print(line, file=self.out, flush=True)
        return result


def check(condition: bool, message: str) -> None:
    """A flow's expectation about a result (an AssertionError names what was wrong)."""
    if not condition:
        raise AssertionError(message)
