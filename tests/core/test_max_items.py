"""One name per meaning: ``limit`` is a page size (as the API names it, on ``list_*``), ``max_items``
the total an iterator or drain yields. An old ``limit=`` on an iterator is a TypeError naming
``max_items``, never silently a page size or a cap."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from smsclients import (
    AsyncBandwidthClient,
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    BandwidthClient,
    FlowrouteClient,
    MessageMediaClient,
)

from tests.transports import NoNetwork


def _clients() -> list[Any]:
    return [
        FlowrouteClient("k", "s", transport=NoNetwork()),
        BandwidthClient("u-1", "t", "s", transport=NoNetwork()),
        MessageMediaClient("k", "s", transport=NoNetwork()),
        AsyncFlowrouteClient("k", "s", transport=httpx.MockTransport(lambda r: httpx.Response(500))),
        AsyncBandwidthClient("u-1", "t", "s", transport=httpx.MockTransport(lambda r: httpx.Response(500))),
        AsyncMessageMediaClient("k", "s", transport=httpx.MockTransport(lambda r: httpx.Response(500))),
    ]


def _iterators(client: Any) -> list[tuple[str, Callable[..., Any]]]:
    """Every iterator and drain of every resource of ``client``."""
    found = []
    for resource_name in dir(client):
        resource = getattr(client, resource_name, None)
        if resource is None or not hasattr(resource, "_runtime") or resource_name.startswith("_"):
            continue
        for name in dir(resource):
            method = getattr(resource, name)
            if callable(method) and (name.startswith("iter") or name.startswith("drain")):
                found.append((f"{type(client).__name__}.{resource_name}.{name}", method))
    return found


REQUIRED = {"start_date": "2024-01-01", "e911_id": "20175"}


def _required(method: Callable[..., Any]) -> dict[str, Any]:
    parameters = inspect.signature(method).parameters.values()
    return {
        p.name: REQUIRED[p.name]
        for p in parameters
        if p.default is p.empty and p.kind is not p.VAR_KEYWORD and p.name != "handler"
    }


ALL = [(name, method) for client in _clients() for name, method in _iterators(client)]


def test_every_provider_has_iterators() -> None:
    names = {name.split(".")[0] for name, _ in ALL}
    assert len(names) == 6 and len(ALL) >= 20


@pytest.mark.parametrize(("name", "method"), ALL, ids=[name for name, _ in ALL])
def test_iterators_take_max_items_and_refuse_limit_naming_it(name: str, method: Callable[..., Any]) -> None:
    parameters = inspect.signature(method).parameters
    assert "max_items" in parameters and "limit" not in parameters
    args = (lambda item: None,) if name.endswith("drain") else ()
    with pytest.raises(TypeError) as caught:
        result = method(*args, **_required(method), limit=5)
        if inspect.iscoroutine(result):  # an async drain: the check runs when awaited
            asyncio.run(result)
    text = str(caught.value)
    assert "'limit'" in text and "max_items=" in text
    if "page_size" in parameters:
        assert "page_size=" in text  # where the API's page size is called limit, the message says so
    with pytest.raises(TypeError, match="'bogus'"):
        result = method(*args, **_required(method), bogus=1)
        if inspect.iscoroutine(result):
            asyncio.run(result)


def test_list_methods_keep_the_apis_page_size_name() -> None:
    with FlowrouteClient("k", "s", transport=NoNetwork()) as fr:
        assert "limit" in inspect.signature(fr.numbers.list_account_numbers).parameters
        assert "max_items" not in inspect.signature(fr.numbers.list_account_numbers).parameters
        assert "page_size" in inspect.signature(fr.numbers.iter_account_numbers).parameters
