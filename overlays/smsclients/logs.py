"""What the clients log, and the opt-in stderr handler.

Everything is logged under the ``smsclients`` logger (the retry layer on ``smsclients.retries``)
and nothing is printed unless the application configures logging or sets ``SMSCLIENTS_LOG``:

* each retry at INFO: ``retrying POST https://api.flowroute.com/v2.1/messages: attempt 1 of 3
  failed (HTTP 429), next attempt in 0.500s``;
* each give-up at WARNING: ``giving up on GET https://…/v1/messages/… after attempt 3 of 3: ReadTimeout``
  (the call then raises its typed error).

Lines name the method and the URL without query string or user info; headers and bodies never
appear, so no credential can. ``SMSCLIENTS_LOG=info`` or ``debug`` (read when ``smsclients`` is
imported) adds one stderr handler at that level to the ``smsclients`` and ``httpx`` loggers, like
openai-python's ``OPENAI_LOG``; any other value is ignored.

httpx logs each request's full URL at INFO, also for requests these clients make through httpx's
own path (a download from a pre-signed storage URL). A :class:`~smsclients.redaction.RedactingFilter`
on the ``httpx`` logger (installed on import, whatever configures logging) and on the handler
``SMSCLIENTS_LOG`` installs keeps credentials in URLs (``X-Amz-Signature=...``, user info) out of
those lines, whichever handler prints them.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

import httpx

from .redaction import RedactingFilter

__all__ = ["ENV_VARIABLE", "LOGGER_NAME", "configure_from_environment", "log_give_up", "log_retry"]

LOGGER_NAME = "smsclients"
ENV_VARIABLE = "SMSCLIENTS_LOG"
_LEVELS = {"info": logging.INFO, "debug": logging.DEBUG}
# The loggers SMSCLIENTS_LOG turns on: ours, and httpx's one line per request ("HTTP Request: ...").
_LOGGERS = (LOGGER_NAME, "httpx")
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

retry_logger = logging.getLogger(f"{LOGGER_NAME}.retries")
# A library stays silent unless the application configures logging: without this, Python's
# last-resort handler would print every WARNING (a give-up) to stderr.
logging.getLogger(LOGGER_NAME).addHandler(logging.NullHandler())


def _install_filter(logger: logging.Logger) -> None:
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())


_install_filter(logging.getLogger("httpx"))


def _where(request: httpx.Request) -> str:
    """``METHOD scheme://host[:port]/path``: no query (it may carry identifiers) and no user info."""
    url = request.url  # netloc is host[:port], never user info
    return f"{request.method} {url.scheme}://{url.netloc.decode('ascii')}{url.path}"


def log_retry(request: httpx.Request, attempt: int, attempts: int, reason: str, wait: float) -> None:
    """INFO: attempt ``attempt`` of at most ``attempts`` failed with ``reason``; the next one starts in ``wait`` s."""
    if retry_logger.isEnabledFor(logging.INFO):
        retry_logger.info(
            "retrying %s: attempt %d of %d failed (%s), next attempt in %.3fs",
            _where(request),
            attempt,
            attempts,
            reason,
            wait,
        )


def log_give_up(request: httpx.Request, attempt: int, attempts: int, reason: str) -> None:
    """WARNING: the call ends after attempt ``attempt`` of at most ``attempts`` with the failure ``reason``."""
    if retry_logger.isEnabledFor(logging.WARNING):
        retry_logger.warning("giving up on %s after attempt %d of %d: %s", _where(request), attempt, attempts, reason)


class _EnvironmentHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """The handler ``SMSCLIENTS_LOG`` installs (a class of its own, so it is installed once)."""


def configure_from_environment(environ: Mapping[str, str] | None = None) -> logging.Handler | None:
    """Install the stderr handler if ``SMSCLIENTS_LOG`` asks for one; returns it (None otherwise).

    Idempotent: a second call finds the handler installed and only adjusts the levels.
    """
    value = (os.environ if environ is None else environ).get(ENV_VARIABLE, "").strip().lower()
    level = _LEVELS.get(value)
    if level is None:
        return None
    handler: logging.Handler | None = None
    for name in _LOGGERS:
        logger = logging.getLogger(name)
        logger.setLevel(level)
        _install_filter(logger)
        installed = [h for h in logger.handlers if isinstance(h, _EnvironmentHandler)]
        if installed:
            handler = installed[0]
            continue
        if handler is None:
            handler = _EnvironmentHandler(sys.stderr)
            handler.setFormatter(logging.Formatter(_FORMAT))
            handler.addFilter(RedactingFilter())
        logger.addHandler(handler)
    return handler
