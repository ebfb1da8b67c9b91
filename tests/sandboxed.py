"""Modern clients pointed at a running sandbox (a ``SandboxHandle``): one place for the tests that need them."""

from __future__ import annotations

from typing import Any

from smsclients import BandwidthClient, FlowrouteClient, MessageMediaClient


def flowroute(sandbox: Any) -> FlowrouteClient:
    return FlowrouteClient(*sandbox.credentials["flowroute-v2"], base_url=sandbox.base_urls["flowroute-v2"])


def bandwidth(sandbox: Any, user_id: str) -> BandwidthClient:
    token, secret = sandbox.credentials["bandwidth-messaging-v1"]
    return BandwidthClient(user_id, token, secret, base_url=sandbox.base_urls["bandwidth-messaging-v1"])


def messagemedia(sandbox: Any) -> MessageMediaClient:
    key, secret = sandbox.credentials["messagemedia-messages-v1"]
    return MessageMediaClient(key, secret, base_url=sandbox.base_urls["messagemedia-messages-v1"])
