"""Typed clients for Flowroute, Bandwidth Catapult and MessageMedia, plus drop-in legacy SDK replacements.

This module re-exports the shared core (errors, auth, retries, pagination, validation, redaction,
HTTP client construction) and, lazily, the provider facades: ``import smsclients.bandwidth`` or
``from smsclients import BandwidthClient`` loads Bandwidth's generated client and overlay only,
so a program that uses one provider does not pay the import time of the other two.
"""

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .auth import BasicAuth, MessageMediaHmacAuth, hmac_signature
from .config import MissingSettingError
from .errors import (
    APIError,
    ArgumentError,
    AuthenticationError,
    BadRequestError,
    ClientStateError,
    ConnectionFailedError,
    CredentialsForbiddenError,
    DeliveryUnknownError,
    ErrorBodyParser,
    ErrorDetails,
    InputError,
    InsecureURLError,
    MalformedResponseError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RedirectError,
    RequestTimeoutError,
    ServerError,
    SmsClientError,
    TransportError,
    UnprocessableEntityError,
    api_error_from_response,
    combined_error_class,
    copy_api_error_fields,
    parse_retry_after,
    status_error_class,
)
from .http import USER_AGENT, build_async_http_client, build_http_client, require_secure_url
from .logs import configure_from_environment
from .pagination import AsyncLinkPager, AsyncQueueDrainer, LinkPager, Page, QueueDrainer
from .redaction import REDACTED, Secret, redact_headers, redact_url
from .responses import DEFAULT_MAX_RESPONSE_BYTES, parse_json_body
from .retries import (
    IDEMPOTENT_METHODS,
    AsyncRetryTransport,
    CallOptions,
    RetryPolicy,
    RetryTransport,
    call_options,
    current_call_options,
)
from .validation import e164, header_value, max_items, nanp_11_digits, path_segment, text_length

configure_from_environment()  # SMSCLIENTS_LOG=info|debug: a stderr handler (see smsclients.logs)

# ---------------------------------------------------------------------------------------------
# Provider facades, imported on first use (each provider adds its names here and to __all__)
_PROVIDER_MODULES = {
    "AsyncBandwidthClient": "bandwidth",
    "BandwidthClient": "bandwidth",
    "AsyncFlowrouteClient": "flowroute",
    "FlowrouteClient": "flowroute",
    "AsyncMessageMediaClient": "messagemedia",
    "MessageMediaClient": "messagemedia",
    # Before sending (smsclients.sending): what a text costs, the opt-out list
    "estimate": "sending.estimate",
}
# Modules offered under a short name, imported on first use too
_LAZY_MODULES = {"optouts": "sending.optouts"}

if TYPE_CHECKING:
    from .bandwidth import AsyncBandwidthClient, BandwidthClient
    from .flowroute import AsyncFlowrouteClient, FlowrouteClient
    from .messagemedia import AsyncMessageMediaClient, MessageMediaClient
    from .sending import optouts
    from .sending.estimate import estimate


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        value: Any = importlib.import_module(f".{_LAZY_MODULES[name]}", __name__)
        globals()[name] = value
        return value
    module = _PROVIDER_MODULES.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


# ---------------------------------------------------------------------------------------------

__all__ = [
    "DEFAULT_MAX_RESPONSE_BYTES",
    "IDEMPOTENT_METHODS",
    "REDACTED",
    "USER_AGENT",
    "APIError",
    "ArgumentError",
    # Provider facades
    "AsyncBandwidthClient",
    "AsyncFlowrouteClient",
    "AsyncLinkPager",
    "AsyncMessageMediaClient",
    "AsyncQueueDrainer",
    "AsyncRetryTransport",
    "AuthenticationError",
    "BadRequestError",
    "BandwidthClient",
    "BasicAuth",
    "CallOptions",
    "ClientStateError",
    "ConnectionFailedError",
    "CredentialsForbiddenError",
    "DeliveryUnknownError",
    "ErrorBodyParser",
    "ErrorDetails",
    "FlowrouteClient",
    "InputError",
    "InsecureURLError",
    "LinkPager",
    "MalformedResponseError",
    "MessageMediaClient",
    "MessageMediaHmacAuth",
    "MissingSettingError",
    "NotFoundError",
    "Page",
    "PermissionDeniedError",
    "QueueDrainer",
    "RateLimitError",
    "RedirectError",
    "RequestTimeoutError",
    "RetryPolicy",
    "RetryTransport",
    "Secret",
    "ServerError",
    "SmsClientError",
    "TransportError",
    "UnprocessableEntityError",
    "__version__",
    "api_error_from_response",
    "build_async_http_client",
    "build_http_client",
    "call_options",
    "combined_error_class",
    "copy_api_error_fields",
    "current_call_options",
    "e164",
    "estimate",
    "header_value",
    "hmac_signature",
    "max_items",
    "nanp_11_digits",
    "optouts",
    "parse_json_body",
    "parse_retry_after",
    "path_segment",
    "redact_headers",
    "redact_url",
    "require_secure_url",
    "status_error_class",
    "text_length",
]
