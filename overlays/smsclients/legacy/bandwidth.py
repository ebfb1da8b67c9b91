"""Drop-in replacement for ``bandwidth.messaging`` of the Bandwidth Python SDK 3.0.3 (BW-py).

Same class, factory and exception names, constructor forms, method names, parameter order and
return shapes (snake_cased dicts, a lazy generator for the list) as docs/providers.md §3.8-§3.10 document;
underneath, every call goes through :class:`smsclients.bandwidth.BandwidthClient`, so it gets the
modern client's checks, retries, typed errors and HTTPS-only transport. Migrate with one line::

    from smsclients.legacy import bandwidth          # was: import bandwidth
    api = bandwidth.client("messaging", user_id, api_token, api_secret)

Differences from BW-py, all deliberate (the old behaviour was a defect), are listed in
docs/migration/bandwidth.md. In short: phone numbers are checked (E.164) before sending; unset fields
are left out of the request body instead of being sent as ``null``; credentials stay per instance
and never show in a repr; errors are also the typed ``smsclients`` errors (a request refused before
sending is also the 400 :class:`BandwidthMessageAPIException`); a send that may have reached the
server is never repeated. As in BW-py, the endpoint is read and checked on each call and answers are
returned as the JSON that came.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, Literal, NamedTuple, cast, overload

import httpx
from bandwidth_messaging_v1_client.resources._schemas import SendMessageRequestParams

from smsclients.bandwidth import PROVIDER, BandwidthClient, message_id_from_location
from smsclients.config import environment_variable
from smsclients.errors import APIError, ArgumentError, InputError, combined_error_class, copy_api_error_fields
from smsclients.lifecycle import Closable
from smsclients.redaction import REDACTED
from smsclients.redaction import shown_url as _shown
from smsclients.retries import RetryPolicy
from smsclients.validation import check_options

from ._json import AsJson
from ._modules import alias_module
from ._settings import LazyClient, checked_base_url, environment_setting, hidden, refused_input, revealed

if TYPE_CHECKING:
    from bandwidth_messaging_v1_client.resources import Messages

    from .bandwidth_account import Client as AccountClient

__all__ = ["BandwidthMessageAPIException", "Client", "client", "convert_object_to_snake_case", "to_snake_case"]

DEFAULT_API_ENDPOINT: Final = "https://api.catapult.inetwork.com"
DEFAULT_API_VERSION: Final = "v1"
# BW-py cut a non-JSON error body to this many characters for the exception message.
_TEXT_MESSAGE_CHARS: Final = 79

# --------------------------------------------------------------------------------------------------
# Key conversion (docs/providers.md §3.8)

# An uppercase letter after a lowercase letter or digit, or any uppercase letter (not first) before a lowercase one.
_WORD_START = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")


def to_snake_case(value: Any) -> Any:
    """camelCase keys to snake_case, recursively through dicts and lists; values are left alone.

    ``callbackUrl`` -> ``callback_url``, ``skipMMSCarrierValidation`` -> ``skip_mms_carrier_validation``,
    ``URLValue`` -> ``url_value``, ``ID`` -> ``id``.
    """
    if isinstance(value, Mapping):
        return {_WORD_START.sub(r"_\1", str(key)).lower(): to_snake_case(item) for key, item in value.items()}
    if isinstance(value, list):
        return [to_snake_case(item) for item in value]
    return value


# --------------------------------------------------------------------------------------------------
# Errors (docs/providers.md §3.9)


class BandwidthMessageAPIException(Exception):
    """The HTTP error of a messaging call: ``.status_code`` (int), ``.message``, ``.code``.

    ``code`` is the API's error code, or ``str(status_code)`` when it gave none; ``str(e)`` is
    ``Error <code>: <message>``. Raised as a subclass that is also the matching
    :class:`smsclients.APIError` (e.g. ``smsclients.NotFoundError`` for a 404).
    """

    def __init__(self, status_code: int, message: str, code: str | None = None) -> None:
        super().__init__(status_code, message)
        self.status_code = status_code
        self.message = message
        self.code = code if code is not None else str(status_code)

    def __str__(self) -> str:
        return f"Error {self.code}: {self.message}"


def _legacy_error(
    error: APIError, legacy_class: type[BandwidthMessageAPIException] | None = None
) -> BandwidthMessageAPIException:
    """The legacy exception for ``error``, of a class that is also ``type(error)``.

    ``legacy_class``: another client's exception of the same shape (the account client's).
    """
    body = error.body
    if isinstance(body, Mapping) and isinstance(body.get("message"), str):
        message: str = body["message"]
        code = body.get("code")
        legacy_code = None if code is None else str(code)
    else:
        # BW-py: a body that is not the documented JSON gives its first 79 characters.
        message = error.raw_body.decode("utf-8", errors="replace")[:_TEXT_MESSAGE_CHARS]
        legacy_code = None
    cls = combined_error_class(legacy_class or BandwidthMessageAPIException, type(error))
    legacy = cls(error.status_code, message, code=legacy_code)
    # Explicit copy: the combined class skips its own when the legacy __init__ already set
    # ``status_code`` (as this one does). It copies ``message``/``code`` too; the legacy meaning wins.
    copy_api_error_fields(legacy, error)
    legacy.message = message
    legacy.code = legacy_code if legacy_code is not None else str(error.status_code)
    return legacy


@contextmanager
def _legacy_errors(legacy_class: type[BandwidthMessageAPIException] | None = None) -> Iterator[None]:
    try:
        yield
    except APIError as error:
        raise _legacy_error(error, legacy_class) from error
    except InputError as error:
        if isinstance(error, BandwidthMessageAPIException | ArgumentError):
            raise
        # BW-py sent such a request and raised the API's 400 answer; code catching that still does.
        raise refused_input(
            legacy_class or BandwidthMessageAPIException, error, status_code=400, message=str(error), code="400"
        ) from None


# --------------------------------------------------------------------------------------------------
# Argument normalisation: what BW-py accepted loosely and the modern checks want typed


def _lower(value: Any) -> Any:
    # The API's enum values are lowercase ("all", "post"); BW-py passed e.g. "POST" through unchanged.
    return value.lower() if isinstance(value, str) else value


def _int_if_numeric(value: Any) -> Any:
    # BW-py documented callbackTimeout and size as str ("2000"); the API takes a number.
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if text.isascii() and text.isdigit() else value


def _media_list(value: Any) -> Any:
    # BW-py documented media as "a media url ... or list of medias".
    return [value] if isinstance(value, str) else value


def _normalise_wire_message(message: Mapping[str, Any]) -> dict[str, Any]:
    data = dict(message)
    for key, convert in (
        ("media", _media_list),
        ("receiptRequested", _lower),
        ("callbackHttpMethod", _lower),
        ("callbackTimeout", _int_if_numeric),
    ):
        if data.get(key) is not None:
            data[key] = convert(data[key])
    return data


_WIRE_KEYS: Final = SendMessageRequestParams.__required_keys__ | SendMessageRequestParams.__optional_keys__


class _AuthPair(tuple[str, str]):
    """``(api_token, api_secret)`` as BW-py's ``Client.auth``; its repr hides the secret."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"({self[0]!r}, {REDACTED!r})"

    __str__ = __repr__


# --------------------------------------------------------------------------------------------------
# Client


_OPTIONS: Final[dict[str, tuple[type, ...]]] = {
    "api_endpoint": (str,),
    "api_version": (str,),
    "retry": (RetryPolicy, type(None)),
    "transport": (httpx.BaseTransport, type(None)),
}
_CREDENTIALS: Final = ("user_id", "api_token", "api_secret")


class _Connection(NamedTuple):
    """The modern client and the same messages surface reading answers as plain JSON."""

    client: BandwidthClient
    json_messages: Messages

    def close(self) -> None:
        self.client.close()


class Client(Closable):
    """``bandwidth.messaging.Client``: the Catapult messaging API for one user.

    ``Client(user_id, api_token, api_secret, api_endpoint="https://api.catapult.inetwork.com",
    api_version="v1")``. As in BW-py, the three credentials are required when the client is built
    (ValueError otherwise); a credential left out (``None``) is first read from
    ``BANDWIDTH_USER_ID``, ``BANDWIDTH_API_TOKEN`` or ``BANDWIDTH_API_SECRET``, the modern
    client's variables. Everything else is checked on use, as BW-py did: ``api_endpoint`` and
    ``api_version`` are read on every call (left at their defaults, ``BANDWIDTH_BASE_URL`` is used
    when set), and a bad endpoint raises :class:`smsclients.InputError` then. Extra options beyond
    BW-py's: ``retry`` (a :class:`smsclients.RetryPolicy`) and ``transport`` (an httpx transport).
    BW-py ignored unknown options, so a misspelt ``api_endpiont=`` talked to production; here it
    still builds the client (as BW-py did) but warns, naming the option.
    """

    def __init__(
        self,
        user_id: str | None = None,
        api_token: str | None = None,
        api_secret: str | None = None,
        **other_options: Any,
    ) -> None:
        given = {"user_id": user_id, "api_token": api_token, "api_secret": api_secret}
        user_id, api_token, api_secret = (
            value if value is not None else environment_setting(PROVIDER, name, os.environ)
            for name, value in given.items()
        )
        if not (user_id and api_token and api_secret):
            raise ValueError(
                "Arguments user_id, api_token and api_secret are required (or the environment variables "
                "BANDWIDTH_USER_ID, BANDWIDTH_API_TOKEN and BANDWIDTH_API_SECRET). "
                'Use bandwidth.client("messaging", "YOUR-USER-ID", "YOUR-API-TOKEN", "YOUR-API-SECRET")'
            )
        unknown = sorted(set(other_options) - set(_OPTIONS))
        if unknown:
            # BW-py ignored them; a warning, not an error, so code that ran there still runs.
            warnings.warn(
                f"bandwidth.Client: unknown option(s) {', '.join(unknown)} ignored "
                f"(known: {', '.join(sorted(_OPTIONS))})",
                UserWarning,
                stacklevel=2,
            )
        self.user_id = user_id
        self.api_endpoint: str = other_options.get("api_endpoint", DEFAULT_API_ENDPOINT)
        self.api_version: str = other_options.get("api_version", DEFAULT_API_VERSION)
        # Documented attribute, kept for code that reads it; the secret never shows in its repr.
        self.auth: tuple[str, str] = _AuthPair((api_token, api_secret))
        self._options: dict[str, Any] = {
            name: other_options[name] for name in ("retry", "transport") if name in other_options
        }
        self._connections: LazyClient[tuple[Any, ...], _Connection] = LazyClient(self._connect)

    def _base_url(self) -> tuple[str, str]:
        """The base URL for this call and the setting it came from (read now, as BW-py read it per request)."""
        endpoint, version = self.api_endpoint, self.api_version
        for name, value in (("api_endpoint", endpoint), ("api_version", version)):
            if not isinstance(value, str):
                raise InputError(name, f"must be a string, e.g. {DEFAULT_API_ENDPOINT!r}")
        if endpoint == DEFAULT_API_ENDPOINT and version == DEFAULT_API_VERSION:
            configured = environment_setting(PROVIDER, "base_url", os.environ)
            if configured is not None:
                return configured, environment_variable(PROVIDER, "base_url")
        return f"{endpoint.rstrip('/')}/{version.strip('/')}", "api_endpoint"

    def _connect(self, key: tuple[Any, ...]) -> _Connection:
        base_url, user_id, api_token, api_secret = key[0], key[1], revealed(key[2]), revealed(key[3])
        check_options("bandwidth.Client", self._options, _OPTIONS)
        modern = BandwidthClient(user_id, api_token, api_secret, base_url=base_url, **self._options)
        from bandwidth_messaging_v1_client.resources import Messages  # here: the first call loads it

        return _Connection(modern, Messages(cast(Any, AsJson(modern.messages._runtime))))

    def _connection(self) -> _Connection:
        base_url, field = self._base_url()
        example = f"{DEFAULT_API_ENDPOINT}/{DEFAULT_API_VERSION}" if field != "api_endpoint" else DEFAULT_API_ENDPOINT
        checked = checked_base_url(base_url, field=field, example=example)
        token, secret = tuple(self.auth) if isinstance(self.auth, tuple) and len(self.auth) == 2 else (None, None)
        return self._connections.get((checked, self.user_id, hidden(token), hidden(secret)))

    @property
    def _client(self) -> BandwidthClient:
        return self._connection().client

    def close(self) -> None:
        """Close the connection pool (BW-py had none; optional)."""
        self._connections.close()

    def __repr__(self) -> str:
        return (
            # getattr: a constructor that raised leaves a half-built object, still printable in a traceback.
            f"{type(self).__name__}(user_id={getattr(self, 'user_id', None)!r}, "
            f"api_endpoint={_shown(getattr(self, 'api_endpoint', None))!r}, "
            f"api_version={getattr(self, 'api_version', None)!r})"
        )

    def list_messages(
        self,
        from_: str | None = None,
        to: str | None = None,
        from_date_time: str | None = None,
        to_date_time: str | None = None,
        direction: Any = None,
        state: Any = None,
        delivery_state: Any = None,
        sort_order: Any = None,
        size: int | str | None = None,
        **kwargs: Any,
    ) -> Generator[dict[str, Any], None, None]:
        """Get a list of user's messages: a lazy generator over every page, each message a snake_cased dict.

        As in BW-py, nothing happens until the generator is consumed: then the settings and filters
        are checked and pages are fetched as needed. Extra keyword arguments are sent as query
        parameters.
        """

        def generate() -> Generator[dict[str, Any], None, None]:
            messages = self._connection().json_messages
            with _legacy_errors():
                pager = messages.iter(
                    from_=from_,
                    to=to,
                    from_date_time=from_date_time,
                    to_date_time=to_date_time,
                    direction=direction,
                    state=state,
                    delivery_state=delivery_state,
                    sort_order=sort_order,
                    size=_int_if_numeric(size),
                    extra_query=kwargs,
                )
                for message in pager:
                    yield to_snake_case(message)

        return generate()

    def send_message(
        self,
        from_: str,
        to: str,
        text: str | None = None,
        media: Sequence[str] | str | None = None,
        receipt_requested: str | None = None,
        callback_url: str | None = None,
        callback_http_method: str | None = None,
        callback_timeout: int | str | None = None,
        fallback_url: str | None = None,
        tag: str | None = None,
        **kwargs: Any,
    ) -> str:
        """Send a message (SMS or MMS); returns the id of the created message.

        Extra keyword arguments are added to the request body as given.
        """
        body: dict[str, Any] = {key: value for key, value in kwargs.items() if value is not None}
        body.update(
            {
                "from": from_,
                "to": to,
                "text": text,
                "media": media,
                "receiptRequested": receipt_requested,
                "callbackUrl": callback_url,
                "callbackHttpMethod": callback_http_method,
                "callbackTimeout": callback_timeout,
                "fallbackUrl": fallback_url,
                "tag": tag,
            }
        )
        message: Any = _normalise_wire_message(body)  # the caller's wire dict, checked by the client
        # BW-py sent unknown keys as given: they go out as extra_body, unchecked; the known ones are checked.
        extras = {key: message.pop(key) for key in list(message) if key not in _WIRE_KEYS}
        client = self._client  # settings first: their errors are the client's, not the API's
        with _legacy_errors():
            return client.messages.send_request(message, extra_body=extras)

    def send_messages(self, messages_data: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Send some messages by one request (wire names: ``from``, ``to``, ``text``, ``callbackUrl``...).

        Returns one snake_cased result dict per message, in order, with ``id`` (the new message's id,
        ``''`` when the message was not accepted) and ``message`` (your dict for that message).
        """
        client = self._client  # settings first: their errors are the client's, not the API's
        with _legacy_errors():
            if isinstance(messages_data, str | bytes | Mapping) or not isinstance(messages_data, Sequence):
                raise InputError("messages_data", "must be a list of message dicts")
            normalised: Any = [
                _normalise_wire_message(item) if isinstance(item, Mapping) else item for item in messages_data
            ]
            results = client.messages.send_batch(normalised)
        converted: list[dict[str, Any]] = []
        for original, result in zip(messages_data, results, strict=True):
            item: dict[str, Any] = to_snake_case(result.to_dict())
            location = item.get("location")
            item["id"] = message_id_from_location(location) if isinstance(location, str) else ""
            item["message"] = original
            converted.append(item)
        return converted

    def get_message(self, id: str) -> dict[str, Any]:
        """Get information about a message, as a snake_cased dict."""
        messages = self._connection().json_messages  # settings first: their errors are the client's
        with _legacy_errors():
            result: dict[str, Any] = to_snake_case(messages.get(id))
        return result


# --------------------------------------------------------------------------------------------------
# Factory (docs/providers.md §3.10)


def _account_client(*args: Any, **kwargs: Any) -> AccountClient:
    from .bandwidth_account import Client as AccountClient  # its own module; it builds on this one

    return AccountClient(*args, **kwargs)


_CLIENTS: Final[dict[str, Callable[..., Any]]] = {"messaging": Client, "account": _account_client}


@overload
def client(name: Literal["messaging", "Messaging", "MESSAGING"], *args: Any, **kwargs: Any) -> Client: ...
@overload
def client(name: Literal["account", "Account", "ACCOUNT"], *args: Any, **kwargs: Any) -> AccountClient: ...
@overload
def client(name: str, *args: Any, **kwargs: Any) -> Client | AccountClient: ...


def client(name: str, *args: Any, **kwargs: Any) -> Client | AccountClient:
    """``bandwidth.client("messaging" | "account", user_id, api_token, api_secret, **options)``; case-insensitive.

    ``"account"`` is BW-py's account client (:class:`smsclients.legacy.bandwidth_account.Client`).
    """
    factory = _CLIENTS.get(name.lower()) if isinstance(name, str) else None
    if factory is None:
        valid = ", ".join(f'"{known}"' for known in _CLIENTS)
        # BW-py also knew "voice" and "numbers"; only messaging and account are provided here.
        raise ValueError(f'Invalid client name "{name}". Valid values are {valid}')
    made: Client | AccountClient = factory(*args, **kwargs)
    return made


# --------------------------------------------------------------------------------------------------
# BW-py's module paths (``from bandwidth.messaging import Client`` -> ``from
# smsclients.legacy.bandwidth.messaging import Client``); only the messaging client is provided.


def convert_object_to_snake_case(value: Any) -> Any:
    """BW-py's ``convert_camel.convert_object_to_snake_case``: :func:`to_snake_case`, and a str itself."""
    return _snake(value) if isinstance(value, str) else to_snake_case(value)


def _snake(text: str) -> str:
    return _WORD_START.sub(r"_\1", text).lower()


def _alias(path: str, **names: Any) -> ModuleType:
    return alias_module(__name__, "bandwidth", path, **names)


messaging = _alias("messaging", Client=Client, BandwidthMessageAPIException=BandwidthMessageAPIException)
_alias("messaging.client_module", Client=Client)
_alias("messaging.api_exception_module", BandwidthMessageAPIException=BandwidthMessageAPIException)
client_module = _alias("client_module", client=client)
convert_camel = _alias(
    "convert_camel",
    convert_object_to_snake_case=convert_object_to_snake_case,
    convert_string_to_snake_case=_snake,
    convert_dict_to_snake_case=to_snake_case,
    convert_list_to_snake_case=to_snake_case,
)
