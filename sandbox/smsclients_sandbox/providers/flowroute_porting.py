"""Flowroute port orders (``/v2/portorders``): a lifecycle with real state.

State rules (what the sandbox enforces, beyond the spec's request checks; the statuses and who may
change what are those of FR-docs-porting, summarised in ``specs/flowroute-v2.yaml``):

- Create: every number must be a North American number the portability check calls portable
  (422 otherwise). The numbers are split into one order per kind (local, toll-free) of one port
  order group, as Flowroute splits by number type and carrier. New orders are ``pending``.
- Flowroute's side of the process is driven by ``POST /_sandbox/flowroute/portorders/advance``
  (``{id, status?, reason?}``): without ``status`` the order takes the next step of
  ``pending -> processing -> submitted -> accepted -> completed`` (``review -> submitted``);
  with it, any step of :data:`STEPS` (``rejected`` keeps ``reason`` as a comment).
- Completing an order puts its numbers on the account with the order's presets (routes, CNAM,
  E911, alias) applied.
- Cancel: ``pending`` becomes ``cancelled``, ``rejected`` becomes ``abandoned``; any other status
  is 422 (only Flowroute support may cancel it).
- Details change while ``pending`` or ``rejected`` (a change to a rejected order resubmits it:
  ``review``); presets and alias also while ``processing``, ``submitted``, ``review`` or
  ``accepted``; presets must name existing records. Numbers change only while ``pending``.
- Documents (only while ``pending`` or ``rejected``): ``request_upload`` answers an upload URL on
  the sandbox (``/_sandbox/flowroute/portorder-files/<order>/<file>?token=...``, no credentials,
  like the pre-signed S3 URL); a ``PUT`` of the bytes there marks the document ``uploaded``. A pull
  request is recorded ``complete`` at once (the sandbox fetches nothing; the file's content is the
  URL). ``get_file`` answers a download URL for a document with content, 404 otherwise.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from smsclients_sandbox.providers.flowroute_numbers import CNAMS, E911S, NUMBERS, ROUTES, FlowrouteAccount
from smsclients_sandbox.providers.jsonapi import paging, window
from smsclients_sandbox.state import State
from smsclients_sandbox.surfaces import Surface
from smsclients_sandbox.wire import Call, Operation, ProviderError, Reply, dig

ORDERS = "fr.portorder"
FILES = "fr.portorder-file"
FIRST_ORDER_ID = 42361  # the order of FR-docs-porting's examples
FIRST_GROUP_ID = 38697
FIRST_FILE_ID = 99999
TOLL_FREE_NPAS = frozenset({"800", "833", "844", "855", "866", "877", "888"})
HAPPY_PATH = {
    "pending": "processing",
    "processing": "submitted",
    "submitted": "accepted",
    "accepted": "completed",
    "review": "submitted",
}
# Every step Flowroute (the control endpoint) may take from each status.
STEPS = {
    "pending": {"processing"},
    "processing": {"submitted", "rejected"},
    "submitted": {"accepted", "rejected", "hard_canceled"},
    "accepted": {"completed", "rejected", "hard_canceled"},
    "rejected": {"review"},
    "review": {"submitted", "rejected"},
}
OPEN_FOR_DETAILS = frozenset({"pending", "rejected"})
OPEN_FOR_PRESETS = frozenset({"pending", "processing", "submitted", "rejected", "review", "accepted"})
CANCELLED = {"pending": "cancelled", "rejected": "abandoned"}
ENDED = frozenset({"cancelled", "abandoned", "hard_canceled"})
DETAIL_FIELDS = (
    "billing_name",
    "street",
    "street2",
    "city",
    "state",
    "zip",
    "country",
    "provider",
    "provider_account",
    "pin",
    "last_4_ssn",
    "billing_number",
    "company",
    "usage_type",
    "desired_completion_date",
    "enable_cnam_lookups",
    "status_url",
    "loa_details",
)
PRESET_STORES = {"primary_route_id": ROUTES, "failover_route_id": ROUTES, "cnam_id": CNAMS, "e911_id": E911S}
UPLOAD_LIFETIME = timedelta(hours=1)


def group_status(statuses: list[str]) -> str:
    """The group summary of FR-docs-porting "View a Port Order Group Status"."""
    if any(s in ("pending", "rejected") for s in statuses):
        return "requires_action"
    if statuses and all(s in ENDED for s in statuses):
        return "canceled"
    if all(s == "completed" or s in ENDED for s in statuses):
        return "completed"
    return "in_progress"


class FlowroutePortOrders:
    """Handlers of the ``port_orders`` operations and the control endpoints' port-order actions."""

    def __init__(
        self, state: State, surface: Surface, account: FlowrouteAccount, portable: Callable[[str], bool]
    ) -> None:
        self.state = state
        self.surface = surface
        self.account = account
        self.portable = portable

    def operations(self) -> list[Operation]:
        s = self.surface
        one = "/v2/portorders/{portorder_id}"
        return [
            Operation(s, "POST", "/v2/portorders", "create_port_order", self.create),
            Operation(s, "GET", "/v2/portorders", "list_port_orders", self.list_orders),
            Operation(s, "GET", one, "get_port_order", self.get),
            Operation(s, "PATCH", one, "update_port_order", self.update),
            Operation(s, "GET", one + "/status", "get_port_order_status", self.get_status),
            Operation(s, "PATCH", one + "/status", "cancel_port_order", self.cancel),
            Operation(s, "POST", "/v2/portorders/{group_id}/numbers", "add_port_order_group_numbers", self.add_numbers),
            Operation(s, "PATCH", one + "/relationships/numbers", "change_port_order_numbers", self.change_numbers),
            Operation(s, "POST", one + "/upload_file", "request_port_order_upload", self.request_upload),
            Operation(s, "POST", one + "/files", "request_port_order_file_pull", self.request_pull),
            Operation(s, "GET", one + "/files/{file_id}", "get_port_order_file", self.get_file),
        ]

    # ------------------------------------------------------------------ helpers
    def _root(self, call: Call) -> str:
        return call.base_url[: len(call.base_url) - len(self.surface.prefix)]

    def _order(self, order_id: str) -> dict[str, Any]:
        order = self.state.store.get(ORDERS, order_id)
        if order is None:
            raise ProviderError(404, f"Port order {order_id} does not exist")
        return order

    def _save(self, order: dict[str, Any]) -> None:
        self.state.store.put(ORDERS, order["id"], order)

    def _set_status(self, order: dict[str, Any], status: str) -> None:
        order["status"] = status
        order["status_updated_at"] = self.state.now().replace(microsecond=0).isoformat().replace("+00:00", "Z")
        if status == "completed":
            self._complete(order)
        self._save(order)

    def _checked_numbers(self, numbers: Any, field: str, taken: set[str]) -> list[str]:
        if not isinstance(numbers, list):
            raise ProviderError(422, f"{field} must be a list of numbers")
        checked: list[str] = []
        for raw in numbers:
            number = str(raw)
            if not (number.startswith("+1") and len(number) == 12 and number[1:].isdigit()):
                raise ProviderError(422, f"{number} is not a North American number; only those can be ported")
            if number in taken or number in checked:
                raise ProviderError(422, f"{number} is already on a port order")
            if not self.portable(number):
                raise ProviderError(422, f"{number} is not portable")
            checked.append(number)
        return checked

    def _numbers_in_flight(self) -> set[str]:
        done = ENDED | {"completed"}
        return {n for o in self.state.store.scan(ORDERS) if o["status"] not in done for n in o["numbers"]}

    def _checked_presets(self, presets: Any) -> dict[str, Any]:
        if not isinstance(presets, dict):
            raise ProviderError(422, "presets must be an object")
        for key, kind in PRESET_STORES.items():
            value = presets.get(key)
            if value is not None and self.state.store.get(kind, str(value)) is None:
                raise ProviderError(422, f"presets.{key}: no record {value} exists on this account")
        return presets

    def _new_order(self, group_id: str, numbers: list[str], details: dict[str, Any]) -> dict[str, Any]:
        order_id = str(FIRST_ORDER_ID - 1 + self.state.ids.sequence("fr.portorder"))
        order = {
            "id": order_id,
            "group_id": group_id,
            "status": "pending",
            "status_updated_at": None,
            "numbers": numbers,
            "alias": details.get("alias"),
            "presets": dict(details.get("presets") or {}),
            "details": {k: details[k] for k in DETAIL_FIELDS if details.get(k) is not None},
            "comments": [],
            "documents": [],
        }
        self._save(order)
        return order

    def _resource(self, call: Call, order: dict[str, Any]) -> dict[str, Any]:
        details = order["details"]
        presets = {k: order["presets"].get(k) for k in ("cnam_id", "e911_id", "primary_route_id", "failover_route_id")}
        base = f"{call.base_url}/v2/portorders/{order['id']}"
        files = [
            {
                "type": "portorder-file",
                "id": f["id"],
                "attributes": {"filename": f["filename"], "file": f["file"], "status": f["status"]},
                "links": {"self": f"{base}/files/{f['id']}"},
            }
            for f in order["documents"]
        ]
        attributes = {
            "alias": order["alias"],
            "billing_address": {k: details.get(k) for k in ("street", "street2", "city", "state", "zip", "country")},
            "billing_name": details.get("billing_name"),
            "billing_number": details.get("billing_number", ""),
            "business_documents": [{"data": files}] if files else [],
            "comments": order["comments"],
            "company": details.get("company"),
            "desired_completion_date": details.get("desired_completion_date"),
            "enable_cnam_lookups": details.get("enable_cnam_lookups", True),
            "group_id": order["group_id"],
            "id": order["id"],
            "last_4_ssn": details.get("last_4_ssn", ""),
            "loa_details": details.get("loa_details", {"email": None, "cc": None}),
            "numbers": order["numbers"],
            "pin": details.get("pin"),
            "presets": {**presets, "alias": order["presets"].get("alias")},
            "provider": details.get("provider"),
            "provider_account": details.get("provider_account"),
            "status": order["status"],
            "status_updated_at": order["status_updated_at"],
            "status_url": details.get("status_url"),
            "usage_type": details.get("usage_type"),
        }
        return {"type": "portorder", "id": order["id"], "attributes": attributes, "links": {"self": base}}

    def _document(self, call: Call, order: dict[str, Any]) -> Reply:
        return Reply(200, {"data": self._resource(call, order)}, media_type="application/json")

    def _collection(self, call: Call, orders: list[dict[str, Any]], group_id: str | None, status: int) -> Reply:
        summaries = [
            {
                "type": "portorder",
                "id": o["id"],
                "attributes": {
                    "id": o["id"],
                    "alias": o["alias"],
                    "status": o["status"],
                    "status_updated_at": o["status_updated_at"],
                    "group_id": o["group_id"],
                    "numbers": o["numbers"],
                },
                "links": {"self": f"{call.base_url}/v2/portorders/{o['id']}"},
            }
            for o in orders
        ]
        data: dict[str, Any] = {"type": "portorder_list", "attributes": {"orders": {"data": summaries}}}
        if group_id is not None:
            data["type"], data["id"] = "portorder_group", group_id
            members = self._group(group_id)  # the summary covers the whole group, whatever the filters
            if members:
                data["attributes"]["group_status"] = group_status([o["status"] for o in members])
        return Reply(status, {"data": data}, media_type="application/json")

    def _group(self, group_id: str) -> list[dict[str, Any]]:
        return sorted(
            (o for o in self.state.store.scan(ORDERS) if o["group_id"] == group_id), key=lambda o: int(o["id"])
        )

    # ------------------------------------------------------------------ orders
    def create(self, call: Call) -> Reply:
        attributes = dig(call.body, "data", "attributes")
        if not isinstance(attributes, dict):
            raise ProviderError(422, "data.attributes is required")
        numbers = self._checked_numbers(attributes.get("numbers"), "numbers", self._numbers_in_flight())
        if not numbers:
            raise ProviderError(422, "numbers: at least one number is required")
        if attributes.get("presets") is not None:
            self._checked_presets(attributes["presets"])
        group_id = str(FIRST_GROUP_ID - 1 + self.state.ids.sequence("fr.portorder-group"))
        local = [n for n in numbers if n[2:5] not in TOLL_FREE_NPAS]
        toll_free = [n for n in numbers if n[2:5] in TOLL_FREE_NPAS]
        orders = [self._new_order(group_id, part, attributes) for part in (local, toll_free) if part]
        return self._collection(call, orders, group_id, 201)

    def list_orders(self, call: Call) -> Reply:
        limit, offset = paging(call, 10, 200)
        group_id = call.query.get("group_id")
        status = call.query.get("status")
        alias = (call.query.get("alias") or "").lower()
        orders = sorted(self.state.store.scan(ORDERS), key=lambda o: int(o["id"]))
        orders = [
            o
            for o in orders
            if (group_id is None or o["group_id"] == group_id)
            and (status is None or o["status"] == status)
            and alias in (o["alias"] or "").lower()
        ]
        return self._collection(call, window(orders, offset, limit), group_id, 200)

    def get(self, call: Call) -> Reply:
        return self._document(call, self._order(call.path_params["portorder_id"]))

    def update(self, call: Call) -> Reply:
        order = self._order(call.path_params["portorder_id"])
        changes = dig(call.body, "data", "attributes")
        if not isinstance(changes, dict) or not changes:
            raise ProviderError(422, "data.attributes: at least one attribute is required")
        details = {k: v for k, v in changes.items() if k in DETAIL_FIELDS}
        if details and order["status"] not in OPEN_FOR_DETAILS:
            raise ProviderError(422, f"The details of a port order in status {order['status']} cannot change")
        if order["status"] not in OPEN_FOR_PRESETS:
            raise ProviderError(422, f"A port order in status {order['status']} cannot change")
        if "presets" in changes:
            presets = self._checked_presets(changes["presets"])
            order["presets"].update({k: v for k, v in presets.items() if v is not None})
        if "alias" in changes:
            order["alias"] = changes["alias"]
        order["details"].update(details)
        if details and order["status"] == "rejected":
            self._set_status(order, "review")  # a changed rejected order is resubmitted
        self._save(order)
        return self._document(call, order)

    def get_status(self, call: Call) -> Reply:
        order = self._order(call.path_params["portorder_id"])
        return Reply(200, self._status_document(order), media_type="application/json")

    @staticmethod
    def _status_document(order: dict[str, Any]) -> dict[str, Any]:
        attributes = {"status": order["status"], "status_updated_at": order["status_updated_at"]}
        return {"data": {"type": "portorder", "id": order["id"], "attributes": attributes}}

    def cancel(self, call: Call) -> Reply:
        order = self._order(call.path_params["portorder_id"])
        if dig(call.body, "data", "attributes", "status") != "cancelled":
            raise ProviderError(422, "data.attributes.status must be 'cancelled'")
        new_status = CANCELLED.get(order["status"])
        if new_status is None:
            raise ProviderError(
                422, f"A port order in status {order['status']} can only be cancelled by Flowroute support"
            )
        self._set_status(order, new_status)
        return Reply(200, self._status_document(order), media_type="application/json")

    # ------------------------------------------------------------------ numbers
    def add_numbers(self, call: Call) -> Reply:
        group_id = call.path_params["group_id"]
        orders = self._group(group_id)
        if not orders:
            raise ProviderError(404, f"Port order group {group_id} does not exist")
        numbers = self._checked_numbers(dig(call.body, "add"), "add", self._numbers_in_flight())
        if not numbers:
            raise ProviderError(422, "add: at least one number is required")
        touched: list[dict[str, Any]] = []
        for number in numbers:
            toll_free = number[2:5] in TOLL_FREE_NPAS
            target = next(
                (
                    o
                    for o in orders
                    if o["status"] == "pending" and all((n[2:5] in TOLL_FREE_NPAS) == toll_free for n in o["numbers"])
                ),
                None,
            )
            if target is None:  # no pending order for this kind of number: a new one in the group
                template = {**orders[0]["details"], "alias": orders[0]["alias"], "presets": orders[0]["presets"]}
                target = self._new_order(group_id, [], template)
                orders.append(target)
            target["numbers"].append(number)
            self._save(target)
            touched.append(target)
        return self._document(call, touched[0])

    def change_numbers(self, call: Call) -> Reply:
        order = self._order(call.path_params["portorder_id"])
        if order["status"] != "pending":
            raise ProviderError(422, f"The numbers of a port order in status {order['status']} cannot change")
        remove = [str(n) for n in dig(call.body, "remove") or []]
        unknown = [n for n in remove if n not in order["numbers"]]
        if unknown:
            raise ProviderError(422, f"{unknown[0]} is not on port order {order['id']}")
        add = self._checked_numbers(dig(call.body, "add") or [], "add", self._numbers_in_flight() - set(remove))
        numbers = [n for n in order["numbers"] if n not in remove] + add
        if not numbers:
            raise ProviderError(422, "A port order keeps at least one number")
        order["numbers"] = numbers
        self._save(order)
        return self._document(call, order)

    # ------------------------------------------------------------------ documents
    def _open_for_documents(self, call: Call) -> dict[str, Any]:
        order = self._order(call.path_params["portorder_id"])
        if order["status"] not in OPEN_FOR_DETAILS:
            raise ProviderError(422, f"Documents cannot be added to a port order in status {order['status']}")
        return order

    def _new_file(self, order: dict[str, Any], filename: str, file: str, status: str) -> dict[str, Any]:
        record = {
            "id": str(FIRST_FILE_ID - 1 + self.state.ids.sequence("fr.portorder-file")),
            "filename": filename,
            "file": file,
            "status": status,
            "token": self.state.ids.hex("fr.portorder-file-token"),
        }
        order["documents"].append(record)
        self._save(order)
        return record

    def _file_url(self, call: Call, order: dict[str, Any], record: dict[str, Any]) -> Reply:
        expires = self.state.now() + UPLOAD_LIFETIME
        path = f"/_sandbox/flowroute/portorder-files/{order['id']}/{record['id']}"
        url = f"{self._root(call)}{path}?token={record['token']}"
        body = {
            "data": {
                "type": "portorder-file-url",
                "id": record["id"],
                "attributes": {"url": url, "expires": expires.isoformat()},
                "links": {"self": f"{call.base_url}/v2/portorders/{order['id']}/files/{record['id']}"},
            }
        }
        return Reply(200, body, media_type="application/json")

    def request_upload(self, call: Call) -> Reply:
        order = self._open_for_documents(call)
        filename = str(dig(call.body, "filename") or "")
        record = self._new_file(order, filename, filename.replace("\\", "/").rsplit("/", 1)[-1], "pending")
        return self._file_url(call, order, record)

    def request_pull(self, call: Call) -> Reply:
        order = self._open_for_documents(call)
        url = str(dig(call.body, "url") or "")
        parts = urlsplit(url)
        name = (parse_qs(parts.query).get("filename") or [parts.path.rsplit("/", 1)[-1]])[0]
        record = self._new_file(order, url, name, "complete")
        self.state.store.put(FILES, f"{order['id']}/{record['id']}", {"content": _b64(url.encode())})
        resource = {
            "type": "portorder-file",
            "id": record["id"],
            "attributes": {"filename": url, "file": name, "original_url": url, "status": "complete"},
            "links": {"self": f"{call.base_url}/v2/portorders/{order['id']}/files/{record['id']}"},
        }
        return Reply(200, {"data": resource}, media_type="application/json")

    def get_file(self, call: Call) -> Reply:
        order = self._order(call.path_params["portorder_id"])
        file_id = call.path_params["file_id"]
        record = next((f for f in order["documents"] if f["id"] == file_id), None)
        if record is None or self.state.store.get(FILES, f"{order['id']}/{file_id}") is None:
            raise ProviderError(404, f"Port order {order['id']} has no document {file_id} with content")
        return self._file_url(call, order, record)

    # ------------------------------------------------------------------ control endpoints
    def _file_record(self, order_id: str, file_id: str, token: str) -> tuple[dict[str, Any], dict[str, Any]]:
        order = self.state.store.get(ORDERS, order_id)
        record = next((f for f in (order or {}).get("documents", []) if f["id"] == file_id), None)
        if order is None or record is None or record["token"] != token:
            raise ProviderError(404, "no document at this URL")
        return order, record

    def store_upload(self, order_id: str, file_id: str, token: str, content: bytes) -> None:
        """The upload URL's ``PUT``: keep the bytes, mark the document uploaded."""
        order, record = self._file_record(order_id, file_id, token)
        self.state.store.put(FILES, f"{order_id}/{file_id}", {"content": _b64(content)})
        record["status"] = "uploaded"
        self._save(order)

    def read_upload(self, order_id: str, file_id: str, token: str) -> bytes:
        """The download URL's ``GET``."""
        self._file_record(order_id, file_id, token)
        stored = self.state.store.get(FILES, f"{order_id}/{file_id}")
        if stored is None:
            raise ProviderError(404, "nothing was uploaded to this URL yet")
        return base64.b64decode(stored["content"])

    def advance(self, order_id: str, status: str | None = None, reason: str | None = None) -> dict[str, Any]:
        """Flowroute's next step for an order (the control endpoint's action); returns its status."""
        order = self.state.store.get(ORDERS, order_id)
        if order is None:
            raise ProviderError(404, f"Port order {order_id} does not exist")
        current = order["status"]
        target = status or HAPPY_PATH.get(current)
        if target is None or target not in STEPS.get(current, set()):
            raise ProviderError(409, f"A port order in status {current} cannot become {target}")
        if target == "rejected":
            order["comments"].append({"comment": reason or "Rejected by the sandbox"})
        self._set_status(order, target)
        document: dict[str, Any] = self._status_document(order)["data"]
        return document

    def _complete(self, order: dict[str, Any]) -> None:
        """The numbers join the account, with the order's presets applied."""
        presets = order["presets"]
        for number in order["numbers"]:
            value = number.lstrip("+")
            if self.account.owns(value):
                continue
            toll_free = number[2:5] in TOLL_FREE_NPAS
            self.state.store.put(
                NUMBERS,
                value,
                {
                    "value": value,
                    "alias": presets.get("alias") or order["alias"],
                    "rate_center": "tollfree" if toll_free else "ported",
                    "state": "us" if toll_free else str(order["details"].get("state", "")).lower(),
                    "number_type": "tollfree" if toll_free else "standard",
                    "cnam_lookups_enabled": bool(order["details"].get("enable_cnam_lookups", True)),
                    "primary_route": presets.get("primary_route_id") or "0",
                    "failover_route": presets.get("failover_route_id"),
                    "e911": presets.get("e911_id"),
                    "cnam": presets.get("cnam_id"),
                    "messaging_enabled": False,
                },
            )


def _b64(content: bytes) -> str:
    return base64.b64encode(content).decode("ascii")
