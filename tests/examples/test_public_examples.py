"""The providers' public documented examples (``public/*.yaml``) against the generated clients.

Two checks per example, both on the generated packages alone:

- the documented response body parses with the model of the operation's response schema
  (``<Model>.from_dict``) and serialises back to the same JSON, unknown fields included;
- the exchange replays: the generated operation, called with the documented arguments, sends the
  documented request (method, path, body; the documented query plus only the spec's declared
  defaults) to the production URL, and parses the documented answer into that model.

The seeds' examples have their own cassette-based replay (``test_documented_examples.py``).
"""

from __future__ import annotations

import functools
import importlib
import json
import re
import typing
from pathlib import Path
from types import ModuleType, UnionType
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
import yaml

from .documented import catalog, operation, resolve, response, server_url

PUBLIC_DIR = Path(__file__).resolve().parent / "public"
PACKAGES = {
    "flowroute-messages-v2": "flowroute_messages_v2_client",
    "flowroute-v2": "flowroute_v2_client",
    "bandwidth-messaging-v1": "bandwidth_messaging_v1_client",
    "messagemedia-messages-v1": "messagemedia_messages_v1_client",
}


class PublicExample(NamedTuple):
    operation: str
    source: str
    request: dict[str, Any]
    response: dict[str, Any]

    @property
    def id(self) -> str:
        return f"{self.operation.split('/')[1]}-{self.response['status']}"


def _load() -> list[PublicExample]:
    found = []
    for path in sorted(PUBLIC_DIR.glob("*.yaml")):
        for raw in yaml.safe_load(path.read_text(encoding="utf-8"))["examples"]:
            found.append(PublicExample(**raw))
    return found


EXAMPLES = _load()

# Operations no public source shows an example exchange for (they are exercised against the
# sandbox in tests/sandbox/test_flowroute_services.py and by the contract run instead).
_NO_CALLBACK_EXAMPLE = "FR-docs and FR-spec-2018 describe the callback look-up/removal without an example"
NO_PUBLIC_EXAMPLE: dict[str, str] = {
    "messagemedia-messages-v1/check_credits_remaining": "MM-2x README shows the call only, no answer",
    "flowroute-messages-v2/list_messages": "FR-docs Messages v2 'Look Up a Set of Messages' lists fields only",
    "flowroute-v2/get_cdr_export": "the FR-v3 README example is not JSON (pprint output, braces and commas missing)",
    "flowroute-v2/update_cnam": "FR-docs 'Update a Pending CNAM Record': our copy of the response is cut off",
    "flowroute-v2/update_route": "FR-docs 'Update an Inbound Route' lists fields only",
    "flowroute-v2/get_number_callback": _NO_CALLBACK_EXAMPLE,
    "flowroute-v2/remove_number_callback": _NO_CALLBACK_EXAMPLE,
    "flowroute-v2/set_account_sms_dlr_callback": "FR-docs name the type; FR-v3 only sets the older dlr_callback",
    "flowroute-v2/set_account_mms_dlr_callback": "FR-docs name the type; FR-v3 has no MMS DLR method",
    # FR-docs "Porting v2.0": the pages' examples are cut off in our copy, elide fields ("..."),
    # show placeholders (`:portorder_id`) instead of values, or list fields only.
    "flowroute-v2/create_port_order": "FR-docs-porting 'Create a Port Order': our copy ends in the field list",
    "flowroute-v2/list_port_orders": "FR-docs-porting 'Searching for Port Orders': the example elides fields",
    "flowroute-v2/get_port_order": "FR-docs-porting 'View Port Order Details': our copy is cut off after the documents",
    "flowroute-v2/update_port_order": "FR-docs-porting 'Update Port Order Presets/Details': field lists only",
    "flowroute-v2/get_port_order_status": "FR-docs-porting 'View Port Order Status': our copy ends at the request",
    "flowroute-v2/add_port_order_group_numbers": "FR-docs-porting: our copy of the response is cut off",
    "flowroute-v2/change_port_order_numbers": "FR-docs-porting: our copy of the response is cut off",
    "flowroute-v2/request_port_order_upload": "FR-docs-porting: placeholder path, response cut off in our copy",
    "flowroute-v2/request_port_order_file_pull": "FR-docs-porting 'Request a Document Pull': request only",
    "flowroute-v2/get_port_order_file": "FR-docs-porting: placeholder path and a cut signed URL",
    "bandwidth-messaging-v1/upload_media": "BW-docs' curl example uploads a local file (--data-binary @file)",
    "bandwidth-messaging-v1/download_media": "BW-docs show no response: the answer is the file itself",
    "messagemedia-messages-v1/list_signature_keys": (
        "MM-docs' example answer is a bare JSON array, which this one-model replay cannot compare;"
        " the contract test (tests/contract) parses it"
    ),
    **{
        f"flowroute-v2/{verb}_account_{kind}": _NO_CALLBACK_EXAMPLE
        for verb in ("get", "remove")
        for kind in ("sms_callback", "mms_callback", "dlr_callback", "sms_dlr_callback", "mms_dlr_callback")
    },
}
IDS = [f"{e.id}-{i}" for i, e in enumerate(EXAMPLES)]


def _module(example: PublicExample) -> ModuleType:
    client, operation_id = example.operation.split("/")
    (tag,) = operation(client, operation_id).operation["tags"]
    return importlib.import_module(f"{PACKAGES[client]}.api.{tag}.{operation_id}")


@functools.cache
def _models(client: str) -> ModuleType:
    return importlib.import_module(f"{PACKAGES[client]}.models")


def _response_model(example: PublicExample) -> Any:
    """The generated model class of the documented status's response schema (None without body)."""
    client, operation_id = example.operation.split("/")
    declared = response(client, operation_id, example.response["status"])
    for media in declared.get("content", {}).values():
        ref = media["schema"].get("$ref")
        assert ref, f"{example.operation}: response schema is not a named component"
        schema = resolve(client, media["schema"])
        if schema.get("type") == "array":  # a named list (Bandwidth's pages): a list of its item model
            return _ListOf(getattr(_models(client), schema["items"]["$ref"].rsplit("/", 1)[1]))
        return getattr(_models(client), ref.rsplit("/", 1)[1])
    return None


class _ListOf:
    """``from_dict``/``to_dict`` of a JSON array of one model, like the generated models' own."""

    def __init__(self, model: Any, items: list[Any] | None = None) -> None:
        self.model, self.items = model, items or []

    def from_dict(self, data: list[Any]) -> _ListOf:
        return _ListOf(self.model, [self.model.from_dict(item) for item in data])

    def to_dict(self) -> list[Any]:
        return [item.to_dict() for item in self.items]


def _dumped(parsed: Any) -> Any:
    """What the generated endpoint parsed, as JSON (a list response parses to a list of models)."""
    if isinstance(parsed, list):
        return [item.to_dict() for item in parsed]
    return parsed.to_dict()


def test_every_source_entry_names_its_source_and_a_declared_operation() -> None:
    assert EXAMPLES
    for example in EXAMPLES:
        client, operation_id = example.operation.split("/")
        assert client in catalog()
        operation(client, operation_id)  # raises when the operation does not exist
        assert example.source.strip()


@pytest.mark.parametrize("example", [e for e in EXAMPLES if "body" in e.response], ids=lambda e: e.id)
def test_documented_response_parses_with_its_model(example: PublicExample) -> None:
    model = _response_model(example)
    assert model is not None, "a documented body needs a declared response schema"
    parsed = model.from_dict(example.response["body"])
    assert parsed.to_dict() == example.response["body"]


def _argument(hint: Any, raw: Any) -> Any:
    """A documented request value in the type the generated function takes."""
    union = isinstance(hint, UnionType) or typing.get_origin(hint) is typing.Union
    options = typing.get_args(hint) if union else (hint,)
    for option in options:
        if option is int:
            return int(raw)
        if option is bool:
            return str(raw).lower() == "true"
        if option is float:
            return float(raw)
    return raw


def _body(hint: Any, raw: Any) -> Any:
    """The request body as the generated model (the union member that round-trips)."""
    for option in typing.get_args(hint) or (hint,):
        from_dict = getattr(option, "from_dict", None)
        if from_dict is None:
            continue
        try:
            model = from_dict(raw)
        except (KeyError, TypeError, ValueError):
            continue
        if model.to_dict() == raw:
            return model
    raise AssertionError(f"no body model of {hint} round-trips {raw!r}")


def _path_params(client: str, operation_id: str, path: str) -> dict[str, str]:
    template = operation(client, operation_id).path
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
    base_path = urlsplit(server_url(client)).path.rstrip("/")
    found = re.fullmatch(pattern, path.removeprefix(base_path) if base_path else path)
    assert found, f"{path} does not match {template}"
    return found.groupdict()


def _defaults(client: str, operation_id: str) -> dict[str, str]:
    op = operation(client, operation_id)
    found = {}
    for raw in [*op.path_item.get("parameters", []), *op.operation.get("parameters", [])]:
        parameter = resolve(client, raw)
        default = resolve(client, parameter.get("schema", {})).get("default")
        if parameter["in"] == "query" and default is not None:
            found[parameter["name"]] = str(default).lower() if isinstance(default, bool) else str(default)
    return found


@pytest.mark.parametrize("example", EXAMPLES, ids=IDS)
def test_documented_exchange_replays_through_the_generated_client(example: PublicExample) -> None:
    client_name, operation_id = example.operation.split("/")
    module = _module(example)
    function = module.sync_detailed
    hints = typing.get_type_hints(function)
    request = example.request
    status = example.response["status"]
    documented_body = example.response.get("body")
    declared = response(client_name, operation_id, status)
    media_type = next(iter(declared.get("content", {})), None)
    seen: list[httpx.Request] = []

    def transport(sent: httpx.Request) -> httpx.Response:
        seen.append(sent)
        headers = {"Content-Type": media_type} if media_type else {}
        content = json.dumps(documented_body).encode() if documented_body is not None else b""
        return httpx.Response(status, headers=headers, content=content)

    generated = importlib.import_module(PACKAGES[client_name])
    client = generated.Client(
        base_url=server_url(client_name), httpx_args={"transport": httpx.MockTransport(transport)}
    )
    kwargs: dict[str, Any] = {"client": client}
    names = {name.rstrip("_"): name for name in hints}
    base_path = urlsplit(server_url(client_name)).path.rstrip("/")
    path_params = _path_params(client_name, operation_id, base_path + request["path"])
    for name, value in [*path_params.items(), *(request.get("query") or {}).items()]:
        python_name = names[re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()]
        kwargs[python_name] = _argument(hints[python_name], value)
    if "body" in request:
        kwargs["body"] = _body(hints["body"], request["body"])

    result = function(**kwargs)

    (sent,) = seen
    assert sent.method == request["method"]
    assert sent.url.path == base_path + request["path"]
    query = dict(parse_qsl(sent.url.query.decode()))
    expected = {**_defaults(client_name, operation_id), **(request.get("query") or {})}
    assert query == {k: v for k, v in expected.items() if k in query or k in (request.get("query") or {})}
    assert set(request.get("query") or {}) <= set(query)
    if "body" in request:
        assert json.loads(sent.content) == request["body"]
    else:
        assert not sent.content
    assert result.status_code == status
    if documented_body is not None:
        assert result.parsed is not None
        assert _dumped(result.parsed) == documented_body
