"""Flowroute port orders: check, order, document, and the numbers arrive on the account.

Modern surface only: no legacy Flowroute SDK had port orders. Flowroute's own steps (processing,
submitted, accepted, completed) come from the sandbox's control endpoint.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from smsclients import FlowrouteClient

from .flows_webhooks import _control, sandbox_root
from .present import known
from .steps import FLOWROUTE_V2, Reporter, Target, check

PORTED = "+12066641001"  # a number of another carrier: portable in the sandbox
DOCUMENT = b"%PDF-1.4 demo carrier bill"


@dataclass(frozen=True)
class PortingResult:
    order_id: str
    number: str


def modern(target: Target, step: Reporter) -> PortingResult:
    step.begin("flowroute port orders")
    access_key, secret_key = target.credentials[FLOWROUTE_V2]
    root = sandbox_root(target)
    with FlowrouteClient(access_key, secret_key, base_url=target.base_urls[FLOWROUTE_V2]) as fr:
        portable = step(
            "porting.check_portability",
            lambda: fr.porting.check_portability(body={"numbers": [PORTED]}).to_dict()["data"],
            lambda groups: f"portable {groups.get('portable')}",
        )
        check(PORTED in portable.get("portable", []), f"{PORTED} is not portable")
        group = step(
            "port_orders.create",
            lambda: fr.port_orders.create(
                numbers=[PORTED],
                billing_name="John Doe",
                street="1218 3rd Ave",
                city="Seattle",
                state="WA",
                zip_="98101",
                country="US",
                provider="Verizon",
                alias="demo port",
            ).to_dict()["data"],
            lambda data: f"group {data['id']}: {data['attributes']['group_status']}",
        )
        order_id = str(group["attributes"]["orders"]["data"][0]["id"])
        upload = step(
            "port_orders.request_upload",
            lambda: fr.port_orders.request_upload(order_id, filename="bill.pdf"),
            lambda doc: f"upload URL until {_upload_url(doc)[1]}",
        )
        step(
            "upload (document)",
            lambda: fr.upload(_upload_url(upload)[0], DOCUMENT, content_type="application/pdf"),
            lambda _: f"{len(DOCUMENT)} bytes",
        )
        documents = step(
            "port_orders.get (documents)",
            lambda: fr.port_orders.get(order_id).to_dict()["data"]["attributes"]["business_documents"],
            lambda docs: ", ".join(f"{d['attributes']['file']} {d['attributes']['status']}" for d in docs[0]["data"]),
        )
        check(documents[0]["data"][0]["attributes"]["status"] == "uploaded", "the document was not uploaded")
        step(
            "Flowroute's steps (sandbox)",
            lambda: [
                _control(root, "POST", "/_sandbox/flowroute/portorders/advance", {"id": order_id}) for _ in range(4)
            ],
            lambda steps: ", ".join(s["attributes"]["status"] for s in steps),
        )
        status = step(
            "port_orders.get_status",
            lambda: fr.port_orders.get_status(order_id).to_dict()["data"]["attributes"]["status"],
        )
        check(status == "completed", f"the order is {status}")
        number = PORTED.lstrip("+")
        details = step(
            "numbers.get (ported number)",
            lambda: fr.numbers.get(number).to_dict()["data"]["attributes"],
            lambda attributes: f"{number} alias {attributes.get('alias')!r}",
        )
        check(details.get("alias") == "demo port", "the ported number did not get the order's alias")
    return PortingResult(order_id, number)


def _upload_url(doc: Any) -> tuple[str, object]:
    """The pre-signed URL of an upload answer and its expiry (a MissingFieldError if left out)."""
    attributes = known(known(doc.data, "data").attributes, "data.attributes")
    return known(attributes.url, "data.attributes.url"), attributes.expires
