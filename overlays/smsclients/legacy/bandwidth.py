"""Drop-in replacement for ``bandwidth.messaging`` of the Bandwidth Python SDK 3.0.3 (BW-py).

Same class, factory and exception names, constructor forms, method names, parameter order and
return shapes (snake_cased dicts, a lazy generator for the list) as docs/providers.md §3.8-§3.10 document;
underneath, every call goes through :class:`smsclients.bandwidth.BandwidthClient`, so it gets the
modern client's checks, retries, typed errors and HTTPS-only transport. Migrate with one line::

    from smsclients.legacy import bandwidth          # was: import bandwidth
    api = bandwidth.client("messaging", user_id, api_token, api_secret)

Differences from BW-py, all deliberate (the old behaviour was a defect), are listed in the README's
Bandwidth migration note. In short: phone numbers are checked (E.164) before sending; unset fields
are left out of the request body instead of being sent as ``null``; credentials stay per instance
and never show in a repr; errors are also the typed ``smsclients`` errors; a send that may have
reached the server is never repeated.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

import httpx
from bandwidth_messaging_v1_client.resources._schemas import SendMessageRequestParams

from smsclients.bandwidth import BandwidthClient, message_id_from_location
from smsclients.errors import APIError, InputError, combined_error_class, copy_api_error_fields
from smsclients.lifecycle import Closable
from smsclients.redaction import REDACTED
from smsclients.redaction import shown_url as _shown
from smsclients.retries import RetryPolicy
from smsclients.validation import check_options

if TYPE_CHECKING:  # an annotation only: the models load with the first answer that needs them
    from bandwidth_messaging_v1_client.models import Message

__all__ = ["BandwidthMessageAPIException", "Client", "client", "to_snake_case"]

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


def _legacy_error(error: APIError) -> BandwidthMessageAPIException:
    """The legacy exception for ``error``, of a class that is also ``type(error)``."""
    body = error.body
    if isinstance(body, Mapping) and isinstance(body.get("message"), str):
        message: str = body["message"]
        code = body.get("code")
        legacy_code = None if code is None else str(code)
    else:
        # BW-py: a body that is not the documented JSON gives its first 79 characters.
        message = error.raw_body.decode("utf-8", errors="replace")[:_TEXT_MESSAGE_CHARS]
        legacy_code = None
    cls = combined_error_class(BandwidthMessageAPIException, type(error))
    legacy = cls(error.status_code, message, code=legacy_code)
    # Explicit copy: the combined class skips its own when the legacy __init__ already set
    # ``status_code`` (as this one does). It copies ``message``/``code`` too; the legacy meaning wins.
    copy_api_error_fields(legacy, error)
    legacy.message = message
    legacy.code = legacy_code if legacy_code is not None else str(error.status_code)
    return legacy


@contextmanager
def _legacy_errors() -> Iterator[None]:
    try:
        yield
    except APIError as error:
        raise _legacy_error(error) from error


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


def _message_dict(message: Message) -> dict[str, Any]:
    result: dict[str, Any] = to_snake_case(message.to_dict())
    return result


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


class Client(Closable):
    """``bandwidth.messaging.Client``: the Catapult messaging API for one user.

    ``Client(user_id, api_token, api_secret, api_endpoint="https://api.catapult.inetwork.com",
    api_version="v1")``; all three credentials are required (ValueError otherwise). Extra options
    beyond BW-py's: ``retry`` (a :class:`smsclients.RetryPolicy`) and ``transport`` (an httpx
    transport). BW-py ignored unknown options, so a misspelt ``api_endpiont=`` talked to
    production; here any other option raises :class:`smsclients.errors.ArgumentError` (a
    TypeError) naming it, and a wrong-typed one InputError.
    """

    def __init__(
        self,
        user_id: str | None = None,
        api_token: str | None = None,
        api_secret: str | None = None,
        **other_options: Any,
    ) -> None:
        if not (user_id and api_token and api_secret):
            raise ValueError(
                "Arguments user_id, api_token and api_secret are required. "
                'Use bandwidth.client("messaging", "YOUR-USER-ID", "YOUR-API-TOKEN", "YOUR-API-SECRET")'
            )
        check_options("bandwidth.Client", other_options, _OPTIONS)
        self.user_id = user_id
        self.api_endpoint: str = other_options.get("api_endpoint", DEFAULT_API_ENDPOINT)
        self.api_version: str = other_options.get("api_version", DEFAULT_API_VERSION)
        # Documented attribute, kept for code that reads it; the secret never shows in its repr.
        self.auth: tuple[str, str] = _AuthPair((api_token, api_secret))
        retry: RetryPolicy | None = other_options.get("retry")
        transport: httpx.BaseTransport | None = other_options.get("transport")
        self._client = BandwidthClient(
            user_id,
            api_token,
            api_secret,
            base_url=f"{self.api_endpoint.rstrip('/')}/{self.api_version.strip('/')}",
            retry=retry,
            transport=transport,
        )

    def close(self) -> None:
        """Close the connection pool (BW-py had none; optional)."""
        self._client.close()

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

        Filters are checked at call time; pages are fetched as the generator is consumed. Extra
        keyword arguments are sent as query parameters.
        """
        pager = self._client.messages.iter(
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

        def generate() -> Generator[dict[str, Any], None, None]:
            with _legacy_errors():
                for message in pager:
                    yield _message_dict(message)

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
        with _legacy_errors():
            return self._client.messages.send_request(message, extra_body=extras)

    def send_messages(self, messages_data: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Send some messages by one request (wire names: ``from``, ``to``, ``text``, ``callbackUrl``...).

        Returns one snake_cased result dict per message, in order, with ``id`` (the new message's id,
        ``''`` when the message was not accepted) and ``message`` (your dict for that message).
        """
        if isinstance(messages_data, str | bytes | Mapping) or not isinstance(messages_data, Sequence):
            raise InputError("messages_data", "must be a list of message dicts")
        normalised: Any = [
            _normalise_wire_message(item) if isinstance(item, Mapping) else item for item in messages_data
        ]
        with _legacy_errors():
            results = self._client.messages.send_batch(normalised)
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
        with _legacy_errors():
            return _message_dict(self._client.messages.get(id))


# --------------------------------------------------------------------------------------------------
# Factory (docs/providers.md §3.10)

_CLIENTS: Final[dict[str, Callable[..., Client]]] = {"messaging": Client}


def client(name: str, *args: Any, **kwargs: Any) -> Client:
    """``bandwidth.client("messaging", user_id, api_token, api_secret, **options)``; the name is case-insensitive."""
    factory = _CLIENTS.get(name.lower()) if isinstance(name, str) else None
    if factory is None:
        valid = ", ".join(f'"{known}"' for known in _CLIENTS)
        # BW-py also knew "voice", "account" and "numbers"; only messaging is provided here.
        raise ValueError(f'Invalid client name "{name}". Valid values are {valid}')
    return factory(*args, **kwargs)
