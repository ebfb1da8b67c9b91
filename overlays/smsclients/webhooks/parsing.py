"""``parse_event``: one call from what any web framework gives to a typed event."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from ..errors import InputError
from . import _bandwidth, _flowroute, templates
from ._common import HeaderItems, header_items
from .events import Provider, WebhookEvent

__all__ = ["PROVIDERS", "parse_event", "provider_name"]

PROVIDERS: tuple[Provider, ...] = get_args(Provider)


def parse_event(
    provider: Provider,
    *,
    method: str,
    headers: HeaderItems,
    body: bytes | bytearray | memoryview | str,
    query: str | bytes = "",
    template: templates.WebhookTemplate | str | Mapping[str, str] | None = None,
) -> WebhookEvent:
    """Parse one webhook request into an :class:`~smsclients.webhooks.InboundMessage`,
    :class:`~smsclients.webhooks.MessageStatus` or :class:`~smsclients.webhooks.UnknownEvent`.

    ``provider`` is ``"flowroute"``, ``"bandwidth"`` or ``"messagemedia"`` (another name is an
    :class:`~smsclients.InputError` listing these); ``method``, ``headers``
    (a mapping or raw ``(name, value)`` pairs), ``body`` (the raw bytes) and ``query`` (the raw
    query string) are the request as received. A body no provider sends raises
    :class:`~smsclients.InputError` naming the field; a well-formed event of a type this package
    does not know is returned as ``kind="unknown"``. ``template`` (MessageMedia only) is the payload
    template of the webhook the request came through, or a mapping of fields to body paths
    (:mod:`smsclients.webhooks.templates`); without one, a MessageMedia body of no known shape is
    ``kind="unknown"``. Nothing is verified here: check signatures,
    source addresses or credentials first (:mod:`smsclients.webhooks.verification`).
    """
    name = provider_name(provider)
    if not isinstance(method, str) or not method:
        raise InputError("method", "must be an HTTP method name")
    header_items(headers)  # a malformed header collection is the caller's error, reported here
    if not isinstance(body, bytes | bytearray | memoryview | str):
        raise InputError("body", "must be the raw request body (bytes or str)")
    if not isinstance(query, str | bytes):
        raise InputError("query", "must be the raw query string (str or bytes)")
    verb = method.upper()
    if template is not None and name != "messagemedia":
        raise InputError("template", "only MessageMedia webhooks have payload templates")
    if name == "flowroute":
        return _flowroute.parse(verb, body)
    if name == "bandwidth":
        return _bandwidth.parse(verb, body, query)
    return templates.parse_templated(verb, headers, body, template)


def provider_name(value: Any) -> Provider:
    """``value`` as one of :data:`PROVIDERS` (any case); anything else is an :class:`InputError` listing them."""
    if isinstance(value, str):
        lowered = value.lower()
        for name in PROVIDERS:
            if lowered == name:
                return name
    raise InputError("provider", f"must be one of {', '.join(map(repr, PROVIDERS))}, not {_shown(value)}")


def _shown(value: Any) -> str:
    if not isinstance(value, str):
        return type(value).__name__
    return repr(value[:40].encode("utf-8", "backslashreplace").decode("utf-8"))
