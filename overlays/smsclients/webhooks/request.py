"""A webhook request as received, independent of the web framework that received it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from ..errors import InputError
from ._common import HeaderItems, header_items

__all__ = ["WebhookRequest"]


@dataclass(frozen=True)
class WebhookRequest:
    """What the verifiers and :func:`~smsclients.webhooks.parse_event` need from a request.

    ``target`` is the request target exactly as received (path and query, still percent-encoded),
    because MessageMedia signs the request line as sent; ``client_address`` is the peer address
    (the one your proxy reports, if you run behind one).
    """

    method: str
    target: str
    headers: tuple[tuple[str, str], ...] = field(repr=False)
    body: bytes = field(repr=False)
    client_address: str | None = None
    http_version: str = "1.1"

    @classmethod
    def build(
        cls,
        method: str,
        target: str,
        headers: HeaderItems,
        body: bytes | bytearray | memoryview | str,
        *,
        client_address: str | None = None,
        http_version: str = "1.1",
    ) -> WebhookRequest:
        """A request from what a web framework gives; arguments of the wrong type are an :class:`InputError`."""
        for name, value in (("method", method), ("target", target), ("http_version", http_version)):
            if not isinstance(value, str):
                raise InputError(name, "must be a string")
        if client_address is not None and not isinstance(client_address, str):
            raise InputError("client_address", "must be a string or None")
        if isinstance(body, str):
            try:
                data = body.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise InputError("body", "is not valid Unicode text (a lone surrogate)") from exc
        elif isinstance(body, bytes | bytearray | memoryview):
            data = bytes(body)
        else:
            raise InputError("body", "must be the raw request body (bytes or str)")
        return cls(method.upper(), target, tuple(header_items(headers)), data, client_address, http_version)

    def header(self, name: str) -> str | None:
        """The first value of a header (names are case-insensitive), or None."""
        wanted = name.lower()
        for key, value in self.headers:
            if key == wanted:
                return value
        return None

    def header_names(self) -> Iterable[str]:
        return (key for key, _ in self.headers)

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""

    @property
    def request_line(self) -> str:
        """``METHOD target HTTP/version``, e.g. ``POST /data HTTP/1.1`` (MessageMedia's signed Request-Line)."""
        return f"{self.method} {self.target} HTTP/{self.http_version}"
