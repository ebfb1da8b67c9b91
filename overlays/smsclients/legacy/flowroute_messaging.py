"""Drop-in for the Flowroute Messaging Python library v2 (``FlowrouteMessagingLib``, docs/providers.md §1.6).

Replace the library's imports with one line::

    from smsclients.legacy.flowroute_messaging import APIController, APIException, Message

and existing code keeps working: ``APIController(username, password)``,
``create_message(Message(to=..., from_=..., content=...))`` and ``get_message_lookup(record_id)``
return the parsed JSON as a dict, and HTTP errors raise :class:`APIException` with the library's
reason texts. Underneath is :class:`smsclients.flowroute.FlowrouteClient` (``.messages_v2``).

Behaviour that differs on purpose (the old defects):

* the text goes out as ``body``, the field the API reference documents (the library sent ``content``);
* a non-JSON error body raises :class:`APIException` (``response_body`` is then the text) instead of a
  JSON decode error;
* requests have a timeout and retry policy, credentials are per controller, and nothing is sent
  when ``to``/``from_``/``content`` are invalid (:class:`smsclients.InputError`, a ValueError);
* every :class:`APIException` is also the matching typed error (``smsclients.NotFoundError``, ...).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx

from ..errors import APIError, InputError, combined_error_class
from ..flowroute import MESSAGES_V2_PREFIX, FlowrouteClient
from ..http import require_secure_url
from ..lifecycle import Closable
from ..retries import RetryPolicy

__all__ = ["APIController", "APIException", "Configuration", "Message"]


class Configuration:
    """The library's settings class. ``BASE_URI`` is read when an :class:`APIController` is created."""

    BASE_URI = "https://api.flowroute.com/v2"


class Message:
    """A message to send: keywords ``to``, ``from_`` and ``content``; others are ignored (as before).

    Stored as ``.to``, ``.mfrom`` and ``.content`` (``None`` when not given).
    """

    def __init__(self, **kwargs: Any) -> None:
        self.to: Any = kwargs.get("to")
        self.mfrom: Any = kwargs.get("from_")
        self.content: Any = kwargs.get("content")

    def __repr__(self) -> str:
        # getattr: a constructor that raised leaves a half-built object, still printable in a traceback.
        return f"Message(to={getattr(self, 'to', None)!r}, from_={getattr(self, 'mfrom', None)!r})"


class APIException(Exception):
    """An HTTP error: ``str(e)`` is the reason, plus ``response_code`` and ``response_body``.

    ``response_body`` is the parsed JSON error document (``{"errors": [...]}``), or the body text
    when the server did not send JSON.
    """

    def __init__(self, reason: str, response_code: int, response_body: Any) -> None:
        super().__init__(reason)
        self.reason = reason
        self.response_code = response_code
        self.response_body = response_body


UNAUTHORIZED = "UNAUTHORIZED"
FORBIDDEN = "FORBIDDEN"
NOT_OK = "HTTP Response Not OK"
# create_message names 401 and 403; get_message_lookup uses NOT_OK for every error status.
_CREATE_REASONS = {401: UNAUTHORIZED, 403: FORBIDDEN}

# Modern field names -> the names a library user wrote.
_MESSAGE_FIELDS = {"to": "message.to", "from_": "message.from_", "body": "message.content"}


def _legacy_error(error: APIError, reason: str) -> APIException:
    """The documented exception for ``error``; must be called while ``error`` is being handled."""
    body: Any = error.body if error.body is not None else error.raw_body.decode("utf-8", errors="replace")
    cls = combined_error_class(APIException, type(error))
    return cls(reason, error.status_code, body)


@contextmanager
def _legacy_errors(reasons: dict[int, str]) -> Iterator[None]:
    try:
        yield
    except APIError as error:
        raise _legacy_error(error, reasons.get(error.status_code, NOT_OK)) from error
    except InputError as error:
        field = _MESSAGE_FIELDS.get(error.field, error.field)
        if field == error.field:
            raise
        raise type(error)(field, error.rule) from None


def _api_root(base_uri: str) -> str:
    """``https://host/v2`` -> ``https://host``: the modern client adds the ``/v2`` itself."""
    trimmed = require_secure_url(base_uri, field="base_uri").rstrip("/")
    if not trimmed.endswith(MESSAGES_V2_PREFIX):
        raise InputError("base_uri", f"must end with {MESSAGES_V2_PREFIX}, e.g. {Configuration.BASE_URI}")
    return trimmed[: -len(MESSAGES_V2_PREFIX)]


class APIController(Closable):
    """Sends messages and looks up message detail records (Messages v2).

    ``username`` is the API access key, ``password`` the secret key. The keyword-only options are
    new: ``base_uri`` (default :attr:`Configuration.BASE_URI`), ``retry`` and ``transport``.
    """

    def __init__(
        self,
        username: str,
        password: str,
        *,
        base_uri: str | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        root = _api_root(Configuration.BASE_URI if base_uri is None else base_uri)
        self._client = FlowrouteClient(
            username, password, base_url=root, retry=retry if retry is not None else RetryPolicy(), transport=transport
        )

    def create_message(self, message: Message) -> dict[str, Any]:
        """POST /messages; returns e.g. ``{"data": {"id": "mdr1-..."}}``."""
        with _legacy_errors(_CREATE_REASONS):
            # getattr: anything that is not a Message ends in the facade's InputError, not AttributeError.
            fields: list[Any] = [getattr(message, name, None) for name in ("to", "mfrom", "content")]
            to, from_, content = fields
            return self._client.messages_v2.send(to=to, from_=from_, body=content).to_dict()

    def get_message_lookup(self, record_id: str) -> dict[str, Any]:
        """GET /messages/{record_id}; returns the MDR document ``{"data": {"type", "id", "attributes"}}``."""
        with _legacy_errors({}):
            return self._client.messages_v2.get(record_id).to_dict()

    def close(self) -> None:
        """New: release the connection pool (the library had none to release)."""
        self._client.close()

    def __repr__(self) -> str:
        client = getattr(self, "_client", None)  # None: the constructor raised
        base_uri = client.base_url + MESSAGES_V2_PREFIX if client is not None else None
        return f"APIController(base_uri={base_uri!r})"
