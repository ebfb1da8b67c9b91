"""Magic destination numbers: reach every error and delivery outcome without the control API.

A send to one of these numbers (any provider, with or without ``+``, so ``+15005550001`` and
``15005550001`` are the same) answers or ends as listed, deterministically, in any language.
The table is shown on the inbox page and in ``sandbox/README.md``.

Errors are answered in each provider's own error shape (:mod:`smsclients_sandbox.errors`) with a
status its spec declares for a send; "rate limited" is the 429 of the fault injector, with its
``Retry-After``. Outcomes change what the message's status becomes; see :data:`OUTCOMES`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from smsclients_sandbox.surfaces import FLOWROUTE_MESSAGES_V2, Provider, Surface
from smsclients_sandbox.wire import ProviderError

ErrorCase = Literal["invalid-number", "unroutable", "opted-out", "rate-limited", "carrier-rejected"]
Outcome = Literal["delivered", "undeliverable", "delayed"]

# Sandbox time (real time plus POST /_sandbox/clock) a "delayed" message takes to be delivered.
DELAY_S = 60.0


@dataclass(frozen=True)
class MagicError:
    """How one error case looks on one provider: status, message and (Bandwidth) code."""

    status: int
    message: str
    kind: str | None = None


ERROR_NUMBERS: dict[str, ErrorCase] = {
    "15005550001": "invalid-number",
    "15005550002": "unroutable",
    "15005550003": "opted-out",
    "15005550004": "rate-limited",
    "15005550005": "carrier-rejected",
}
OUTCOME_NUMBERS: dict[str, Outcome] = {
    "15005550010": "delivered",
    "15005550011": "undeliverable",
    "15005550012": "delayed",
}

# Statuses are ones each spec declares for its send operation: Flowroute 403 ("to" or "from" not
# allowed, FR-lib) and 422 (an unacceptable value); Bandwidth 400 and 403; MessageMedia 400.
ERRORS: dict[ErrorCase, dict[Provider, MagicError]] = {
    "invalid-number": {
        "flowroute": MagicError(403, "Invalid to or from number."),
        "bandwidth": MagicError(400, "The 'to' number is not a valid telephone number.", "invalid-request"),
        "messagemedia": MagicError(400, "destination_number: is not a valid phone number"),
    },
    "unroutable": {
        "flowroute": MagicError(422, "The destination number cannot be routed."),
        "bandwidth": MagicError(400, "The 'to' number cannot be routed.", "invalid-request"),
        "messagemedia": MagicError(400, "destination_number: cannot be routed"),
    },
    "opted-out": {
        "flowroute": MagicError(403, "The destination number has opted out of messages from this number."),
        "bandwidth": MagicError(403, "The 'to' number has opted out of messages from this number.", "forbidden"),
        "messagemedia": MagicError(400, "destination_number: has opted out (blacklisted)"),
    },
    "rate-limited": {
        "flowroute": MagicError(429, "Rate limit exceeded (sandbox magic number)"),
        "bandwidth": MagicError(429, "Rate limit exceeded (sandbox magic number)"),
        "messagemedia": MagicError(429, "Rate limit exceeded (sandbox magic number)"),
    },
    "carrier-rejected": {
        "flowroute": MagicError(422, "The carrier rejected the message."),
        "bandwidth": MagicError(400, "The carrier rejected the message.", "invalid-request"),
        "messagemedia": MagicError(400, "destination_number: the carrier rejected the message"),
    },
}

OUTCOMES: dict[Outcome, str] = {
    "delivered": "delivered at once (Flowroute receipts, Bandwidth deliveryState, MessageMedia's last step)",
    "undeliverable": "Flowroute status `undelivered`, Bandwidth deliveryState `not-delivered` (deliveryCode 720),"
    " MessageMedia `undeliverable`",
    "delayed": f"in flight for {DELAY_S:.0f} s of sandbox time (Flowroute `message buffered`, Bandwidth `waiting`,"
    " MessageMedia `enroute`), then delivered; POST /_sandbox/clock {advance_s} skips the wait",
}


def _digits(number: Any) -> str:
    return str(number).strip().removeprefix("+") if isinstance(number, str) else ""


def error_case(number: Any) -> ErrorCase | None:
    """The error a send to ``number`` answers with, if it is a magic error number."""
    return ERROR_NUMBERS.get(_digits(number))


def outcome(number: Any) -> Outcome | None:
    """The delivery outcome of a message to ``number``, if it is a magic outcome number."""
    return OUTCOME_NUMBERS.get(_digits(number))


def provider_error(surface: Surface, case: ErrorCase, number: str) -> ProviderError:
    """The :class:`ProviderError` a send to the magic ``number`` raises on ``surface``."""
    error = ERRORS[case][surface.provider]
    if surface.provider == "messagemedia":
        return ProviderError(error.status, "Request failed validation.", details=[f"{error.message} ({number})"])
    status = error.status
    if status == 422 and surface is FLOWROUTE_MESSAGES_V2:
        status = 403  # Messages v2 declares no 422; its send fails with 403 for a bad destination (FR-lib)
    return ProviderError(status, error.message, kind=error.kind or "")


def destinations(operation_id: str, body: Any) -> list[str]:
    """The destination numbers of a send request body (any provider's shape); [] for other operations."""
    if operation_id not in ("send_message", "send_messages"):
        return []
    items: list[Any] = body if isinstance(body, list) else [body]
    found: list[str] = []
    for item in items:
        if not isinstance(item, dict):
            continue
        attributes = item.get("data", {}).get("attributes") if isinstance(item.get("data"), dict) else None
        for source in (item, attributes if isinstance(attributes, dict) else {}):
            for key in ("to", "destination_number"):
                if isinstance(source.get(key), str):
                    found.append(source[key])
        for message in item.get("messages") or []:
            if isinstance(message, dict) and isinstance(message.get("destination_number"), str):
                found.append(message["destination_number"])
    return found


def table() -> dict[str, Any]:
    """Every magic number with what it does on each provider (for the page and the docs)."""
    return {
        "errors": [
            {
                "number": "+" + number,
                "case": case,
                "providers": {p: {"status": e.status, "message": e.message} for p, e in ERRORS[case].items()},
            }
            for number, case in ERROR_NUMBERS.items()
        ],
        "outcomes": [
            {"number": "+" + number, "outcome": name, "description": OUTCOMES[name]}
            for number, name in OUTCOME_NUMBERS.items()
        ],
    }
