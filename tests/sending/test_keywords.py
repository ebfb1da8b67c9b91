"""Classifying inbound texts as the carriers' standard keywords (and the events that carry them)."""

from __future__ import annotations

from typing import Any

import pytest
from smsclients.sending.keywords import classify_keyword
from smsclients.webhooks import InboundMessage, Provider, parse_event

STOP = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"]
START = ["START", "UNSTOP", "YES"]
HELP = ["HELP", "INFO"]


@pytest.mark.parametrize(
    ("words", "keyword"), [(STOP, "stop"), (START, "start"), (HELP, "help")], ids=["stop", "start", "help"]
)
def test_every_standard_keyword_in_any_case_and_spacing(words: list[str], keyword: str) -> None:
    for word in words:
        for text in (word, word.lower(), word.title(), f"  {word}\n", f"\t{word.lower()} ", f"{word}.", f"{word}!"):
            assert classify_keyword(text) == keyword, text
        assert classify_keyword(f"\u00a0{word}\u3000") == keyword  # Unicode spaces
        # Full-width letters (NFKC) read as the same word
        assert classify_keyword("".join(chr(ord(c) + 0xFEE0) for c in word)) == keyword


@pytest.mark.parametrize(
    "text",
    ["", "   ", "please stop", "stop it", "STOP STOP", "S T O P", "stopp", "tops", "yes please", "helpme", "st0p", "?"],
)
def test_anything_else_is_no_keyword(text: str) -> None:
    assert classify_keyword(text) is None


def test_none_is_no_keyword() -> None:
    assert classify_keyword(None) is None


def _inbound(text: str) -> InboundMessage:
    return InboundMessage(
        provider="flowroute", message_id="m", event_id="e", raw=None, payload={}, from_="1", to="2", text=text
    )


def test_inbound_events_carry_the_keyword() -> None:
    assert _inbound(" Stop ").keyword == "stop"
    assert _inbound("unstop").keyword == "start"
    assert _inbound("Info").keyword == "help"
    assert _inbound("hello").keyword is None
    with pytest.raises(TypeError):
        InboundMessage(  # type: ignore[call-arg]
            provider="flowroute",
            message_id="m",
            event_id="e",
            raw=None,
            payload={},
            from_="1",
            to="2",
            text="x",
            keyword="stop",
        )


def test_parsed_webhooks_of_every_provider_carry_the_keyword() -> None:
    import json

    flowroute = {
        "data": {
            "type": "message",
            "id": "mdr2-1",
            "attributes": {"to": "12012673227", "from": "12065551234", "body": "STOP", "direction": "inbound"},
        }
    }
    bandwidth = {
        "eventType": "sms",
        "direction": "in",
        "from": "+12065551234",
        "to": "+19195551212",
        "messageId": "m-1",
        "messageUri": "https://x/m-1",
        "text": " quit ",
        "applicationId": "a-1",
        "time": "2026-01-01T00:00:00Z",
        "state": "received",
    }
    messagemedia = {
        "reply_id": "r-1",
        "message_id": "m-1",
        "source_number": "+61491570156",
        "destination_number": "+61491570157",
        "content": "Help",
        "date_received": "2026-01-01T00:00:00Z",
    }
    found: dict[str, str | None] = {}
    sources: list[tuple[Provider, dict[str, Any]]] = [
        ("flowroute", flowroute),
        ("bandwidth", bandwidth),
        ("messagemedia", messagemedia),
    ]
    for provider, payload in sources:
        event = parse_event(
            provider, method="POST", headers={"content-type": "application/json"}, body=json.dumps(payload).encode()
        )
        assert isinstance(event, InboundMessage), (provider, event)
        found[provider] = event.keyword
    assert found == {"flowroute": "stop", "bandwidth": "stop", "messagemedia": "help"}
