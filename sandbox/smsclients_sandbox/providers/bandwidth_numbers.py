"""Bandwidth Catapult numbers: available-number search (and search-and-order), your numbers, CNAM.

Available numbers are made up deterministically: local ones in the asked area code (919 by
default; a ZIP or state picks one of a few), ``+1 NPA 555 XXXX``, toll-free ones ``+1 844 555
XXXX``; a number allocated by anyone in this sandbox is not offered again. Allocation (directly or
by search-and-order) charges the number's monthly price to the account. A number attached to an
application (``applicationId``) routes its inbound messages and its outgoing messages' events to
that application. Rules follow BW-docs ``methods/availableNumbers`` and ``errors.md``.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from smsclients_sandbox.providers.bandwidth_account import BandwidthAccount, caller, page_reply, user_url
from smsclients_sandbox.state import State, iso_z
from smsclients_sandbox.surfaces import Surface
from smsclients_sandbox.wire import Call, Operation, ProviderError, Reply

LOCAL_PRICE = Decimal("0.35")  # BW-py's examples; BW-docs show 0.60
TOLL_FREE_PRICE = Decimal("2.00")  # BW-docs getAvailableNumbersTollFree.md
TOLL_FREE_AREA = "844"
# Where an area code comes from when only a state or ZIP is given (sandbox data).
PLACES = {"919": ("RALEIGH", "NC"), "910": ("WILMINGTON", "NC"), "206": ("SEATTLE", "WA"), "212": ("NEW YORK", "NY")}
AREA_BY_STATE = {state: area for area, (_, state) in reversed(list(PLACES.items()))}
AREA_BY_ZIP_PREFIX = {"27": "919", "28": "910", "98": "206", "10": "212"}
KEYPAD = {
    c: str(d)
    for d, letters in enumerate(("", "", "ABC", "DEF", "GHI", "JKL", "MNO", "PQRS", "TUV", "WXYZ"))
    for c in letters
}
MAX_LINES = 10_000


def _pattern(raw: str | None) -> re.Pattern[str] | None:
    """BW-docs pattern: letters (keypad digits), digits, ``?`` one digit, ``*`` zero or more digits."""
    if not raw:
        return None
    parts = []
    for char in raw.upper():
        if char == "*":
            parts.append("[0-9]*")
        elif char == "?":
            parts.append("[0-9]")
        elif char.isdigit() or char in KEYPAD:
            parts.append(KEYPAD.get(char, char))
        else:
            raise ProviderError(400, f"Invalid pattern {raw!r}", kind="invalid-available-number-search")
    return re.compile("".join(parts))


def national(number: str) -> str:
    digits = number[-10:]
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"


class BandwidthNumbers:
    """Handlers of the phone-number, available-number and number-info operations."""

    def __init__(self, state: State, surface: Surface, account: BandwidthAccount) -> None:
        self.state = state
        self.surface = surface
        self.account = account

    def operations(self) -> list[Operation]:
        s = self.surface
        one = "/users/{userId}/phoneNumbers/{numberId}"
        return [
            Operation(s, "GET", "/users/{userId}/phoneNumbers", "list_phone_numbers", self.list_numbers),
            Operation(s, "POST", "/users/{userId}/phoneNumbers", "allocate_phone_number", self.allocate),
            Operation(s, "GET", one, "get_phone_number", self.get_number),
            Operation(s, "POST", one, "update_phone_number", self.update_number),
            Operation(s, "DELETE", one, "delete_phone_number", self.delete_number),
            Operation(s, "GET", "/availableNumbers/local", "search_available_local_numbers", self.search_local),
            Operation(s, "POST", "/availableNumbers/local", "order_available_local_numbers", self.order_local),
            Operation(s, "GET", "/availableNumbers/tollFree", "search_available_toll_free_numbers", self.search_free),
            Operation(s, "POST", "/availableNumbers/tollFree", "order_available_toll_free_numbers", self.order_free),
            Operation(s, "GET", "/phoneNumbers/numberInfo/{number}", "get_number_info", self.number_info),
        ]

    # ------------------------------------------------------------------ what messaging asks
    def owned(self, user_id: str, number: str) -> dict[str, Any] | None:
        """The user's record of ``number`` (E.164), or None."""
        return next((doc for doc in self.state.store.scan(f"bw.num:{user_id}") if doc["number"] == number), None)

    def application_of(self, user_id: str, number: str) -> dict[str, Any] | None:
        """The application ``number`` is attached to, or None."""
        record = self.owned(user_id, number)
        if record is None or not record.get("applicationId"):
            return None
        return self.account.application(user_id, record["applicationId"])

    # ------------------------------------------------------------------ available numbers
    def _taken(self) -> set[str]:
        return {str(doc["number"]) for doc in self.state.store.scan("bw.allocated")}

    def _candidates(self, area: str, exchange: str, pattern: re.Pattern[str] | None, quantity: int) -> list[str]:
        taken, found = self._taken(), []
        for line in range(MAX_LINES):
            number = f"+1{area}{exchange[:3].ljust(3, '5')}{line:04d}"
            if number in taken or (pattern is not None and not pattern.search(number[2:])):
                continue
            found.append(number)
            if len(found) >= quantity:
                break
        return found

    def _local_area(self, q: Any) -> str:
        """The area code a local search means (BW-docs errors.md lists the refused combinations)."""
        if q.get("localNumber") and not q.get("areaCode"):
            raise ProviderError(400, "Local Number needs an Area Code.", kind="invalid-available-number-search")
        if q.get("city") and not q.get("state"):
            raise ProviderError(
                400, "For searching by City the State is also required.", kind="invalid-available-number-search"
            )
        if q.get("zip") and q.get("state"):
            raise ProviderError(
                400, "A query cannot combine ZIP Code with State.", kind="invalid-available-number-search"
            )
        if q.get("areaCode"):
            return str(q["areaCode"])
        if q.get("zip"):
            return AREA_BY_ZIP_PREFIX.get(str(q["zip"])[:2], "919")
        if q.get("state"):
            return AREA_BY_STATE.get(str(q["state"]).upper(), "919")
        raise ProviderError(
            400, "Specify a State ZIP Code or Area Code with your query.", kind="invalid-available-number-search"
        )

    def _offer(self, number: str, price: Decimal, pattern: str | None) -> dict[str, Any]:
        offer: dict[str, Any] = {"number": number, "nationalNumber": national(number), "price": f"{price:.2f}"}
        area = number[2:5]
        if area in PLACES:
            city, state = PLACES[area]
            offer.update({"city": city, "rateCenter": city, "state": state})
        if pattern:
            offer["patternMatch"] = national(number)
        return offer

    def _quantity(self, call: Call, default: int, most: int) -> int:
        raw = call.query.get("quantity")
        try:
            quantity = default if raw is None else int(raw)
        except ValueError as exc:
            raise ProviderError(400, "quantity must be an integer", kind="invalid-available-number-search") from exc
        if not 1 <= quantity <= most:
            raise ProviderError(
                400, f"The maximum quantity of numbers is {most}", kind="invalid-available-number-search"
            )
        return quantity

    def _search_local(self, call: Call, most: int) -> list[dict[str, Any]]:
        q = call.query
        area = self._local_area(q)
        found = self._candidates(
            area, str(q.get("localNumber") or "555"), _pattern(q.get("pattern")), self._quantity(call, 10, most)
        )
        return [self._offer(number, LOCAL_PRICE, q.get("pattern")) for number in found]

    def _search_free(self, call: Call, default: int, most: int) -> list[dict[str, Any]]:
        pattern = call.query.get("pattern")
        found = self._candidates(TOLL_FREE_AREA, "555", _pattern(pattern), self._quantity(call, default, most))
        return [self._offer(number, TOLL_FREE_PRICE, pattern) for number in found]

    def search_local(self, call: Call) -> Reply:
        return Reply(200, self._search_local(call, 5000))

    def search_free(self, call: Call) -> Reply:
        return Reply(200, self._search_free(call, 10, 5000))

    def order_local(self, call: Call) -> Reply:
        return Reply(201, [self._order(call, offer) for offer in self._search_local(call, 10)])

    def order_free(self, call: Call) -> Reply:
        return Reply(201, [self._order(call, offer) for offer in self._search_free(call, 1, 10)])

    def _order(self, call: Call, offer: dict[str, Any]) -> dict[str, Any]:
        record = self._allocate(call, {"number": offer["number"]})
        keep = ("number", "nationalNumber", "price", "city", "state")
        location = user_url(call, "phoneNumbers", record["id"], user_id=caller(self.state, call))
        return {**{k: offer[k] for k in keep if k in offer}, "location": location}

    # ------------------------------------------------------------------ your numbers
    def _allocate(self, call: Call, body: dict[str, Any]) -> dict[str, Any]:
        user_id, number = caller(self.state, call), str(body["number"])
        if number in self._taken():
            raise ProviderError(409, f"The number {number} is already allocated", kind="number-already-allocated")
        self._check_application(call, body.get("applicationId"))
        toll_free = number[2:5] == TOLL_FREE_AREA
        price = TOLL_FREE_PRICE if toll_free else LOCAL_PRICE
        record: dict[str, Any] = {
            "id": f"n-{self.state.ids.alnum('bw.num', 19)}",
            "number": number,
            "nationalNumber": national(number),
            "createdTime": iso_z(self.state.now()),
            "price": f"{price:.2f}",
            "numberState": "enabled",
        }
        if number[2:5] in PLACES:
            record["city"], record["state"] = PLACES[number[2:5]]
        record.update({k: v for k, v in body.items() if k in ("name", "fallbackNumber") and v is not None})
        self._attach(call, record, body.get("applicationId"), user_id)
        self.state.store.put(f"bw.num:{user_id}", record["id"], record)
        self.state.store.put("bw.allocated", number, {"number": number, "user": user_id})
        product = "toll-free-number-per-month" if toll_free else "local-number-per-month"
        self.account.charge(user_id, product, amount=price, number=number, resourceId=record["id"])
        return record

    def _check_application(self, call: Call, application_id: Any) -> None:
        user = caller(self.state, call)
        if application_id and self.account.application(user, str(application_id)) is None:
            message = f"User {user} does not have permission to use application {application_id}"
            raise ProviderError(403, message, kind="application-access-denied")

    def _attach(self, call: Call, record: dict[str, Any], application_id: Any, user_id: str) -> None:
        if application_id is None:
            return
        if application_id == "":  # BW-docs: an empty string detaches the number
            record.pop("applicationId", None)
            record.pop("application", None)
            return
        record["applicationId"] = str(application_id)
        record["application"] = user_url(call, "applications", str(application_id), user_id=user_id)

    def allocate(self, call: Call) -> Reply:
        record = self._allocate(call, call.body if isinstance(call.body, dict) else {})
        return Reply(201, headers={"Location": user_url(call, "phoneNumbers", record["id"])}, empty=True)

    def _record(self, call: Call) -> dict[str, Any]:
        """By id, or by the E.164 number itself (BW-docs getPhoneNumbersNumberId.md)."""
        user_id, key = call.path_params["userId"], call.path_params["numberId"]
        record = self.state.store.get(f"bw.num:{user_id}", key) or self.owned(user_id, key)
        if record is None:
            raise ProviderError(404, f"The number {key} could not be found", kind="number-not-found")
        return record

    def list_numbers(self, call: Call) -> Reply:
        q = call.query
        filters = {key: q.get(key) for key in ("applicationId", "state", "name", "city", "numberState")}
        items = [
            doc
            for doc in self.state.store.scan(f"bw.num:{call.path_params['userId']}")
            if all(value is None or str(doc.get(key, "")).lower() == value.lower() for key, value in filters.items())
        ]
        return page_reply(call, items, user_url(call, "phoneNumbers"))

    def get_number(self, call: Call) -> Reply:
        return Reply(200, self._record(call))

    def update_number(self, call: Call) -> Reply:
        record = self._record(call)
        body = call.body if isinstance(call.body, dict) else {}
        self._check_application(call, body.get("applicationId"))
        self._attach(call, record, body.get("applicationId"), call.path_params["userId"])
        record.update({k: v for k, v in body.items() if k in ("name", "fallbackNumber") and v is not None})
        self.state.store.put(f"bw.num:{call.path_params['userId']}", record["id"], record)
        return Reply(200, empty=True)

    def delete_number(self, call: Call) -> Reply:
        record = self._record(call)
        self.state.store.delete(f"bw.num:{call.path_params['userId']}", record["id"])
        self.state.store.delete("bw.allocated", record["number"])
        return Reply(200, empty=True)

    # ------------------------------------------------------------------ CNAM
    def number_info(self, call: Call) -> Reply:
        number = call.path_params["number"]
        place = PLACES.get(number[2:5]) if number.startswith("+1") else None
        name = f"{place[0]}, {place[1]}" if place else "SANDBOX CALLER"
        stamp = iso_z(self.state.now(), 0)
        return Reply(200, {"created": stamp, "name": name, "number": number, "updated": stamp})
