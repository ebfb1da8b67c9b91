"""What a sync program pays at import: no event-loop machinery it will not use.

Cold import time is a benchmark (``make bench``); this checks the cause that made it regress once:
a module on the sync path importing ``asyncio`` at the top. (``anyio`` is imported by httpcore
itself, as a stub that loads its backends on first use.)
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROBE = """
import json, sys
import smsclients, smsclients.flowroute, smsclients.bandwidth, smsclients.messagemedia
import smsclients.legacy.bandwidth, smsclients.legacy.messagemedia, smsclients.legacy.flowroute_v3
print(json.dumps("asyncio" in sys.modules))
"""


def test_sync_clients_do_not_import_asyncio() -> None:
    path = os.pathsep.join(str(ROOT / part) for part in ("clients", "overlays", "sandbox"))
    env = {**os.environ, "PYTHONPATH": path}
    env.pop("SMSCLIENTS_LOG", None)
    result = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=True)
    assert json.loads(result.stdout) is False


# ----------------------------------------------------------------------------- lazy resources

# Each provider module and its generated packages; their resource modules (one per tag) are found on disk.
PACKAGES = {
    "smsclients.flowroute": ["flowroute_v2_client", "flowroute_messages_v2_client"],
    "smsclients.bandwidth": ["bandwidth_messaging_v1_client"],
    "smsclients.messagemedia": ["messagemedia_messages_v1_client"],
}


def _tags(package: str) -> list[str]:
    files = sorted((ROOT / "clients" / package / "resources").glob("[!_]*.py"))
    assert files, package
    return [f"{package}.resources.{path.stem}" for path in files]


TAG_MODULES = {module: [tag for package in packages for tag in _tags(package)] for module, packages in PACKAGES.items()}


def _run(code: str) -> object:
    path = os.pathsep.join(str(ROOT / part) for part in ("clients", "overlays", "sandbox"))
    env = {**os.environ, "PYTHONPATH": path}
    env.pop("SMSCLIENTS_LOG", None)
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def _loaded(statements: str, names: list[str]) -> list[str]:
    probe = f"import json, sys\n{statements}\nprint(json.dumps([n for n in {names!r} if n in sys.modules]))"
    loaded = _run(probe)
    assert isinstance(loaded, list)
    return loaded


def test_importing_a_provider_imports_no_resource_module_no_model_no_attrs_no_httpcore() -> None:
    """attrs (the models, the generated ``Client`` classes) and httpcore (httpx's transports, which
    import it themselves when built) are a large part of a cold import."""
    for module, tags in TAG_MODULES.items():
        generated = [f"{package}.{part}" for package in PACKAGES[module] for part in ("models", "client")]
        assert _loaded(f"import {module}", [*tags, *generated, "attr", "httpcore"]) == [], module
    for legacy in (
        "bandwidth",
        "bandwidth_account",
        "messagemedia",
        "messagemedia_v2",
        "messagemedia_lookups",
        "messagemedia_webhooks",
        "flowroute_messaging",
    ):
        assert _loaded(f"import smsclients.legacy.{legacy}", ["attr", "httpcore"]) == [], legacy


def test_the_generated_client_classes_load_on_first_use() -> None:
    import bandwidth_messaging_v1_client
    from bandwidth_messaging_v1_client import client

    assert bandwidth_messaging_v1_client.Client is client.Client
    assert bandwidth_messaging_v1_client.AuthenticatedClient is client.AuthenticatedClient
    try:
        bandwidth_messaging_v1_client.Nope  # noqa: B018
    except AttributeError as error:
        assert "Nope" in str(error)
    else:
        raise AssertionError("bandwidth_messaging_v1_client.Nope resolved")


def test_a_client_imports_the_module_of_the_tag_it_uses_and_no_other() -> None:
    tags = TAG_MODULES["smsclients.messagemedia"]
    build = "from smsclients.messagemedia import MessageMediaClient\nmm = MessageMediaClient('k', 's')"
    assert _loaded(build, tags) == []  # building the client imports none
    assert _loaded(build + "\nmm.replies", tags) == ["messagemedia_messages_v1_client.resources.replies"]
    asynchronous = "from smsclients import AsyncBandwidthClient\nbw = AsyncBandwidthClient('u-1', 't', 's')"
    assert _loaded(asynchronous, TAG_MODULES["smsclients.bandwidth"]) == []
    assert _loaded(asynchronous + "\nbw.messages", TAG_MODULES["smsclients.bandwidth"]) == [
        "bandwidth_messaging_v1_client.resources.messages"
    ]
    flowroute = "from smsclients import FlowrouteClient\nfr = FlowrouteClient('k', 's')\nfr.numbers"
    assert _loaded(flowroute, TAG_MODULES["smsclients.flowroute"]) == [
        "flowroute_v2_client.resources.numbers",
        "flowroute_messages_v2_client.resources.messages",  # messages_v2 is built with the client
    ]


def test_lazy_resources_are_the_same_objects_and_classes_as_before() -> None:
    from bandwidth_messaging_v1_client import resources as bandwidth_resources
    from bandwidth_messaging_v1_client.resources import messages as bandwidth_messages
    from messagemedia_messages_v1_client.resources import replies
    from smsclients import AsyncMessageMediaClient, BandwidthClient, MessageMediaClient, flowroute, messagemedia
    from smsclients.bandwidth import AsyncMessages, Messages

    assert Messages is bandwidth_messages.Messages and AsyncMessages is bandwidth_messages.AsyncMessages
    assert messagemedia.Replies is replies.Replies and messagemedia.AsyncReplies is replies.AsyncReplies
    assert flowroute.MessagesV2.__module__ == "flowroute_messages_v2_client.resources.messages"
    assert bandwidth_resources.MessagesWithRawResponse is bandwidth_messages.MessagesWithRawResponse
    assert "AsyncMessagesWithRawResponse" in dir(bandwidth_resources)
    for module, name in ((messagemedia, "Nope"), (bandwidth_resources, "Nope"), (flowroute, "Nope")):
        try:
            getattr(module, name)
        except AttributeError as error:
            assert name in str(error)
        else:
            raise AssertionError(f"{module.__name__}.{name} resolved")

    with MessageMediaClient("k", "s") as mm:
        first = mm.replies
        assert type(first) is replies.Replies
        assert mm.replies is first and vars(mm)["replies"] is first  # built once, then a plain attribute
        assert type(mm.replies.with_raw_response) is replies.RepliesWithRawResponse
    other = MessageMediaClient("k", "s")
    assert other.replies is not first  # per client, never shared
    other.close()
    assert type(AsyncMessageMediaClient("k", "s").replies) is replies.AsyncReplies
    with BandwidthClient("u-1", "t", "s") as bw:
        assert type(bw.messages) is Messages


def test_resource_attributes_keep_their_annotations() -> None:
    """The class annotations still type each resource (for mypy and IDEs, statically). At run time
    ``typing.get_type_hints`` resolves them once the lazy names are loaded (``make coverage`` does)."""
    hints = _run(
        "import importlib, json, typing\n"
        "from smsclients import AsyncFlowrouteClient, MessageMediaClient\n"
        "for name in ('flowroute_v2_client.resources', 'messagemedia_messages_v1_client.resources',"
        " 'smsclients.flowroute'):\n"
        "    module = importlib.import_module(name)\n"
        "    [getattr(module, name) for name in module.__all__]\n"
        "print(json.dumps({name: f'{hint.__module__}.{hint.__qualname__}' for client in"
        " (MessageMediaClient, AsyncFlowrouteClient)"
        " for name, hint in typing.get_type_hints(client).items() if name in ('replies', 'numbers', 'messages_v2')}))"
    )
    assert hints == {
        "replies": "messagemedia_messages_v1_client.resources.replies.Replies",
        "numbers": "flowroute_v2_client.resources.numbers.AsyncNumbers",
        "messages_v2": "flowroute_messages_v2_client.resources.messages.AsyncMessages",
    }


def test_a_copy_of_a_client_builds_its_resources_on_its_own_runtime() -> None:
    """``with_options`` copies a client's attributes: a resource built before must not be carried over."""
    import httpx
    from smsclients import BandwidthClient

    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(201, headers={"Location": f"{request.url}/m-1"})

    with BandwidthClient("u-1", "t", "s", transport=httpx.MockTransport(answer)) as bw:
        first = bw.messages
        copy = bw.with_options(headers={"X-Copy": "yes"})
        assert copy.messages is not first and bw.messages is first
        assert copy.messages.send(from_="+12065551234", to="+12065551235", text="hi") == "m-1"
        assert bw.messages.send(from_="+12065551234", to="+12065551235", text="hi") == "m-1"
    assert [request.headers.get("X-Copy") for request in seen] == ["yes", None]
