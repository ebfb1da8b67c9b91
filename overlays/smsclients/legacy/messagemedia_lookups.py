"""Drop-in replacement for the MessageMedia Lookups Python SDK (``message_media_lookups`` 1.0.1).

Same client, controller, method, argument order, model, exception and module paths; migrating is
the import line::

    from smsclients.legacy.messagemedia_lookups.message_media_lookups_client import MessageMediaLookupsClient

    lookups = MessageMediaLookupsClient(api_key, api_secret).lookups
    result = lookups.get_lookup_a_phone_number("+61491570156", "carrier,type")
    result.country_code, result.mtype, result.carrier

Underneath is the modern ``MessageMediaClient`` (``mm.lookups.lookup``). Differences, deliberate
(docs/migration/messagemedia-webhooks-lookups.md): credentials left out come from
``Configuration``, else from the modern client's environment variables; answers with camelCase
keys are read too; nothing is logged.
"""

from __future__ import annotations

from typing import Any, ClassVar

from smsclients.legacy import _mm_sdk
from smsclients.legacy._apimatic import HttpContext, HttpRequest, HttpResponse
from smsclients.legacy._mm_sdk import APIException, APIHelper, HttpCallBack, Model, lazy_property

__all__ = [
    "APIException",
    "APIHelper",
    "Configuration",
    "HttpCallBack",
    "HttpContext",
    "HttpRequest",
    "HttpResponse",
    "LookupAPhoneNumberResponse",
    "LookupsController",
    "MessageMediaLookupsClient",
]

SDK = "message_media_lookups"


class Configuration(_mm_sdk.Configuration):
    """``message_media_lookups.configuration.Configuration`` (see :class:`smsclients.legacy._mm_sdk.Configuration`)."""


class LookupAPhoneNumberResponse(Model):
    """``LookupAPhoneNumberResponse(country_code, phone_number, mtype, carrier)``; ``mtype`` is the wire ``type``."""

    _names: ClassVar[dict[str, str]] = {
        "country_code": "country_code",
        "phone_number": "phone_number",
        "mtype": "type",
        "carrier": "carrier",
    }

    def __init__(
        self,
        country_code: str | None = None,
        phone_number: str | None = None,
        mtype: str | None = None,
        carrier: dict[str, Any] | None = None,
    ) -> None:
        self.country_code = country_code
        self.phone_number = phone_number
        self.mtype = mtype
        self.carrier = carrier

    @classmethod
    def from_dictionary(cls, dictionary: Any) -> Any:
        """As the SDK's, also reading the camelCase keys its own test recorded (``countryCode``, ``phoneNumber``)."""
        if dictionary is None:
            return None
        return cls(
            dictionary.get("country_code", dictionary.get("countryCode")),
            dictionary.get("phone_number", dictionary.get("phoneNumber")),
            dictionary.get("type"),
            dictionary.get("carrier"),
        )


class LookupsController(_mm_sdk.Controller):
    """``client.lookups``: ``get_lookup_a_phone_number``."""

    def get_lookup_a_phone_number(self, phone_number: str, options: str | None = None) -> LookupAPhoneNumberResponse:
        """GET /v1/lookups/phone/{phone_number}?options=; an invalid number: ``APIException('Number was invalid')``."""
        handled = {404: ("Number was invalid", APIException)}
        with self.exchange("GET", f"/v1/lookups/phone/{phone_number}", handled) as result:
            result.append(self._client.lookups.with_raw_response.lookup(phone_number, options=options))
        found = self.parsed(result[0], "GET")
        return LookupAPhoneNumberResponse.from_dictionary(found if isinstance(found, dict) else {})  # type: ignore[no-any-return]


class MessageMediaLookupsClient(_mm_sdk.SdkClient):
    """``MessageMediaLookupsClient(basic_auth_user_name=None, basic_auth_password=None)``.

    Settings as :class:`smsclients.legacy.messagemedia_webhooks.MessageMediaWebhooksClient`: left out,
    from :class:`Configuration`, else from the environment, read when ``lookups`` is first used.
    """

    config = Configuration

    @lazy_property
    def lookups(self) -> LookupsController:
        return LookupsController(self._open())


# ----------------------------------------------------------------------------- SDK module paths

_alias = _mm_sdk.alias
message_media_lookups_client = _alias(
    __name__, "message_media_lookups_client", SDK, MessageMediaLookupsClient=MessageMediaLookupsClient
)
_mm_sdk.sdk_paths(__name__, SDK, Configuration)
_alias(__name__, "controllers.lookups_controller", SDK, LookupsController=LookupsController)
_alias(
    __name__,
    "models.lookup_a_phone_number_response",
    SDK,
    LookupAPhoneNumberResponse=LookupAPhoneNumberResponse,
)
exceptions = _alias(__name__, "exceptions", SDK)
_alias(__name__, "exceptions.api_exception", SDK, APIException=APIException)
http = _alias(__name__, "http", SDK)
_alias(__name__, "http.http_call_back", SDK, HttpCallBack=HttpCallBack)
_alias(__name__, "http.http_context", SDK, HttpContext=HttpContext)
_alias(__name__, "http.http_request", SDK, HttpRequest=HttpRequest)
_alias(__name__, "http.http_response", SDK, HttpResponse=HttpResponse)
