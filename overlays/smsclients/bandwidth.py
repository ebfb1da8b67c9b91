"""Bandwidth Catapult Messaging v1: the client over ``bandwidth_messaging_v1_client``.

The operations, their parameters and limits, the three send methods (one message, a batch, a
wire-named dict) and the ``Link: rel="next"`` paging come from the spec through the generated
resources. This module adds what a spec cannot say: HTTP Basic with the API token and secret,
the account (``user_id``) that every path names, the error body, and two cross-field rules.

    with BandwidthClient("u-abc123", api_token, api_secret) as bw:
        message_id = bw.messages.send(from_="+19195551212", to="+19195551213", text="hello")
        for message in bw.messages.iter(state="error", max_items=100):
            ...
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, Generic
from urllib.parse import urlsplit

import httpx
from bandwidth_messaging_v1_client.resources import EXTENSIONS, AsyncResources, Resources

from .auth import BasicAuth
from .errors import BadRequestError, ErrorDetails, InputError, MalformedResponseError, SmsClientError
from .facade import AsyncClient, HttpClientT, Provider, SyncClient, TransportT, lazy_names, require_text
from .ratelimits import RateLimit
from .redaction import shown_url as _shown
from .retries import RetryPolicy
from .runtime import Hooks
from .sending.profile import BulkProfile, Reconciler
from .validation import check_path_segment

__all__ = [
    "DEFAULT_BASE_URL",
    "PROVIDER",
    "AsyncBandwidthClient",
    "AsyncMessages",
    "BandwidthClient",
    "Messages",
    "message_id_from_location",
    "parse_error_body",
]

if TYPE_CHECKING:
    from bandwidth_messaging_v1_client.resources import AsyncMessages, Messages
else:  # on first use: they are in a resource module of their own
    __getattr__ = lazy_names(
        __name__, {n: f"bandwidth_messaging_v1_client.resources.{n}" for n in ("AsyncMessages", "Messages")}
    )

PROVIDER: Final = "bandwidth"
DEFAULT_BASE_URL: Final = "https://api.catapult.inetwork.com/v1"


def parse_error_body(body: object) -> ErrorDetails:
    """Read Bandwidth's error body ``{"message", "code", "category", "details"}``."""
    if not isinstance(body, Mapping):
        return ErrorDetails(message=None)
    message = body.get("message")
    code = body.get("code")
    raw_details = body.get("details")
    details: list[str] = []
    if isinstance(raw_details, list):
        for item in raw_details:
            if isinstance(item, Mapping) and "name" in item:
                details.append(f"{item.get('name')}: {item.get('value')}")
            else:
                details.append(str(item))
    return ErrorDetails(
        message=message if isinstance(message, str) and message else None,
        code=str(code) if isinstance(code, str | int) and not isinstance(code, bool) and code != "" else None,
        details=tuple(details),
    )


def message_id_from_location(location: str) -> str:
    """The message id: the last path segment of a ``Location`` URL, absolute or path-only (``''`` if none)."""
    path = urlsplit(location).path
    return path.rstrip("/").rsplit("/", 1)[-1]


def _text_or_media(message: Mapping[str, Any], prefix: str = "") -> None:
    if not message.get("text") and not message.get("media"):
        raise InputError(f"{prefix}text", "is required unless media is given")


def _single(request: Any) -> Any:
    _text_or_media(request.body)
    return request


def _batch(request: Any) -> Any:
    for index, message in enumerate(request.body):
        _text_or_media(message, f"messages[{index}].")
    return request


def _one_result_per_message(request: Any, results: list[Any]) -> list[Any]:
    # Results are matched to the request by position; a different count cannot be matched safely.
    if len(results) != len(request.body):
        raise MalformedResponseError(f"send_batch: expected {len(request.body)} results, got {len(results)}")
    return results


def _wire(message: Any, key: str) -> dict[str, Any]:
    """A message as the API's SendMessageRequest; the campaign's key is its ``tag`` unless it has one."""
    item: dict[str, Any] = {"from": message.from_, "to": message.to, **message.options}
    if message.text:
        item["text"] = message.text
    item.setdefault("tag", key)
    return item


def _batch_results(results: Any, count: int) -> list[str | SmsClientError]:
    outcomes: list[str | SmsClientError] = []
    for result in results:
        location = getattr(result, "location", None)
        if getattr(result, "result", None) == "accepted":
            identifier = message_id_from_location(location) if isinstance(location, str) else ""
            # Accepted without a readable id: never sent again, its outcome reported unknown.
            unreadable = MalformedResponseError("send_batch: an accepted message has no location", accepted=True)
            outcomes.append(identifier or unreadable)
            continue
        error = getattr(result, "error", None)
        message, code = getattr(error, "message", None), getattr(error, "code", None)
        outcomes.append(
            BadRequestError(
                message if isinstance(message, str) and message else "the message was refused",
                status_code=400,
                code=code if isinstance(code, str) else None,
                provider=PROVIDER,
            )
        )
    return outcomes


def _by_sender(rows: Any, since: float, until: float) -> list[dict[str, Any]]:
    # One lookup per sender over the attempts' time window; the tag picks the messages out.
    window = {
        "from_date_time": _bandwidth_time(since),
        "to_date_time": _bandwidth_time(until),
        "direction": "out",
    }
    return [{"from_": sender, **window} for sender in sorted({row.message["from"] for row in rows})]


def _bandwidth_time(epoch: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _row_tag(row: Any) -> str:
    return str(row.message["options"].get("tag") or row.key)


def _item_tag(item: Any) -> str | None:
    tag = getattr(item, "tag", None)
    return tag if isinstance(tag, str) else None


@functools.cache
def bulk_profile() -> BulkProfile:
    """How send_many sends (built on first use: it reads the generated send body's type)."""
    from bandwidth_messaging_v1_client.resources import SendMessageRequestParams

    return BulkProfile.from_extensions(
        EXTENSIONS,
        provider=PROVIDER,
        single_args=lambda message, key: {"message": _wire(message, key)},
        single_id=str,
        batch_item=_wire,
        batch_results=_batch_results,
        reconciler=Reconciler(
            "iter",
            _by_sender,
            _item_tag,
            _row_tag,
            lambda item: getattr(item, "id", None),
            where="the account's sent messages with its tag (list messages by sender and time)",
        ),
        options=frozenset(SendMessageRequestParams.__annotations__) - {"from", "to", "text"},
    )


BANDWIDTH = Provider(
    PROVIDER,
    parse_error_body,
    DEFAULT_BASE_URL,
    Hooks(
        before={"send": _single, "send_request": _single, "send_batch": _batch},
        after={"send_batch": _one_result_per_message},
    ),
    extensions=EXTENSIONS,
    bulk=bulk_profile,
)


def _open(
    client: Any,
    user_id: str | None,
    api_token: str | None,
    api_secret: str | None,
    base_url: str | None,
    **options: Any,
) -> Any:
    user_id, api_token, api_secret = BANDWIDTH.settings(user_id=user_id, api_token=api_token, api_secret=api_secret)
    require_text(user_id=user_id, api_token=api_token, api_secret=api_secret)
    check_path_segment("user_id", user_id)  # it names the account in every path
    client.user_id, client.base_url = user_id, BANDWIDTH.base_url(base_url)
    auth = BasicAuth(api_token, api_secret)
    return client._open(BANDWIDTH, client.base_url, auth, settings={"user_id": user_id}, account=user_id, **options)


class _Bandwidth(Generic[TransportT, HttpClientT]):
    """The constructor of both Bandwidth clients (their network types differ)."""

    user_id: str
    base_url: str

    def __init__(
        self,
        user_id: str | None = None,
        api_token: str | None = None,
        api_secret: str | None = None,
        *,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        transport: TransportT | None = None,
        http_client: HttpClientT | None = None,
        rate_limit: bool | str | RateLimit | None = None,
    ) -> None:
        self._start()
        options = {"retry": retry, "transport": transport, "http_client": http_client, "rate_limit": rate_limit}
        self._attach(_open(self, user_id, api_token, api_secret, base_url, **options))

    def _start(self) -> None:
        raise NotImplementedError

    def _attach(self, runtime: Any) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        # Never the token or the secret.
        # getattr: a constructor that raised leaves a half-built object, still printable in a traceback.
        user_id, base_url = getattr(self, "user_id", None), _shown(getattr(self, "base_url", None))
        return f"{type(self).__name__}(user_id={user_id!r}, base_url={base_url!r})"


class BandwidthClient(SyncClient, _Bandwidth[httpx.BaseTransport, httpx.Client], Resources):
    """Bandwidth Catapult Messaging v1 client (sync).

    ``api_token``/``api_secret`` authenticate with HTTP Basic; ``user_id`` (``u-...``) names the
    account in every path. One connection pool per client: use it as a context manager or call
    :meth:`close`. ``retry`` sets the retry policy, ``transport`` replaces the network transport,
    ``http_client`` is an ``httpx.Client`` of your own to send through, ``rate_limit`` paces sends
    at the documented rates (:mod:`smsclients.sending.pacing`; default: ``SMSCLIENTS_RATE_LIMIT``). Left out, the three
    credentials and ``base_url`` come from ``BANDWIDTH_USER_ID``, ``BANDWIDTH_API_TOKEN``,
    ``BANDWIDTH_API_SECRET`` and ``BANDWIDTH_BASE_URL`` (:mod:`smsclients.config`).
    """

    def _attach(self, runtime: Any) -> None:
        Resources.__init__(self, runtime)


class AsyncBandwidthClient(AsyncClient, _Bandwidth[httpx.AsyncBaseTransport, httpx.AsyncClient], AsyncResources):
    """Async twin of :class:`BandwidthClient` (``async with``, ``await``, ``async for``)."""

    def _attach(self, runtime: Any) -> None:
        AsyncResources.__init__(self, runtime)
