"""Bandwidth Catapult flow: send one, send a batch, list with paging, get one (modern and legacy)."""

from __future__ import annotations

from dataclasses import dataclass

from bandwidth_messaging_v1_client.resources import SendMessageRequestParams
from smsclients import BandwidthClient
from smsclients.bandwidth import message_id_from_location
from smsclients.legacy import bandwidth as legacy_bandwidth

from .steps import BANDWIDTH, BANDWIDTH_FROM, BANDWIDTH_TO, BANDWIDTH_USER, Reporter, Target, check

PAGE_SIZE = 2


@dataclass(frozen=True)
class BandwidthResult:
    sent_id: str
    batch_ids: list[str]
    listed_ids: list[str]
    fetched_text: str


def _batch(label: str) -> list[SendMessageRequestParams]:
    return [
        {"from": BANDWIDTH_FROM, "to": BANDWIDTH_TO, "text": f"{label} batch 1"},
        {"from": BANDWIDTH_FROM, "to": BANDWIDTH_TO, "text": f"{label} batch 2"},
    ]


def modern(target: Target, step: Reporter) -> BandwidthResult:
    """``BandwidthClient.messages``: ``send``, ``send_batch``, ``iter`` (follows ``Link: rel=next``), ``get``."""
    step.begin("bandwidth modern")
    token, secret = target.credentials[BANDWIDTH]
    with BandwidthClient(BANDWIDTH_USER, token, secret, base_url=target.base_urls[BANDWIDTH]) as bw:
        sent_id = step(
            "messages.send", lambda: bw.messages.send(from_=BANDWIDTH_FROM, to=BANDWIDTH_TO, text="demo (modern)")
        )
        results = step(
            "messages.send_batch",
            lambda: bw.messages.send_batch(_batch("modern")),
            lambda items: ", ".join(str(item.result) for item in items),
        )
        batch_ids = [message_id_from_location(str(item.location)) for item in results]
        check(all(str(item.result) == "accepted" for item in results), "a batch item was not accepted")
        listed = step(
            f"messages.iter (size={PAGE_SIZE})",
            lambda: [message.id for message in bw.messages.iter(size=PAGE_SIZE, sort_order="asc")],
            lambda ids: f"{len(ids)} messages over {-(-len(ids) // PAGE_SIZE)} pages",
        )
        check(len(listed) > PAGE_SIZE, "paging was not exercised")
        check({sent_id, *batch_ids} <= set(listed), "a sent message is missing from the list")
        message = step("messages.get", lambda: bw.messages.get(sent_id), lambda m: f"{m.id} {m.state} {m.text!r}")
        check(message.id == sent_id, "another message")
        return BandwidthResult(sent_id, batch_ids, [str(item) for item in listed], str(message.text))


def legacy(target: Target, step: Reporter) -> BandwidthResult:
    """The BW-py drop-in: ``bandwidth.client("messaging", ...)`` with dicts and a lazy list generator."""
    step.begin("bandwidth legacy")
    token, secret = target.credentials[BANDWIDTH]
    endpoint, _, version = target.base_urls[BANDWIDTH].rpartition("/")
    api = legacy_bandwidth.client(
        "messaging", BANDWIDTH_USER, token, secret, api_endpoint=endpoint, api_version=version
    )
    with api:
        sent_id = step("send_message", lambda: api.send_message(BANDWIDTH_FROM, BANDWIDTH_TO, "demo (legacy)"))
        results = step(
            "send_messages",
            lambda: api.send_messages(_batch("legacy")),
            lambda items: ", ".join(str(item["id"]) for item in items),
        )
        batch_ids = [str(item["id"]) for item in results]
        check(all(batch_ids), "a batch item was not accepted")
        listed = step(
            f"list_messages (size={PAGE_SIZE})",
            lambda: [str(item["id"]) for item in api.list_messages(size=PAGE_SIZE, sort_order="asc")],
            lambda ids: f"{len(ids)} messages over {-(-len(ids) // PAGE_SIZE)} pages",
        )
        check(len(listed) > PAGE_SIZE, "paging was not exercised")
        check({sent_id, *batch_ids} <= set(listed), "a sent message is missing from the list")
        message = step(
            "get_message", lambda: api.get_message(sent_id), lambda m: f"{m['id']} {m['state']} {m['text']!r}"
        )
        check(message["id"] == sent_id, "another message")
        return BandwidthResult(sent_id, batch_ids, listed, str(message["text"]))
