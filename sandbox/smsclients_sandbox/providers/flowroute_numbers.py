"""Flowroute Numbers v2 and Routes v2: inventory search, purchase, account numbers, routes.

The account starts with the numbers and routes the seed documents use (S001's account numbers
and routes, S000/S004's toll-free senders), so the documented flows work without a purchase;
everything else comes from the seeded inventory (:mod:`smsclients_sandbox.inventory`).
"""

from __future__ import annotations

from typing import Any

from smsclients_sandbox import inventory
from smsclients_sandbox.inventory import InventoryNumber
from smsclients_sandbox.providers.jsonapi import int_param, page_links, paging, window, with_limit
from smsclients_sandbox.state import State
from smsclients_sandbox.surfaces import Surface
from smsclients_sandbox.wire import Call, Operation, ProviderError, Reply, dig

NUMBERS = "fr.number"
ROUTES = "fr.route"
FIRST_CREATED_ROUTE_ID = 98396  # the id of the route S001 creates

INITIAL_NUMBERS: tuple[dict[str, Any], ...] = (
    {"value": "12012673227", "rate_center": "oradell", "state": "nj", "number_type": "standard"},
    {"value": "12014845220", "rate_center": "jerseycity", "state": "nj", "number_type": "standard"},
    {"value": "18444205700", "rate_center": "tollfree", "state": "us", "number_type": "tollfree"},
    {"value": "18553569768", "rate_center": "tollfree", "state": "us", "number_type": "tollfree"},
)
INITIAL_ROUTES: tuple[dict[str, Any], ...] = (
    {"id": "0", "route_type": "sip-reg", "alias": "sip-reg", "value": None},
    {"id": "83834", "route_type": "number", "alias": "PSTNroute1", "value": "12065551212"},
)


class FlowrouteAccount:
    """The account's numbers and routes, shared with the messaging module (``from`` checks)."""

    def __init__(self, state: State) -> None:
        self.state = state

    def initialise(self) -> None:
        store = self.state.store
        if store.get("fr.meta", "initialised"):
            return
        for number in INITIAL_NUMBERS:
            store.put(NUMBERS, number["value"], _account_number(number))
        for route in INITIAL_ROUTES:
            store.put(ROUTES, route["id"], dict(route))
        store.put("fr.meta", "initialised", {"at": self.state.now().isoformat()})

    def number(self, value: str) -> dict[str, Any] | None:
        return self.state.store.get(NUMBERS, value)

    def owns(self, value: str) -> bool:
        return self.number(value) is not None


def _account_number(source: dict[str, Any]) -> dict[str, Any]:
    return {
        "value": source["value"],
        "alias": None,
        "rate_center": source["rate_center"],
        "state": source["state"],
        "number_type": source["number_type"],
        "cnam_lookups_enabled": True,
        "primary_route": "0",
        "failover_route": None,
    }


def _digits(call: Call, name: str) -> str | None:
    value = int_param(call, name)
    return None if value is None else str(value)


def _starts_with(call: Call) -> str | None:
    """Flowroute normalises ``starts_with`` to include the country code (646 -> 1646, S001)."""
    digits = _digits(call, "starts_with")
    if digits is None or digits.startswith("1") or digits.startswith("-"):
        return digits
    return "1" + digits


def _matches(value: str, starts: str | None, contains: str | None, ends: str | None) -> bool:
    return (
        (starts is None or value.startswith(starts))
        and (contains is None or contains in value)
        and (ends is None or value.endswith(ends))
    )


class FlowrouteNumbers:
    """Handlers of the ``numbers`` and ``routes`` operations of ``flowroute-v2.yaml``."""

    def __init__(self, state: State, surface: Surface, account: FlowrouteAccount) -> None:
        self.state = state
        self.surface = surface
        self.account = account
        self.inventory = inventory.generate(state.options.seed)

    def operations(self) -> list[Operation]:
        s = self.surface
        return [
            Operation(s, "GET", "/v2/numbers/available/areacodes", "list_available_area_codes", self.area_codes),
            Operation(s, "GET", "/v2/numbers/available/exchanges", "list_available_exchange_codes", self.exchanges),
            Operation(s, "GET", "/v2/numbers/available", "search_purchasable_numbers", self.search),
            Operation(s, "GET", "/v2/numbers", "list_account_numbers", self.list_numbers),
            Operation(s, "POST", "/v2/numbers/{id}", "purchase_number", self.purchase),
            Operation(s, "GET", "/v2/numbers/{id}", "get_number", self.get_number),
            Operation(s, "POST", "/v2/routes", "create_route", self.create_route),
            Operation(s, "GET", "/v2/routes", "list_routes", self.list_routes),
            Operation(
                s,
                "PATCH",
                "/v2/numbers/{number_id}/relationships/primary_route",
                "update_primary_route",
                self.update_primary,
            ),
            Operation(
                s,
                "PATCH",
                "/v2/numbers/{number_id}/relationships/failover_route",
                "update_failover_route",
                self.update_failover,
            ),
        ]

    # ------------------------------------------------------------------ inventory
    def _available(self, call: Call) -> list[InventoryNumber]:
        owned = {d["value"] for d in self.state.store.scan(NUMBERS)}
        raw_cost = call.query.get("max_setup_cost")
        max_cost = None
        if raw_cost is not None:
            try:
                max_cost = float(raw_cost)
            except ValueError as exc:
                raise ProviderError(422, "Invalid value for max_setup_cost: must be a number") from exc
        return [n for n in self.inventory if n.value not in owned and (max_cost is None or n.setup_cost <= max_cost)]

    def area_codes(self, call: Call) -> Reply:
        limit, offset = paging(call, 10, 400)
        codes = sorted({n.area_code for n in self._available(call)})
        data = [
            {
                "type": "areacode",
                "id": code,
                "links": {"related": f"{call.base_url}/v2/numbers/available/exchanges?areacode={code}"},
            }
            for code in window(codes, offset, limit)
        ]
        params = with_limit([("max_setup_cost", call.query.get("max_setup_cost"))], limit)
        links = page_links(
            call, "/v2/numbers/available/areacodes", params, offset=offset, limit=limit, total=len(codes)
        )
        return Reply(200, {"data": data, "links": links})

    def exchanges(self, call: Call) -> Reply:
        limit, offset = paging(call, 10, 200)
        area = _digits(call, "areacode")
        codes = sorted({n.exchange for n in self._available(call) if area is None or n.area_code == area})
        data = [
            {
                "type": "exchange",
                "id": code,
                "links": {"related": f"{call.base_url}/v2/numbers/available?starts_with=1{code}"},
            }
            for code in window(codes, offset, limit)
        ]
        params = with_limit([("max_setup_cost", call.query.get("max_setup_cost")), ("areacode", area)], limit)
        links = page_links(
            call, "/v2/numbers/available/exchanges", params, offset=offset, limit=limit, total=len(codes)
        )
        return Reply(200, {"data": data, "links": links})

    def search(self, call: Call) -> Reply:
        limit, offset = paging(call, 10, 200)
        starts, contains, ends = _starts_with(call), _digits(call, "contains"), _digits(call, "ends_with")
        rate_center = call.query.get("rate_center")
        state = call.query.get("state")
        found = [
            n
            for n in self._available(call)
            if _matches(n.value, starts, contains, ends)
            and (rate_center is None or n.rate_center == rate_center.lower())
            and (state is None or n.state == state.lower())
        ]
        data = [
            {
                "type": "number",
                "id": n.value,
                "attributes": {
                    "rate_center": n.rate_center,
                    "value": n.value,
                    "monthly_cost": n.monthly_cost,
                    "state": n.state,
                    "number_type": n.number_type,
                    "setup_cost": n.setup_cost,
                },
                "links": {"related": f"{call.base_url}/v2/numbers/{n.value}"},
            }
            for n in window(found, offset, limit)
        ]
        filters = [
            ("contains", contains),
            ("ends_with", ends),
            ("max_setup_cost", call.query.get("max_setup_cost")),
            ("rate_center", rate_center),
            ("starts_with", starts),
            ("state", state),
        ]
        links = page_links(
            call, "/v2/numbers/available", with_limit(filters, limit), offset=offset, limit=limit, total=len(found)
        )
        return Reply(200, {"data": data, "links": links})

    def purchase(self, call: Call) -> Reply:
        value = call.path_params["id"]
        candidate = next((n for n in self.inventory if n.value == value), None)
        if candidate is None or self.account.owns(value):
            raise ProviderError(404, f"Phone number {value} is not available for purchase")
        number = _account_number(
            {
                "value": value,
                "rate_center": candidate.rate_center,
                "state": candidate.state,
                "number_type": candidate.number_type,
            }
        )
        self.state.store.put(NUMBERS, value, number)
        # Source conflict (S001 200 vs FR-spec 201): the sandbox answers 201 Created, the API
        # reference's code; the spec declares both.
        return Reply(201, self._number_document(call, number))

    # ------------------------------------------------------------------ account numbers
    def list_numbers(self, call: Call) -> Reply:
        limit, offset = paging(call, 10, 200)
        starts, contains, ends = _starts_with(call), _digits(call, "contains"), _digits(call, "ends_with")
        numbers = sorted(
            (d for d in self.state.store.scan(NUMBERS) if _matches(d["value"], starts, contains, ends)),
            key=lambda d: str(d["value"]),
        )
        data = [
            {
                "type": "number",
                "id": d["value"],
                "attributes": {
                    "rate_center": d["rate_center"],
                    "value": d["value"],
                    "alias": d["alias"],
                    "state": d["state"],
                    "number_type": d["number_type"],
                    "cnam_lookups_enabled": d["cnam_lookups_enabled"],
                },
                "links": {"self": f"{call.base_url}/v2/numbers/{d['value']}"},
            }
            for d in window(numbers, offset, limit)
        ]
        filters = [("contains", contains), ("ends_with", ends), ("starts_with", starts)]
        links = page_links(
            call, "/v2/numbers", with_limit(filters, limit), offset=offset, limit=limit, total=len(numbers)
        )
        return Reply(200, {"data": data, "links": links})

    def get_number(self, call: Call) -> Reply:
        number = self.account.number(call.path_params["id"])
        if number is None:
            raise ProviderError(404, f"Phone number {call.path_params['id']} is not on this account")
        return Reply(200, self._number_document(call, number))

    def _number_document(self, call: Call, number: dict[str, Any]) -> dict[str, Any]:
        url = f"{call.base_url}/v2/numbers/{number['value']}"
        included = []
        for route_id in dict.fromkeys(r for r in (number["primary_route"], number["failover_route"]) if r):
            route = self.state.store.get(ROUTES, route_id)
            if route is not None:
                included.append(self._route_resource(call, route))

        def relation(route_id: str | None) -> dict[str, Any]:
            return {"data": {"type": "route", "id": route_id} if route_id else None}

        return {
            "data": {
                "type": "number",
                "id": number["value"],
                "attributes": {
                    "rate_center": number["rate_center"],
                    "value": number["value"],
                    "alias": number["alias"],
                    "state": number["state"],
                    "number_type": number["number_type"],
                    "cnam_lookups_enabled": number["cnam_lookups_enabled"],
                },
                "relationships": {
                    "cnam_preset": {"data": None},
                    "e911_address": {"data": None},
                    "failover_route": relation(number["failover_route"]),
                    "primary_route": relation(number["primary_route"]),
                },
                "links": {"self": url},
            },
            "included": included,
            "links": {"self": url},
        }

    # ------------------------------------------------------------------ routes
    def _route_resource(self, call: Call, route: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "route",
            "id": route["id"],
            "attributes": {"route_type": route["route_type"], "alias": route["alias"], "value": route["value"]},
            "links": {"self": f"{call.base_url}/v2/routes/{route['id']}"},
        }

    def create_route(self, call: Call) -> Reply:
        attributes = dig(call.body, "data", "attributes")
        if not isinstance(attributes, dict) or not all(
            isinstance(attributes.get(k), str) for k in ("route_type", "value", "alias")
        ):
            raise ProviderError(422, "data.attributes needs route_type, value and alias")
        route_id = str(FIRST_CREATED_ROUTE_ID - 1 + self.state.ids.sequence("fr.route"))
        route = {
            "id": route_id,
            "route_type": attributes["route_type"],
            "alias": attributes["alias"],
            "value": attributes["value"],
        }
        self.state.store.put(ROUTES, route_id, route)
        resource = self._route_resource(call, route)
        return Reply(201, {"data": resource, "links": {"self": resource["links"]["self"]}})

    def list_routes(self, call: Call) -> Reply:
        limit, offset = paging(call, 10, 200)
        route_type = call.query.get("route_type")
        routes = [r for r in self.state.store.scan(ROUTES) if route_type is None or r["route_type"] == route_type]
        data = [self._route_resource(call, r) for r in window(routes, offset, limit)]
        params = with_limit([("route_type", route_type)], limit)
        links = page_links(call, "/v2/routes", params, offset=offset, limit=limit, total=len(routes))
        return Reply(200, {"data": data, "links": links})

    def update_primary(self, call: Call) -> Reply:
        return self._assign(call, "primary_route")

    def update_failover(self, call: Call) -> Reply:
        return self._assign(call, "failover_route")

    def _assign(self, call: Call, relation: str) -> Reply:
        number_id = call.path_params["number_id"]
        number = self.account.number(number_id)
        if number is None:
            raise ProviderError(404, f"Phone number {number_id} is not on this account")
        route_id = dig(call.body, "data", "id")
        if not isinstance(route_id, str) or self.state.store.get(ROUTES, route_id) is None:
            raise ProviderError(404, f"Route {route_id} does not exist")
        number[relation] = route_id
        self.state.store.put(NUMBERS, number_id, number)
        return Reply(204, empty=True)
