"""The providers' documented callback payloads parse to the expected typed events.

Two sources: ``documented_payloads.json`` (the payloads the providers' public documents show, each
with its source), and the examples attached to the specs' ``webhooks`` (which must also validate
against the schema they illustrate, so spec and parser cannot drift apart).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openapi_schema_validator import OAS31Validator
from smsclients.webhooks import InboundMessage, MessageStatus, UnknownEvent, WebhookEvent, parse_event, provider_name

from tests.generator.repo import REPO_ROOT, load_spec

DATA = json.loads((Path(__file__).with_name("documented_payloads.json")).read_text(encoding="utf-8"))
PAYLOADS = DATA["payloads"]


@pytest.mark.parametrize("entry", PAYLOADS, ids=[f"{i:02d} {e['name'][:60]}" for i, e in enumerate(PAYLOADS)])
def test_documented_payload_parses(entry: dict[str, Any]) -> None:
    assert entry["source"]  # every payload names where it comes from
    event = parse_event(
        entry["provider"], method=entry["method"], headers=entry["headers"], body=entry["body"], query=entry["query"]
    )
    expected = entry["expected"]
    assert event.provider == entry["provider"]
    assert event.kind == expected["kind"]
    assert event.event_id.startswith(f"{entry['provider']}:")
    if "message_id" in expected:
        assert event.message_id == expected["message_id"]
    if "event_id" in expected:
        assert event.event_id == expected["event_id"]
    if isinstance(event, InboundMessage):
        assert (event.from_, event.to, event.text) == (expected["from_"], expected["to"], expected["text"])
        assert len(event.media_urls) == expected.get("media_count", 0)
    elif isinstance(event, MessageStatus):
        assert (event.status, event.outcome) == (expected["status"], expected["outcome"])
    else:
        assert isinstance(event, UnknownEvent)
        assert event.event_type == expected["event_type"]
    # Parsing the same request again gives the same event id: what deduplication relies on.
    again = parse_event(
        entry["provider"], method=entry["method"], headers=entry["headers"], body=entry["body"], query=entry["query"]
    )
    assert again.event_id == event.event_id


def test_raw_is_the_generated_model() -> None:
    from bandwidth_messaging_v1_client.models import BandwidthMessageEvent
    from flowroute_messages_v2_client.models import FlowrouteInboundMessageWebhook
    from messagemedia_messages_v1_client.models import MessageMediaDeliveryReportWebhook

    by_provider = {entry["provider"]: entry for entry in PAYLOADS if entry["expected"]["kind"] != "unknown"}
    expected_types = {
        "flowroute": FlowrouteInboundMessageWebhook,
        "bandwidth": BandwidthMessageEvent,
        "messagemedia": MessageMediaDeliveryReportWebhook,
    }
    for provider, model in expected_types.items():
        entry = by_provider[provider]
        event = parse_event(
            provider_name(provider), method=entry["method"], headers={}, body=entry["body"], query=entry["query"]
        )
        assert isinstance(event.raw, model)


# ------------------------------------------------------------------ examples attached to the specs

SPECS = {
    "flowroute": ["specs/flowroute-messages-v2.yaml", "specs/flowroute-v2.yaml"],
    "bandwidth": ["specs/bandwidth-messaging-v1.yaml"],
    "messagemedia": ["specs/messagemedia-messages-v1.yaml"],
}
EXPECTED_KIND = {
    "inboundMessage": "inbound_message",
    "deliveryReceipt": "message_status",
    "deliveryReport": "message_status",
    "reply": "inbound_message",
}


def _spec_examples() -> list[tuple[str, str, str, str, dict[str, Any], Any]]:
    found = []
    for provider, paths in SPECS.items():
        for path in paths:
            document = load_spec(REPO_ROOT / path)
            for hook, item in document["webhooks"].items():
                for media in item["post"]["requestBody"]["content"].values():
                    for name, example in media.get("examples", {}).items():
                        found.append((provider, path, hook, name, media["schema"], example["value"]))
    return found


SPEC_EXAMPLES = _spec_examples()


def test_every_spec_has_webhook_examples() -> None:
    assert {path for _, path, *_ in SPEC_EXAMPLES} == {p for paths in SPECS.values() for p in paths}


@pytest.mark.parametrize("case", SPEC_EXAMPLES, ids=[f"{c[1].split('/')[-1]}:{c[2]}:{c[3]}" for c in SPEC_EXAMPLES])
def test_spec_example_validates_and_parses(case: tuple[str, str, str, str, dict[str, Any], Any]) -> None:
    provider, path, hook, _, schema, value = case
    document = load_spec(REPO_ROOT / path)
    validator = OAS31Validator({**schema, "components": document["components"]})
    assert [error.message for error in validator.iter_errors(value)] == []
    event: WebhookEvent = parse_event(provider_name(provider), method="POST", headers={}, body=json.dumps(value))
    if hook == "messageEvent":  # Bandwidth: one webhook for inbound messages and status events
        assert event.kind == ("inbound_message" if value["direction"] == "in" else "message_status")
    else:
        assert event.kind == EXPECTED_KIND[hook]


def test_bandwidth_get_example_of_the_spec_parses() -> None:
    """The GET-mode query string quoted in the spec's ``receive_message_event_as_query``."""
    document = load_spec(REPO_ROOT / "specs/bandwidth-messaging-v1.yaml")
    description = document["webhooks"]["messageEvent"]["get"]["description"]
    query = description.split("`?", 1)[1].split("`", 1)[0]
    event = parse_event("bandwidth", method="GET", headers={}, body=b"", query=query)
    assert isinstance(event, InboundMessage)
    assert (event.message_id, event.from_, event.to, event.text) == ("m-asdf", "+19191231111", "+13204601164", "test")
    assert event.payload["segmentCount"] == "1"


def test_every_webhook_schema_has_a_generated_model() -> None:
    """openapi-python-client generates every component schema, so each webhook payload has a model."""
    import importlib

    packages = {
        "specs/flowroute-messages-v2.yaml": "flowroute_messages_v2_client",
        "specs/flowroute-v2.yaml": "flowroute_v2_client",
        "specs/bandwidth-messaging-v1.yaml": "bandwidth_messaging_v1_client",
        "specs/messagemedia-messages-v1.yaml": "messagemedia_messages_v1_client",
    }
    for path, package in packages.items():
        document = load_spec(REPO_ROOT / path)
        models = importlib.import_module(f"{package}.models")
        for item in document["webhooks"].values():
            for media in item["post"]["requestBody"]["content"].values():
                name = media["schema"]["$ref"].rsplit("/", 1)[1]
                assert hasattr(models, name), f"{package} has no model {name}"
