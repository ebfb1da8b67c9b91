"""Drop-in replacement for ``bandwidth.account`` of the Bandwidth Python SDK 3.0.3 (BW-py).

``bandwidth.client("account", user_id, api_token, api_secret)`` (from :mod:`smsclients.legacy.bandwidth`)
or ``Client(...)`` from here: the 23 account methods BW-py documents for messaging (account and
transactions, applications, available numbers, errors, media, number info, phone numbers) with
BW-py's names, argument orders and return shapes: snake_cased dicts, lazy generators that fetch
pages as they are consumed, ids for creations, ``(stream, content_type)`` for a download.
Underneath, each call is a method of :class:`smsclients.bandwidth.BandwidthClient` generated from
the spec, so it gets the modern client's checks, retries, typed errors and HTTPS-only transport.
Deliberate differences are listed in docs/migration/bandwidth.md.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Generator, Iterable, Mapping
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

import httpx

from smsclients.bandwidth import BandwidthClient, message_id_from_location
from smsclients.errors import InputError
from smsclients.files import file_path as checked_path
from smsclients.lifecycle import Closable
from smsclients.runtime import RawResponse

from .bandwidth import BandwidthMessageAPIException, _int_if_numeric, _legacy_errors, _lower, to_snake_case
from .bandwidth import Client as _MessagingClient

__all__ = ["BandwidthAccountAPIException", "Client"]

T = TypeVar("T")


class BandwidthAccountAPIException(BandwidthMessageAPIException):
    """The HTTP error of an account call: ``.status_code`` (int), ``.message``, ``.code``.

    ``str(e)`` is ``Error <code>: <message>``.

    Raised as a subclass that is also the matching :class:`smsclients.APIError`. (BW-py's account and
    messaging exceptions are separate classes with the same fields; this one is the messaging
    one's subclass, so code catching either keeps working.)
    """


def _errors() -> Any:
    return _legacy_errors(BandwidthAccountAPIException)


def _bool_if_text(value: Any) -> Any:
    # BW-py documented auto_answer and in_local_calling_area as str ('true'); the API takes a boolean.
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return value


def _digits(value: Any) -> Any:
    # BW-py sent zip_code=27606 or area_code=919 as query text; the spec types those codes as strings.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _dict(model: Any) -> dict[str, Any]:
    result: dict[str, Any] = to_snake_case(model.to_dict())
    return result


def _extra(kwargs: Mapping[str, Any]) -> dict[str, Any]:
    # BW-py sent unknown keyword arguments as they were (body or query); unset ones are left out.
    return {key: value for key, value in kwargs.items() if value is not None}


def _lazy(pages: Iterable[Any]) -> Generator[dict[str, Any], None, None]:
    """BW-py's lazy enumerable: each item a snake_cased dict, pages fetched as the generator is consumed."""
    with _errors():
        for item in pages:
            yield _dict(item)


def _content(content: Any) -> bytes:
    """What BW-py accepted as ``content``: a str (sent as UTF-8), bytes-like, or a readable file/stream."""
    if isinstance(content, str):
        return content.encode()
    if isinstance(content, bytes | bytearray | memoryview):
        return bytes(content)
    read = getattr(content, "read", None)
    if callable(read):
        data = read()
        return data.encode() if isinstance(data, str) else bytes(data)
    raise InputError("content", "must be a str, bytes or a readable file")


class Client(Closable):
    """``bandwidth.account.Client``: the Catapult account API for one user.

    ``Client(user_id, api_token, api_secret, api_endpoint="https://api.catapult.inetwork.com",
    api_version="v1")`` plus the options of the messaging drop-in (``retry``, ``transport``); all
    three credentials are required (ValueError otherwise), an unknown option is refused.
    """

    def __init__(
        self,
        user_id: str | None = None,
        api_token: str | None = None,
        api_secret: str | None = None,
        **other_options: Any,
    ) -> None:
        # The messaging drop-in checks the credentials and options and builds the modern client.
        base = _MessagingClient(user_id, api_token, api_secret, **other_options)
        self.user_id = base.user_id
        self.api_endpoint = base.api_endpoint
        self.api_version = base.api_version
        self.auth = base.auth
        self._base = base
        self._client: BandwidthClient = base._client

    def close(self) -> None:
        """Close the connection pool (BW-py had none; optional)."""
        self._base.close()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(user_id={self.user_id!r}, api_endpoint={self.api_endpoint!r}, "
            f"api_version={self.api_version!r})"
        )

    def _call(self, method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with _errors():
            return method(*args, **kwargs)

    # ------------------------------------------------------------------ account
    def get_account(self) -> dict[str, Any]:
        """Get an Account object (``balance``, ``account_type``)."""
        return _dict(self._call(self._client.account.get))

    def list_account_transactions(
        self,
        max_items: int | str | None = None,
        to_date: str | None = None,
        from_date: str | None = None,
        trans_type: str | None = None,
        size: int | str | None = None,
        number: str | None = None,
        **kwargs: Any,
    ) -> Generator[dict[str, Any], None, None]:
        """Get the transactions from the user's account: a lazy generator of snake_cased dicts."""
        pages = self._call(
            self._client.account.iter_transactions,
            max_transactions=_int_if_numeric(max_items),
            to_date=to_date,
            from_date=from_date,
            type_=_lower(trans_type),
            size=_int_if_numeric(size),
            number=number,
            extra_query=_extra(kwargs),
        )
        return _lazy(pages)

    # ------------------------------------------------------------------ applications
    def list_applications(self, size: int | str | None = None, **kwargs: Any) -> Generator[dict[str, Any], None, None]:
        """Get a list of user's applications: a lazy generator of snake_cased dicts."""
        pages = self._call(self._client.applications.iter, size=_int_if_numeric(size), extra_query=_extra(kwargs))
        return _lazy(pages)

    @staticmethod
    def _application_fields(
        name: str | None,
        incoming_call_url: str | None,
        incoming_call_url_callback_timeout: int | str | None,
        incoming_call_fallback_url: str | None,
        incoming_message_url: str | None,
        incoming_message_url_callback_timeout: int | str | None,
        incoming_message_fallback_url: str | None,
        callback_http_method: str | None,
        auto_answer: bool | str | None,
    ) -> dict[str, Any]:
        return {
            "name": name,
            "incoming_call_url": incoming_call_url,
            "incoming_call_url_callback_timeout": _int_if_numeric(incoming_call_url_callback_timeout),
            "incoming_call_fallback_url": incoming_call_fallback_url,
            "incoming_message_url": incoming_message_url,
            "incoming_message_url_callback_timeout": _int_if_numeric(incoming_message_url_callback_timeout),
            "incoming_message_fallback_url": incoming_message_fallback_url,
            "callback_http_method": _lower(callback_http_method),
            "auto_answer": _bool_if_text(auto_answer),
        }

    def create_application(
        self,
        name: str,
        incoming_call_url: str | None = None,
        incoming_call_url_callback_timeout: int | str | None = None,
        incoming_call_fallback_url: str | None = None,
        incoming_message_url: str | None = None,
        incoming_message_url_callback_timeout: int | str | None = None,
        incoming_message_fallback_url: str | None = None,
        callback_http_method: str | None = None,
        auto_answer: bool | str | None = None,
        **kwargs: Any,
    ) -> str:
        """Create an application (where inbound messages and events go); returns its id (``a-...``)."""
        fields = self._application_fields(
            name,
            incoming_call_url,
            incoming_call_url_callback_timeout,
            incoming_call_fallback_url,
            incoming_message_url,
            incoming_message_url_callback_timeout,
            incoming_message_fallback_url,
            callback_http_method,
            auto_answer,
        )
        return self._call(self._client.applications.create, **fields, extra_body=_extra(kwargs))

    def get_application(self, app_id: str) -> dict[str, Any]:
        """Gets information about an application, as a snake_cased dict."""
        return _dict(self._call(self._client.applications.get, app_id))

    def update_application(
        self,
        app_id: str,
        name: str | None = None,
        incoming_call_url: str | None = None,
        incoming_call_url_callback_timeout: int | str | None = None,
        incoming_call_fallback_url: str | None = None,
        incoming_message_url: str | None = None,
        incoming_message_url_callback_timeout: int | str | None = None,
        incoming_message_fallback_url: str | None = None,
        callback_http_method: str | None = None,
        auto_answer: bool | str | None = None,
        **kwargs: Any,
    ) -> None:
        """Change an application; what is not given stays unchanged."""
        fields = self._application_fields(
            name,
            incoming_call_url,
            incoming_call_url_callback_timeout,
            incoming_call_fallback_url,
            incoming_message_url,
            incoming_message_url_callback_timeout,
            incoming_message_fallback_url,
            callback_http_method,
            auto_answer,
        )
        self._call(self._client.applications.update, app_id, **fields, extra_body=_extra(kwargs))

    def delete_application(self, app_id: str) -> None:
        """Remove an application."""
        self._call(self._client.applications.delete, app_id)

    # ------------------------------------------------------------------ available numbers
    def search_available_local_numbers(
        self,
        city: str | None = None,
        state: str | None = None,
        zip_code: str | int | None = None,
        area_code: str | int | None = None,
        local_number: str | int | None = None,
        in_local_calling_area: bool | str | None = None,
        quantity: int | str | None = None,
        pattern: str | None = None,
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """Search available local numbers; a list of snake_cased dicts."""
        found = self._call(
            self._client.available_numbers.search_local,
            city=city,
            state=state,
            zip_code=_digits(zip_code),
            area_code=_digits(area_code),
            local_number=_digits(local_number),
            in_local_calling_area=_bool_if_text(in_local_calling_area),
            quantity=_int_if_numeric(quantity),
            pattern=pattern,
            extra_query=_extra(kwargs),
        )
        return [_dict(item) for item in found]

    def search_available_toll_free_numbers(
        self, quantity: int | str | None = None, pattern: str | None = None, **kwargs: Any
    ) -> list[dict[str, Any]]:
        """Search available toll-free numbers; a list of snake_cased dicts."""
        found = self._call(
            self._client.available_numbers.search_toll_free,
            quantity=_int_if_numeric(quantity),
            pattern=pattern,
            extra_query=_extra(kwargs),
        )
        return [_dict(item) for item in found]

    @staticmethod
    def _ordered(numbers: list[Any]) -> list[dict[str, Any]]:
        items = []
        for number in numbers:
            item = _dict(number)
            location = item.get("location")
            item["id"] = message_id_from_location(location) if isinstance(location, str) else ""
            items.append(item)
        return items

    def search_and_order_local_numbers(
        self,
        city: str | None = None,
        state: str | None = None,
        zip_code: str | int | None = None,
        area_code: str | int | None = None,
        local_number: str | int | None = None,
        in_local_calling_area: bool | str | None = None,
        quantity: int | str | None = None,
        **kwargs: Any,
    ) -> list[dict[str, Any]]:
        """Search and allocate local numbers; each snake_cased dict gets ``id`` (from its ``location``)."""
        ordered = self._call(
            self._client.available_numbers.order_local,
            city=city,
            state=state,
            zip_code=_digits(zip_code),
            area_code=_digits(area_code),
            local_number=_digits(local_number),
            in_local_calling_area=_bool_if_text(in_local_calling_area),
            quantity=_int_if_numeric(quantity),
            extra_query=_extra(kwargs),
        )
        return self._ordered(ordered)

    def search_and_order_toll_free_numbers(self, quantity: int | str | None, **kwargs: Any) -> list[dict[str, Any]]:
        """Search and allocate toll-free numbers; each snake_cased dict gets ``id``."""
        ordered = self._call(
            self._client.available_numbers.order_toll_free,
            quantity=_int_if_numeric(quantity),
            extra_query=_extra(kwargs),
        )
        return self._ordered(ordered)

    # ------------------------------------------------------------------ errors
    def list_errors(self, size: int | str | None = None, **kwargs: Any) -> Generator[dict[str, Any], None, None]:
        """Get a list of errors (failed callbacks land here): a lazy generator of snake_cased dicts."""
        pages = self._call(self._client.errors.iter, size=_int_if_numeric(size), extra_query=_extra(kwargs))
        return _lazy(pages)

    def get_error(self, error_id: str) -> dict[str, Any]:
        """Get information about an error, as a snake_cased dict."""
        return _dict(self._call(self._client.errors.get, error_id))

    # ------------------------------------------------------------------ media
    def list_media_files(self) -> Generator[dict[str, Any], None, None]:
        """Gets a list of user's media files: a lazy generator of snake_cased dicts (``media_name``, ...)."""
        return _lazy(self._call(self._client.media.iter))

    def upload_media_file(
        self,
        media_name: str,
        content: Any = None,
        content_type: str = "application/octet-stream",
        file_path: str | Path | None = None,
    ) -> tuple[None, httpx.Response, None]:
        """Upload a file: ``content`` (str, bytes or a readable file) or the file at ``file_path``.

        Returns BW-py's ``(data, response, id)`` triple: ``(None, <the HTTP response>, None)``.
        """
        if file_path is not None and content is None:
            with open(checked_path(file_path, "file_path"), "rb") as stream:  # missing: OSError, as BW-py
                data = _content(stream)
        elif content is None:
            raise InputError("content", "give content or file_path")
        else:
            data = _content(content)
        raw = self._call(self._client.media.with_raw_response.upload, media_name, data, content_type=content_type)
        assert isinstance(raw, RawResponse)  # what this package's runtime answers with
        return None, raw.http_response, None

    def download_media_file(self, media_name: str) -> tuple[BinaryIO, str]:
        """Download a file: ``(stream, content_type)``; ``stream.read()`` gives the bytes."""
        downloaded = self._call(self._client.media.download, media_name)
        return io.BytesIO(downloaded.content), downloaded.content_type or "application/octet-stream"

    def delete_media_file(self, media_name: str) -> None:
        """Remove a file from the server."""
        self._call(self._client.media.delete, media_name)

    # ------------------------------------------------------------------ number info
    def get_number_info(self, number: str) -> dict[str, Any]:
        """Gets CNAM information about a phone number (E.164), as a snake_cased dict."""
        return _dict(self._call(self._client.number_info.get, number))

    # ------------------------------------------------------------------ phone numbers
    def list_phone_numbers(
        self,
        application_id: str | None = None,
        state: str | None = None,
        name: str | None = None,
        city: str | None = None,
        number_state: str | None = None,
        size: int | str | None = None,
        **kwargs: Any,
    ) -> Generator[dict[str, Any], None, None]:
        """Get a list of user's phone numbers: a lazy generator of snake_cased dicts."""
        pages = self._call(
            self._client.phone_numbers.iter,
            application_id=application_id,
            state=state,
            name=name,
            city=city,
            number_state=_lower(number_state),
            size=_int_if_numeric(size),
            extra_query=_extra(kwargs),
        )
        return _lazy(pages)

    def order_phone_number(
        self,
        number: str | None = None,
        name: str | None = None,
        application_id: str | None = None,
        fallback_number: str | None = None,
        **kwargs: Any,
    ) -> str:
        """Allocate a number to the account; returns its id (``n-...``)."""
        return self._call(
            self._client.phone_numbers.allocate,
            number=number,  # None is refused as "is required" (the API refused it too)
            name=name,
            application_id=application_id,
            fallback_number=fallback_number,
            extra_body=_extra(kwargs),
        )

    def get_phone_number(self, number_id: str) -> dict[str, Any]:
        """Get information about a phone number (by id, or the E.164 number), as a snake_cased dict."""
        return _dict(self._call(self._client.phone_numbers.get, number_id))

    def update_phone_number(
        self,
        number_id: str,
        name: str | None = None,
        application_id: str | None = None,
        fallback_number: str | None = None,
        **kwargs: Any,
    ) -> None:
        """Update a phone number; ``application_id`` attaches it to an application (``""`` detaches)."""
        self._call(
            self._client.phone_numbers.update,
            number_id,
            name=name,
            application_id=application_id,
            fallback_number=fallback_number,
            extra_body=_extra(kwargs),
        )

    def delete_phone_number(self, number_id: str) -> None:
        """Remove (release) a phone number."""
        self._call(self._client.phone_numbers.delete, number_id)
