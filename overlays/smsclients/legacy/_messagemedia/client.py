"""What both generations' ``MessageMediaMessagesClient`` share: settings, lazy controllers, request bodies."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, ClassVar

import httpx
from messagemedia_messages_v1_client.resources import RawResponse

from smsclients.errors import InputError, SmsClientError
from smsclients.facade import PublicConstructorName
from smsclients.lifecycle import Closable
from smsclients.messagemedia import MessageMediaClient
from smsclients.redaction import shown_url
from smsclients.retries import RetryPolicy
from smsclients.validation import json_input

from .engine import BaseController, Credentials, Endpoint, Engine
from .wire import plain

__all__ = ["SdkClient", "body_dict", "cancel_body", "required_list"]


def body_dict(body: Any) -> dict[str, Any]:
    """A request body as 1.1.0 accepted it (dict or model), or a JSON string, as a plain dict."""
    if isinstance(body, str):
        body = json_input("body", body)
    try:
        value = plain(body)
    except RecursionError:
        raise InputError("body", "is nested too deeply") from None
    if not isinstance(value, dict):
        raise InputError("body", "must be a dict or a request model object")
    return value


def required_list(body: dict[str, Any], key: str) -> list[Any]:
    value = body.get(key)
    if value is None:
        raise InputError(f"body.{key}", "is required")
    if not isinstance(value, list):
        raise InputError(f"body.{key}", "must be a list")
    return value


def post_list(
    controller: BaseController,
    endpoint: Endpoint,
    body: Any,
    key: str,
    method: Callable[[MessageMediaClient], Callable[..., RawResponse[Any]]],
    account: str | None = None,
) -> RawResponse[Any]:
    """POST ``body``, whose ``key`` is the list the API takes (messages, delivery report or reply
    ids), through ``method(mm)``; a body that is not one raises the SDK's exception before sending."""
    with controller._checks(endpoint):
        data = body_dict(body)
        items = required_list(data, key)
        return controller._execute(
            endpoint,
            lambda mm, account, extra: method(mm)(items, account=account, extra_headers=extra),
            body=data,
            account=account,
        )


def cancel_body(body: Any) -> dict[str, Any]:
    """Cancel's body: a missing status means cancelled, the only value the API accepts."""
    status = body_dict(body).get("status", "cancelled")
    if status not in (None, "cancelled"):
        raise InputError("body.status", "must be 'cancelled'")
    return {"status": "cancelled"}


class SdkClient(PublicConstructorName, Closable):
    """What both generations' ``MessageMediaMessagesClient`` do: settings, lazily built controllers."""

    config: ClassVar[type]
    _controllers: ClassVar[dict[str, type[BaseController]]]

    def __init__(
        self,
        auth_user_name: Any = None,
        auth_password: Any = None,
        use_hmac_authentication: Any = False,
        *,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        # Never raises on what the SDK accepted: credentials are checked when a call is made.
        given = auth_user_name is not None or auth_password is not None
        credentials = Credentials(auth_user_name, auth_password, bool(use_hmac_authentication)) if given else None
        self._hmac = bool(use_hmac_authentication)
        self._engine = Engine(self.config, credentials=credentials, base_url=base_url, retry=retry, transport=transport)
        self._made: dict[str, BaseController] = {}
        # The connection pool now when the settings allow; if some are missing, the first call
        # reports them (the SDK failed on use too).
        with contextlib.suppress(SmsClientError):
            self._engine.client()

    def _controller(self, name: str) -> Any:
        controller = self._made.get(name)
        if controller is None:
            controller = self._controllers[name]()
            controller._engine = self._engine  # this client's settings, one connection pool
            self._made[name] = controller
        return controller

    def close(self) -> None:
        """Close the connection pool (the SDK had none to close; optional)."""
        self._engine.close()

    def __repr__(self) -> str:
        # getattr: a constructor that raised leaves a half-built object, still printable in a traceback.
        engine = getattr(self, "_engine", None)
        base_url = shown_url(getattr(engine, "base_url", None))
        return f"{type(self).__name__}(base_url={base_url!r}, hmac={getattr(self, '_hmac', None)!r})"
