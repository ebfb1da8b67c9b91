"""Rendering errors in each provider's own shape (docs/providers.md §5.2).

Flowroute: ``{"errors": [{"id", "status", "title", "detail"}]}``; Bandwidth:
``{"category", "code", "message"}``; MessageMedia: ``{"message"}`` plus ``details`` on 400.
Flowroute error ids are UUIDs derived from the error text, so identical errors get identical ids
(reproducible recordings) without consuming the id counters.
"""

from __future__ import annotations

import uuid
from http import HTTPStatus
from typing import Any

from smsclients_sandbox.surfaces import Surface
from smsclients_sandbox.wire import ProviderError, Reply

_BANDWIDTH_CODES: dict[int, tuple[str, str]] = {
    400: ("bad-request", "invalid-request"),
    401: ("authentication", "unauthorized"),
    403: ("authorization", "forbidden"),
    404: ("not-found", "not-found"),
    405: ("bad-request", "method-not-allowed"),
    429: ("too-many-requests", "rate-limit-exceeded"),
    500: ("internal-error", "internal-error"),
    503: ("service-unavailable", "service-unavailable"),
}


def render(surface: Surface, error: ProviderError) -> Reply:
    """The provider-shaped reply for ``error`` on ``surface``."""
    body: dict[str, Any]
    if surface.provider == "flowroute":
        title = error.title or _reason(error.status)
        detail = error.message if not error.details else f"{error.message} " + "; ".join(error.details)
        error_id = uuid.uuid5(uuid.NAMESPACE_URL, f"flowroute:{error.status}:{title}:{detail}")
        body = {"errors": [{"id": str(error_id), "status": error.status, "title": title, "detail": detail}]}
    elif surface.provider == "bandwidth":
        category, code = _BANDWIDTH_CODES.get(error.status, ("error", str(error.status)))
        body = {"category": category, "code": error.kind or code, "message": error.message}
        if error.details:
            body["message"] = f"{error.message} " + "; ".join(error.details)
    else:
        body = {"message": error.message}
        if error.status == 400 or error.details:
            body["details"] = list(error.details)
    return Reply(status=error.status, body=body)


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"
