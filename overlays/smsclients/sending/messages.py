"""What ``send_many`` takes: one outgoing message, provider-neutral, checked before anything is sent."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError

__all__ = ["OutgoingMessage", "outgoing"]


@dataclass(frozen=True)
class OutgoingMessage:
    """One message: the recipient, the text, the sender number (else ``send_many``'s ``from_``),
    and ``options``: further keyword arguments of the provider's single send (``media``, ``tag``, ...)."""

    to: str
    text: str
    from_: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)

    def wire(self) -> dict[str, Any]:
        """A JSON-ready form (what the outbox stores)."""
        return {"to": self.to, "text": self.text, "from": self.from_, "options": dict(self.options)}

    def fingerprint(self) -> str:
        """A digest of the message, so a resumed campaign can tell its rows are the same messages."""
        cached: str | None = self.__dict__.get("_fingerprint")
        if cached is None:  # computed once: the message is frozen
            canonical = json.dumps(self.wire(), sort_keys=True, separators=(",", ":"), default=str)
            cached = hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]
            object.__setattr__(self, "_fingerprint", cached)
        return cached


_FROM_KEYS = ("from_", "from")


def outgoing(item: object, default_from: str | None, allowed: frozenset[str] | None) -> OutgoingMessage:
    """``item`` (an :class:`OutgoingMessage` or a mapping with ``to``, ``text`` and optionally
    ``from``/``from_`` and provider options) as a checked message; InputError names what is wrong.

    ``allowed`` lists the option names the provider's single send takes (None: any); an unknown key
    (a misspelt CSV column) is an error, never silently dropped.
    """
    if isinstance(item, OutgoingMessage):
        message = item
    elif isinstance(item, Mapping):
        if not all(isinstance(key, str) for key in item):
            raise InputError("message", "keys must be strings")
        rest = {key: value for key, value in item.items() if value is not None}
        to, text = rest.pop("to", None), rest.pop("text", None)
        sender = None
        for key in _FROM_KEYS:
            value = rest.pop(key, None)
            sender = sender or value
        message = OutgoingMessage(to=to, text=text, from_=sender, options=rest)
    else:
        raise InputError("message", "must be an OutgoingMessage or a mapping with 'to' and 'text'")
    if not isinstance(message.to, str) or not message.to.strip():
        raise InputError("to", "is required (a phone number)")
    has_media = bool(message.options.get("media") or message.options.get("media_urls"))
    if message.text is None and has_media:
        message = OutgoingMessage(message.to, "", message.from_, message.options)
    if not isinstance(message.text, str) or (not message.text.strip() and not has_media):
        raise InputError("text", "is required and must not be empty")
    sender = message.from_ if message.from_ is not None else default_from
    if not isinstance(sender, str) or not sender.strip():
        raise InputError("from", "is required (a sender number): give it per message or as from_=")
    if allowed is not None:
        unknown = sorted(set(message.options) - allowed)
        if unknown:
            raise InputError(
                unknown[0], f"is not an option of this provider's send (known: {', '.join(sorted(allowed))})"
            )
    return OutgoingMessage(message.to.strip(), message.text, sender.strip(), dict(message.options))
