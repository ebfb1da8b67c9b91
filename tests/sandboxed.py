"""Modern clients pointed at a running sandbox (a ``SandboxHandle``), and a receiver recording what it
gets: one place for the tests that need them."""

from __future__ import annotations

import threading
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


class Recorder:
    """An ASGI receiver that records each request (method, path, query, headers, body) and answers ``status``."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.requests: list[dict[str, Any]] = []
        self._cond = threading.Condition()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        with self._cond:
            self.requests.append(
                {
                    "method": scope["method"],
                    "path": scope["path"],
                    "query": scope["query_string"].decode(),
                    "headers": {k.decode().lower(): v.decode() for k, v in scope["headers"]},
                    "body": body,
                }
            )
            self._cond.notify_all()
        await send({"type": "http.response.start", "status": self.status, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    def wait(self, count: int, wait_s: float = 15.0) -> list[dict[str, Any]]:
        with self._cond:
            assert self._cond.wait_for(lambda: len(self.requests) >= count, wait_s), self.requests
            return list(self.requests)
