"""The old vendor SDKs (untyped): MessageMedia Messages 1.1.0 and Bandwidth (BW-py) 3.0.3.

Isolated here so the rest of the benchmark is typed; everything crossing this boundary is ``Any``.
Flowroute's SDK v3 (``flowroute-sdk-v3``) was only ever published on GitHub, not on PyPI, so it has
no row.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from typing import Any

SendOnce = Callable[[], str]


def messagemedia_110(base_url: str, key: str, secret: str, destination: str) -> SendOnce:
    """MessageMedia 1.1.0 Basic auth. Its import runs ``logging.basicConfig(stream=sys.stdout, level=INFO)``
    and every call logs at INFO; we silence that (root handler removed, loggers at WARNING) so stdout
    writes do not count against it."""
    configuration: Any = importlib.import_module("message_media_messages.configuration")
    client_module: Any = importlib.import_module("message_media_messages.message_media_messages_client")
    request_module: Any = importlib.import_module("message_media_messages.models.send_messages_request")

    # Undo its import-time basicConfig (a stdout handler at INFO on the root logger, which would
    # also make httpx log every request of every other row) and its per-call INFO lines.
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    root.setLevel(logging.WARNING)
    logging.getLogger("message_media_messages").setLevel(logging.WARNING)
    configuration.Configuration.base_uri = base_url
    client: Any = client_module.MessageMediaMessagesClient(key, secret)
    controller: Any = client.messages
    body: Any = request_module.SendMessagesRequest.from_dictionary(
        {"messages": [{"content": "hi", "destination_number": destination}]}
    )

    def send() -> str:
        result: Any = controller.create_send_messages(body)  # raises APIException on any error status
        first: Any = result.messages[0]
        message_id = first.get("message_id") if isinstance(first, dict) else getattr(first, "message_id", None)
        return str(message_id or "")

    return send


def bandwidth_303(endpoint: str, user_id: str, token: str, secret: str, from_: str, to: str) -> SendOnce:
    """BW-py 3.0.3: ``requests.request`` per call, so a new TCP connection every time (no Session)."""
    bandwidth: Any = importlib.import_module("bandwidth")
    api: Any = bandwidth.client("messaging", user_id, token, secret, api_endpoint=endpoint, api_version="v1")

    def send() -> str:
        return str(api.send_message(from_=from_, to=to, text="hi"))  # raises on status >= 400

    return send
