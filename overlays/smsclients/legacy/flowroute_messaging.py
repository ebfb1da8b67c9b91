"""Drop-in for the Flowroute Messaging Python library v2 (``FlowrouteMessagingLib``, docs/providers.md §1.6).

Replace the library's imports with one line::

    from smsclients.legacy.flowroute_messaging import APIController, APIException, Message

and existing code keeps working: ``APIController(username, password)``,
``create_message(Message(to=..., from_=..., content=...))`` and ``get_message_lookup(record_id)``
return the parsed JSON as a dict, and HTTP errors raise :class:`APIException` with the library's
reason texts. Underneath are the generated Messages v2 resources on the shared core. As in the
library, a controller checks nothing when it is built; settings (``Configuration.BASE_URI``, the
credentials, else ``FLOWROUTE_*`` variables) are read on each call.

Behaviour that differs on purpose (the old defects):

* the text goes out as ``body``, the field the API reference documents (the library sent ``content``);
* a non-JSON error body raises :class:`APIException` (``response_body`` is then the text) instead of a
  JSON decode error;
* requests have a timeout and retry policy, credentials are per controller, and nothing is sent
  when ``to``/``from_``/``content`` are invalid (:class:`smsclients.InputError`, a ValueError, that
  is also the :class:`APIException` the library raised for the API's answer: 403 for a number);
* every :class:`APIException` is also the matching typed error (``smsclients.NotFoundError``, ...).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final, cast

import httpx

from ..auth import BasicAuth
from ..config import environment_variable
from ..errors import APIError, ArgumentError, InputError, combined_error_class
from ..facade import SyncClient
from ..flowroute import MESSAGES_V2, MESSAGES_V2_PREFIX, PROVIDER
from ..lifecycle import Closable
from ..redaction import shown_url
from ..retries import RetryPolicy
from ._json import AsJson
from ._modules import alias_module
from ._settings import (
    LazyClient,
    checked_base_url,
    environment_setting,
    hidden,
    missing_setting,
    refused_input,
    revealed,
)

__all__ = ["APIController", "APIException", "Configuration", "Message"]


class Configuration:
    """The library's settings class. ``BASE_URI`` is read on every call, as the library read it.

    Left at its default, ``FLOWROUTE_BASE_URL`` (the modern clients' variable, the API root) plus
    ``/v2`` is used when set, so the ``sms_sandbox`` fixture redirects legacy code too.
    """

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
        if isinstance(error, APIException | ArgumentError):
            raise
        # The library sent such a request and raised the API's answer: 403 for a bad number
        # (docs/providers.md §1), another 4xx otherwise. Still the InputError, named in the library's terms.
        field = _MESSAGE_FIELDS.get(error.field, error.field)
        renamed = type(error)(field, error.rule) if field != error.field else error
        status = 403 if error.field in ("to", "from_") else 422
        reason = reasons.get(status, NOT_OK)
        body = {"errors": [{"status": status, "title": reason, "detail": str(renamed)}]}
        raise refused_input(APIException, renamed, reason=reason, response_code=status, response_body=body) from None


_DEFAULT_BASE_URI: Final = Configuration.BASE_URI
# The library's parameter names -> the modern clients' (and so their environment variables).
_CREDENTIALS: Final = {"username": "access_key", "password": "secret_key"}


class _MessagesV2Client(SyncClient):
    """The Messages v2 surface alone, rooted at the library's ``BASE_URI`` (any path, as the library took)."""

    def __init__(self, base_uri: str, auth: BasicAuth, retry: RetryPolicy, transport: Any) -> None:
        self._start()
        runtime = self._open(MESSAGES_V2, base_uri, auth, retry=retry, transport=transport)
        # The library returned the parsed JSON as it came (no required fields): so does the drop-in.
        from flowroute_messages_v2_client.resources import Messages  # here: the first client loads it

        self.messages_v2 = Messages(cast(Any, AsJson(runtime)))


def _base_uri(given: str | None) -> tuple[str, str]:
    """The base URI for this call and the name of the setting it came from."""
    if given is not None:
        return given, "base_uri"
    configured = Configuration.BASE_URI
    if configured == _DEFAULT_BASE_URI:
        root = environment_setting(PROVIDER, "base_url", os.environ)
        if root is not None:
            return root.rstrip("/") + MESSAGES_V2_PREFIX, environment_variable(PROVIDER, "base_url")
    return configured, "Configuration.BASE_URI"


class APIController(Closable):
    """Sends messages and looks up message detail records (Messages v2).

    ``username`` is the API access key, ``password`` the secret key; as in the library, nothing is
    checked when the controller is built (applications build it at import time from
    ``os.environ.get``). On each call, a credential that is ``None`` is read from
    ``FLOWROUTE_ACCESS_KEY`` / ``FLOWROUTE_SECRET_KEY``, and the base URI is ``base_uri`` or
    :attr:`Configuration.BASE_URI` as it is then. A credential found nowhere raises
    :class:`APIException` (``response_code`` 401, as the API answered the library) that is also a
    :class:`smsclients.config.MissingSettingError` naming the variable. The keyword-only options are
    new: ``base_uri``, ``retry`` and ``transport``.
    """

    def __init__(
        self,
        username: str | None = None,
        password: str | None = None,
        *,
        base_uri: str | None = None,
        retry: RetryPolicy | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self._username, self._password, self._given_base_uri = hidden(username), hidden(password), base_uri
        self._retry, self._transport = retry, transport
        self._clients: LazyClient[tuple[str, Any, Any], _MessagesV2Client] = LazyClient(self._build)

    def _build(self, key: tuple[str, Any, Any]) -> _MessagesV2Client:
        base_uri, username, password = key[0], revealed(key[1]), revealed(key[2])
        retry = self._retry if self._retry is not None else RetryPolicy()
        if not isinstance(retry, RetryPolicy):
            raise InputError("retry", "must be a RetryPolicy")
        return _MessagesV2Client(base_uri.rstrip("/"), BasicAuth(username, password), retry, self._transport)

    def _credential(self, parameter: str, given: Any) -> str:
        given = revealed(given)
        if given is None or given == "":
            variable = environment_variable(PROVIDER, _CREDENTIALS[parameter])
            given = os.environ.get(variable) or None
            if given is None:
                body = {
                    "errors": [
                        {
                            "status": 401,
                            "title": UNAUTHORIZED,
                            "detail": f"{parameter} not given, and the environment variable {variable} is not set",
                        }
                    ]
                }
                raise missing_setting(
                    APIException, parameter, variable, reason=UNAUTHORIZED, response_code=401, response_body=body
                )
        if not isinstance(given, str):
            raise InputError(parameter, "must be a string")
        return given

    def _messages(self) -> Any:  # MessagesV2 reading plain JSON
        username = self._credential("username", self._username)
        password = self._credential("password", self._password)
        base_uri, field = _base_uri(self._given_base_uri)
        checked = checked_base_url(base_uri, field=field, example=_DEFAULT_BASE_URI)
        return self._clients.get((checked, hidden(username), hidden(password))).messages_v2

    def create_message(self, message: Message) -> dict[str, Any]:
        """POST /messages; returns e.g. ``{"data": {"id": "mdr1-..."}}``."""
        messages = self._messages()  # settings first: their errors are the controller's, not the API's
        with _legacy_errors(_CREATE_REASONS):
            # getattr: anything that is not a Message ends in the facade's InputError, not AttributeError.
            fields: list[Any] = [getattr(message, name, None) for name in ("to", "mfrom", "content")]
            to, from_, content = fields
            result: dict[str, Any] = messages.send(to=to, from_=from_, body=content)
            return result

    def get_message_lookup(self, record_id: str) -> dict[str, Any]:
        """GET /messages/{record_id}; returns the MDR document ``{"data": {"type", "id", "attributes"}}``."""
        messages = self._messages()
        with _legacy_errors({}):
            result: dict[str, Any] = messages.get(record_id)
            return result

    def close(self) -> None:
        """New: release the connection pool (the library had none to release)."""
        self._clients.close()

    def __repr__(self) -> str:
        # Never a credential; the base URI this controller would use now.
        # getattr and the guard: a repr never raises, even half-built or with a refused base URI.
        try:
            base_uri: object = _base_uri(getattr(self, "_given_base_uri", None))[0]
        except Exception:
            base_uri = None
        return f"APIController(base_uri={shown_url(base_uri)!r})"


# The library's module paths (``from FlowrouteMessagingLib.Controllers.APIController import *`` ->
# ``from smsclients.legacy.flowroute_messaging.Controllers.APIController import *``); each holds
# what the library's module defined or imported and its users reach through it. (The library's
# top-level modules ``APIException`` and ``Configuration`` would shadow the classes of the same
# names exported here; their classes are reached as above.)
Controllers = alias_module(__name__, "FlowrouteMessagingLib", "Controllers")
alias_module(
    __name__,
    "FlowrouteMessagingLib",
    "Controllers.APIController",
    APIController=APIController,
    APIException=APIException,
    Configuration=Configuration,
)
Models = alias_module(__name__, "FlowrouteMessagingLib", "Models")
alias_module(__name__, "FlowrouteMessagingLib", "Models.Message", Message=Message)
