"""Reading response fields a provider may leave out.

The specs require in a response only what the providers' public documents require (tolerant
reader), so most fields of a parsed answer are typed ``T | Unset``. The flows read fields every
real answer carries; :func:`known` narrows the type and, if a field is missing after all, fails
with an error naming it instead of an ``AttributeError`` further on.
"""

from __future__ import annotations

from typing import Literal, Protocol, TypeVar

import bandwidth_messaging_v1_client.types
import flowroute_messages_v2_client.types
import flowroute_v2_client.types
import messagemedia_messages_v1_client.types

T = TypeVar("T")

_UNSET_TYPES = (
    bandwidth_messaging_v1_client.types.Unset,
    flowroute_messages_v2_client.types.Unset,
    flowroute_v2_client.types.Unset,
    messagemedia_messages_v1_client.types.Unset,
)


class _Unset(Protocol):
    """What every generated package's ``Unset`` is (falsy), so one helper narrows them all."""

    def __bool__(self) -> Literal[False]: ...


class MissingFieldError(ValueError):
    """A field the flow reads was left out of the answer."""


def known(value: T | _Unset, what: str = "a field") -> T:
    """``value``, or :class:`MissingFieldError` naming ``what`` when the answer left it out."""
    if isinstance(value, _UNSET_TYPES):
        raise MissingFieldError(f"the answer left out {what}")
    return value  # type: ignore[return-value]  # the isinstance above excluded every Unset
