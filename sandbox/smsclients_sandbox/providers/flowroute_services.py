"""Flowroute v2 account services: messaging callbacks, E911 records, CNAM records, CDR exports
and the porting portability check.

State rules (what the sandbox enforces, beyond the spec's request checks):

- Callbacks: one URL per type per account and per number (:mod:`smsclients_sandbox.callbacks`);
  a look-up of an unset type is 404. ``dlr_callback`` and ``sms_dlr_callback`` share a setting.
- E911: an address is validated before it is stored or changed: the state must be a US state
  (country ``US``) or Canadian province (``CA``) and the ZIP/postal code must have that
  country's form; otherwise 400 "Could not geocode this address" (FR-v3 README). A record in
  use by a number cannot be deleted (409). Assigning a record again is not an error.
- CNAM: new records are pending; only approved records can be assigned (422); only pending
  ones can be changed (403). The account starts with the two approved records of the FR-v3
  README (17604 "TEST, MARIA", 22671 "REGENCE INC"); ``POST /_sandbox/flowroute/cnams/approve``
  approves or rejects one. Deleting a record unassigns it everywhere.
- CDR exports start ``processing`` and are ``completed`` the next time they are read; the
  download (a gzip-compressed CSV at ``/_sandbox/flowroute/cdrexports/<id>.csv.gz``, no auth,
  like the pre-signed S3 URL) lists calls synthesised from the seed for the account's numbers
  in the requested window, filtered by the documented filters.
- Portability: numbers already on the account are not portable; numbers of the sandbox's
  inventory are portable and HyperNetwork-enabled; 555 exchanges are not portable; all others
  are portable.
"""

from __future__ import annotations

import csv
import gzip
import io
import random
import re
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

from smsclients_sandbox.callback_urls import KINDS, canonical
from smsclients_sandbox.providers.flowroute_numbers import (
    CNAMS,
    E911S,
    NUMBERS,
    FlowrouteAccount,
    FlowrouteNumbers,
    cnam_resource,
    e911_resource,
)
from smsclients_sandbox.providers.jsonapi import page_links, paging, window, with_limit
from smsclients_sandbox.state import State, parse_timestamp
from smsclients_sandbox.surfaces import Surface
from smsclients_sandbox.wire import Call, Operation, ProviderError, Reply, dig

CDR_EXPORTS = "fr.cdrexport"
FIRST_E911_ID = 21301  # the id of the record the FR-v3 README creates
FIRST_CNAM_ID = 23454  # likewise for CNAM records
FIRST_CDR_EXPORT_ID = 38647
CDR_COLUMNS = [
    "direction",
    "start_time",
    "end_time",
    "destination",
    "number_alias",
    "callerid",
    "total_cost",
    "destination_name",
    "callerid_country",
    "line_information",
    "result",
    "call_fail_sip_code",
    "call_fail_reason",
    "duration",
    "billed_duration",
    "rate",
    "first_increment",
    "subsequent_increment",
    "cost_subtotal",
    "connect_fee",
    "usf_fee",
    "ccrf",
    "cnam_lookup_fee",
    "custom_x_tag",
    "customer_ip",
]
CDR_MAX_ROWS = 500
GEOCODE_ERROR = "Could not geocode this address. Please check the validity of your address."
US_STATES = frozenset(
    [
        "AL",
        "AK",
        "AZ",
        "AR",
        "CA",
        "CO",
        "CT",
        "DE",
        "DC",
        "FL",
        "GA",
        "HI",
        "ID",
        "IL",
        "IN",
        "IA",
        "KS",
        "KY",
        "LA",
        "ME",
        "MD",
        "MA",
        "MI",
        "MN",
        "MS",
        "MO",
        "MT",
        "NE",
        "NV",
        "NH",
        "NJ",
        "NM",
        "NY",
        "NC",
        "ND",
        "OH",
        "OK",
        "OR",
        "PA",
        "RI",
        "SC",
        "SD",
        "TN",
        "TX",
        "UT",
        "VT",
        "VA",
        "WA",
        "WV",
        "WI",
        "WY",
        "PR",
    ]
)
CA_PROVINCES = frozenset(["AB", "BC", "MB", "NB", "NL", "NS", "NT", "NU", "ON", "PE", "QC", "SK", "YT"])
POSTAL = {"US": re.compile(r"^\d{5}(-\d{4})?$"), "CA": re.compile(r"^[A-Z]\d[A-Z] ?\d[A-Z]\d$")}
INITIAL_CNAMS: tuple[dict[str, Any], ...] = (
    {
        "id": "17604",
        "value": "TEST, MARIA",
        "is_approved": True,
        "approval_datetime": None,
        "creation_datetime": None,
        "rejection_reason": "",
    },
    {
        "id": "22671",
        "value": "REGENCE INC",
        "is_approved": True,
        "approval_datetime": "2018-04-16 16:20:32.939166+00:00",
        "creation_datetime": "2018-04-12 19:08:39.062539+00:00",
        "rejection_reason": None,
    },
)
PRODUCTS = {"sms_callback": "sms", "mms_callback": "mms", "sms_dlr_callback": "dlr", "mms_dlr_callback": "mms_dlr"}


def _utc_text(moment: datetime) -> str:
    """``2018-06-01 00:09:52.513092+00:00``, the CNAM timestamps' form."""
    return moment.astimezone(UTC).isoformat(sep=" ")


class FlowrouteServices:
    """Handlers of the ``callbacks``, ``e911s``, ``cnams``, ``cdrs`` and ``porting`` operations."""

    def __init__(self, state: State, surface: Surface, account: FlowrouteAccount, numbers: FlowrouteNumbers) -> None:
        self.state = state
        self.surface = surface
        self.account = account
        self.numbers = numbers

    def initialise(self) -> None:
        store = self.state.store
        if store.get("fr.meta", "services-initialised"):
            return
        for record in INITIAL_CNAMS:
            store.put(CNAMS, record["id"], dict(record))
        store.put("fr.meta", "services-initialised", {"at": self.state.now().isoformat()})

    def operations(self) -> list[Operation]:
        s = self.surface
        ops: list[Operation] = []
        for kind in KINDS:
            path = f"/v2.1/messages/{kind}"
            ops += [
                Operation(s, "PUT", path, f"set_account_{kind}", self._account_setter(kind)),
                Operation(s, "GET", path, f"get_account_{kind}", self._account_getter(kind)),
                Operation(s, "DELETE", path, f"remove_account_{kind}", self._account_remover(kind)),
            ]
        number_rel = "/v2/numbers/{number_id}/relationships"
        ops += [
            # The concrete relationship paths come before the templated callback path.
            Operation(s, "PATCH", number_rel + "/e911s/{e911_id}", "assign_e911", self.assign_e911),
            Operation(s, "DELETE", number_rel + "/e911s", "unassign_e911", self.unassign_e911),
            Operation(s, "PATCH", number_rel + "/cnams/{cnam_id}", "assign_cnam", self.assign_cnam),
            Operation(s, "DELETE", number_rel + "/cnams", "unassign_cnam", self.unassign_cnam),
            Operation(s, "POST", "/v2/numbers/{id}/relationships/{callback_type}", "set_number_callback", self.set_nc),
            Operation(s, "GET", "/v2/numbers/{id}/relationships/{callback_type}", "get_number_callback", self.get_nc),
            Operation(
                s, "DELETE", "/v2/numbers/{id}/relationships/{callback_type}", "remove_number_callback", self.remove_nc
            ),
            Operation(s, "GET", "/v2/e911s", "list_e911s", self.list_e911s),
            Operation(s, "POST", "/v2/e911s", "create_e911", self.create_e911),
            Operation(s, "POST", "/v2/e911s/validate", "validate_e911", self.validate_e911),
            Operation(s, "GET", "/v2/e911s/{e911_id}", "get_e911", self.get_e911),
            Operation(s, "PATCH", "/v2/e911s/{e911_id}", "update_e911", self.update_e911),
            Operation(s, "DELETE", "/v2/e911s/{e911_id}", "delete_e911", self.delete_e911),
            Operation(s, "GET", "/v2/e911s/{e911_id}/relationships/numbers", "list_e911_numbers", self.e911_numbers),
            Operation(s, "GET", "/v2/cnams", "list_cnams", self.list_cnams),
            Operation(s, "POST", "/v2/cnams", "create_cnam", self.create_cnam),
            Operation(s, "GET", "/v2/cnams/{cnam_id}", "get_cnam", self.get_cnam),
            Operation(s, "PATCH", "/v2/cnams/{cnam_id}", "update_cnam", self.update_cnam),
            Operation(s, "DELETE", "/v2/cnams/{cnam_id}", "delete_cnam", self.delete_cnam),
            Operation(s, "GET", "/v2/cdrs/exports", "list_cdr_exports", self.list_cdr_exports),
            Operation(s, "POST", "/v2/cdrs/exports", "create_cdr_export", self.create_cdr_export),
            Operation(s, "GET", "/v2/cdrs/exports/{cdrexport_id}", "get_cdr_export", self.get_cdr_export),
            Operation(s, "POST", "/v2/portorders/portability", "check_portability", self.portability),
        ]
        return ops

    # ------------------------------------------------------------------ callbacks
    def _callback_document(self, kind: str, url: str, number: str | None) -> dict[str, Any]:
        return {
            "data": {
                "type": "callback",
                "id": f"{number}:{kind}" if number else kind,
                "attributes": {"callback_url": url, "api_version": "v2.1", "product": PRODUCTS[canonical(kind)]},
            }
        }

    @staticmethod
    def _callback_url(body: Any) -> str:
        url = dig(body, "callback_url") or dig(body, "data", "attributes", "callback_url")
        if not isinstance(url, str) or not url:
            raise ProviderError(422, "callback_url is required")
        return url

    def _account_setter(self, kind: str) -> Any:
        def handler(call: Call) -> Reply:
            self.state.callback_urls.set(self.surface, kind, self._callback_url(call.body))
            return Reply(204, empty=True)

        return handler

    def _account_getter(self, kind: str) -> Any:
        def handler(call: Call) -> Reply:
            url = self.state.callback_urls.get(self.surface, kind)
            if url is None:
                raise ProviderError(404, f"No {kind} is set for this account")
            return Reply(200, self._callback_document(kind, url, None))

        return handler

    def _account_remover(self, kind: str) -> Any:
        def handler(call: Call) -> Reply:
            if not self.state.callback_urls.remove(self.surface, kind):
                raise ProviderError(404, f"No {kind} is set for this account")
            return Reply(204, empty=True)

        return handler

    def _number_and_kind(self, call: Call) -> tuple[str, str]:
        number, kind = call.path_params["id"], call.path_params["callback_type"]
        if kind not in KINDS:
            raise ProviderError(404, f"Unknown relationship {kind}")
        if not self.account.owns(number):
            raise ProviderError(404, f"Phone number {number} is not on this account")
        return number, kind

    def set_nc(self, call: Call) -> Reply:
        number, kind = self._number_and_kind(call)
        self.state.callback_urls.set(self.surface, kind, self._callback_url(call.body), number)
        return Reply(204, empty=True)

    def get_nc(self, call: Call) -> Reply:
        number, kind = self._number_and_kind(call)
        url = self.state.callback_urls.get(self.surface, kind, number)
        if url is None:
            raise ProviderError(404, f"No {kind} is set for {number}")
        return Reply(200, self._callback_document(kind, url, number))

    def remove_nc(self, call: Call) -> Reply:
        number, kind = self._number_and_kind(call)
        if not self.state.callback_urls.remove(self.surface, kind, number):
            raise ProviderError(404, f"No {kind} is set for {number}")
        return Reply(204, empty=True)

    # ------------------------------------------------------------------ e911s
    def _number(self, call: Call) -> dict[str, Any]:
        number_id = call.path_params["number_id"]
        number = self.account.number(number_id)
        if number is None:
            raise ProviderError(404, f"Phone number {number_id} is not on this account")
        return number

    def _e911(self, call: Call) -> dict[str, Any]:
        record = self.state.store.get(E911S, call.path_params["e911_id"])
        if record is None:
            raise ProviderError(404, f"E911 record {call.path_params['e911_id']} does not exist")
        return record

    @staticmethod
    def _validated(attributes: Any) -> dict[str, Any]:
        if not isinstance(attributes, dict):
            raise ProviderError(422, "data.attributes is required")
        country = attributes.get("country")
        state = str(attributes.get("state") or "")
        zip_code = str(attributes.get("zip") or "")
        regions = {"US": US_STATES, "CA": CA_PROVINCES}.get(str(country))
        if regions is None or state not in regions or not POSTAL[str(country)].match(zip_code):
            raise ProviderError(400, GEOCODE_ERROR, title="Client Error")
        return {k: v for k, v in attributes.items() if v is not None}

    def list_e911s(self, call: Call) -> Reply:
        limit, offset = paging(call, 10, 200)
        state = call.query.get("state")
        records = [
            r
            for r in self.state.store.scan(E911S)
            if state is None or str(r["attributes"].get("state", "")).upper() == state.upper()
        ]
        data = [e911_resource(call.base_url, r) for r in window(records, offset, limit)]
        links = page_links(
            call, "/v2/e911s", with_limit([("state", state)], limit), offset=offset, limit=limit, total=len(records)
        )
        return Reply(200, {"data": data, "links": links})

    def create_e911(self, call: Call) -> Reply:
        attributes = self._validated(dig(call.body, "data", "attributes"))
        record_id = str(FIRST_E911_ID - 1 + self.state.ids.sequence("fr.e911"))
        record = {"id": record_id, "attributes": attributes}
        self.state.store.put(E911S, record_id, record)
        return Reply(201, {"data": e911_resource(call.base_url, record)})

    def validate_e911(self, call: Call) -> Reply:
        self._validated(dig(call.body, "data", "attributes"))
        return Reply(204, empty=True)

    def get_e911(self, call: Call) -> Reply:
        return Reply(200, {"data": e911_resource(call.base_url, self._e911(call))})

    def update_e911(self, call: Call) -> Reply:
        record = self._e911(call)
        changes = dig(call.body, "data", "attributes")
        if not isinstance(changes, dict):
            raise ProviderError(422, "data.attributes is required")
        record["attributes"] = self._validated({**record["attributes"], **changes})
        self.state.store.put(E911S, record["id"], record)
        return Reply(200, {"data": e911_resource(call.base_url, record)})

    def _users(self, key: str, record_id: str) -> list[dict[str, Any]]:
        return [n for n in self.state.store.scan(NUMBERS) if n.get(key) == record_id]

    def delete_e911(self, call: Call) -> Reply:
        record = self._e911(call)
        if self._users("e911", record["id"]):
            raise ProviderError(409, "Remove the record from every phone number before deleting it.")
        self.state.store.delete(E911S, record["id"])
        return Reply(204, empty=True)

    def e911_numbers(self, call: Call) -> Reply:
        record = self._e911(call)
        limit, offset = paging(call, 10, 200)
        users = self._users("e911", record["id"])
        data = [
            {
                "type": "number",
                "id": n["value"],
                "attributes": {"alias": n["alias"], "value": n["value"]},
                "links": {"self": f"{call.base_url}/v2/numbers/{n['value']}"},
            }
            for n in window(users, offset, limit)
        ]
        path = f"/v2/e911s/{record['id']}/relationships/numbers"
        links = page_links(call, path, with_limit([], limit), offset=offset, limit=limit, total=len(users))
        return Reply(200, {"data": data, "links": links})

    def assign_e911(self, call: Call) -> Reply:
        number = self._number(call)
        number["e911"] = self._e911(call)["id"]
        self.state.store.put(NUMBERS, number["value"], number)
        return Reply(204, empty=True)

    def unassign_e911(self, call: Call) -> Reply:
        number = self._number(call)
        number["e911"] = None
        self.state.store.put(NUMBERS, number["value"], number)
        return Reply(204, empty=True)

    # ------------------------------------------------------------------ cnams
    def _cnam(self, call: Call) -> dict[str, Any]:
        record = self.state.store.get(CNAMS, call.path_params["cnam_id"])
        if record is None:
            raise ProviderError(404, f"CNAM record {call.path_params['cnam_id']} does not exist")
        return record

    def list_cnams(self, call: Call) -> Reply:
        limit, offset = paging(call, 10, None)
        approved = call.query.get("is_approved")
        value = (call.query.get("value") or "").lower()
        records = [
            r
            for r in self.state.store.scan(CNAMS)
            if (approved is None or str(r["is_approved"]).lower() == approved.lower()) and value in r["value"].lower()
        ]
        data = [cnam_resource(call.base_url, r) for r in window(records, offset, limit)]
        filters = [("is_approved", approved), ("value", call.query.get("value"))]
        params = with_limit(filters, limit)
        links = page_links(call, "/v2/cnams", params, offset=offset, limit=limit, total=len(records))
        return Reply(200, {"data": data, "links": links})

    def create_cnam(self, call: Call) -> Reply:
        value = dig(call.body, "value")
        if not isinstance(value, str) or not value.strip():
            raise ProviderError(422, "value is required")
        record_id = str(FIRST_CNAM_ID - 1 + self.state.ids.sequence("fr.cnam"))
        record = {
            "id": record_id,
            "value": value,
            "is_approved": False,
            "approval_datetime": None,
            "creation_datetime": _utc_text(self.state.now()),
            "rejection_reason": None,
        }
        self.state.store.put(CNAMS, record_id, record)
        return Reply(201, {"data": cnam_resource(call.base_url, record)})

    def get_cnam(self, call: Call) -> Reply:
        record = self._cnam(call)
        resource = cnam_resource(call.base_url, record)
        users = self._users("cnam", record["id"])
        body: dict[str, Any] = {"data": resource}
        if users:
            resource["relationships"] = {"numbers": {"data": [{"type": "number", "id": n["value"]} for n in users]}}
            body["included"] = [
                {
                    "type": "number",
                    "id": n["value"],
                    "attributes": {"alias": n["alias"], "value": n["value"]},
                    "links": {"self": f"{call.base_url}/v2/numbers/{n['value']}"},
                }
                for n in users
            ]
        return Reply(200, body)

    def update_cnam(self, call: Call) -> Reply:
        record = self._cnam(call)
        if record["is_approved"]:
            raise ProviderError(403, "Only pending CNAM records can be changed.")
        value = dig(call.body, "data", "attributes", "value")
        if not isinstance(value, str) or not value.strip():
            raise ProviderError(422, "data.attributes.value is required")
        record["value"] = value
        self.state.store.put(CNAMS, record["id"], record)
        resource = cnam_resource(call.base_url, record)
        return Reply(200, {"data": resource, "links": {"self": resource["links"]["self"]}})

    def delete_cnam(self, call: Call) -> Reply:
        record = self._cnam(call)
        for number in self._users("cnam", record["id"]):
            number["cnam"] = None
            self.state.store.put(NUMBERS, number["value"], number)
        self.state.store.delete(CNAMS, record["id"])
        return Reply(204, empty=True)

    def _assignment(self, cnam_id: int | None) -> dict[str, Any]:
        stamp = format_datetime(self.state.now(), usegmt=True)
        return {"data": {"type": "cnam", "id": cnam_id, "attributes": {"date_created": stamp}}}

    def assign_cnam(self, call: Call) -> Reply:
        number = self._number(call)
        record = self._cnam(call)
        if not record["is_approved"]:
            raise ProviderError(422, f"CNAM record {record['id']} is not approved yet.")
        number["cnam"] = record["id"]
        self.state.store.put(NUMBERS, number["value"], number)
        return Reply(202, self._assignment(int(record["id"])))

    def unassign_cnam(self, call: Call) -> Reply:
        number = self._number(call)
        number["cnam"] = None
        self.state.store.put(NUMBERS, number["value"], number)
        return Reply(202, self._assignment(None))

    def decide_cnam(self, cnam_id: str, approved: bool, reason: str | None = None) -> dict[str, Any]:
        """Approve or reject a CNAM record (the control endpoint's action); returns it."""
        record = self.state.store.get(CNAMS, cnam_id)
        if record is None:
            raise ProviderError(404, f"CNAM record {cnam_id} does not exist")
        record["is_approved"] = approved
        record["approval_datetime"] = _utc_text(self.state.now()) if approved else None
        record["rejection_reason"] = None if approved else (reason or "Rejected by the sandbox")
        self.state.store.put(CNAMS, cnam_id, record)
        return record

    # ------------------------------------------------------------------ cdrs
    def _root(self, call: Call) -> str:
        return call.base_url[: len(call.base_url) - len(self.surface.prefix)]

    def _completed(self, call: Call, doc: dict[str, Any]) -> dict[str, Any]:
        """Complete a processing export (the sandbox finishes at its first read)."""
        if doc["status"] != "processing":
            return doc
        now = self.state.now()
        rows = self._cdr_rows(doc["filter_parameters"])
        billed = sum(int(r["billed_duration"]) for r in rows)
        total = sum(float(r["total_cost"]) for r in rows)
        doc.update(
            status="completed",
            created_at=now.replace(microsecond=0).isoformat(),
            expires_at=(now + timedelta(days=3)).replace(microsecond=0).isoformat(),
            rows=rows,
            num_calls=len(rows),
            billed_minutes=(billed + 59) // 60,
            total_cost=f"{total:.6f}",
        )
        self.state.store.put(CDR_EXPORTS, doc["id"], doc)
        return doc

    def _cdr_resource(self, call: Call, doc: dict[str, Any]) -> dict[str, Any]:
        done = doc["status"] == "completed"
        attributes = {
            "callback_url": doc["callback_url"],
            "status": doc["status"],
            "download_url": f"{self._root(call)}/_sandbox/flowroute/cdrexports/{doc['id']}.csv.gz" if done else None,
            "requested_at": doc["requested_at"],
            "created_at": doc.get("created_at"),
            "expires_at": doc.get("expires_at"),
            "total_cost": doc.get("total_cost"),
            "call_subtotal": doc.get("total_cost"),
            "connect_fees": "0.0" if done else None,
            "cnamlookup_fees": "0.0" if done else None,
            "usf_fees": "0.0" if done else None,
            "ccrf": "0.0" if done else None,
            "num_calls": doc.get("num_calls"),
            "billed_minutes": doc.get("billed_minutes"),
            "filter_parameters": doc["filter_parameters"],
        }
        return {
            "type": "cdrexport",
            "id": int(doc["id"]),
            "attributes": attributes,
            "links": {"self": f"{call.base_url}/v2/cdrs/exports/{doc['id']}"},
        }

    def create_cdr_export(self, call: Call) -> Reply:
        attributes = dig(call.body, "data", "attributes")
        filters = dig(attributes, "filter_parameters")
        if not isinstance(filters, dict):
            raise ProviderError(422, "data.attributes.filter_parameters is required")
        start = parse_timestamp(str(filters.get("start_call_start_time") or ""))
        end = parse_timestamp(str(filters.get("start_call_end_time") or ""))
        if start is None or end is None or end < start:
            raise ProviderError(422, "start_call_start_time and start_call_end_time must form a time window")
        if end - start > timedelta(days=92):
            raise ProviderError(422, "A single export covers at most 92 days.")
        export_id = str(FIRST_CDR_EXPORT_ID - 1 + self.state.ids.sequence("fr.cdrexport"))
        doc = {
            "id": export_id,
            "status": "processing",
            "callback_url": dig(attributes, "callback_url"),
            "requested_at": self.state.now().replace(microsecond=0).isoformat(),
            "filter_parameters": filters,
        }
        self.state.store.put(CDR_EXPORTS, export_id, doc)
        return Reply(201, {"data": self._cdr_resource(call, doc)})

    def list_cdr_exports(self, call: Call) -> Reply:
        limit, offset = paging(call, 10, 200)
        status = call.query.get("status")
        docs = [self._completed(call, d) for d in self.state.store.scan(CDR_EXPORTS)]
        docs = [d for d in reversed(docs) if status is None or d["status"] == status]
        data = [{"data": self._cdr_resource(call, d)} for d in window(docs, offset, limit)]
        params = with_limit([("status", status)], limit)
        links = page_links(call, "/v2/cdrs/exports", params, offset=offset, limit=limit, total=len(docs))
        return Reply(200, {"data": data, "links": links})

    def get_cdr_export(self, call: Call) -> Reply:
        doc = self.state.store.get(CDR_EXPORTS, call.path_params["cdrexport_id"])
        if doc is None:
            raise ProviderError(404, f"CDR export {call.path_params['cdrexport_id']} does not exist")
        return Reply(200, {"data": self._cdr_resource(call, self._completed(call, doc))})

    def _cdr_rows(self, filters: dict[str, Any]) -> list[dict[str, str]]:
        """Calls synthesised from the seed: a few per account number per day of the window."""
        start = parse_timestamp(str(filters["start_call_start_time"]))
        end = parse_timestamp(str(filters["start_call_end_time"]))
        assert start is not None and end is not None  # checked at creation
        aliases = set(filters.get("number_aliases") or [])
        contains = [str(a).lower() for a in filters.get("number_aliases_contains") or []]
        destinations = {str(d).lstrip("+") for d in filters.get("destination_numbers") or []}
        callers = {str(c).lstrip("+") for c in filters.get("callerid_numbers") or []}
        numbers = sorted(self.state.store.scan(NUMBERS), key=lambda n: str(n["value"]))
        rows: list[dict[str, str]] = []
        day = start.replace(hour=0, minute=0, second=0, microsecond=0)
        while day < end and len(rows) < CDR_MAX_ROWS:
            rng = random.Random(f"{self.state.options.seed}:cdr:{day.date().isoformat()}")
            for number in numbers:
                alias = number.get("alias") or ""
                if aliases and alias not in aliases:
                    continue
                if contains and not any(c in alias.lower() for c in contains):
                    continue
                for _ in range(rng.randint(0, 2)):
                    moment = day + timedelta(seconds=rng.randint(0, 86399))
                    if not start <= moment < end:
                        continue
                    rows.append(_cdr_row(rng, moment, number["value"], alias))
            day += timedelta(days=1)
        return [
            r
            for r in rows
            if (not destinations or r["destination"].lstrip("+") in destinations)
            and (not callers or r["callerid"].lstrip("+") in callers)
        ][:CDR_MAX_ROWS]

    def cdr_download(self, export_id: str) -> bytes | None:
        """The gzip-compressed CSV of a completed export, or None."""
        doc = self.state.store.get(CDR_EXPORTS, export_id)
        if doc is None or doc.get("status") != "completed":
            return None
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=CDR_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(doc.get("rows") or [])
        return gzip.compress(text.getvalue().encode("utf-8"), mtime=0)

    # ------------------------------------------------------------------ porting
    def is_portable(self, number: str) -> bool:
        """The sandbox's portability rule (module docstring), shared with the port orders."""
        return not (self.account.owns(number.lstrip("+")) or number[5:8] == "555")

    def portability(self, call: Call) -> Reply:
        numbers = dig(call.body, "numbers")
        if not isinstance(numbers, list) or not numbers:
            raise ProviderError(422, "numbers is required")
        inventory = {f"+{n.value}" for n in self.numbers.inventory}
        portable, nonportable, hypernetwork = [], [], []
        for raw in numbers:
            number = str(raw)
            if not self.is_portable(number):
                nonportable.append(number)
                continue
            portable.append(number)
            if number in inventory:
                hypernetwork.append(number)
        groups = {"hypernetwork_enabled": hypernetwork, "nonportable": nonportable, "portable": portable}
        return Reply(200, {"data": groups}, media_type="application/json")


def _cdr_row(rng: random.Random, moment: datetime, number: str, alias: str) -> dict[str, str]:
    inbound = rng.random() < 0.5
    other = f"1206{rng.randint(2000000, 9999999)}"
    duration = rng.randint(5, 600)
    billed = -(-duration // 6) * 6
    rate = 0.0015 if inbound else 0.0098
    subtotal = billed / 60 * rate
    ccrf = subtotal * 0.13
    cnam_fee = 0.0039 if inbound else 0.0
    return {
        "direction": "Inbound" if inbound else "Outbound",
        "start_time": moment.strftime("%Y-%m-%d %H:%M:%S+00"),
        "end_time": (moment + timedelta(seconds=duration)).strftime("%Y-%m-%d %H:%M:%S+00"),
        "destination": number if inbound else other,
        "number_alias": alias,
        "callerid": f"+{other}" if inbound else f"+{number}",
        "total_cost": f"{subtotal + ccrf + cnam_fee:.8f}",
        "destination_name": "UNITED STATES",
        "callerid_country": "UNITED STATES" if inbound else "N/A",
        "line_information": "61" if inbound else "",
        "result": "completed",
        "call_fail_sip_code": "200",
        "call_fail_reason": "OK",
        "duration": str(duration),
        "billed_duration": str(billed),
        "rate": f"{rate:.6f}",
        "first_increment": "6",
        "subsequent_increment": "6",
        "cost_subtotal": f"{subtotal:.8f}",
        "connect_fee": "0.0000",
        "usf_fee": "0.00000000",
        "ccrf": f"{ccrf:.8f}",
        "cnam_lookup_fee": f"{cnam_fee:.8f}",
        "custom_x_tag": "",
        "customer_ip": "192.0.2.10",
    }
