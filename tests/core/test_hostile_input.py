"""Hostile and odd input: always an InputError (or another typed error) before anything is sent.

Each test covers a class of input through every surface it concerns (modern and legacy, sync and
async), behind a transport that fails the test if a request reaches it:

* header values that are not printable ASCII (MessageMedia ``account=``), JSON bodies holding
  NaN, infinity, sets, bytes, objects or deep nesting;
* odd numbers (``timeout=1e10``) and wrong-typed settings (``RetryPolicy(max_retries="3")``,
  ``base_url=None``, legacy ``api_endpoint=None``, ``retry="x"``, ``transport="x"``);
* misspelt legacy options (``api_endpiont=``), which must be named, not ignored;
* values with a trailing newline, which must not pass a pattern;
* path parameters ``.``, ``..`` and empty, which would address another resource;
* a client used after ``close()``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from smsclients import (
    ArgumentError,
    AsyncBandwidthClient,
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    BandwidthClient,
    ClientStateError,
    FlowrouteClient,
    InputError,
    MessageMediaClient,
    RetryPolicy,
    SmsClientError,
    call_options,
    path_segment,
)
from smsclients.http import check_request_path
from smsclients.legacy import bandwidth as legacy_bandwidth
from smsclients.legacy import flowroute_messaging, flowroute_v3
from smsclients.legacy import messagemedia as legacy_messagemedia
from smsclients.validation import MAX_SECONDS, check_options, header_value, json_input

from generator.checks import ecma_pattern as generated_pattern

API = "https://api.example.test"
MM_ID = "82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b"
OVERLAYS = Path(__file__).resolve().parents[2] / "overlays"


class Refusing(httpx.MockTransport):
    """Sync and async: any request that reaches it fails the test."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        super().__init__(self._refuse)

    def _refuse(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        raise AssertionError(f"nothing may be sent, got {request.method} {request.url}")


def _deep(depth: int = 100_000) -> list[Any]:
    nested: list[Any] = []
    for _ in range(depth):
        nested = [nested]
    return nested


# ----------------------------------------------------------------------------- header values

BAD_HEADER_VALUES = ["caf\u00e9", "a\x00b", "a\r\nX-Evil: 1", "a\nb", " leading", "trailing ", "\x7f"]


@pytest.mark.parametrize("value", BAD_HEADER_VALUES)
def test_an_account_that_cannot_be_a_header_is_input_error_everywhere(value: str) -> None:
    messages = [{"content": "hi", "destination_number": "+61491570156"}]
    with pytest.raises(InputError, match="account"):
        MessageMediaClient("k", "s", account=value, base_url=API, transport=Refusing())
    with pytest.raises(InputError, match="account"):
        AsyncMessageMediaClient("k", "s", account=value, base_url=API, transport=Refusing())
    transport = Refusing()
    with MessageMediaClient("k", "s", base_url=API, transport=transport) as client:
        for call in (
            lambda: client.messages.send(messages, account=value),  # type: ignore[arg-type]  # hostile values on purpose
            lambda: client.messages.status(MM_ID, account=value),
            lambda: client.delivery_reports.check(account=value),
        ):
            with pytest.raises(InputError, match="account"):
                call()

    async def run() -> None:
        async with AsyncMessageMediaClient("k", "s", hmac=True, base_url=API, transport=transport) as client:
            with pytest.raises(InputError, match="account"):
                await client.messages.send(messages, account=value)  # type: ignore[arg-type]  # hostile values on purpose

    asyncio.run(run())
    with legacy_messagemedia.MessageMediaMessagesClient("k", "s", base_url=API, transport=transport) as legacy:
        with pytest.raises(InputError, match="account"):
            legacy.messages.create_send_messages({"messages": messages}, account_header=value)
        with pytest.raises(InputError, match="account"):
            legacy.replies.get_check_replies(account_header=value)
    assert transport.requests == []


def test_header_values_with_inner_spaces_and_tabs_are_sent() -> None:
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, json={"delivery_reports": []})

    with MessageMediaClient("k", "s", base_url=API, transport=httpx.MockTransport(answer)) as client:
        client.delivery_reports.check(account="sub account\tA-1")
    assert sent[0].headers["account"] == "sub account\tA-1"
    assert header_value("h", "") == ""


def test_every_client_refuses_unsendable_header_values_in_the_core() -> None:
    """The core checks every per-request header, whatever method set it (here the raw httpx client)."""
    for client in (
        FlowrouteClient("k", "s", base_url=API, transport=Refusing()),
        BandwidthClient("u-1", "t", "s", base_url=API, transport=Refusing()),
        MessageMediaClient("k", "s", base_url=API, transport=Refusing()),
    ):
        with client:
            with pytest.raises(InputError, match="X-Note"):
                client._https[0].get("/anything", headers={"X-Note": "caf\u00e9"})
            with pytest.raises(InputError):
                client._https[0].request(
                    "GET", "/anything", headers={"X-Note": "a\nb"}, timeout=5.0
                )  # httpx's own path
            with pytest.raises(InputError, match="params"):
                client._https[0].get("/anything", params={"q": b"raw"})


# ----------------------------------------------------------------------------- JSON bodies

UNSENDABLE: dict[str, Callable[[], object]] = {
    "nan": lambda: float("nan"),
    "inf": lambda: float("inf"),
    "-inf": lambda: float("-inf"),
    "set": lambda: {1, 2},
    "bytes": lambda: b"raw",
    "object": object,
    "deep": _deep,
    "tuple-key": lambda: {(1, 2): "x"},
}


def _bandwidth_surfaces(transport: Refusing, extra: object) -> list[Callable[[], object]]:
    message = {"from": "+19195551212", "to": "+19195554444", "text": "hi", "x": extra}
    modern = BandwidthClient("u-1", "t", "s", base_url=API, transport=transport)
    legacy = legacy_bandwidth.Client("u-1", "t", "s", api_endpoint=API, transport=transport)
    return [
        lambda: modern.messages.send_request(message),  # type: ignore[arg-type]  # hostile values on purpose
        lambda: modern.messages.send_batch([message]),  # type: ignore[list-item]  # hostile values on purpose
        lambda: legacy.send_message("+19195551212", "+19195554444", "hi", x=extra),
        lambda: legacy.send_messages([message]),
        lambda: list(legacy.list_messages(x=extra)),  # extra filters go into the query
    ]


def _messagemedia_surfaces(transport: Refusing, extra: object) -> list[Callable[[], object]]:
    message = {"content": "hi", "destination_number": "+61491570156", "x": extra}
    modern = MessageMediaClient("k", "s", hmac=True, base_url=API, transport=transport)
    legacy = legacy_messagemedia.MessageMediaMessagesClient("k", "s", base_url=API, transport=transport)
    return [
        lambda: modern.messages.send([message]),  # type: ignore[list-item]  # hostile values on purpose
        lambda: legacy.messages.create_send_messages({"messages": [message]}),
    ]


@pytest.mark.parametrize("kind", sorted(UNSENDABLE))
def test_a_body_json_cannot_carry_is_input_error_before_sending(kind: str) -> None:
    transport = Refusing()
    calls = _bandwidth_surfaces(transport, UNSENDABLE[kind]()) + _messagemedia_surfaces(transport, UNSENDABLE[kind]())
    for call in calls:
        with pytest.raises(InputError):
            call()
    for client in (
        FlowrouteClient("k", "s", base_url=API, transport=transport),
        BandwidthClient("u-1", "t", "s", base_url=API, transport=transport),
        MessageMediaClient("k", "s", hmac=True, base_url=API, transport=transport),
    ):
        with client, pytest.raises(InputError) as caught:
            client._https[0].post("/v1/anything", json={"messages": [{"k": UNSENDABLE[kind]()}]})
        if kind != "deep":  # the error says where the value is
            assert caught.value.field.startswith("body.messages[0].k"), caught.value

    async def run() -> None:
        message = {"content": "hi", "destination_number": "+61491570156", "x": UNSENDABLE[kind]()}
        async with AsyncMessageMediaClient("k", "s", base_url=API, transport=transport) as client:
            with pytest.raises(InputError):
                await client.messages.send([message])  # type: ignore[list-item]  # hostile values on purpose
        bw = {"from": "+19195551212", "to": "+19195554444", "text": "hi", "x": UNSENDABLE[kind]()}
        async with AsyncBandwidthClient("u-1", "t", "s", base_url=API, transport=transport) as client:
            with pytest.raises(InputError):
                await client.messages.send_request(bw)  # type: ignore[arg-type]  # hostile values on purpose

    asyncio.run(run())
    assert transport.requests == []


def test_caller_json_text_is_checked_as_input() -> None:
    deep_text = "[" * 100_000 + "]" * 100_000
    for text in ("{", deep_text, '{"a": NaN}', b"\xff"):
        with pytest.raises(InputError, match="valid JSON"):
            json_input("body", text)
    transport = Refusing()
    legacy = legacy_messagemedia.MessageMediaMessagesClient("k", "s", base_url=API, transport=transport)
    v3 = flowroute_v3.FlowroutenumbersandmessagingClient("k", "s", base_uri=API, transport=transport)
    for call in (
        lambda: legacy.messages.create_send_messages(deep_text),
        lambda: legacy.messages.create_send_messages({"messages": _deep(5000)}),
        lambda: v3.messages.send_a_message(deep_text),
        lambda: v3.routes.create_an_inbound_route('{"data": NaN}'),
    ):
        with pytest.raises(InputError):
            call()
    assert transport.requests == []


# ----------------------------------------------------------------------------- numbers and settings

BAD_SECONDS = [1e10, MAX_SECONDS + 1, float("nan"), float("inf"), -1, 0, "3", True, None]


@pytest.mark.parametrize("value", [v for v in BAD_SECONDS if v is not None], ids=repr)
def test_odd_timeouts_are_input_errors(value: object) -> None:
    with pytest.raises(InputError, match="timeout"):
        RetryPolicy(timeout=value)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="total_timeout"):
        RetryPolicy(total_timeout=value)  # type: ignore[arg-type]
    with pytest.raises(InputError, match="timeout"):
        call_options(timeout=value)  # type: ignore[arg-type]
    transport = Refusing()
    with FlowrouteClient("k", "s", base_url=API, transport=transport) as fr, pytest.raises(InputError):
        fr.messages.send(to="12065551234", from_="12012673227", body="hi", timeout=value)  # type: ignore[arg-type]
    with BandwidthClient("u-1", "t", "s", base_url=API, transport=transport) as bw, pytest.raises(InputError):
        bw.messages.get("m-1", timeout=value)  # type: ignore[arg-type]
    with MessageMediaClient("k", "s", base_url=API, transport=transport) as mm, pytest.raises(InputError):
        mm.messages.status(MM_ID, timeout=value)  # type: ignore[arg-type]

    async def run() -> None:
        async with AsyncFlowrouteClient("k", "s", base_url=API, transport=transport) as client:
            with pytest.raises(InputError):
                await client.messages.send(to="12065551234", from_="12012673227", body="hi", timeout=value)  # type: ignore[arg-type]

    asyncio.run(run())
    assert transport.requests == []


def test_the_longest_timeouts_allowed_work() -> None:
    RetryPolicy(timeout=MAX_SECONDS, total_timeout=MAX_SECONDS, backoff_max=MAX_SECONDS, retry_after_max=0)
    with call_options(timeout=MAX_SECONDS):
        pass


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("max_retries", "3"),
        ("max_retries", 2.0),
        ("max_retries", None),
        ("max_retries", True),
        ("max_retries", -1),
        ("backoff_initial", "0.5"),
        ("backoff_initial", None),
        ("backoff_max", float("nan")),
        ("jitter", "yes"),
        ("jitter", None),
        ("retry_after_max", 1e10),
        ("timeout", None),
        ("timeout", "30"),
        ("total_timeout", "120"),
        ("max_response_bytes", 0),
        ("max_response_bytes", "1"),
        ("max_response_bytes", 1.5),
    ],
)
def test_wrong_typed_retry_policies_are_input_errors_naming_the_field(field: str, value: object) -> None:
    with pytest.raises(InputError) as caught:
        RetryPolicy(**{field: value})  # type: ignore[arg-type]
    assert caught.value.field == field


def test_call_options_refuse_wrong_types() -> None:
    for kwargs in ({"max_retries": "3"}, {"max_retries": 1.5}, {"idempotent": "yes"}, {"timeout": "2"}):
        with pytest.raises(InputError):
            call_options(**kwargs)


BAD_URLS: list[object] = [None, 5, b"https://api.example.test", object(), "", "not a url"]
Factory = Callable[..., Any]
# (name, factory taking the URL keyword, URL keyword, whether None means "the default")
# The modern clients read a base_url left out (None) from the environment.
CONSTRUCTORS: list[tuple[str, Factory, str, bool]] = [
    ("FlowrouteClient", lambda **kw: FlowrouteClient("k", "s", **kw), "base_url", True),
    (
        "BandwidthClient",
        lambda **kw: BandwidthClient("u-1", "t", "s", **kw),
        "base_url",
        True,
    ),  # None: from the environment
    (
        "MessageMediaClient",
        lambda **kw: MessageMediaClient("k", "s", **kw),
        "base_url",
        True,
    ),  # None: from the environment
    (
        "AsyncFlowrouteClient",
        lambda **kw: AsyncFlowrouteClient("k", "s", **kw),
        "base_url",
        True,
    ),  # None: from the environment
    (
        "AsyncBandwidthClient",
        lambda **kw: AsyncBandwidthClient("u-1", "t", "s", **kw),
        "base_url",
        True,
    ),  # None: from the environment
    (
        "AsyncMessageMediaClient",
        lambda **kw: AsyncMessageMediaClient("k", "s", **kw),
        "base_url",
        True,
    ),  # None: from the environment
    # These drop-ins check their settings on use, as the vendor SDKs did: built, then called.
    (
        "legacy.flowroute_v3",
        lambda **kw: flowroute_v3.FlowroutenumbersandmessagingClient("k", "s", **kw).routes.list_inbound_routes(),
        "base_uri",
        True,
    ),
    (
        "legacy.flowroute_messaging",
        lambda **kw: flowroute_messaging.APIController("k", "s", **kw).get_message_lookup("mdr1-" + "ab" * 16),
        "base_uri",
        True,
    ),
    (
        "legacy.bandwidth",
        lambda **kw: legacy_bandwidth.Client("u-1", "t", "s", **kw).get_message("m-1"),
        "api_endpoint",
        False,
    ),
    (
        "legacy.bandwidth(api_version)",
        lambda **kw: legacy_bandwidth.Client("u-1", "t", "s", **kw).get_message("m-1"),
        "api_version",
        False,
    ),
    (
        "legacy.messagemedia",
        lambda **kw: legacy_messagemedia.MessageMediaMessagesClient("k", "s", **kw),
        "base_url",
        True,  # None: Configuration.base_uri, then MESSAGEMEDIA_BASE_URL
    ),
]
ASYNC_NAMES = {"AsyncFlowrouteClient", "AsyncBandwidthClient", "AsyncMessageMediaClient"}


@pytest.mark.parametrize(
    ("name", "factory", "url_option", "none_is_default"), CONSTRUCTORS, ids=[c[0] for c in CONSTRUCTORS]
)
def test_wrong_typed_constructor_arguments_are_input_errors(
    name: str, factory: Factory, url_option: str, none_is_default: bool
) -> None:
    for value in BAD_URLS:
        if value is None and none_is_default:
            continue
        if url_option == "api_version" and isinstance(value, str):
            continue  # any text is a version segment
        with pytest.raises(InputError):
            factory(**{url_option: value})
    wrong_transport = httpx.HTTPTransport() if name in ASYNC_NAMES else httpx.AsyncHTTPTransport()
    for option, value in (("retry", "x"), ("retry", 3), ("transport", "x"), ("transport", wrong_transport)):
        with pytest.raises(InputError) as caught:
            factory(**{option: value})
        assert caught.value.field == option


# ----------------------------------------------------------------------------- misspelt options


def test_misspelt_legacy_options_are_named_not_ignored() -> None:
    # BW-py took any option (and ignored it); the drop-in still builds the client, with a warning naming it.
    with pytest.warns(UserWarning, match=r"api_endpiont.*known: api_endpoint, api_version, retry, transport"):
        legacy_bandwidth.Client("u-1", "t", "s", api_endpiont="https://api.example.test")
    with pytest.warns(UserWarning, match="api_endpiont"):
        legacy_bandwidth.client("messaging", "u-1", "t", "s", api_endpiont="https://api.example.test")
    with pytest.warns(UserWarning, match="timeout"):
        legacy_bandwidth.Client("u-1", "t", "s", timeout=5)
    # The other drop-ins have explicit signatures: Python itself names the option.
    misspelt: dict[str, Any] = {"base_ur": API}
    for make in (
        lambda: legacy_messagemedia.MessageMediaMessagesClient("k", "s", **misspelt),
        lambda: flowroute_v3.FlowroutenumbersandmessagingClient("k", "s", **misspelt),
        lambda: flowroute_messaging.APIController("k", "s", **misspelt),
    ):
        with pytest.raises(TypeError, match="base_ur"):
            make()


def test_check_options() -> None:
    allowed = {"retry": (RetryPolicy, type(None)), "flag": (bool,), "count": (int,)}
    check_options("owner", {"retry": None, "flag": True, "count": 3}, allowed)
    with pytest.raises(InputError, match="count: must be int"):
        check_options("owner", {"count": True}, allowed)  # a bool is not a count
    with pytest.raises(ArgumentError, match="did you mean 'retry'"):
        check_options("owner", {"retyr": None}, allowed)


# ----------------------------------------------------------------------------- whole values only

NL = "\n"


def test_values_with_a_trailing_newline_do_not_pass_a_pattern() -> None:
    transport = Refusing()
    mm = MessageMediaClient("k", "s", base_url=API, transport=transport)
    bw = BandwidthClient("u-1", "t", "s", base_url=API, transport=transport)
    fr = FlowrouteClient("k", "s", base_url=API, transport=transport)
    legacy_mm = legacy_messagemedia.MessageMediaMessagesClient("k", "s", base_url=API, transport=transport)
    legacy_bw = legacy_bandwidth.Client("u-1", "t", "s", api_endpoint=API, transport=transport)
    message = {"content": "hi", "destination_number": "+61491570156"}
    calls: list[Callable[[], object]] = [
        lambda: mm.messages.status(MM_ID + NL),
        lambda: mm.messages.cancel(MM_ID + NL),
        lambda: mm.delivery_reports.confirm([MM_ID + NL]),
        lambda: mm.replies.confirm([MM_ID + NL]),
        lambda: mm.messages.send([{**message, "scheduled": "2016-11-03T11:49:02.807Z" + NL}]),  # type: ignore[list-item]  # hostile values on purpose
        lambda: mm.messages.send([{**message, "message_expiry_timestamp": "2016-11-03T11:49:02Z" + NL}]),  # type: ignore[list-item]  # hostile values on purpose
        lambda: legacy_mm.messages.get_message_status(MM_ID + NL),
        lambda: bw.messages.iter(from_date_time="2014-05-25 12:00:00" + NL),
        lambda: bw.messages.iter(to_date_time="2014-05-25" + NL),
        lambda: list(legacy_bw.list_messages(from_date_time="2014-05-25 12:00:00" + NL)),  # checked on iteration
        lambda: fr.messages.get("mdr2-39cadeace66e11e7aff806cd7f24ba2d" + NL),
        lambda: fr.messages.list("2017-01-01" + NL),
        lambda: fr.messages_v2.get("mdr1-0d436467ea1fb01d15c8be83a909013c" + NL),
        lambda: fr.routes.set_primary("12065551234", "98396" + NL),
    ]
    for call in calls:
        with pytest.raises(InputError):
            call()
    assert transport.requests == []

    async def run() -> None:
        async with AsyncMessageMediaClient("k", "s", base_url=API, transport=transport) as client:
            with pytest.raises(InputError):
                await client.messages.status(MM_ID + NL)

    asyncio.run(run())


def test_no_hand_written_check_matches_only_a_prefix() -> None:
    """``re.match`` / ``pattern.match`` accept any suffix (and ``$`` a final newline): checks use fullmatch."""
    offenders = [
        f"{path.relative_to(OVERLAYS)}:{number}"
        for path in sorted(OVERLAYS.rglob("*.py"))
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"(?<!full)match\(", line)
        and "fullmatch(" not in line
        # A tokenizer stepping through a header matches at an explicit position; that is no check of a value.
        and not re.search(r"\.match\(\w+, position\)", line)
    ]
    assert offenders == []


def ecma_pattern(pattern: str) -> re.Pattern[str]:
    """A spec pattern as the generated checks compile it."""
    return re.compile(generated_pattern(pattern), re.ASCII)


def test_ecma_patterns_mean_in_python_what_they_mean_in_a_spec() -> None:
    uuid = ecma_pattern(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
    assert uuid.search(MM_ID) and not uuid.search(MM_ID + NL)
    digits = ecma_pattern(r"^\d+$")
    assert digits.search("123") and not digits.search("١٢٣") and not digits.search("123\n")
    assert ecma_pattern(r"^a[$]b\$$").search("a$b$") and not ecma_pattern(r"^a[$]b\$$").search("a$b$\n")
    assert ecma_pattern("b").search("abc")  # not anchored unless the pattern says so


# ----------------------------------------------------------------------------- path parameters


@pytest.mark.parametrize("value", ["", ".", ".."])
def test_dot_and_empty_path_parameters_are_input_errors(value: str) -> None:
    transport = Refusing()
    with BandwidthClient("u-1", "t", "s", base_url=API, transport=transport) as bw, pytest.raises(InputError):
        bw.messages.get(value)
    with pytest.raises(InputError, match="user_id"):
        BandwidthClient(value or ".", "t", "s", base_url=API, transport=transport)
    with (
        legacy_bandwidth.Client("u-1", "t", "s", api_endpoint=API, transport=transport) as legacy,
        pytest.raises(InputError),
    ):
        legacy.get_message(value)
    if value:
        with pytest.raises(InputError):  # on use, as BW-py failed then
            legacy_bandwidth.Client(value, "t", "s", api_endpoint=API, transport=transport).get_message("m-1")

    async def run() -> None:
        async with AsyncBandwidthClient("u-1", "t", "s", base_url=API, transport=transport) as client:
            with pytest.raises(InputError):
                await client.messages.get(value)

    asyncio.run(run())
    with pytest.raises(InputError):
        path_segment("id", value)
    assert transport.requests == []


def test_other_path_parameters_address_exactly_their_resource() -> None:
    seen: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode())
        return httpx.Response(404, json={"message": "no"})

    with BandwidthClient("u-1", "t", "s", base_url=API + "/v1", transport=httpx.MockTransport(answer)) as bw:
        for value in ("a/b", "...", "%2e%2e", "a?b#c"):
            with pytest.raises(SmsClientError):
                bw.messages.get(value)
    assert seen == [
        "/v1/users/u-1/messages/a%2Fb",
        "/v1/users/u-1/messages/...",
        "/v1/users/u-1/messages/%252e%252e",
        "/v1/users/u-1/messages/a%3Fb%23c",
    ]
    refused = httpx.MockTransport(answer)
    with BandwidthClient("u-1", "t", "s", base_url=API + "/v1", transport=refused) as bw, pytest.raises(InputError):
        bw.messages.get("a b")  # the spec's pattern: a message id has no blanks
    assert path_segment("id", "a/b") == "a%2Fb" and path_segment("id", 42) == "42"


def test_the_core_refuses_any_request_path_with_dot_or_empty_segments() -> None:
    for path in ("/v1/users/u-1/messages/..", "/v1/./x", "/v1//x", "/v1/users/../x?y=1"):
        with pytest.raises(InputError, match="path"):
            check_request_path(path)
        with BandwidthClient("u-1", "t", "s", base_url=API, transport=Refusing()) as bw, pytest.raises(InputError):
            bw._https[0].get(path)
    check_request_path("/v1/users/u-1/messages/.hidden")
    check_request_path("/v1/users/u-1/messages/")
    check_request_path("/v1/x?next=/a/../b")  # the query is not a path


# ----------------------------------------------------------------------------- after close()


def test_every_client_used_after_close_raises_a_typed_error() -> None:
    from tests.reliability.test_fuzz import CLIENTS, METHODS, _close, _consume, _resolve, _valid_args

    for client_name, path in METHODS:
        transport = Refusing()
        client = CLIENTS[client_name](transport)
        _close(client)
        args, kwargs = _valid_args(client_name, path)
        try:
            _consume(_resolve(client, path)(*args, **kwargs))
        except ClientStateError as exc:
            assert isinstance(exc, RuntimeError) and "closed" in str(exc)
        except InputError:
            pass  # refused before the client was needed
        assert transport.requests == [], (client_name, path)


# ----------------------------------------------------------------------------- legacy MessageMedia errors


@pytest.mark.parametrize("status", [400, 500])
def test_a_datetime_in_a_legacy_messagemedia_body_does_not_lose_the_api_error(status: int) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json={"message": "Invalid message", "details": ["scheduled is in the past"]})

    scheduled = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    with legacy_messagemedia.MessageMediaMessagesClient(
        "k", "s", base_url=API, retry=RetryPolicy(max_retries=0), transport=httpx.MockTransport(answer)
    ) as client:
        body = {"messages": [{"content": "hi", "destination_number": "+61491570156", "scheduled": scheduled}]}
        with pytest.raises(legacy_messagemedia.APIException) as caught:
            client.messages.create_send_messages(body)
    error = caught.value
    assert error.response_code == status and error.message == "Invalid message"
    assert "2030-01-02T03:04:05" in (error.context.request.parameters or "")
