"""Inbound traffic: typed webhook events, verification, and ready-made receivers.

::

    from smsclients.webhooks import parse_event, MessageStatus

    event = parse_event("bandwidth", method="POST", headers=headers, body=raw_body)
    if isinstance(event, MessageStatus) and event.delivered:
        ...

The payload shapes are the ``webhooks`` of ``specs/*.yaml``; ``event.raw`` is the model generated
from them. See docs/guides/webhooks.md for verification, receivers and deduplication.
Standard library only, except MessageMedia signature checks (extra ``webhooks``: ``cryptography``).
"""

from .errors import VerificationCheck, WebhookVerificationError
from .events import EventKind, InboundMessage, MessageStatus, Outcome, Provider, UnknownEvent, WebhookEvent
from .parsing import PROVIDERS, parse_event, provider_name
from .receivers import Answer, Handler, WebhookASGIApp, WebhookWSGIApp, process
from .request import WebhookRequest
from .templates import WebhookTemplate
from .verification import (
    DEFAULT_MAX_CLOCK_SKEW,
    FLOWROUTE_SOURCE_ADDRESSES,
    MESSAGEMEDIA_DIGESTS,
    MESSAGEMEDIA_SIGNATURE_HEADERS,
    BasicAuthVerifier,
    MessageMediaSignatureVerifier,
    ReplayCache,
    SourceAddressVerifier,
    Verifier,
    check_basic_auth,
    check_source_address,
    load_public_key,
    messagemedia_request_lines,
    messagemedia_signing_string,
    verify_messagemedia_signature,
)

__all__ = [
    "DEFAULT_MAX_CLOCK_SKEW",
    "FLOWROUTE_SOURCE_ADDRESSES",
    "MESSAGEMEDIA_DIGESTS",
    "MESSAGEMEDIA_SIGNATURE_HEADERS",
    "PROVIDERS",
    "Answer",
    "BasicAuthVerifier",
    "EventKind",
    "Handler",
    "InboundMessage",
    "MessageMediaSignatureVerifier",
    "MessageStatus",
    "Outcome",
    "Provider",
    "ReplayCache",
    "SourceAddressVerifier",
    "UnknownEvent",
    "VerificationCheck",
    "Verifier",
    "WebhookASGIApp",
    "WebhookEvent",
    "WebhookRequest",
    "WebhookTemplate",
    "WebhookVerificationError",
    "WebhookWSGIApp",
    "check_basic_auth",
    "check_source_address",
    "load_public_key",
    "messagemedia_request_lines",
    "messagemedia_signing_string",
    "parse_event",
    "process",
    "provider_name",
    "verify_messagemedia_signature",
]
