"""Flowroute Numbers v2 and Routes v2: inventory search, purchase, account numbers, routes.

The account starts with the numbers and routes the seed documents use (S001's account numbers
and routes, S000/S004's toll-free senders), so the documented flows work without a purchase;
everything else comes from the seeded inventory (:mod:`smsclients_sandbox.inventory`).

State rules: a released number goes back to the purchasable inventory and loses its routes,
callbacks, E911 and CNAM assignments (a new purchase starts from the defaults); a route still
used by a number cannot be deleted (403); the built-in ``sip-reg`` route 0 is never deleted.
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
RELEASED = "fr.released"
E911S = "fr.e911"
CNAMS = "fr.cnam"
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
        "e911": None,
        "cnam": None,
        "messaging_enabled": False,
    }


def e911_resource(base_url: str, record: dict[str, Any]) -> dict[str, Any]:
    """An E911 record as JSON:API resource (``record`` holds ``id`` and ``attributes``)."""
    return {
        "type": "e911",
        "id": record["id"],
        "attributes": dict(record["attributes"]),
        "links": {"self": f"{base_url}/v2/e911s/{record['id']}"},
    }


def cnam_resource(base_url: str, record: dict[str, Any]) -> dict[str, Any]:
    """A CNAM record as JSON:API resource (``record`` holds ``id`` and the attributes)."""
    return {
        "type": "cnam",
        "id": record["id"],
        "attributes": {
            "approval_datetime": record["approval_datetime"],
            "creation_datetime": record["creation_datetime"],
            "is_approved": record["is_approved"],
            "rejection_reason": record["rejection_reason"],
            "value": record["value"],
        },
        "links": {"self": f"{base_url}/v2/cnams/{record['id']}"},
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
            Operation(s, "DELETE", "/v2/numbers/{id}", "release_number", self.release),
            Operation(s, "PATCH", "/v2/numbers/{id}", "update_number", self.update_number),
            Operation(s, "POST", "/v2/routes", "create_route", self.create_route),
            Operation(s, "GET", "/v2/routes", "list_routes", self.list_routes),
            Operation(s, "GET", "/v2/routes/edge_strategies", "list_edge_strategies", self.edge_strategies),
            Operation(s, "PATCH", "/v2/routes/{route_id}", "update_route", self.update_route),
            Operation(s, "DELETE", "/v2/routes/{route_id}", "delete_route", self.delete_route),
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
            Operation(
                s,
                "DELETE",
                "/v2/numbers/{number_id}/relationships/primary_route",
                "remove_primary_route",
                self.remove_primary,
            ),
            Operation(
                s,
                "DELETE",
                "/v2/numbers/{number_id}/relationships/failover_route",
                "remove_failover_route",
                self.remove_failover,
            ),
        ]

    # ------------------------------------------------------------------ inventory
    def _inventory(self) -> list[InventoryNumber]:
        """The seeded inventory plus numbers released back into it (sorted by number)."""
        released = [InventoryNumber(**d) for d in self.state.store.scan(RELEASED)]
        known = {n.value for n in self.inventory}
        return sorted([*self.inventory, *(n for n in released if n.value not in known)], key=lambda n: n.value)

    def _available(self, call: Call) -> list[InventoryNumber]:
        owned = {d["value"] for d in self.state.store.scan(NUMBERS)}
        raw_cost = call.query.get("max_setup_cost")
        max_cost = None
        if raw_cost is not None:
            try:
                max_cost = float(raw_cost)
            except ValueError as exc:
                raise ProviderError(422, "Invalid value for max_setup_cost: must be a number") from exc
        return [n for n in self._inventory() if n.value not in owned and (max_cost is None or n.setup_cost <= max_cost)]

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
        candidate = next((n for n in self._inventory() if n.value == value), None)
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

        cnam = self.state.store.get(CNAMS, number["cnam"]) if number.get("cnam") else None
        if cnam is not None:
            included.append(cnam_resource(call.base_url, cnam))
        e911 = self.state.store.get(E911S, number["e911"]) if number.get("e911") else None
        if e911 is not None:
            included.append(e911_resource(call.base_url, e911))
        if number.get("messaging_enabled"):
            # FR-docs name the `messaging-provision` type without its fields; these are the sandbox's.
            included.append(
                {
                    "type": "messaging-provision",
                    "id": number["value"],
                    "attributes": {"messaging_enabled": True, "status": "completed"},
                }
            )

        def relation(target: str | None, kind: str = "route") -> dict[str, Any]:
            return {"data": {"type": kind, "id": target} if target else None}

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
                    "cnam_preset": relation(cnam["id"] if cnam else None, "cnam"),
                    "e911_address": relation(e911["id"] if e911 else None, "e911"),
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
        attributes = {"route_type": route["route_type"], "alias": route["alias"], "value": route["value"]}
        if route.get("edge_strategy_id") is not None:
            attributes["edge_strategy_id"] = route["edge_strategy_id"]
        return {
            "type": "route",
            "id": route["id"],
            "attributes": attributes,
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
            "edge_strategy_id": self._edge_strategy(attributes.get("edge_strategy_id")),
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

    def remove_primary(self, call: Call) -> Reply:
        return self._unassign(call, "primary_route")

    def remove_failover(self, call: Call) -> Reply:
        return self._unassign(call, "failover_route")

    def _unassign(self, call: Call, relation: str) -> Reply:
        number_id = call.path_params["number_id"]
        number = self.account.number(number_id)
        if number is None:
            raise ProviderError(404, f"Phone number {number_id} is not on this account")
        number[relation] = None
        self.state.store.put(NUMBERS, number_id, number)
        return Reply(204, empty=True)

    # ------------------------------------------------------------------ number update and release
    def update_number(self, call: Call) -> Reply:
        value = call.path_params["id"]
        number = self.account.number(value)
        if number is None:
            raise ProviderError(404, f"Phone number {value} is not on this account")
        body = call.body if isinstance(call.body, dict) else {}
        if body.get("type") != "number":
            raise ProviderError(422, "type must be number")
        for key, kind in (("alias", str), ("cnam_lookups_enabled", bool), ("messaging_enabled", bool)):
            if isinstance(body.get(key), kind):
                number[key] = body[key]
        self.state.store.put(NUMBERS, value, number)
        return Reply(200, self._number_document(call, number))

    def release(self, call: Call) -> Reply:
        value = call.path_params["id"]
        number = self.account.number(value)
        if number is None:
            raise ProviderError(404, "Could not find that resource on your account.", title="Not Found")
        self.state.store.delete(NUMBERS, value)
        self.state.callback_urls.forget_number(self.surface, value)
        if not any(n.value == value for n in self.inventory):
            # Not from the seeded inventory (an initial number): it joins the inventory now.
            released = InventoryNumber(
                value, number["rate_center"], number["state"], number["number_type"], 1, inventory.MONTHLY_COST
            )
            self.state.store.put(RELEASED, value, dict(released.__dict__))
        return Reply(204, empty=True)

    # ------------------------------------------------------------------ routes: update, delete, edges
    def _edge_strategy(self, raw: Any) -> int | None:
        if raw is None:
            return None
        if not any(e["id"] == raw for e in EDGE_STRATEGIES):
            raise ProviderError(422, f"Unknown edge_strategy_id {raw}; see /v2/routes/edge_strategies")
        return int(raw)

    def edge_strategies(self, call: Call) -> Reply:
        data = [{"type": "edge_strategy", "id": e["id"], "attributes": dict(e["attributes"])} for e in EDGE_STRATEGIES]
        return Reply(200, {"data": data})

    def _route(self, call: Call) -> dict[str, Any]:
        route_id = call.path_params["route_id"]
        route = self.state.store.get(ROUTES, route_id)
        if route is None:
            raise ProviderError(404, f"Route {route_id} does not exist", title="Invalid Route Id")
        return route

    def update_route(self, call: Call) -> Reply:
        route = self._route(call)
        if route["id"] == "0":
            raise ProviderError(403, "The built-in sip-reg route cannot be changed.")
        attributes = dig(call.body, "data", "attributes")
        if not isinstance(attributes, dict):
            raise ProviderError(422, "data.attributes is required")
        for key in ("alias", "route_type", "value"):
            if isinstance(attributes.get(key), str):
                route[key] = attributes[key]
        if "edge_strategy_id" in attributes:
            route["edge_strategy_id"] = self._edge_strategy(attributes["edge_strategy_id"])
        self.state.store.put(ROUTES, route["id"], route)
        resource = self._route_resource(call, route)
        return Reply(200, {"data": resource, "links": {"self": resource["links"]["self"]}})

    def delete_route(self, call: Call) -> Reply:
        route = self._route(call)
        in_use = any(
            route["id"] in (n.get("primary_route"), n.get("failover_route")) for n in self.state.store.scan(NUMBERS)
        )
        if in_use or route["id"] == "0":
            raise ProviderError(
                403,
                "Please disassociate all numbers before deleting.",
                title="This Route has numbers still associated to it.",
            )
        self.state.store.delete(ROUTES, route["id"])
        return Reply(204, empty=True)


# FR-docs "List Edge Strategies": US-East-VA verbatim; US-West-OR from the same page's second
# item (its description) with the sandbox's own firewall range and NAPTR in the same style.
EDGE_STRATEGIES: tuple[dict[str, Any], ...] = (
    {
        "id": 1,
        "attributes": {
            "description": "Data will be sent preferentially from our edge systems in Oregon. "
            "We will fall back to other regions if necessary.",
            "firewall_rules": "34.210.91.112/28, 34.210.91.112-34.210.91.127",
            "name": "US-West-OR",
            "naptr": "us-west-or.sip.flowroute.com",
        },
    },
    {
        "id": 4,
        "attributes": {
            "description": "Data will be sent preferentially from our edge systems in North Virginia. "
            "We will fall back to other regions if necessary.",
            "firewall_rules": "34.226.36.32/28, 34.226.36.32-34.226.36.47",
            "name": "US-East-VA",
            "naptr": "us-east-va.sip.flowroute.com",
        },
    },
)
