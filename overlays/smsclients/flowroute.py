"""Flowroute: Numbers v2, Routes v2 and Messages v2.1 (``flowroute_v2_client``), plus Messages v2.

Every operation, its parameters, limits, patterns and pagination come from the specs, through the
generated resources (``flowroute_v2_client.resources``, ``flowroute_messages_v2_client.resources``).
This module adds what a spec cannot say: the credentials, the two API roots, the error body and
the MMS rules of a send.

    with FlowrouteClient(access_key, secret_key) as fr:
        fr.messages.send(to="12066418000", from_="18553569768", body="hello")
        for number in fr.numbers.iter_account_numbers(max_items=500):
            ...
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, Generic

import httpx
from flowroute_messages_v2_client.resources import EXTENSIONS as MESSAGES_V2_EXTENSIONS
from flowroute_v2_client.resources import EXTENSIONS, AsyncResources, Resources

from .auth import BasicAuth
from .errors import ErrorDetails, InputError, MalformedResponseError
from .facade import AsyncClient, HttpClientT, Provider, SyncClient, TransportT, lazy_names, require_text
from .ratelimits import RateLimit
from .redaction import shown_url as _shown
from .retries import RetryPolicy
from .runtime import Hooks
from .sending.profile import BulkProfile, Reconciler, keyword_options

__all__ = [
    "DEFAULT_BASE_URL",
    "MESSAGES_V2_PREFIX",
    "PROVIDER",
    "AsyncFlowrouteClient",
    "AsyncMessages",
    "AsyncMessagesV2",
    "AsyncNumbers",
    "AsyncRoutes",
    "FlowrouteClient",
    "Messages",
    "MessagesV2",
    "Numbers",
    "Routes",
    "parse_error_body",
]

_V2 = "flowroute_v2_client.resources"
_MESSAGES_V2 = "flowroute_messages_v2_client.resources"
if TYPE_CHECKING:
    from flowroute_messages_v2_client.resources import AsyncMessages as AsyncMessagesV2
    from flowroute_messages_v2_client.resources import Messages as MessagesV2
    from flowroute_v2_client.resources import AsyncMessages, AsyncNumbers, AsyncRoutes, Messages, Numbers, Routes
else:  # on first use: each is in a resource module of its own
    __getattr__ = lazy_names(
        __name__,
        {
            **{
                n: f"{_V2}.{n}"
                for n in ("AsyncMessages", "AsyncNumbers", "AsyncRoutes", "Messages", "Numbers", "Routes")
            },
            "AsyncMessagesV2": f"{_MESSAGES_V2}.AsyncMessages",
            "MessagesV2": f"{_MESSAGES_V2}.Messages",
        },
    )

PROVIDER = "flowroute"
DEFAULT_BASE_URL = "https://api.flowroute.com"
# The Messages v2 spec's server is the API root plus this prefix (its paths are /messages...).
MESSAGES_V2_PREFIX = "/v2"


def parse_error_body(body: object) -> ErrorDetails:
    """Flowroute's ``{"errors": [{"id", "status", "title", "detail"}]}`` -> message "title: detail" of the first.

    ``code`` is the first error's title; ``details`` lists the further errors, if any, the same way.
    Never raises.
    """
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return ErrorDetails(None)
    texts: list[str] = []
    first_title: str | None = None
    for index, item in enumerate(errors):
        if not isinstance(item, dict):
            continue
        title = item.get("title") if isinstance(item.get("title"), str) else None
        detail = item.get("detail") if isinstance(item.get("detail"), str) else None
        text = ": ".join(part for part in (title, detail) if part)
        if text:
            texts.append(text)
        if index == 0:
            first_title = title or None
    if not texts:
        return ErrorDetails(None)
    return ErrorDetails(texts[0], code=first_title, details=tuple(texts[1:]))


def _mms_rules(request: Any) -> Any:
    """A v2.1 send: text unless media is attached; with media, ``is_mms`` is true (set when not given)."""
    attributes = request.body["data"]["attributes"]
    if attributes.get("body") == "":
        del attributes["body"]
    if "media_urls" in attributes:
        if attributes.get("is_mms") is False:
            raise InputError("is_mms", "must be true when media_urls is given")
        attributes["is_mms"] = True
    elif "body" not in attributes:
        raise InputError("body", "is required unless media_urls is given")
    return request


def _digits(number: object) -> str:
    return "".join(char for char in str(number) if char.isdigit())


def _send_args(message: Any, key: str) -> dict[str, Any]:
    # No field carries a key to Flowroute: reconciliation matches to, from and body instead.
    return {"to": message.to, "from_": message.from_, "body": message.text or None, **message.options}


def _time_window(rows: Any, since: float, until: float) -> list[dict[str, Any]]:
    from datetime import UTC, datetime

    return [{"start_date": datetime.fromtimestamp(since, UTC), "end_date": datetime.fromtimestamp(until, UTC)}]


def _accepted_id(answer: Any) -> str:
    identifier = getattr(getattr(answer, "data", None), "id", None)
    if not isinstance(identifier, str) or not identifier:
        raise MalformedResponseError("send: the answer accepted the message but gives no id", accepted=True)
    return identifier


def _record_key(item: Any) -> str | None:
    attributes = getattr(item, "attributes", None)
    if attributes is None or getattr(attributes, "direction", None) not in ("outbound", None):
        return None
    return f"{_digits(attributes.to)}|{_digits(attributes.from_)}|{attributes.body}"


@functools.cache
def bulk_profile() -> BulkProfile:
    """How send_many sends through Messages v2.1 (built on first use: it reads the generated send method)."""
    from flowroute_v2_client.resources import Messages

    return BulkProfile.from_extensions(
        EXTENSIONS,
        provider=PROVIDER,
        single_args=_send_args,
        single_id=_accepted_id,
        reconciler=Reconciler(
            "iter",
            _time_window,
            _record_key,
            lambda row: f"{_digits(row.message['to'])}|{_digits(row.message['from'])}|{row.message['text']}",
            lambda item: getattr(item, "id", None),
            where="the account's message records (MDRs) of the time window, matched on to, from and body",
        ),
        options=keyword_options(Messages.send, "to", "from_", "body"),
    )


FLOWROUTE = Provider(
    PROVIDER,
    parse_error_body,
    DEFAULT_BASE_URL,
    Hooks(before={"send": _mms_rules}),
    extensions=EXTENSIONS,
    bulk=bulk_profile,
)
MESSAGES_V2 = Provider(PROVIDER, parse_error_body, DEFAULT_BASE_URL, extensions=MESSAGES_V2_EXTENSIONS)


def _open_roots(
    client: Any,
    access_key: str | None,
    secret_key: str | None,
    base_url: str | None,
    retry: RetryPolicy | None,
    transport: Any,
    rate_limit: Any = None,
) -> tuple[Any, Any]:
    """The runtimes of the two API roots of ``client`` (sync or async), sharing one transport."""
    access_key, secret_key = FLOWROUTE.settings(access_key=access_key, secret_key=secret_key)
    require_text(access_key=access_key, secret_key=secret_key)
    auth = BasicAuth(access_key, secret_key)
    main = client._open(
        FLOWROUTE,
        FLOWROUTE.base_url(base_url),
        auth,
        retry=retry,
        transport=transport,
        rate_limit=rate_limit,
        account=access_key,
    )
    client.base_url = str(main.http.base_url).rstrip("/")
    v2 = client._open(MESSAGES_V2, client.base_url + MESSAGES_V2_PREFIX, auth, retry=retry, transport=transport)
    return main, v2


class _Flowroute(Generic[TransportT, HttpClientT]):
    """The constructor of both Flowroute clients (their network types differ)."""

    base_url: str
    _network: ClassVar[Callable[..., Any]]

    def __init__(
        self,
        access_key: str | None = None,
        secret_key: str | None = None,
        *,
        base_url: str | None = None,
        retry: RetryPolicy | None = None,
        transport: TransportT | None = None,
        http_client: HttpClientT | None = None,
        rate_limit: bool | str | RateLimit | None = None,
    ) -> None:
        self._start()
        shared = self._network(transport, http_client)  # one pool for both API roots
        self._attach(*_open_roots(self, access_key, secret_key, base_url, retry, shared, rate_limit))

    def _start(self) -> None:
        raise NotImplementedError

    def _attach(self, main: Any, messages_v2: Any) -> None:
        raise NotImplementedError

    def __repr__(self) -> str:
        # getattr: a constructor that raised leaves a half-built object, still printable in a traceback.
        # redact_url: after a constructor that raised, base_url may be the refused one.
        return f"{type(self).__name__}(base_url={_shown(getattr(self, 'base_url', None))!r})"


class FlowrouteClient(SyncClient, _Flowroute[httpx.BaseTransport, httpx.Client], Resources):
    """Flowroute Numbers/Routes/Messages v2.1 (``.numbers``, ``.routes``, ``.messages``, ``.e911s``, ...)
    and Messages v2 (``.messages_v2``), authenticated with the API access key and secret key (HTTP Basic).

    One connection pool serves both API roots. Close it with :meth:`close` or a ``with`` block.
    Left out, the keys and ``base_url`` come from ``FLOWROUTE_ACCESS_KEY``, ``FLOWROUTE_SECRET_KEY``
    and ``FLOWROUTE_BASE_URL`` (:mod:`smsclients.config`); ``http_client`` is an ``httpx.Client`` of
    your own to send through (proxies, certificates, event hooks).
    """

    messages_v2: MessagesV2

    def _attach(self, main: Any, messages_v2: Any) -> None:
        Resources.__init__(self, main)
        self.messages_v2 = importlib.import_module(_MESSAGES_V2).Messages(messages_v2)


class AsyncFlowrouteClient(AsyncClient, _Flowroute[httpx.AsyncBaseTransport, httpx.AsyncClient], AsyncResources):
    """Async twin of :class:`FlowrouteClient` (``async with``, ``await``, ``async for``)."""

    messages_v2: AsyncMessagesV2

    def _attach(self, main: Any, messages_v2: Any) -> None:
        AsyncResources.__init__(self, main)
        self.messages_v2 = importlib.import_module(_MESSAGES_V2).AsyncMessages(messages_v2)
