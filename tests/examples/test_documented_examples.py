"""Documented-example replay: every example exchange the seeds show, through the generated clients.

Each test below calls a generated client with the arguments the seed documents, inside a
hand-written cassette (``cassettes/test_documented_examples/<test name>.yaml``) that holds exactly
the documented exchange against the production base URL. vcrpy replays it with
``record_mode=none`` and strict matching (method, scheme, host, port, path, query, body; see
``tests/conftest.py``), so the test fails if the client sends anything else. The test then checks
the status and that the parsed model serialises back to the documented JSON, which it reads from
the cassette (the only copy of it in the tests).

Where the seed computes a request value at run time (ids taken from an earlier result, random
route names) or uses a placeholder, the value the spec's example uses is read from the spec.
"""

from __future__ import annotations

import asyncio
import base64
import json
from http import HTTPStatus
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import httpx
import pytest
import yaml
from bandwidth_messaging_v1_client import Client as BandwidthClient
from bandwidth_messaging_v1_client.api.messages import get_message as bandwidth_get_message
from bandwidth_messaging_v1_client.api.messages import list_messages as bandwidth_list_messages
from bandwidth_messaging_v1_client.api.messages import send_messages as bandwidth_send_messages
from bandwidth_messaging_v1_client.models import BatchSendResult
from bandwidth_messaging_v1_client.models import Message as BandwidthMessage
from bandwidth_messaging_v1_client.models import SendMessageRequest as BandwidthSendMessageRequest
from flowroute_messages_v2_client import Client as FlowrouteMessagesV2Client
from flowroute_messages_v2_client.api.messages import get_message as v2_get_message
from flowroute_messages_v2_client.api.messages import send_message as v2_send_message
from flowroute_messages_v2_client.models import (
    FlowrouteErrorDocument,
    MessageDetailRecordDocument,
    SendMessageRequest,
    SendMessageResponse,
)
from flowroute_v2_client import Client as FlowrouteV2Client
from flowroute_v2_client.api.messages import get_message, list_messages, send_message
from flowroute_v2_client.api.numbers import (
    get_number,
    list_account_numbers,
    list_available_area_codes,
    list_available_exchange_codes,
    purchase_number,
    search_purchasable_numbers,
)
from flowroute_v2_client.api.routes import create_route, list_routes, update_failover_route, update_primary_route
from flowroute_v2_client.models import (
    AccountNumberList,
    AreaCodeList,
    CreateRouteRequest,
    ExchangeCodeList,
    MessageAcceptedDocument,
    MessageRecordDocument,
    MessageRecordList,
    NumberDocument,
    PurchasableNumberList,
    RouteDocument,
    RouteList,
    RouteReference,
)
from flowroute_v2_client.models import SendMessageRequest as FlowrouteV2SendMessageRequest
from messagemedia_messages_v1_client import Client as MessageMediaClient
from messagemedia_messages_v1_client.api.delivery_reports import check_delivery_reports, confirm_delivery_reports
from messagemedia_messages_v1_client.api.messages import (
    cancel_scheduled_message,
    get_message_status,
    send_messages,
)
from messagemedia_messages_v1_client.api.replies import check_replies, confirm_replies
from messagemedia_messages_v1_client.models import (
    CancelScheduledMessageRequest,
    ConfirmDeliveryReportsRequest,
    ConfirmRepliesRequest,
    DeliveryReportList,
    ReplyList,
    SendMessagesRequest,
    SendMessagesResponse,
)
from messagemedia_messages_v1_client.models import Message as MessageMediaMessage
from openapi_schema_validator import OAS31Validator

from tests.fields import dig

from .documented import (
    CASSETTE_DIR,
    Cassette,
    assert_fully_played,
    catalog,
    documented_json,
    operation,
    operations,
    parameter_example,
    request_example,
    request_examples,
    resolve,
    response,
    response_example,
    server_url,
    spec,
)
from .test_public_examples import EXAMPLES as PUBLIC_EXAMPLES
from .test_public_examples import NO_PUBLIC_EXAMPLE


class CoveredExample(NamedTuple):
    seed: str  # which public document the example comes from: S000-S004 (docs/providers.md §0)
    operation: str  # <client name in generator/clients.toml>/<operationId>
    what: str  # the documented call; where a value does not come from the seed itself
    variant: str = ""  # tells apart several examples of one operation in one seed

    @property
    def test(self) -> str:
        """The replay test below, which is also the cassette's name."""
        name = f"test_s{self.seed}_{self.operation.split('/')[1]}"
        return f"{name}_{self.variant}" if self.variant else name


FR2 = "flowroute-messages-v2"
FR = "flowroute-v2"
BW = "bandwidth-messaging-v1"
MM = "messagemedia-messages-v1"

COVERED_EXAMPLES = [
    CoveredExample("000", f"{FR2}/send_message", "create_message(Message(to, from_, content)) -> data.id"),
    CoveredExample("000", f"{FR2}/get_message", "get_message_lookup(record_id) -> MDR"),
    CoveredExample("000", f"{FR2}/send_message", "Example Error: 401 error document", "unauthorized"),
    CoveredExample("004", f"{FR2}/send_message", "curl POST /v2/messages -> data.id"),
    CoveredExample("001", f"{FR}/list_available_area_codes", "limit=3, max_setup_cost=3.25"),
    CoveredExample("001", f"{FR}/list_available_exchange_codes", "limit=3, areacode=347"),
    CoveredExample("001", f"{FR}/search_purchasable_numbers", "starts_with=646, contains=3, ends_with=7, limit=3"),
    CoveredExample("001", f"{FR}/purchase_number", "-> 200; number id from the spec example"),
    CoveredExample("001", f"{FR}/list_account_numbers", "starts_with=201, limit=3"),
    CoveredExample("001", f"{FR}/get_number", "number details; number id from the spec example"),
    CoveredExample("001", f"{FR}/create_route", "host route -> 201; value/alias from the spec example"),
    CoveredExample("001", f"{FR}/list_routes", "limit=3"),
    CoveredExample("001", f"{FR}/update_primary_route", "-> 204; number and route id from the spec examples"),
    CoveredExample("001", f"{FR}/update_failover_route", "-> 204; number and route id from the spec examples"),
    CoveredExample("001", f"{FR}/send_message", "MMS -> 202; to/from and boolean is_mms from the spec example"),
    CoveredExample("001", f"{FR}/list_messages", "start_date=2017-12-01, end_date=2018-01-08, limit=2"),
    CoveredExample("001", f"{FR}/get_message", "MDR2 of the first listed message"),
    CoveredExample("002", f"{BW}/list_messages", "list_messages(); response from the spec example"),
    CoveredExample("002", f"{BW}/send_messages", "send_message(text=...) -> 201 + Location", "text"),
    CoveredExample("002", f"{BW}/send_messages", "send_message(media=[...]) -> 201 + Location", "picture"),
    CoveredExample("002", f"{BW}/send_messages", "send_messages([...]); response from the spec (BW-docs)", "batch"),
    CoveredExample("002", f"{BW}/get_message", "get_message('m-abc123'), camelCase wire form"),
    CoveredExample("003", f"{MM}/send_messages", "body_value (two messages); response from the spec"),
    CoveredExample("003", f"{MM}/send_messages", "the most basic message; response derived", "basic"),
    CoveredExample("003", f"{MM}/get_message_status", "message id from the spec example"),
    CoveredExample("003", f"{MM}/cancel_scheduled_message", 'PUT {"status": "cancelled"}; id from the spec'),
    CoveredExample("003", f"{MM}/check_delivery_reports", "two delivery reports"),
    CoveredExample("003", f"{MM}/confirm_delivery_reports", "three delivery report ids -> 202"),
    CoveredExample("003", f"{MM}/check_replies", "two replies"),
    CoveredExample("003", f"{MM}/confirm_replies", "three reply ids -> 202"),
]

# Placeholder credentials as the seeds write them: the requests carry an Authorization header,
# which the cassettes neither store nor match.
ACCESS_KEY, SECRET_KEY = "API_ACCESS_KEY", "API_SECRET_KEY"
CREDENTIALS = httpx.BasicAuth(ACCESS_KEY, SECRET_KEY)
BASIC_TOKEN = base64.b64encode(f"{ACCESS_KEY}:{SECRET_KEY}".encode()).decode()

# Seed 002 never shows a user id (the legacy client takes it as an option) and the spec has no
# `example` for the UserId parameter; this is the example its description gives.
BANDWIDTH_USER_ID = "u-abc123"


def flowroute_messages_v2() -> FlowrouteMessagesV2Client:
    return FlowrouteMessagesV2Client(
        base_url=server_url(FR2), httpx_args={"auth": CREDENTIALS}, raise_on_unexpected_status=True
    )


def flowroute_v2() -> FlowrouteV2Client:
    return FlowrouteV2Client(base_url=server_url(FR), httpx_args={"auth": CREDENTIALS}, raise_on_unexpected_status=True)


def bandwidth() -> BandwidthClient:
    return BandwidthClient(base_url=server_url(BW), httpx_args={"auth": CREDENTIALS}, raise_on_unexpected_status=True)


def messagemedia() -> MessageMediaClient:
    return MessageMediaClient(
        base_url=server_url(MM), httpx_args={"auth": CREDENTIALS}, raise_on_unexpected_status=True
    )


# ------------------------------------------------------------ seeds 000 and 004: Flowroute Messages v2


@pytest.mark.vcr
def test_s000_send_message(vcr: Cassette) -> None:
    # The library's Message(content=...) is the wire field `body` (docs/providers.md §1.7).
    message = SendMessageRequest(to="15305557784", from_="18444205700", body="Gee, nice marmot!")
    response = v2_send_message.sync_detailed(client=flowroute_messages_v2(), body=message)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.ACCEPTED
    assert isinstance(response.parsed, SendMessageResponse)
    assert dig(response, "parsed.data.id") == "mdr1-fab29a740129404a8ca794efc1359e12"
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s000_get_message(vcr: Cassette) -> None:
    response = v2_get_message.sync_detailed("mdr1-fab29a740129404a8ca794efc1359e12", client=flowroute_messages_v2())
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, MessageDetailRecordDocument)
    assert dig(response, "parsed.data.attributes.callback_url") is None
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s000_send_message_unauthorized(vcr: Cassette) -> None:
    message = SendMessageRequest(to="15305557784", from_="18444205700", body="Gee, nice marmot!")
    response = v2_send_message.sync_detailed(client=flowroute_messages_v2(), body=message)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert isinstance(response.parsed, FlowrouteErrorDocument)
    assert [error.title for error in dig(response, "parsed.errors")] == ["Unauthorized"]
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s004_send_message(vcr: Cassette) -> None:
    message = SendMessageRequest(to="12066418000", from_="18553569768", body="example body")
    response = v2_send_message.sync_detailed(client=flowroute_messages_v2(), body=message)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.ACCEPTED
    assert isinstance(response.parsed, SendMessageResponse)
    assert response.parsed.to_dict() == documented_json(vcr)


# ------------------------------------------------------------ seed 001: Flowroute Numbers v2


@pytest.mark.vcr
def test_s001_list_available_area_codes(vcr: Cassette) -> None:
    response = list_available_area_codes.sync_detailed(client=flowroute_v2(), limit=3, max_setup_cost=3.25)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, AreaCodeList)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s001_list_available_exchange_codes(vcr: Cassette) -> None:
    response = list_available_exchange_codes.sync_detailed(client=flowroute_v2(), limit=3, areacode=347)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, ExchangeCodeList)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s001_search_purchasable_numbers(vcr: Cassette) -> None:
    response = search_purchasable_numbers.sync_detailed(
        client=flowroute_v2(), starts_with=646, contains=3, ends_with=7, limit=3
    )
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, PurchasableNumberList)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s001_purchase_number(vcr: Cassette) -> None:
    number = parameter_example(FR, "purchase_number", "id")  # the seed: its first search result
    response = purchase_number.sync_detailed(number, client=flowroute_v2())
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, NumberDocument)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s001_list_account_numbers(vcr: Cassette) -> None:
    response = list_account_numbers.sync_detailed(client=flowroute_v2(), starts_with=201, limit=3)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, AccountNumberList)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s001_get_number(vcr: Cassette) -> None:
    number = parameter_example(FR, "get_number", "id")  # the seed: its first account number
    response = get_number.sync_detailed(number, client=flowroute_v2())
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, NumberDocument)
    assert response.parsed.to_dict() == documented_json(vcr)


# ------------------------------------------------------------ seed 001: Flowroute Routes v2


@pytest.mark.vcr
def test_s001_create_route(vcr: Cassette) -> None:
    # The seed builds this JSON body from random values; the spec's example holds concrete ones.
    body = CreateRouteRequest.from_dict(request_example(FR, "create_route"))
    response = create_route.sync_detailed(client=flowroute_v2(), body=body)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.CREATED
    assert isinstance(response.parsed, RouteDocument)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s001_list_routes(vcr: Cassette) -> None:
    response = list_routes.sync_detailed(client=flowroute_v2(), limit=3)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, RouteList)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s001_update_primary_route(vcr: Cassette) -> None:
    number_id = parameter_example(FR, "update_primary_route", "number_id")
    body = RouteReference.from_dict(request_example(FR, "update_primary_route"))
    response = update_primary_route.sync_detailed(number_id, client=flowroute_v2(), body=body)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response.parsed is None
    assert response.content == b""


@pytest.mark.vcr
def test_s001_update_failover_route(vcr: Cassette) -> None:
    number_id = parameter_example(FR, "update_failover_route", "number_id")
    body = RouteReference.from_dict(request_example(FR, "update_failover_route"))
    response = update_failover_route.sync_detailed(number_id, client=flowroute_v2(), body=body)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.NO_CONTENT
    assert response.parsed is None
    assert response.content == b""


# ------------------------------------------------------------ seed 001: Flowroute Messages v2.1


@pytest.mark.vcr
def test_s001_send_message(vcr: Cassette) -> None:
    body = FlowrouteV2SendMessageRequest.from_dict(request_example(FR, "send_message"))
    assert body.data.attributes.is_mms is True  # the seed sends the string "true"
    response = send_message.sync_detailed(client=flowroute_v2(), body=body)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.ACCEPTED
    assert isinstance(response.parsed, MessageAcceptedDocument)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s001_list_messages(vcr: Cassette) -> None:
    response = list_messages.sync_detailed(
        client=flowroute_v2(), start_date="2017-12-01", end_date="2018-01-08", limit=2
    )
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, MessageRecordList)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s001_get_message(vcr: Cassette) -> None:
    response = get_message.sync_detailed("mdr2-ca82be46e6ba11e79d08862d092cf73d", client=flowroute_v2())
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, MessageRecordDocument)
    assert response.parsed.to_dict() == documented_json(vcr)


# ------------------------------------------------------------ seed 002: Bandwidth Catapult Messaging v1


@pytest.mark.vcr
def test_s002_list_messages(vcr: Cassette) -> None:
    response = bandwidth_list_messages.sync_detailed(BANDWIDTH_USER_ID, client=bandwidth())
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, list)
    assert all(isinstance(message, BandwidthMessage) for message in response.parsed)
    assert [message.to_dict() for message in response.parsed] == documented_json(vcr)


@pytest.mark.vcr
def test_s002_send_messages_text(vcr: Cassette) -> None:
    message = BandwidthSendMessageRequest(from_="+1234567980", to="+1234567981", text="SMS message")
    response = bandwidth_send_messages.sync_detailed(BANDWIDTH_USER_ID, client=bandwidth(), body=message)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.CREATED
    assert response.parsed is None
    # The legacy send_message returns the id: the last path segment of Location.
    assert response.headers["Location"].rsplit("/", 1)[-1] == "m-messageId"


@pytest.mark.vcr
def test_s002_send_messages_picture(vcr: Cassette) -> None:
    message = BandwidthSendMessageRequest(from_="+1234567980", to="+1234567981", media=["http://host/path/to/file"])
    response = bandwidth_send_messages.sync_detailed(BANDWIDTH_USER_ID, client=bandwidth(), body=message)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.CREATED
    assert response.parsed is None
    assert response.headers["Location"].rsplit("/", 1)[-1] == "m-messageId"


@pytest.mark.vcr
def test_s002_send_messages_batch(vcr: Cassette) -> None:
    batch = [
        BandwidthSendMessageRequest(from_="+1234567980", to="+1234567981", text="SMS message"),
        BandwidthSendMessageRequest(from_="+1234567980", to="+1234567982", text="SMS message2"),
    ]
    response = bandwidth_send_messages.sync_detailed(BANDWIDTH_USER_ID, client=bandwidth(), body=batch)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.ACCEPTED
    assert isinstance(response.parsed, list)
    assert all(isinstance(result, BatchSendResult) for result in response.parsed)
    assert [result.to_dict() for result in response.parsed] == documented_json(vcr)


@pytest.mark.vcr
def test_s002_get_message(vcr: Cassette) -> None:
    response = bandwidth_get_message.sync_detailed(BANDWIDTH_USER_ID, "m-abc123", client=bandwidth())
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, BandwidthMessage)
    assert response.parsed.to_dict() == documented_json(vcr)


# ------------------------------------------------------------ seed 003: MessageMedia Messages v1


@pytest.mark.vcr
def test_s003_send_messages(vcr: Cassette) -> None:
    # The seed passes json.loads(body_value); the spec holds that body as its example.
    body = SendMessagesRequest.from_dict(request_example(MM, "send_messages"))
    response = send_messages.sync_detailed(client=messagemedia(), body=body)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.ACCEPTED
    assert isinstance(response.parsed, SendMessagesResponse)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s003_send_messages_basic(vcr: Cassette) -> None:
    body = SendMessagesRequest.from_dict(request_example(MM, "send_messages", "schema example 0"))
    response = send_messages.sync_detailed(client=messagemedia(), body=body)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.ACCEPTED
    assert isinstance(response.parsed, SendMessagesResponse)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s003_get_message_status(vcr: Cassette) -> None:
    message_id = parameter_example(MM, "get_message_status", "messageId")  # the seed: 'messageId'
    response = get_message_status.sync_detailed(message_id, client=messagemedia())
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, MessageMediaMessage)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s003_cancel_scheduled_message(vcr: Cassette) -> None:
    message_id = parameter_example(MM, "cancel_scheduled_message", "messageId")  # the seed: 'messageId'
    body = CancelScheduledMessageRequest(status="cancelled")
    response = cancel_scheduled_message.sync_detailed(message_id, client=messagemedia(), body=body)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert response.parsed is None


@pytest.mark.vcr
def test_s003_check_delivery_reports(vcr: Cassette) -> None:
    response = check_delivery_reports.sync_detailed(client=messagemedia())
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, DeliveryReportList)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s003_confirm_delivery_reports(vcr: Cassette) -> None:
    body = ConfirmDeliveryReportsRequest.from_dict(request_example(MM, "confirm_delivery_reports"))
    response = confirm_delivery_reports.sync_detailed(client=messagemedia(), body=body)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.ACCEPTED
    assert response.parsed is None


@pytest.mark.vcr
def test_s003_check_replies(vcr: Cassette) -> None:
    response = check_replies.sync_detailed(client=messagemedia())
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.OK
    assert isinstance(response.parsed, ReplyList)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
def test_s003_confirm_replies(vcr: Cassette) -> None:
    body = ConfirmRepliesRequest.from_dict(request_example(MM, "confirm_replies"))
    response = confirm_replies.sync_detailed(client=messagemedia(), body=body)
    assert_fully_played(vcr)
    assert response.status_code == HTTPStatus.ACCEPTED
    assert response.parsed is None


# ------------------------------------------------------------ the async API, on the same cassettes


@pytest.mark.vcr
@pytest.mark.default_cassette("test_s000_get_message")
def test_async_s000_get_message(vcr: Cassette) -> None:
    call = v2_get_message.asyncio_detailed("mdr1-fab29a740129404a8ca794efc1359e12", client=flowroute_messages_v2())
    response = asyncio.run(call)
    assert_fully_played(vcr)
    assert isinstance(response.parsed, MessageDetailRecordDocument)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
@pytest.mark.default_cassette("test_s001_create_route")
def test_async_s001_create_route(vcr: Cassette) -> None:
    body = CreateRouteRequest.from_dict(request_example(FR, "create_route"))
    response = asyncio.run(create_route.asyncio_detailed(client=flowroute_v2(), body=body))
    assert_fully_played(vcr)
    assert isinstance(response.parsed, RouteDocument)
    assert response.parsed.to_dict() == documented_json(vcr)


@pytest.mark.vcr
@pytest.mark.default_cassette("test_s002_send_messages_batch")
def test_async_s002_send_messages_batch(vcr: Cassette) -> None:
    batch = [
        BandwidthSendMessageRequest(from_="+1234567980", to="+1234567981", text="SMS message"),
        BandwidthSendMessageRequest(from_="+1234567980", to="+1234567982", text="SMS message2"),
    ]
    response = asyncio.run(bandwidth_send_messages.asyncio_detailed(BANDWIDTH_USER_ID, client=bandwidth(), body=batch))
    assert_fully_played(vcr)
    assert isinstance(response.parsed, list)
    assert [result.to_dict() for result in response.parsed if isinstance(result, BatchSendResult)] == documented_json(
        vcr
    )


@pytest.mark.vcr
@pytest.mark.default_cassette("test_s003_check_replies")
def test_async_s003_check_replies(vcr: Cassette) -> None:
    response = asyncio.run(check_replies.asyncio_detailed(client=messagemedia()))
    assert_fully_played(vcr)
    assert isinstance(response.parsed, ReplyList)
    assert response.parsed.to_dict() == documented_json(vcr)


# ------------------------------------------------------------ coverage and the cassettes themselves

# Cassette bodies that are not the spec's example for their operation, and why.
SEED_ONLY_REQUEST_BODIES = {
    "test_s000_send_message": "seed 000's message; the spec's request example is seed 004's",
    "test_s000_send_message_unauthorized": "seed 000's message; the spec's request example is seed 004's",
}
SEED_ONLY_RESPONSE_BODIES = {
    "test_s000_send_message": "seed 000's MDR id; the spec's response example is seed 004's",
    "test_s003_send_messages_basic": "derived: S003 shows no response; the spec's example answers the full body_value",
}
CREDENTIAL_HEADERS = {"authorization", "proxy-authorization", "cookie", "x-api-key", "date", "x-content-md5"}


def test_every_operation_has_a_covered_example() -> None:
    """Each operation replays a seed example, a public example (test_public_examples.py), or
    is listed there as having none, with the reason."""
    declared = {f"{client}/{op.operation_id}" for client in catalog() for op in operations(client)}
    covered = {example.operation for example in COVERED_EXAMPLES}
    public = {example.operation for example in PUBLIC_EXAMPLES}
    assert sorted(declared - covered - public - set(NO_PUBLIC_EXAMPLE)) == []
    assert sorted(covered - declared) == []
    assert sorted((public | set(NO_PUBLIC_EXAMPLE)) - declared) == []
    assert sorted(set(NO_PUBLIC_EXAMPLE) & (covered | public)) == []


def test_covered_examples_are_the_replay_tests_and_their_cassettes() -> None:
    listed = [example.test for example in COVERED_EXAMPLES]
    assert len(set(listed)) == len(listed)
    marks = {name: {mark.name for mark in getattr(function, "pytestmark", [])} for name, function in globals().items()}
    # Tests with their own cassette; the async ones replay a listed test's cassette.
    replay_tests = sorted(name for name, names in marks.items() if "vcr" in names and "default_cassette" not in names)
    assert sorted(listed) == replay_tests
    cassettes = sorted(path.stem for path in (CASSETTE_DIR / "test_documented_examples").glob("*.yaml"))
    assert cassettes == sorted(listed)


def _validate(client: str, schema: dict[str, Any], instance: Any) -> None:
    """Validate against a spec schema (OpenAPI 3.1 dialect), resolving ``#/components`` refs."""
    OAS31Validator({**schema, "components": spec(client)["components"]}).validate(instance)


@pytest.mark.parametrize("example", COVERED_EXAMPLES, ids=[example.test for example in COVERED_EXAMPLES])
def test_cassette_holds_the_documented_exchange(example: CoveredExample) -> None:
    """Production URL, a declared status and media type, spec-valid bodies equal to the spec's examples."""
    client, operation_id = example.operation.split("/")
    op = operation(client, operation_id)
    path = CASSETTE_DIR / "test_documented_examples" / f"{example.test}.yaml"
    (interaction,) = yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]
    request, reply = interaction["request"], interaction["response"]

    # No credentials or signature inputs are stored.
    assert not CREDENTIAL_HEADERS & {name.lower() for name in request["headers"]}
    stored = json.dumps(interaction)
    assert SECRET_KEY not in stored and BASIC_TOKEN not in stored

    assert request["method"] == op.method.upper()
    base = server_url(client)
    assert request["uri"].startswith(base)
    assert op.path_regex.fullmatch(urlsplit(request["uri"]).path.removeprefix(urlsplit(base).path))

    body = request["body"]
    if body:
        (media_type,) = resolve(client, op.operation["requestBody"])["content"].items()
        assert request["headers"]["Content-Type"] == [media_type[0]]
        sent = json.loads(body)
        _validate(client, media_type[1]["schema"], sent)
        if example.test not in SEED_ONLY_REQUEST_BODIES:
            assert sent in request_examples(client, operation_id).values()
    else:
        assert "requestBody" not in op.operation

    status = reply["status"]["code"]
    declared = response(client, operation_id, status)  # raises when the status is not declared
    content = declared.get("content", {})
    returned = reply["body"]["string"]
    if not content:
        assert returned == ""
        assert "Content-Type" not in reply["headers"]
        return
    ((media_type_name, media),) = content.items()
    assert reply["headers"]["Content-Type"] == [media_type_name]
    documented = json.loads(returned)
    _validate(client, media["schema"], documented)
    if example.test not in SEED_ONLY_RESPONSE_BODIES:
        assert documented == response_example(client, operation_id, status)
