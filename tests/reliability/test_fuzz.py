"""Fuzzing with hypothesis: only smsclients' typed errors ever come out.

Three surfaces:

* every generated model's ``from_dict`` (all four clients, discovered by walking
  ``clients/<pkg>/models``), reached through the parsing guard of the overlay that uses it, fed
  random JSON and dicts built from the model's own keys with random values;
* every modern and legacy method's response handling, behind an ``httpx.MockTransport`` that
  answers with fuzzed statuses, headers and bodies;
* random arguments into every public method of every facade and legacy client.

Whatever happens, the exception must be an :class:`smsclients.SmsClientError` (``InputError`` is
also a ``ValueError``), never a bare KeyError/TypeError/JSONDecodeError. ``FUZZ_EXAMPLES`` sets the
examples per test (10 by default, for CI). ``FUZZ_PER_SURFACE`` instead spreads that many examples
over the tests of each API surface (a generated package for the models, a client for the methods),
so a client with few methods is fuzzed as hard as one with many; ``make fuzz`` sets 10,000.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import itertools
import json
import math
import os
import pkgutil
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from smsclients import (
    AsyncBandwidthClient,
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    BandwidthClient,
    FlowrouteClient,
    MessageMediaClient,
    RetryPolicy,
    SmsClientError,
)
from smsclients.legacy import bandwidth as legacy_bandwidth
from smsclients.legacy import flowroute_messaging as legacy_flowroute_messaging
from smsclients.legacy import flowroute_v3 as legacy_flowroute_v3
from smsclients.legacy import messagemedia as legacy_messagemedia
from smsclients.legacy import messagemedia_v2 as legacy_messagemedia_v2
from smsclients.runtime import read_answer

from tests.contract.test_operations import CASES as CONTRACT_CASES
from tests.contract.test_operations import documented_call

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "10"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

PER_SURFACE = int(os.environ.get("FUZZ_PER_SURFACE", "0"))

# Examples actually run, per (kind of fuzzing, API surface); hypothesis may stop before max_examples
# when a space is small. tests/conftest.py prints them at the end of the run, so `make fuzz` shows
# the figures.
EXAMPLES_RUN: Counter[tuple[str, str]] = Counter()


def fuzz_settings(surface_tests: int) -> settings:
    """FUZZ, with FUZZ_PER_SURFACE (when set) shared out over the ``surface_tests`` tests of one surface."""
    if not PER_SURFACE:
        return FUZZ
    return settings(FUZZ, max_examples=max(EXAMPLES, math.ceil(PER_SURFACE / surface_tests)))


PACKAGES = (
    "flowroute_v2_client",
    "flowroute_messages_v2_client",
    "bandwidth_messaging_v1_client",
    "messagemedia_messages_v1_client",
)
NO_RETRY = RetryPolicy(max_retries=0, timeout=5.0)
API = "https://api.example.test"


# ----------------------------------------------------------------------------- strategies

scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20)
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)


def _keys_of(model: type[Any]) -> list[str]:
    """The wire keys a generated model reads (``d.pop("key")``/``d.pop("key", UNSET)``)."""
    source = inspect.getsource(model)
    return sorted(set(re.findall(r'\.pop\("([^"]+)"', source)))


def shaped(keys: list[str]) -> st.SearchStrategy[Any]:
    """Dicts with (some of) the model's keys and random values, nested: mutated valid-looking JSON."""
    if not keys:
        return json_values
    inner = st.fixed_dictionaries({}, optional={key: json_values for key in keys})
    nested = st.fixed_dictionaries(
        {}, optional={key: json_values | inner | st.lists(inner, max_size=3) for key in keys}
    )
    return nested | st.dictionaries(st.sampled_from(keys) | st.text(max_size=8), json_values, max_size=6)


# ----------------------------------------------------------------------------- 1. generated models


def _models() -> Iterator[tuple[str, type[Any]]]:
    for package in PACKAGES:
        models = importlib.import_module(f"{package}.models")
        for info in pkgutil.iter_modules(models.__path__):
            module = importlib.import_module(f"{package}.models.{info.name}")
            for name, value in vars(module).items():
                if inspect.isclass(value) and value.__module__ == module.__name__ and hasattr(value, "from_dict"):
                    yield f"{package}.{name}", value


MODELS = sorted(_models(), key=lambda item: item[0])


@dataclass(frozen=True)
class _Op:
    """An operation that reads a JSON body into one model, as the generated resources declare it."""

    parse: Callable[[Any], Any]
    name: str = "fuzz"
    method: str = "GET"
    reads: str = "json"
    idempotent: bool | None = None
    no_content: frozenset[int] = frozenset()


def parse_through_overlay(package: str, model: type[Any], data: Any) -> object:
    """Parse ``data`` into ``model`` the way the shared runtime reads every 2xx body."""
    response = httpx.Response(200, content=json.dumps(data).encode())
    return read_answer(_Op(model.from_dict), response)  # type: ignore[arg-type]


def test_every_generated_model_and_public_method_is_discovered() -> None:
    packages = {name.split(".")[0] for name, _ in MODELS}
    assert packages == set(PACKAGES)
    assert len(MODELS) >= 40
    per_client = {name: sum(1 for client, _ in METHODS if client == name) for name in CLIENTS}
    assert all(count >= 2 for count in per_client.values()), per_client
    assert {"numbers.purchase", "messages.send", "messages_v2.send", "routes.create"} <= {
        path for client, path in METHODS if client == "FlowrouteClient"
    }


MODELS_PER_PACKAGE = Counter(name.split(".")[0] for name, _ in MODELS)


@pytest.mark.parametrize(("name", "model"), MODELS, ids=[name for name, _ in MODELS])
def test_model_parsing_raises_only_typed_errors(name: str, model: type[Any]) -> None:
    package = name.split(".")[0]

    @fuzz_settings(MODELS_PER_PACKAGE[package])
    @given(data=json_values | shaped(_keys_of(model)))
    def check(data: Any) -> None:
        EXAMPLES_RUN["model parsing", package] += 1
        with contextlib.suppress(SmsClientError):
            parse_through_overlay(package, model, data)

    check()


# ----------------------------------------------------------------------------- clients


Factory = Callable[[httpx.MockTransport], Any]  # a MockTransport is sync and async

CLIENTS: dict[str, Factory] = {
    "FlowrouteClient": lambda t: FlowrouteClient("key", "secret", base_url=API, retry=NO_RETRY, transport=t),
    "BandwidthClient": lambda t: BandwidthClient("u-1", "token", "secret", base_url=API, retry=NO_RETRY, transport=t),
    "MessageMediaClient": lambda t: MessageMediaClient("key", "secret", base_url=API, retry=NO_RETRY, transport=t),
    "MessageMediaClient(hmac)": lambda t: MessageMediaClient(
        "key", "secret", hmac=True, base_url=API, retry=NO_RETRY, transport=t
    ),
    "AsyncFlowrouteClient": lambda t: AsyncFlowrouteClient("key", "secret", base_url=API, retry=NO_RETRY, transport=t),
    "AsyncBandwidthClient": lambda t: AsyncBandwidthClient(
        "u-1", "token", "secret", base_url=API, retry=NO_RETRY, transport=t
    ),
    "AsyncMessageMediaClient": lambda t: AsyncMessageMediaClient(
        "key", "secret", hmac=True, base_url=API, retry=NO_RETRY, transport=t
    ),
    "legacy.flowroute_v3": lambda t: legacy_flowroute_v3.FlowroutenumbersandmessagingClient(
        "key", "secret", base_uri=API, retry=NO_RETRY, transport=t
    ),
    "legacy.flowroute_messaging": lambda t: legacy_flowroute_messaging.APIController(
        "key", "secret", base_uri=API + "/v2", retry=NO_RETRY, transport=t
    ),
    "legacy.bandwidth": lambda t: legacy_bandwidth.Client(
        "u-1", "token", "secret", api_endpoint=API, retry=NO_RETRY, transport=t
    ),
    "legacy.messagemedia": lambda t: legacy_messagemedia.MessageMediaMessagesClient(
        "key", "secret", base_url=API, retry=NO_RETRY, transport=t
    ),
    "legacy.messagemedia_v2": lambda t: legacy_messagemedia_v2.MessageMediaMessagesClient(
        "key", "secret", base_url=API, retry=NO_RETRY, transport=t
    ),
}

_SKIP = {"close", "aclose"}


def _close(client: Any) -> None:
    if hasattr(client, "aclose"):
        asyncio.run(client.aclose())
    else:
        client.close()


def _public_methods(obj: Any) -> Iterator[tuple[str, Callable[..., Any]]]:
    for name in sorted(dir(type(obj))):
        if name.startswith("_") or name in _SKIP:
            continue
        attribute = inspect.getattr_static(type(obj), name)
        if isinstance(attribute, (property, type)) or (
            not callable(attribute) and not isinstance(attribute, (staticmethod, classmethod))
        ):
            continue
        yield name, getattr(obj, name)


def _surfaces(client: Any) -> Iterator[tuple[str, Any]]:
    """The client and its sub-objects from smsclients (``.messages``, ``.numbers``, controllers...)."""
    yield "", client
    for name in sorted(dir(client)):
        if name.startswith("_") or name in {"config", "auth"}:
            continue
        value = getattr(client, name)
        module = type(value).__module__
        if (module.startswith("smsclients") or ".resources." in module) and not callable(value):
            yield name + ".", value


def _methods(client: Any) -> list[tuple[str, Callable[..., Any]]]:
    return [(prefix + name, method) for prefix, obj in _surfaces(client) for name, method in _public_methods(obj)]


def method_ids() -> list[tuple[str, str]]:
    """(client, method path) for every public method, collected once with a dummy transport."""
    ids: list[tuple[str, str]] = []
    dummy = httpx.MockTransport(lambda request: httpx.Response(500))
    for client_name, factory in CLIENTS.items():
        client = factory(dummy)
        try:
            ids.extend((client_name, path) for path, _ in _methods(client))
        finally:
            _close(client)
    return ids


METHODS = method_ids()
METHODS_PER_CLIENT = Counter(client for client, _ in METHODS)


def _resolve(client: Any, path: str) -> Callable[..., Any]:
    target = client
    for part in path.split("."):
        target = getattr(target, part)
    return target  # type: ignore[no-any-return]


def _consume(result: Any) -> None:
    """Lazy results (pagers, generators, drainers) do their requests when iterated; coroutines run."""
    if inspect.isawaitable(result) or hasattr(result, "__aiter__"):
        asyncio.run(_consume_async(result))
        return
    if isinstance(result, (str, bytes, dict, list, tuple)) or result is None:
        return
    if hasattr(result, "__iter__"):
        list(itertools.islice(iter(result), 3))


async def _consume_async(result: Any) -> None:
    if inspect.isawaitable(result):
        result = await result
    if hasattr(result, "__aiter__"):
        count = 0
        async for _ in result:
            count += 1
            if count >= 3:
                break


_E911_ADDRESS = ("E911 Test", "Chris", "Smith", "3rd Ave", "1218", "Seattle", "WA", "US", "98101")

# Arguments that make each method send a request, so the response path is reached.
_VALID_ARGS: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
    # modern Flowroute
    "numbers.purchase": (("12015551234",), {}),
    "numbers.get": (("12015551234",), {}),
    "routes.create": (("host", "sip.example.com", "alias"), {}),
    "routes.set_primary": (("12015551234", "98396"), {}),
    "routes.set_failover": (("12015551234", "98396"), {}),
    "messages_v2.send": ((), {"to": "12065550100", "from_": "12012673227", "body": "hi"}),
    "messages_v2.get": (("mdr1-0d436467ea1fb01d15c8be83a909013c",), {}),
    # legacy Flowroute v3
    "numbers.purchase_a_phone_number": (("12015551234",), {}),
    "numbers.list_phone_number_details": (("12015551234",), {}),
    "routes.create_an_inbound_route": (
        ({"data": {"type": "route", "attributes": {"route_type": "host", "value": "x.example.com"}}},),
        {},
    ),
    "routes.update_primary_voice_route": (("12015551234", {"data": {"type": "route", "id": "98396"}}), {}),
    "routes.update_failover_voice_route": (("12015551234", {"data": {"type": "route", "id": "98396"}}), {}),
    "messages.send_a_message": (
        ({"data": {"type": "message", "attributes": {"to": "12065550100", "from": "12012673227", "body": "hi"}}},),
        {},
    ),
    "messages.look_up_a_set_of_messages": (("2026-01-01",), {}),
    "messages.look_up_a_message_detail_record": (("mdr2-39cadeace66e11e7aff806cd7f24ba2d",), {}),
    "numbers.release_a_did": (("12015551234",), {}),
    "numbers.set_did_alias": (("12015551234", "New Test"), {}),
    "numbers.set_did_callback": (("12015551234", "http://www.example.com/test"), {}),
    "messages.set_account_level_sms_callback": (("http://example.com/sms",), {}),
    "messages.set_account_level_mms_callback": (("http://example.com/mms",), {}),
    "messages.set_account_level_dlr_callback": (("http://example.com/dlr",), {}),
    "messages.set_did_level_dlr_callback": (("12015551234", "http://example.com/did/dlr"), {}),
    "e911s.get_e911": (("21301",), {}),
    "e911s.validate_address": (_E911_ADDRESS, {}),
    "e911s.create_address": (_E911_ADDRESS, {}),
    "e911s.update_address": (("21301",), {"last_name": "Wiley"}),
    "e911s.delete_address": (("21301",), {}),
    "e911s.associate": (("21301", "12015551234"), {}),
    "e911s.disconnect": (("12015551234",), {}),
    "e911s.list_dids_for_e911": (("21301",), {}),
    "cnams.get_cnam": (("17604",), {}),
    "cnams.search_cnams": ((), {"contains": "CHRIS"}),
    "cnams.create_cnam_record": (("FR H5K8",), {}),
    "cnams.associate_cnam": (("17604", "12015551234"), {}),
    "cnams.unassociate_cnam": (("12015551234",), {}),
    "cnams.remove_cnam": (("17604",), {}),
    "porting.checkPortability": ((["14254664444", "18827833439"],), {}),
    "cdrs.create_cdr_export": (
        ({"start_call_start_time": "2019-01-01 00:00:00", "start_call_end_time": "2019-02-01 00:00:00"},),
        {},
    ),
    "cdrs.get_cdr_export_status": (("38647",), {}),
    "cdrs.download_cdr_export": (("38647", os.devnull), {}),  # whatever the fuzzed answer, nothing is kept
    "cdrs.parse_cdr_export": ((os.devnull,), {}),
    # the clients' download of a file an answer points to
    "download": ((f"{API}/v2/cdrs/exports/38647.csv.gz",), {}),
    # ... and its upload of a file where an answer says (a port order document)
    "upload": ((f"{API}/v2/portorders/42361/files/99999", b"%PDF-1.4"), {}),
    # legacy Flowroute messaging
    "create_message": ((legacy_flowroute_messaging.Message(to="12065550100", from_="12012673227", content="hi"),), {}),
    "get_message_lookup": (("mdr1-0d436467ea1fb01d15c8be83a909013c",), {}),
    # legacy Bandwidth
    "send_message": (("+12012673227", "+12065550100", "hi"), {}),
    "send_messages": (([{"from": "+12012673227", "to": "+12065550100", "text": "hi"}],), {}),
    "get_message": (("m-abc",), {}),
    # legacy MessageMedia
    "messages.create_send_messages": (({"messages": [{"content": "hi", "destination_number": "+61491570156"}]},), {}),
    "messages.get_message_status": (("82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b",), {}),
    "messages.update_cancel_scheduled_message": (
        ("82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b", {"status": "cancelled"}),
        {},
    ),
    "delivery_reports.create_confirm_delivery_reports_as_received": (
        ({"delivery_report_ids": ["011dcead-6988-4ad6-a1c7-6b6c68ea628d"]},),
        {},
    ),
    "replies.create_confirm_replies_as_received": (({"reply_ids": ["011dcead-6988-4ad6-a1c7-6b6c68ea628d"]},), {}),
    # legacy MessageMedia 2.x
    "messages.send_messages": (({"messages": [{"content": "hi", "destination_number": "+61491570156"}]},), {}),
    "messages.cancel_scheduled_message": (("82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b", {"status": "cancelled"}), {}),
    "delivery_reports.confirm_delivery_reports_as_received": (
        ({"delivery_report_ids": ["011dcead-6988-4ad6-a1c7-6b6c68ea628d"]},),
        {},
    ),
    "replies.confirm_replies_as_received": (({"reply_ids": ["011dcead-6988-4ad6-a1c7-6b6c68ea628d"]},), {}),
}


# The modern clients' methods are generated from the specs: their valid arguments are the documented
# calls of the contract test (the spec's examples), so a new operation needs no entry here.
_SURFACES = {"FlowrouteClient": "flowroute-v2", "BandwidthClient": "bandwidth-messaging-v1"}
_DOCUMENTED = {(case.surface, f"{case.op.tag}.{case.method.name}"): case for case in CONTRACT_CASES}
_ITERATORS = {
    (case.surface, f"{case.op.tag}.{case.op.pagination.iterator}"): case
    for case in CONTRACT_CASES
    if case.op.pagination is not None and case.op.pagination.style != "check-confirm"
}


def _documented(client_name: str, path: str) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
    surface = _SURFACES.get(client_name, "messagemedia-messages-v1" if client_name.startswith("MessageMedia") else "")
    if path.startswith("messages_v2."):
        surface, path = "flowroute-messages-v2", path.removeprefix("messages_v2.").join(("messages.", ""))
    case = _DOCUMENTED.get((surface, path))
    if case is not None:
        return (), documented_call(case).kwargs
    case = _ITERATORS.get((surface, path))
    if case is None:
        return None
    # An iterator takes its list method's filters; it pages itself (`limit` is its page size).
    kwargs = {name: value for name, value in documented_call(case).kwargs.items() if name != "offset"}
    if "limit" in kwargs:
        kwargs["page_size"] = kwargs.pop("limit")
    return (), kwargs


_BULK_SENDERS = {
    "BandwidthClient": "+12012673227",
    "FlowrouteClient": "12012673227",
    "MessageMediaClient": "+61491570157",
}


def _valid_args(client_name: str, path: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    client_name = client_name.removeprefix("Async")
    if path.endswith(".send_many"):  # one message, sent in the provider's bulk way
        sender = next(number for name, number in _BULK_SENDERS.items() if client_name.startswith(name))
        return (([{"to": "+12065550100", "text": "hi"}],), {"from_": sender})
    documented = _documented(client_name, path)
    if documented is not None:
        return documented
    if client_name.startswith("MessageMedia"):
        mm: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
            "messages.send": (([{"content": "hi", "destination_number": "+61491570156"}],), {}),
            "messages.status": (("82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b",), {}),
            "messages.cancel": (("82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b",), {}),
            "delivery_reports.confirm": ((["011dcead-6988-4ad6-a1c7-6b6c68ea628d"],), {}),
            "replies.confirm": ((["011dcead-6988-4ad6-a1c7-6b6c68ea628d"],), {}),
            "delivery_reports.drain": ((lambda item: None,), {}),
            "replies.drain": ((lambda item: None,), {}),
        }
        if path in mm:
            return mm[path]
    if client_name == "BandwidthClient":
        bw: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
            "messages.send": ((), {"from_": "+12012673227", "to": "+12065550100", "text": "hi"}),
            "messages.send_request": (({"from": "+12012673227", "to": "+12065550100", "text": "hi"},), {}),
            "messages.send_batch": (([{"from": "+12012673227", "to": "+12065550100", "text": "hi"}],), {}),
            "messages.get": (("m-abc",), {}),
        }
        if path in bw:
            return bw[path]
    if client_name == "FlowrouteClient":
        fr: dict[str, tuple[tuple[Any, ...], dict[str, Any]]] = {
            "messages.send": ((), {"to": "12065550100", "from_": "12012673227", "body": "hi"}),
            "messages.get": (("mdr2-39cadeace66e11e7aff806cd7f24ba2d",), {}),
            "messages.list": (("2026-01-01",), {}),
            "messages.iter": (("2026-01-01",), {}),
        }
        if path in fr:
            return fr[path]
    return _VALID_ARGS.get(path, ((), {}))


# ----------------------------------------------------------------------------- 2. response handling

CONTENT_TYPES = ["application/json", "application/vnd.api+json", "text/plain", "text/html", ""]


@st.composite
def fuzzed_responses(draw: st.DrawFn) -> tuple[int, dict[str, str], bytes]:
    status = draw(
        st.sampled_from([200, 201, 202, 204, 301, 400, 401, 403, 404, 422, 429, 500, 503]) | st.integers(100, 599)
    )
    headers: dict[str, str] = {}
    content_type = draw(st.sampled_from(CONTENT_TYPES))
    if content_type:
        headers["content-type"] = content_type
    if draw(st.booleans()):
        headers["location"] = draw(
            st.sampled_from([f"{API}/v1/users/u-1/messages/m-abc", "/m-x", "", "https://evil.test/m-1"])
            | st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126), max_size=30)
        )
    if draw(st.booleans()):
        headers["link"] = draw(
            st.sampled_from([f'<{API}/v1/users/u-1/messages?page=2>; rel="next"', '<https://evil.test/x>; rel="next"'])
            | st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=40)
        )
    if draw(st.booleans()):
        headers["retry-after"] = draw(st.sampled_from(["0", "-1", "nan", "Wed, 21 Oct 2015 07:28:00 GMT"]))
    body = draw(
        json_values.map(lambda value: json.dumps(value).encode())
        | st.binary(max_size=40)
        | st.just(b"")
        | st.sampled_from([b"{", b"[1,", b'{"data": null}', b'{"messages": [{}]}', b'{"errors": [1]}'])
    )
    return status, headers, body


Reply = tuple[int, dict[str, str], bytes]
OK_REPLY: Reply = (200, {"content-type": "application/json"}, b"{}")


class Responder:
    """A MockTransport whose answers come from ``source`` (swapped per hypothesis example)."""

    def __init__(self) -> None:
        self.source: Callable[[], Reply] = lambda: OK_REPLY
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        status, headers, body = self.source()
        return httpx.Response(status, headers=headers, content=body)


@pytest.fixture(scope="module")
def clients() -> Iterator[dict[str, tuple[Responder, Any]]]:
    """One client per kind for the whole module (building one per example would dominate the run)."""
    built: dict[str, tuple[Responder, Any]] = {}
    for name, factory in CLIENTS.items():
        responder = Responder()
        built[name] = (responder, factory(responder.transport))
    yield built
    for _, client in built.values():
        _close(client)


@pytest.mark.parametrize(("client_name", "path"), METHODS, ids=[f"{c}:{p}" for c, p in METHODS])
def test_response_handling_raises_only_typed_errors(
    client_name: str, path: str, clients: dict[str, tuple[Responder, Any]]
) -> None:
    args, kwargs = _valid_args(client_name, path)
    responder, client = clients[client_name]
    method = _resolve(client, path)

    @fuzz_settings(METHODS_PER_CLIENT[client_name])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        EXAMPLES_RUN["response handling", client_name] += 1
        responder.source = lambda: data.draw(fuzzed_responses())
        with contextlib.suppress(SmsClientError):
            _consume(method(*args, **kwargs))

    check()


# ----------------------------------------------------------------------------- 3. random arguments

arguments = (
    scalars
    | st.sampled_from(["12065550100", "+12065550100", "mdr2-39cadeace66e11e7aff806cd7f24ba2d", "m-abc", "2026-01-01"])
    | st.lists(scalars | st.dictionaries(st.text(max_size=8), scalars, max_size=3), max_size=3)
    | st.dictionaries(st.text(max_size=8), scalars, max_size=3)
)


@pytest.mark.parametrize(("client_name", "path"), METHODS, ids=[f"{c}:{p}" for c, p in METHODS])
def test_random_arguments_raise_only_typed_errors(
    client_name: str, path: str, clients: dict[str, tuple[Responder, Any]]
) -> None:
    responder, client = clients[client_name]
    responder.source = lambda: OK_REPLY
    method = _resolve(client, path)
    parameters = [
        p
        for p in inspect.signature(method).parameters.values()
        if p.kind not in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    ]

    @fuzz_settings(METHODS_PER_CLIENT[client_name])
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        EXAMPLES_RUN["random arguments", client_name] += 1
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for parameter in parameters:
            required = parameter.default is inspect.Parameter.empty
            if not required and not data.draw(st.booleans()):
                continue
            value = data.draw(arguments)
            if parameter.kind is inspect.Parameter.KEYWORD_ONLY or not required:
                kwargs[parameter.name] = value
            else:
                args.append(value)
        with contextlib.suppress(SmsClientError):
            _consume(method(*args, **kwargs))

    check()
