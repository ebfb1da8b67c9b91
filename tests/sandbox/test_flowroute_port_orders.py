"""A port order's life in the sandbox, through the generated client (FR-docs-porting; the rules in
``smsclients_sandbox.providers.flowroute_porting``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from smsclients import FlowrouteClient, NotFoundError, UnprocessableEntityError
from smsclients_sandbox import SandboxHandle

from tests.fields import dig

LOCAL = "+12066641001"  # local numbers of another carrier
LOCAL_2 = "+12066641002"
TOLL_FREE = "+18886640199"
DETAILS: dict[str, Any] = {
    "billing_name": "John Doe",
    "street": "1218 3rd Ave",
    "city": "Seattle",
    "state": "WA",
    "zip_": "98101",
    "country": "US",
    "provider": "Verizon",
}


@pytest.fixture
def fr(sb: SandboxHandle) -> Iterator[FlowrouteClient]:
    access_key, secret_key = sb.credentials["flowroute-v2"]
    with FlowrouteClient(access_key, secret_key, base_url=sb.base_urls["flowroute-v2"]) as client:
        yield client


def _advance(sb: SandboxHandle, order_id: str, status: str | None = None, **extra: Any) -> httpx.Response:
    payload = {"id": order_id, **({"status": status} if status else {}), **extra}
    return httpx.post(f"{sb.url}/_sandbox/flowroute/portorders/advance", json=payload, trust_env=False)


def _status(fr: FlowrouteClient, order_id: str) -> str:
    return str(fr.port_orders.get_status(order_id).to_dict()["data"]["attributes"]["status"])


def _create(fr: FlowrouteClient, number: str) -> Any:
    return fr.port_orders.create(numbers=[number], **DETAILS).to_dict()["data"]


def _order(fr: FlowrouteClient, order_id: str) -> Any:
    """The order's attributes as sent (the models' optional fields make plain dicts easier to assert on)."""
    return fr.port_orders.get(order_id).to_dict()["data"]["attributes"]


def test_an_order_is_split_documented_advanced_and_completed_onto_the_account(
    sb: SandboxHandle, fr: FlowrouteClient
) -> None:
    group = fr.port_orders.create(
        numbers=[LOCAL, TOLL_FREE], alias="Office lines", presets={"primary_route_id": "83834"}, **DETAILS
    ).to_dict()["data"]
    assert group["type"] == "portorder_group"
    orders = group["attributes"]["orders"]["data"]
    assert [o["attributes"]["numbers"] for o in orders] == [[LOCAL], [TOLL_FREE]]  # split by kind of number
    assert group["attributes"]["group_status"] == "requires_action"
    local_id, toll_free_id = (o["id"] for o in orders)

    # The group's status and orders, then the numbers of one order.
    listed = fr.port_orders.list(group_id=int(group["id"])).to_dict()["data"]["attributes"]["orders"]["data"]
    assert [o["id"] for o in listed] == [local_id, toll_free_id]
    changed = fr.port_orders.change_numbers(local_id, add=[LOCAL_2]).to_dict()
    assert changed["data"]["attributes"]["numbers"] == [LOCAL, LOCAL_2]

    # A document: upload URL, PUT of the bytes (no credentials), listed on the order, downloadable.
    upload = fr.port_orders.request_upload(local_id, filename="/home/me/bill.pdf")
    fr.upload(dig(upload, "data.attributes.url"), b"%PDF-1.4 bill", content_type="application/pdf")
    document = _order(fr, local_id)["business_documents"][0]["data"][0]
    assert (document["attributes"]["file"], document["attributes"]["status"]) == ("bill.pdf", "uploaded")
    link = dig(fr.port_orders.get_file(local_id, document["id"]), "data.attributes.url")
    assert fr.download(link) == b"%PDF-1.4 bill"
    pulled = fr.port_orders.request_pull(local_id, url="https://example.com/csr?filename=csr.pdf").to_dict()
    assert (pulled["data"]["attributes"]["file"], pulled["data"]["attributes"]["status"]) == ("csr.pdf", "complete")

    # Flowroute's side: pending -> processing -> submitted -> accepted -> completed.
    for expected in ("processing", "submitted", "accepted"):
        assert _advance(sb, local_id).json()["attributes"]["status"] == expected
        assert _status(fr, local_id) == expected
    with pytest.raises(UnprocessableEntityError):  # details are frozen once submitted
        fr.port_orders.update(local_id, billing_name="Jane Doe")
    with pytest.raises(UnprocessableEntityError):  # only support can cancel an accepted order
        fr.port_orders.cancel(local_id)
    with pytest.raises(UnprocessableEntityError):  # documents only while pending or rejected
        fr.port_orders.request_upload(local_id, filename="late.pdf")
    assert _advance(sb, local_id).json()["attributes"]["status"] == "completed"

    # The numbers are now on the account, with the presets applied.
    number = fr.numbers.get(LOCAL.lstrip("+")).to_dict()
    assert number["data"]["attributes"]["alias"] == "Office lines"
    assert {"type": "route", "id": "83834"}.items() <= number["included"][0].items()

    # The other order is cancelled from pending; the group then counts as completed.
    assert fr.port_orders.cancel(toll_free_id).to_dict()["data"]["attributes"]["status"] == "cancelled"
    regrouped = fr.port_orders.list(group_id=int(group["id"])).to_dict()
    assert regrouped["data"]["attributes"]["group_status"] == "completed"


def test_a_rejected_order_is_resubmitted_by_changing_it_or_abandoned(sb: SandboxHandle, fr: FlowrouteClient) -> None:
    first, second = (_create(fr, number)["attributes"]["orders"]["data"][0]["id"] for number in (LOCAL, LOCAL_2))
    for order_id in (first, second):
        _advance(sb, order_id)
        rejected = _advance(sb, order_id, "rejected", reason="PIN does not match")
        assert rejected.json()["attributes"]["status"] == "rejected"
    assert _order(fr, first)["comments"] == [{"comment": "PIN does not match"}]
    assert fr.port_orders.update(first, pin="9876").to_dict()["data"]["attributes"]["status"] == "review"
    assert fr.port_orders.cancel(second).to_dict()["data"]["attributes"]["status"] == "abandoned"
    # An ended order frees its numbers for a new order; a number in flight is refused.
    assert _create(fr, LOCAL_2)["attributes"]["group_status"] == "requires_action"
    with pytest.raises(UnprocessableEntityError, match="already on a port order"):
        fr.port_orders.create(numbers=[LOCAL], **DETAILS)
    assert _advance(sb, first, "completed").status_code == 409  # review -> completed is no step
    # The group summary covers every order of the group, whatever the filters; an unknown group has none.
    group_id = _order(fr, first)["group_id"]
    filtered = fr.port_orders.list(group_id=int(group_id), status="completed").to_dict()["data"]
    assert filtered["attributes"]["orders"]["data"] == []
    assert filtered["attributes"]["group_status"] == "in_progress"  # the order in review
    assert "group_status" not in fr.port_orders.list(group_id=1).to_dict()["data"]["attributes"]


def test_port_order_requests_that_break_the_rules_are_refused(sb: SandboxHandle, fr: FlowrouteClient) -> None:
    with pytest.raises(UnprocessableEntityError, match="not portable"):
        fr.port_orders.create(numbers=["+12012673227"], **DETAILS)  # already on the account
    with pytest.raises(UnprocessableEntityError, match=r"presets\.cnam_id"):
        fr.port_orders.create(numbers=[LOCAL], presets={"cnam_id": "1"}, **DETAILS)
    with pytest.raises(NotFoundError):
        fr.port_orders.get("1")
    with pytest.raises(NotFoundError):
        fr.port_orders.add_group_numbers("1", add=[LOCAL])
    group = _create(fr, LOCAL)
    order_id = group["attributes"]["orders"]["data"][0]["id"]
    empty = fr.port_orders.request_upload(order_id, filename="a.pdf").to_dict()["data"]["id"]
    with pytest.raises(NotFoundError):  # a document without content has no download URL
        fr.port_orders.get_file(order_id, str(empty))
    with pytest.raises(UnprocessableEntityError, match="at least one number"):
        fr.port_orders.change_numbers(order_id, remove=[LOCAL])
    added = fr.port_orders.add_group_numbers(group["id"], add=[TOLL_FREE]).to_dict()["data"]["attributes"]
    assert added["numbers"] == [TOLL_FREE]  # a new order of the group, for the toll-free number
    assert added["group_id"] == group["id"]
    wrong_token = dig(fr.port_orders.request_upload(order_id, filename="b.pdf"), "data.attributes.url") + "x"
    assert httpx.put(wrong_token, content=b"x", trust_env=False).status_code == 404
