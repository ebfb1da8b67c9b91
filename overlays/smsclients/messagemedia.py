"""MessageMedia Messages API v1: the client over ``messagemedia_messages_v1_client``.

The operations, every limit of a message, and the check -> handle -> confirm loop over delivery
reports and replies (``iter()``, ``drain(handler)``) come from the spec through the generated
resources. This module adds what a spec cannot say: the credentials (HTTP Basic or MessageMedia's
HMAC signature), the client-wide sub-account, and the error body.

    with MessageMediaClient(api_key, api_secret, hmac=True) as mm:
        mm.messages.send([{"content": "hi", "destination_number": "+61491570156"}])
        mm.delivery_reports.drain(lambda report: print(report.status))
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Generic

import httpx
from messagemedia_messages_v1_client.resources import EXTENSIONS, AsyncResources, Resources

from .auth import BasicAuth, MessageMediaHmacAuth, RequestSigner
from .errors import CredentialsForbiddenError, ErrorDetails, InputError, MalformedResponseError, SmsClientError
from .facade import AsyncClient, HttpClientT, Provider, SyncClient, TransportT, lazy_names, require_text
from .ratelimits import RateLimit
from .redaction import shown_url as _shown
from .retries import RetryPolicy
from .sending.profile import BulkProfile, Reconciler
from .validation import header_value

__all__ = [
    "DEFAULT_BASE_URL",
    "PROVIDER",
    "AsyncDeliveryReports",
    "AsyncMessageMediaClient",
    "AsyncMessages",
    "AsyncReplies",
    "DeliveryReports",
    "MessageMediaClient",
    "Messages",
    "Replies",
    "parse_error_body",
]

if TYPE_CHECKING:
    from messagemedia_messages_v1_client.resources import (
        AsyncDeliveryReports,
        AsyncMessages,
        AsyncReplies,
        DeliveryReports,
        Messages,
        Replies,
    )
else:  # on first use: each is in a resource module of its own
    _NAMES = ("AsyncDeliveryReports", "AsyncMessages", "AsyncReplies", "DeliveryReports", "Messages", "Replies")
    __getattr__ = lazy_names(__name__, {n: f"messagemedia_messages_v1_client.resources.{n}" for n in _NAMES})

PROVIDER: Final = "messagemedia"
DEFAULT_BASE_URL: Final = "https://api.messagemedia.com"


def parse_error_body(body: object) -> ErrorDetails:
    """Read MessageMedia's error body: ``{"message": str}`` plus ``"details": [str]`` on a 400."""
    if not isinstance(body, Mapping):
        return ErrorDetails(message=None)
    message = body.get("message")
    raw_details = body.get("details")
    details = tuple(str(item) for item in raw_details) if isinstance(raw_details, list) else ()
    if not isinstance(message, str) or not message:
        message = details[0] if details else None
    return ErrorDetails(message=message, code=None, details=details)


# The metadata key send_many marks each message with (MessageMedia echoes metadata in its delivery reports).
KEY_METADATA = "smsclients_key"


def _new_message(message: Any, key: str) -> dict[str, Any]:
    item: dict[str, Any] = {"content": message.text, "destination_number": message.to, **message.options}
    item["source_number"] = message.from_
    item["metadata"] = {**(item.get("metadata") or {}), KEY_METADATA: key}
    return item


def _sent_ids(answer: Any, count: int) -> list[str | SmsClientError]:
    messages = getattr(answer, "messages", None)
    ids = [getattr(item, "message_id", None) for item in messages] if isinstance(messages, list) else []
    if len(ids) != count or not all(isinstance(identifier, str) and identifier for identifier in ids):
        # The send was accepted (2xx) but cannot be matched message by message.
        raise MalformedResponseError(f"send: expected {count} message ids, got {len(ids)}", accepted=True)
    return [str(identifier) for identifier in ids]


def _reports_of(messages: Any) -> Any:
    """The delivery reports resource beside ``messages`` (on the same runtime)."""
    from messagemedia_messages_v1_client.resources import AsyncDeliveryReports, AsyncMessages, DeliveryReports

    reports = AsyncDeliveryReports if isinstance(messages, AsyncMessages) else DeliveryReports
    return reports(messages._runtime)


def _report_key(report: Any) -> str | None:
    # Checked, never confirmed here: the reports stay for the integrator's own drain.
    metadata = report.to_dict().get("metadata") if hasattr(report, "to_dict") else None
    key = metadata.get(KEY_METADATA) if isinstance(metadata, dict) else None
    return key if isinstance(key, str) else None


@functools.cache
def bulk_profile() -> BulkProfile:
    """How send_many sends (built on first use: it reads the generated message type)."""
    from messagemedia_messages_v1_client.resources import NewMessageParams

    return BulkProfile.from_extensions(
        EXTENSIONS,
        provider=PROVIDER,
        single_args=lambda message, key: {"messages": [_new_message(message, key)]},
        single_id=lambda answer: str(_sent_ids(answer, 1)[0]),
        batch_item=_new_message,
        batch_results=_sent_ids,
        options=frozenset(NewMessageParams.__annotations__) - {"content", "destination_number", "source_number"},
        # MessageMedia lists no sent messages: a delivery report carrying the message's key (messages
        # sent with delivery_report=True) shows it was accepted; none yet proves nothing.
        reconciler=Reconciler(
            "check",
            lambda rows, since, until: [{}],
            _report_key,
            lambda row: row.key,
            lambda report: getattr(report, "message_id", None),
            conclusive=False,
            where="the pending delivery reports (only messages sent with delivery_report=True have them)",
            source=_reports_of,
        ),
        unknown_hint=f"look for metadata {KEY_METADATA} in its delivery reports before sending it again",
    )


# MessageMedia answers bad credentials with 403 ({"message": "Invalid authentication credentials"},
# docs/providers.md §4.5): one class for bad credentials on every provider.
MESSAGEMEDIA = Provider(
    PROVIDER,
    parse_error_body,
    DEFAULT_BASE_URL,
    status_classes={403: CredentialsForbiddenError},
    extensions=EXTENSIONS,
    bulk=bulk_profile,
)


def _auth(api_key: str, api_secret: str, hmac: bool) -> RequestSigner:
    require_text(api_key=api_key, api_secret=api_secret)
    if not isinstance(hmac, bool):
        raise InputError("hmac", "must be True or False")
    return MessageMediaHmacAuth(api_key, api_secret) if hmac else BasicAuth(api_key, api_secret)


def _open(
    client: Any,
    api_key: str | None,
    api_secret: str | None,
    hmac: bool,
    account: str | None,
    base_url: str | None,
    **options: Any,
) -> Any:
    api_key, api_secret = MESSAGEMEDIA.settings(api_key=api_key, api_secret=api_secret)
    auth = _auth(api_key, api_secret, hmac)
    client.base_url = MESSAGEMEDIA.base_url(base_url)
    if account is not None:  # checked now rather than on the first request
        header_value("account", account)
        require_text(account=account)
    client._hmac, client._account = hmac, account
    who = f"{api_key}/{account or ''}"
    return client._open(MESSAGEMEDIA, client.base_url, auth=auth, settings={"account": account}, account=who, **options)


def _repr(client: Any) -> str:
    # Never the key or the secret; getattr: a constructor that raised leaves a half-built object.
    hmac = getattr(client, "_hmac", None)
    auth = None if hmac is None else "hmac" if hmac else "basic"
    base_url, account = _shown(getattr(client, "base_url", None)), getattr(client, "_account", None)
    return f"{type(client).__name__}(base_url={base_url!r}, auth={auth!r}, account={account!r})"


class _MessageMedia(Generic[TransportT, HttpClientT]):
    """The constructor of both MessageMedia clients (their network types differ)."""

    base_url: str

    def __init__(
        self,
        api_key: str | None = None,
        api_secret: str | None = None,
        *,
        hmac: bool = False,
        account: str | None = None,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        transport: TransportT | None = None,
        http_client: HttpClientT | None = None,
        rate_limit: bool | str | RateLimit | None = None,
    ) -> None:
        self._start()
        options = {"retry": retry, "transport": transport, "http_client": http_client, "rate_limit": rate_limit}
        self._attach(_open(self, api_key, api_secret, hmac, account, base_url, **options))

    def _start(self) -> None:
        raise NotImplementedError

    def _attach(self, runtime: Any) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        return _repr(self)


class MessageMediaClient(SyncClient, _MessageMedia[httpx.BaseTransport, httpx.Client], Resources):
    """MessageMedia Messages v1 client (sync).

    ``api_key``/``api_secret`` authenticate with HTTP Basic, or with MessageMedia's HMAC signature
    when ``hmac=True``. ``account`` names a sub-account, sent as the ``Account`` header on every
    request (each method also takes ``account=`` for one call). One connection pool per client:
    use it as a context manager or call :meth:`close`. Left out, the credentials and ``base_url``
    come from ``MESSAGEMEDIA_API_KEY``, ``MESSAGEMEDIA_API_SECRET`` and ``MESSAGEMEDIA_BASE_URL``
    (:mod:`smsclients.config`); ``http_client`` is an ``httpx.Client`` of your own to send through.
    """

    def _attach(self, runtime: Any) -> None:
        Resources.__init__(self, runtime)


class AsyncMessageMediaClient(AsyncClient, _MessageMedia[httpx.AsyncBaseTransport, httpx.AsyncClient], AsyncResources):
    """Async twin of :class:`MessageMediaClient` (``async with``, ``await``, ``async for``)."""

    def _attach(self, runtime: Any) -> None:
        AsyncResources.__init__(self, runtime)
