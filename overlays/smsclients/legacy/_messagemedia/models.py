"""Request and response models of both SDK generations (``message_media_messages.models.*``).

One small base: attributes map to wire names through ``_names`` (1.1.0 and 2.x alike); 2.x models
also turn nested objects into their model classes and timestamps into ``datetime`` when read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from .wire import APIHelper

__all__ = [
    "CancelScheduledMessageRequest",
    "CheckDeliveryReportsResponse",
    "CheckRepliesResponse",
    "ConfirmDeliveryReportsAsReceivedRequest",
    "ConfirmDeliveryReportsAsReceivedRequest11",
    "ConfirmRepliesAsReceivedRequest",
    "ConfirmRepliesAsReceivedRequest8",
    "Model",
    "SendMessagesRequest",
    "SendMessagesResponse",
]


class Model:
    """``Model(*values)`` in ``_names`` order; ``from_dictionary`` reads wire names (unknown ones ignored)."""

    _names: ClassVar[dict[str, str]] = {}
    _nested: ClassVar[dict[str, type[Model]]] = {}  # attribute -> model of it (or of each list item)
    _datetimes: ClassVar[frozenset[str]] = frozenset()
    _defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if len(args) > len(self._names):
            raise TypeError(f"{type(self).__name__} takes at most {len(self._names)} arguments")
        values = dict(zip(self._names, args, strict=False))
        for name, value in kwargs.items():
            if name not in self._names:
                raise TypeError(f"{type(self).__name__} got an unexpected keyword argument {name!r}")
            if name in values:
                raise TypeError(f"{type(self).__name__} got multiple values for argument {name!r}")
            values[name] = value
        for name in self._names:
            setattr(self, name, values.get(name, self._defaults.get(name)))

    @classmethod
    def from_dictionary(cls, dictionary: Mapping[str, Any] | None) -> Any:
        if dictionary is None:
            return None
        if not isinstance(dictionary, Mapping):
            return dictionary  # tolerant reader: an unexpected shape reaches the caller unchanged
        values = {attr: cls._read(attr, dictionary.get(wire)) for attr, wire in cls._names.items()}
        return cls(**{attr: value for attr, value in values.items() if value is not None})

    @classmethod
    def _read(cls, attr: str, value: Any) -> Any:
        if value is None:
            return None
        model = cls._nested.get(attr)
        if model is not None:
            if isinstance(value, list):
                return [model.from_dictionary(item) for item in value]
            return model.from_dictionary(value)
        if attr in cls._datetimes and isinstance(value, str):
            try:
                return APIHelper.RFC3339DateTime.from_value(value).datetime
            except ValueError:
                return value  # an unreadable timestamp is kept as sent rather than failing the answer
        return value

    if TYPE_CHECKING:  # fields are set from ``_names``; the SDKs' models were untyped

        def __getattr__(self, name: str) -> Any: ...

        def __setattr__(self, name: str, value: Any) -> None: ...

    def __repr__(self) -> str:
        fields = ", ".join(f"{attr}={getattr(self, attr, None)!r}" for attr in self._names)
        return f"{type(self).__name__}({fields})"

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, attr) == getattr(other, attr) for attr in self._names)

    __hash__ = None  # type: ignore[assignment]  # mutable, compared by value


# -------------------------------------------------------------------------------------------- 1.1.0
class SendMessagesRequest(Model):
    """Body of ``create_send_messages``: ``messages`` is a list of message dicts (or models)."""

    _names: ClassVar[dict[str, str]] = {"messages": "messages"}


class CancelScheduledMessageRequest(Model):
    """Body of the cancel call; ``status`` may only be ``'cancelled'`` (missing means cancelled)."""

    _names: ClassVar[dict[str, str]] = {"status": "status"}


class ConfirmDeliveryReportsAsReceivedRequest(Model):
    """Body of the confirm-delivery-reports call."""

    _names: ClassVar[dict[str, str]] = {"delivery_report_ids": "delivery_report_ids"}


class ConfirmDeliveryReportsAsReceivedRequest11(ConfirmDeliveryReportsAsReceivedRequest):
    """1.1.0's second name for the same body (ids typed as uuid|string)."""


class ConfirmRepliesAsReceivedRequest(Model):
    """Body of the confirm-replies call (reply ids, not message ids)."""

    _names: ClassVar[dict[str, str]] = {"reply_ids": "reply_ids"}


class ConfirmRepliesAsReceivedRequest8(ConfirmRepliesAsReceivedRequest):
    """1.1.0's second name for the same body (ids typed as uuid|string)."""


class SendMessagesResponse(Model):
    """1.1.0 result of sending: ``messages`` is a list of plain dicts."""

    _names: ClassVar[dict[str, str]] = {"messages": "messages"}


class CheckDeliveryReportsResponse(Model):
    """1.1.0 result of checking delivery reports: ``delivery_reports`` is a list of plain dicts."""

    _names: ClassVar[dict[str, str]] = {"delivery_reports": "delivery_reports"}


class CheckRepliesResponse(Model):
    """1.1.0 result of checking replies: ``replies`` is a list of plain dicts."""

    _names: ClassVar[dict[str, str]] = {"replies": "replies"}
