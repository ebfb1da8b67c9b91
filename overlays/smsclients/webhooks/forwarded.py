"""The client address of a request that came through your reverse proxies.

Read from ``Forwarded`` (RFC 7239) and ``X-Forwarded-For`` only when the peer is one of the
proxies you trust; the client is the right-most address that is not one of them (anything left of
it was written by that client and proves nothing).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Sequence

from ..errors import InputError

__all__ = ["Network", "client_address", "networks", "parse_address"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# RFC 7230 token characters, and RFC 7239's forwarded-pair (a token or a quoted-string value).
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
# One forwarded-pair (or nothing) and what follows it: ";" (next pair), "," (next element) or the end.
_ITEM = re.compile(
    rf'[ \t]*(?:(?P<name>{_TOKEN})[ \t]*=[ \t]*(?P<value>"(?:[^"\\]|\\.)*"|[^\s",;]*)[ \t]*)?(?P<sep>[,;]|\Z)'
)


def networks(entries: Iterable[str], field: str) -> tuple[Network, ...]:
    """Addresses or networks (``10.0.0.0/8``) as networks; a bad entry is an :class:`InputError`."""
    if isinstance(entries, str):  # one address passed instead of a list of them
        entries = (entries,)
    found = []
    for entry in entries:
        try:
            found.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError as exc:
            raise InputError(field, f"{str(entry)[:60]!r} is not an IP address or network") from exc
    return tuple(found)


def parse_address(text: str | None) -> Address | None:
    """An address from a peer address or a forwarded node (``192.0.2.1``, ``192.0.2.1:80``,
    ``[2001:db8::1]:80``, ``2001:db8::1``, with an IPv6 zone); None if it is not one (``unknown``,
    an obfuscated ``_name``, garbage)."""
    value = (text or "").strip()
    if value.startswith("["):
        value = value[1:].partition("]")[0]
    elif value.count(":") == 1:  # IPv4 with a port
        value = value.partition(":")[0]
    try:
        address = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def client_address(
    peer: str | None, headers: Sequence[tuple[str, str]], trusted: tuple[Network, ...]
) -> Address | None:
    """The address to check: the peer's, or, when the peer is a trusted proxy, the right-most
    untrusted address its forwarding headers name. None when that cannot be known (a hop that is
    ``unknown`` or obfuscated, a malformed header, or ``Forwarded`` and ``X-Forwarded-For`` naming
    different clients)."""
    address = parse_address(peer)
    if address is None or not _trusted(address, trusted):
        return address
    chains = [
        chain
        for chain in (_forwarded(_values(headers, "forwarded")), _x_forwarded_for(_values(headers, "x-forwarded-for")))
        if chain is not None
    ]
    if not chains:
        return address  # the proxy forwarded nothing: the request is its own
    found = {_right_most_untrusted(chain, trusted) for chain in chains}
    return found.pop() if len(found) == 1 else None


def _trusted(address: Address, trusted: tuple[Network, ...]) -> bool:
    return any(address in network for network in trusted)


def _values(headers: Sequence[tuple[str, str]], name: str) -> list[str] | None:
    values = [value for key, value in headers if key == name]
    return values or None


def _right_most_untrusted(chain: list[Address | None], trusted: tuple[Network, ...]) -> Address | None:
    for hop in reversed(chain):
        if hop is None or not _trusted(hop, trusted):
            return hop
    return chain[0] if chain else None  # every hop is a trusted proxy: the first one is the client


def _x_forwarded_for(values: list[str] | None) -> list[Address | None] | None:
    if values is None:
        return None
    return [parse_address(part) for part in ",".join(values).split(",") if part.strip()]


def _forwarded(values: list[str] | None) -> list[Address | None] | None:
    """The ``for=`` node of each element, in order (None for an element without one); a malformed
    header is one unknown hop, so nothing left of it is believed."""
    if values is None:
        return None
    text = ",".join(values)
    chain: list[Address | None] = []
    node: str | None = None
    pairs = 0
    position = 0
    while True:
        match = _ITEM.match(text, position)
        if match is None:
            return [*chain, None]
        if match.group("name") is not None:
            pairs += 1
            if match.group("name").lower() == "for":
                value = match.group("value")
                node = re.sub(r"\\(.)", r"\1", value[1:-1]) if value.startswith('"') else value
        separator = match.group("sep")
        if separator != ";":
            if pairs:  # an empty list element is allowed and means nothing (RFC 7230, 7.)
                chain.append(parse_address(node))
            node, pairs = None, 0
        if not separator:
            return chain
        position = match.end()
