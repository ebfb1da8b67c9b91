"""Realistic mode: answers in the documented real-world variants instead of the seeds' forms.

The seeds show one form of each response; the providers' documentation shows more, and real
servers send them. Switched on for every request (``--realistic``, ``running(realistic=True)``)
or per request with the header ``X-Sandbox-Realistic: on`` (``off`` overrides a realistic
start), the sandbox rewrites each reply into such a variant before it is checked against the
spec. Every variant is documented, so the spec (whose response schemas follow the documentation)
accepts it and the check stays strict:

Flowroute
- ``number_type`` in the later spellings: ``standard`` -> ``longcode``, ``tollfree`` ->
  ``toll-free`` (FR-docs number examples and "List Account Phone Numbers" v2.1).
- a number's ``included`` gains a ``messaging-provision`` object (FR-docs "List Phone Number
  Details": included objects "can be of type cnam, e911, route, or messaging-provision"), and
  its ``relationships`` the v2.1 names ``voice_primary_route``/``voice_failover_route``
  (extra fields, FR-docs v2.1 number details).
- routes carry ``edge_strategy_id`` (FR-docs route attributes).
- an MMS record (MDR2) has no ``delivery_receipts`` ("currently not available for MMS",
  FR-docs "Receive an SMS"); every MDR2 carries the extra ``message_callback_url``.
- error items come without ``id`` (FR-docs: ``{"status": 403, "detail": "", "title":
  "ActionNotAuthorizedError"}``).

Bandwidth: messages without the optional ``messageId`` and ``segmentCount`` (BW-docs list
messages without them); user errors with ``time`` in epoch milliseconds, an upper-case
``category`` and ``version`` members (BW-docs getErrorsErrorId.md); applications also carrying
the older ``incomingSmsUrl`` (BW-py's docstrings).

MessageMedia: optional fields that are null or empty are omitted, and messages carry the extra
``vendor_account_id`` that MM-docs show on reports and replies.
"""

from __future__ import annotations

import copy
from typing import Any

from smsclients_sandbox.state import parse_timestamp
from smsclients_sandbox.surfaces import Surface
from smsclients_sandbox.wire import Reply

REALISTIC_HEADER = "X-Sandbox-Realistic"
NUMBER_TYPES = {"standard": "longcode", "tollfree": "toll-free"}
ON, OFF = frozenset({"on", "1", "true", "yes"}), frozenset({"off", "0", "false", "no"})


class RealisticHeaderError(ValueError):
    """The ``X-Sandbox-Realistic`` header holds something other than on/off."""


def realistic_wanted(default: bool, header: str | None) -> bool:
    """Whether this request is answered realistically: the header wins over the start-up option."""
    if header is None or not header.strip():
        return default
    value = header.strip().lower()
    if value in ON:
        return True
    if value in OFF:
        return False
    raise RealisticHeaderError(f"{REALISTIC_HEADER} must be on or off, got {header!r}")


def vary(surface: Surface, operation_id: str, reply: Reply) -> Reply:
    """The documented real-world variant of ``reply`` (a copy; the stored state is untouched)."""
    if reply.empty or reply.body is None:
        return reply
    body = copy.deepcopy(reply.body)
    if surface.provider == "flowroute":
        _flowroute(body)
    elif surface.provider == "bandwidth":
        _bandwidth(body)
    else:
        _messagemedia(body)
    return Reply(reply.status, body, dict(reply.headers), reply.empty, reply.media_type)


def _resources(body: Any) -> list[dict[str, Any]]:
    """Every JSON:API resource object of a Flowroute document (data, list items, included)."""
    if not isinstance(body, dict):
        return []
    found: list[dict[str, Any]] = []
    data = body.get("data")
    for item in data if isinstance(data, list) else [data]:
        if isinstance(item, dict):
            inner = item.get("data")  # CDR export lists wrap each item in its own `data`
            found.append(inner if isinstance(inner, dict) and "type" in inner else item)
    found += [i for i in body.get("included") or [] if isinstance(i, dict)]
    return found


def _flowroute(body: Any) -> None:
    if not isinstance(body, dict):
        return
    for error in body.get("errors") or []:
        if isinstance(error, dict):
            error.pop("id", None)
    for resource in _resources(body):
        attributes = resource.get("attributes")
        kind = resource.get("type")
        if not isinstance(attributes, dict):
            continue
        if kind == "number" and attributes.get("number_type") in NUMBER_TYPES:
            attributes["number_type"] = NUMBER_TYPES[attributes["number_type"]]
        elif kind == "route":
            attributes.setdefault("edge_strategy_id", None)
        elif kind == "message" and str(resource.get("id", "")).startswith("mdr2-"):
            attributes.setdefault("message_callback_url", None)
            if attributes.get("is_mms") is True:
                attributes.pop("delivery_receipts", None)
    data = body.get("data")
    if isinstance(data, dict) and data.get("type") == "number" and isinstance(data.get("relationships"), dict):
        relationships = data["relationships"]
        relationships.setdefault("voice_primary_route", relationships.get("primary_route"))
        relationships.setdefault("voice_failover_route", relationships.get("failover_route"))
        included = body.setdefault("included", [])
        if not any(isinstance(i, dict) and i.get("type") == "messaging-provision" for i in included):
            included.append(
                {"type": "messaging-provision", "id": str(data.get("id")), "attributes": {"status": "not-provisioned"}}
            )


def _bandwidth(body: Any) -> None:
    for item in body if isinstance(body, list) else [body]:
        if not isinstance(item, dict):
            continue
        if "direction" in item:
            item.pop("messageId", None)
            item.pop("segmentCount", None)
        identifier = str(item.get("id", ""))
        if identifier.startswith("ue-"):
            moment = parse_timestamp(str(item.get("time", "")))
            if moment is not None:
                item["time"] = int(moment.timestamp() * 1000)
            item["category"] = str(item.get("category", "")).upper().replace("-", "_")
            item["version"] = 0
            for detail in item.get("details") or []:
                detail["version"] = 0
        if identifier.startswith("a-") and "incomingMessageUrl" in item:
            item["incomingSmsUrl"] = item["incomingMessageUrl"]


def _messagemedia(body: Any) -> None:
    if not isinstance(body, dict):
        return
    items = [body] if "message_id" in body else []
    for key in ("messages", "delivery_reports", "replies"):
        items += [i for i in body.get(key) or [] if isinstance(i, dict)]
    required = {"message_id", "status", "content", "destination_number", "delivery_report_id", "reply_id"}
    for item in items:
        for key in [k for k, v in item.items() if v in (None, {}, []) and k not in required]:
            del item[key]
        if "message_id" in item and "content" in item:
            item.setdefault("vendor_account_id", {"vendor_id": "MessageMedia", "account_id": "Sandbox"})
