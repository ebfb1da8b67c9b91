"""Opt-out keywords as the providers' networks read them, and the per-number opt-out lists.

A message whose whole text (one word, any case, surrounding spaces ignored) is an opt-out keyword
(STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) opts its sender out of messages from the number it
was sent to; an opt-in keyword (START, UNSTOP, YES) reverses that. Flowroute (FR-support-stop,
docs/providers.md §2.6) then refuses a send from that number to that handset with 400, error code
1110; Bandwidth accepts a later message and ends it ``error``/``not-delivered`` with delivery code
775, "Rejected due to user opt out" (BW-docs, Bandwidth/ap-docs ``apiCallbacks/sms.md``, "Message
Delivery Code"; the spec's ``deliveryCode``); MessageMedia (MM-docs) adds the handset to the
account's blacklist (number authorisation), so a later message is accepted and reported
``rejected``. The sandbox shares no code with the clients: this is its own reading of the same
keyword lists.
"""

from __future__ import annotations

from typing import Literal

from smsclients_sandbox.state import State

__all__ = ["BANDWIDTH_OPTED_OUT", "FLOWROUTE_OPTED_OUT_CODE", "BandwidthOptOuts", "FlowrouteOptOuts", "keyword"]

_OPT_OUT = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
_OPT_IN = frozenset({"START", "UNSTOP", "YES"})
FLOWROUTE_OPTED_OUT_CODE = 1110
_FLOWROUTE = "fr.optout"
# A Bandwidth message to a handset that opted out: accepted, then failed with this delivery code (BW-docs).
BANDWIDTH_OPTED_OUT = {
    "state": "error",
    "deliveryState": "not-delivered",
    "deliveryCode": 775,
    "deliveryDescription": "Rejected due to user opt out",
}


def keyword(text: object) -> Literal["out", "in"] | None:
    """``"out"`` for an opt-out keyword, ``"in"`` for an opt-in keyword, else None."""
    if not isinstance(text, str):
        return None
    word = text.strip().upper()
    return "out" if word in _OPT_OUT else "in" if word in _OPT_IN else None


class NumberOptOuts:
    """Handsets that texted STOP to an account number, per number (kept in the sandbox's store)."""

    def __init__(self, state: State, kind: str) -> None:
        self.state = state
        self.kind = kind

    def inbound(self, to: str, sender: str, text: object) -> None:
        """Apply an inbound message from ``sender`` to the account number ``to``."""
        found = keyword(text)
        if found == "out":
            self.state.store.put(self.kind, _key(to, sender), {"number": to, "handset": sender})
        elif found == "in":
            self.state.store.delete(self.kind, _key(to, sender))

    def blocked(self, sender: str, to: str) -> bool:
        """True when ``to`` opted out of messages from the account number ``sender``."""
        return self.state.store.get(self.kind, _key(sender, to)) is not None


class FlowrouteOptOuts(NumberOptOuts):
    """Flowroute's list: per account number (FR-support-stop)."""

    def __init__(self, state: State) -> None:
        super().__init__(state, _FLOWROUTE)


class BandwidthOptOuts(NumberOptOuts):
    """Bandwidth's list: per user id and number."""

    def __init__(self, state: State, user_id: str) -> None:
        super().__init__(state, f"bw.optout:{user_id}")


def _key(number: str, handset: str) -> str:
    return f"{_digits(number)}:{_digits(handset)}"


def _digits(number: str) -> str:
    return "".join(c for c in number if c.isdigit())
