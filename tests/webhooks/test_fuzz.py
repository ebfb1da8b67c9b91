"""Fuzzing ``parse_event``: whatever arrives, the result is a typed event or an ``InputError``.

Inputs: random bytes and text (lone surrogates included), random JSON (with NaN, Infinity and
overflowing numbers), deeply nested JSON, the documented payloads with values replaced or removed
at every level, random methods, header collections and query strings. Every event that comes out
holds strict JSON and encodable text. ``WEBHOOK_FUZZ_EXAMPLES``
sets the examples per test (300 by default).
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from smsclients import InputError
from smsclients.webhooks import PROVIDERS, InboundMessage, MessageStatus, UnknownEvent, parse_event

EXAMPLES = int(os.environ.get("WEBHOOK_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

DOCUMENTED = json.loads(Path(__file__).with_name("documented_payloads.json").read_text(encoding="utf-8"))["payloads"]
BODIES = [json.loads(entry["body"]) for entry in DOCUMENTED if entry["body"]]
QUERIES = [entry["query"] for entry in DOCUMENTED if entry["query"]]

any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=20)  # with surrogates
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20) | any_text
json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4),
    max_leaves=20,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path of a JSON value (dict keys and list indexes), at every depth."""
    found: list[tuple[Any, ...]] = []
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        found.append((*prefix, key))
        found.extend(_paths(child, (*prefix, key)))
    return found


@st.composite
def mutated_documents(draw: st.DrawFn) -> Any:
    """A documented payload with a few values replaced by random JSON or removed."""
    document = copy.deepcopy(draw(st.sampled_from(BODIES)))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(document)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent = document
        for key in path[:-1]:
            parent = parent[key]
        if isinstance(parent, dict) and draw(st.booleans()):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return document


bodies = (
    st.binary(max_size=200)
    | st.text(max_size=200)
    | json_values.map(json.dumps)
    | mutated_documents().map(json.dumps)
    | mutated_documents().map(lambda d: json.dumps(d).encode("utf-16"))
    | st.builds(
        lambda body, depth: json.dumps(body).replace("}", ', "nested": ' + "[" * depth + "]" * depth + "}", 1),
        st.sampled_from(BODIES),
        st.integers(1, 3000),
    )
    | st.builds(
        lambda body, number: json.dumps(body).replace("}", f', "n": {number}}}', 1),
        st.sampled_from(BODIES),
        st.sampled_from(["1e400", "-1e999", "NaN", "Infinity", "-Infinity", "1" * 5000]),
    )
    | any_text.map(lambda t: t.encode("utf-8", "surrogatepass"))
    | any_text
    | st.just("")
)
queries = (
    st.text(max_size=100)
    | any_text
    | st.dictionaries(st.text(max_size=12), st.text(max_size=20), max_size=6).map(urlencode)
    | st.sampled_from(QUERIES).flatmap(lambda q: st.text(max_size=20).map(lambda extra: q + "&" + extra))
    | st.just("")
)
headers = st.dictionaries(st.text(max_size=12), st.text(max_size=20), max_size=4) | st.lists(
    st.tuples(st.binary(max_size=10), st.binary(max_size=10)), max_size=3
)
providers = st.sampled_from(PROVIDERS) | st.sampled_from(["FlowRoute", "MESSAGEMEDIA", "twilio", ""])
methods = st.sampled_from(["POST", "GET", "post", "get", "PUT", "DELETE"]) | st.text(max_size=6)


def _check(provider: Any, method: str, header_value: Any, body: Any, query: Any) -> None:
    try:
        event = parse_event(provider, method=method, headers=header_value, body=body, query=query)
    except InputError as error:
        assert error.field  # every refusal names what was wrong
        return
    assert event.provider == provider.lower()
    assert event.event_id.startswith(f"{event.provider}:")
    json.dumps(event.payload, allow_nan=False).encode("utf-8")  # strict JSON, encodable text
    if isinstance(event, InboundMessage):
        assert isinstance(event.from_, str) and isinstance(event.text, str)
        assert all(isinstance(url, str) and url for url in event.media_urls)
    elif isinstance(event, MessageStatus):
        assert event.outcome in ("delivered", "failed", "pending")
        assert event.delivered + event.failed + event.pending == 1
    else:
        assert isinstance(event, UnknownEvent)


@FUZZ
@given(provider=providers, method=methods, header_value=headers, body=bodies, query=queries)
def test_parse_event_raises_only_input_errors(
    provider: str, method: str, header_value: Any, body: Any, query: Any
) -> None:
    _check(provider, method, header_value, body, query)


@FUZZ
@given(provider=st.sampled_from(PROVIDERS), document=mutated_documents())
def test_mutated_documented_payloads_raise_only_input_errors(provider: str, document: Any) -> None:
    _check(provider, "POST", {"Content-Type": "application/json"}, json.dumps(document), "")


@FUZZ
@given(query=queries)
def test_bandwidth_get_queries_raise_only_input_errors(query: str) -> None:
    _check("bandwidth", "GET", {}, b"", query)


@FUZZ
@given(
    body=st.one_of(st.integers(), st.lists(st.integers()), st.none(), st.dictionaries(st.text(), st.text())),
    query=st.one_of(st.integers(), st.none()),
)
def test_arguments_of_the_wrong_type_are_input_errors(body: Any, query: Any) -> None:
    for provider in PROVIDERS:
        try:
            parse_event(provider, method="POST", headers={}, body=body, query=query)
        except InputError:
            continue
        raise AssertionError("a non-bytes body or query was accepted")
