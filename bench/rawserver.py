"""A minimal keep-alive HTTP/1.1 responder with canned provider answers.

``python -m bench.rawserver PORT [LATENCY_MS]``.

It parses just enough HTTP (request line, Content-Length) to answer each provider's "send one
SMS" the way the sandbox does: fresh ids, same status codes, bodies and headers. No validation,
no auth check: it exists to measure the client, not the server.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import json
import sys
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlencode

_COUNTER = itertools.count(1)


def _answer(method: bytes, path: bytes, body: bytes, host: str) -> tuple[int, list[tuple[str, str]], bytes]:
    n = next(_COUNTER)
    if method == b"POST" and path.endswith(b"/v2.1/messages"):
        mid = f"mdr2-{n:032x}"
        doc = {
            "data": {"type": "message", "id": mid, "links": {"self": f"http://{host}/flowroute/v2.1/messages/{mid}"}}
        }
        return 202, [("content-type", "application/vnd.api+json")], json.dumps(doc).encode()
    if method == b"POST" and path.endswith(b"/v2/messages"):
        return 202, [("content-type", "application/json")], json.dumps({"data": {"id": f"mdr1-{n:032x}"}}).encode()
    if method == b"POST" and b"/users/" in path and path.endswith(b"/messages"):
        location = f"http://{host}{path.decode()}/m-{n:013x}"
        return 201, [("location", location)], b""
    if method == b"POST" and path.endswith(b"/v1/messages"):
        messages = json.loads(body)["messages"]
        for i, message in enumerate(messages):
            message["message_id"] = f"00000000-0000-4000-8000-{n:08x}{i:04x}"
            message["status"] = "queued"
        return 202, [("content-type", "application/json")], json.dumps({"messages": messages}).encode()
    return 404, [("content-type", "application/json")], b'{"message": "not found"}'


# ----------------------------------------------------------------------------- paged lists
# Record shapes follow the specs' examples (flowroute-v2.yaml list_messages, bandwidth-messaging-v1.yaml
# list_messages, messagemedia-messages-v1.yaml check_delivery_reports), with the index in the id so
# the client can check that every record arrived once and in order.

_Answer = tuple[int, list[tuple[str, str]], bytes]
_JSON = [("content-type", "application/json")]


def flowroute_id(i: int) -> str:
    return f"mdr2-{i:032x}"


def bandwidth_id(i: int) -> str:
    return f"m-{i:013x}"


def messagemedia_id(i: int) -> str:
    return f"00000000-0000-4000-8000-{i:012x}"


def _flowroute_record(i: int) -> dict[str, object]:
    second = i % 86400
    stamp = f"2017-12-21T{second // 3600:02d}:{second // 60 % 60:02d}:{second % 60:02d}.93Z"
    return {
        "attributes": {
            "body": f"test sms {i}",
            "status": "message buffered",
            "direction": "outbound",
            "amount_nanodollars": 4000000,
            "to": "12061232634",
            "message_encoding": 0,
            "timestamp": stamp,
            "delivery_receipts": [
                {
                    "status": "message buffered",
                    "status_code": 1003,
                    "status_code_description": "Message accepted by Carrier",
                    "timestamp": stamp,
                    "level": 2,
                },
                {
                    "status": "smsc submit",
                    "status_code": None,
                    "status_code_description": "Message has been sent",
                    "timestamp": stamp,
                    "level": 1,
                },
            ],
            "amount_display": "$0.0040",
            "from": "18439237770",
            "is_mms": False,
            "message_type": "longcode",
        },
        "type": "message",
        "id": flowroute_id(i),
    }


def _bandwidth_record(i: int) -> dict[str, object]:
    return {
        "callbackUrl": "https://yoursite.com/message",
        "direction": "in",
        "from": "+19193047864",
        "id": bandwidth_id(i),
        "media": [],
        "messageId": bandwidth_id(i),
        "skipMMSCarrierValidation": True,
        "state": "received",
        "text": f"Hey there {i}",
        "time": "2017-02-01T21:10:32Z",
        "to": "+19191234567",
    }


def _messagemedia_record(i: int) -> dict[str, object]:
    return {
        "callback_url": "https://my.callback.url.com",
        "delivery_report_id": messagemedia_id(i),
        "source_number": "+61491570157",
        "date_received": "2017-05-20T06:30:37.642Z",
        "status": "delivered",
        "delay": 0,
        "submitted_date": "2017-05-20T06:30:37.639Z",
        "original_text": f"My message {i}",
        "message_id": f"d781dcab-d9d8-4fb2-9e03-{i:012x}",
        "vendor_account_id": {"vendor_id": "MessageMedia", "account_id": "MyAccount"},
        "metadata": {"key1": "value1", "key2": "value2"},
    }


@dataclass
class _Queue:
    """One MessageMedia delivery-report queue: ``head`` is the oldest unconfirmed index; ids
    confirmed out of order wait in ``ahead``, so memory stays bounded by what is unconfirmed."""

    total: int
    head: int = 0
    ahead: set[int] = field(default_factory=set)

    def confirm(self, ids: list[str]) -> None:
        for item in ids:
            if isinstance(item, str) and item.startswith("00000000-0000-4000-8000-"):
                index = int(item[-12:], 16)
                if self.head <= index < self.total:
                    self.ahead.add(index)
        while self.head in self.ahead:
            self.ahead.discard(self.head)
            self.head += 1


_QUEUES: dict[str, _Queue] = {}
MESSAGEMEDIA_CHECK_LIMIT = 100  # fixed by the API


def _int(query: dict[str, list[str]], name: str, default: int) -> int:
    values = query.get(name)
    return int(values[0]) if values else default


def _paged(method: bytes, target: bytes, body: bytes, host: str) -> _Answer:
    """``/paged/{total}/{run}/<provider path>``: one page of ``total`` generated records."""
    raw_path, _, raw_query = target.decode().partition("?")
    _, _, total_s, run, rest = raw_path.split("/", 4)
    total = int(total_s)
    query = parse_qs(raw_query)
    prefix = f"http://{host}/paged/{total}/{run}/"
    if method == b"GET" and rest == "flowroute/v2.1/messages":
        limit, offset = _int(query, "limit", 10), _int(query, "offset", 0)
        end = min(offset + limit, total)
        links: dict[str, str] = {}
        if end < total:
            params = [("limit", str(limit)), ("start_date", query["start_date"][0]), ("offset", str(end))]
            links["next"] = f"{prefix}{rest}?{urlencode(params)}"
        doc = {"data": [_flowroute_record(i) for i in range(offset, end)], "links": links}
        return 200, [("content-type", "application/vnd.api+json")], json.dumps(doc).encode()
    if method == b"GET" and rest.startswith("bandwidth/v1/users/") and rest.endswith("/messages"):
        size = _int(query, "size", 25)
        start = _int(query, "sortKeyGT", -1) + 1
        end = min(start + size, total)
        headers = list(_JSON)
        if end < total:
            params = [("sortOrder", "asc"), ("size", str(size)), ("sortKeyGT", str(end - 1))]
            headers.append(("link", f'<{prefix}{rest}?{urlencode(params)}>; rel="next"'))
        return 200, headers, json.dumps([_bandwidth_record(i) for i in range(start, end)]).encode()
    if rest.startswith("messagemedia/v1/delivery_reports"):
        queue = _QUEUES.setdefault(f"{total}/{run}", _Queue(total))
        if method == b"GET" and rest == "messagemedia/v1/delivery_reports":
            end = min(queue.head + MESSAGEMEDIA_CHECK_LIMIT, queue.total)
            doc = {"delivery_reports": [_messagemedia_record(i) for i in range(queue.head, end)]}
            return 200, _JSON, json.dumps(doc).encode()
        if method == b"POST" and rest == "messagemedia/v1/delivery_reports/confirmed":
            queue.confirm(json.loads(body)["delivery_report_ids"])
            return 202, [], b""
    return 404, _JSON, b'{"message": "not found"}'


_REASONS = {200: "OK", 201: "Created", 202: "Accepted", 404: "Not Found"}


class BufferedProtocol(asyncio.Protocol):
    """A connection that keeps its transport and the bytes received but not yet parsed."""

    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport


class _Protocol(BufferedProtocol):
    def __init__(self, host: str, delay: float) -> None:
        super().__init__()
        self.host = host
        self.delay = delay

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].split(b"\r\n")
            length = 0
            close = False
            for line in head[1:]:
                name, _, value = line.partition(b":")
                lname = name.strip().lower()
                if lname == b"content-length":
                    length = int(value)
                elif lname == b"connection" and value.strip().lower() == b"close":
                    close = True
            if len(self.buffer) < end + 4 + length:
                return
            body = self.buffer[end + 4 : end + 4 + length]
            self.buffer = self.buffer[end + 4 + length :]
            method, path, _ = head[0].split(b" ", 2)
            if path.startswith(b"/paged/"):
                status, headers, payload = _paged(method, path, body, self.host)
            else:
                status, headers, payload = _answer(method, path.split(b"?", 1)[0], body, self.host)
            lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}", f"content-length: {len(payload)}"]
            lines += [f"{k}: {v}" for k, v in headers]
            if close:
                lines.append("connection: close")
            assert self.transport is not None
            message = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
            if self.delay:  # simulated provider latency; equal delays keep responses in order
                _DUE.append((time.perf_counter() + self.delay, self, message, close))
                _WAKE.set()
            else:
                self._reply(message, close)
            if close:
                return

    def _reply(self, message: bytes, close: bool) -> None:
        assert self.transport is not None
        if self.transport.is_closing():
            return
        self.transport.write(message)
        if close:
            self.transport.close()


# The latency is exact: each answer leaves LATENCY after its request was read, not up to 1 ms later.
# epoll waits in whole milliseconds, so asyncio's call_later fires 0-1 ms late (measured: a minimal
# client then reached 97 % of the bound, not 99 %); the bound (concurrency / latency) assumes the
# latency given. So the answers wait in one queue (equal delays keep it in order) and the last
# SPIN of each wait is polled: this process burns its own CPU while answers are due, never the client's.
_DUE: collections.deque[tuple[float, _Protocol, bytes, bool]] = collections.deque()
_WAKE = asyncio.Event()
SPIN = 0.0015


async def _answer_when_due() -> None:
    while True:
        if not _DUE:
            _WAKE.clear()
            await _WAKE.wait()
            continue
        wait = _DUE[0][0] - time.perf_counter()
        if wait > SPIN:
            await asyncio.sleep(wait - SPIN)
        elif wait > 0:
            await asyncio.sleep(0)  # a poll: requests arriving meanwhile are still read
        else:
            _, protocol, message, close = _DUE.popleft()
            protocol._reply(message, close)


async def _serve(port: int, latency_ms: int) -> None:
    loop = asyncio.get_running_loop()
    answers = loop.create_task(_answer_when_due())
    host = f"127.0.0.1:{port}"
    server = await loop.create_server(lambda: _Protocol(host, latency_ms / 1000), "127.0.0.1", port, backlog=1024)
    print("ready", flush=True)
    async with server:
        await asyncio.gather(server.serve_forever(), answers)


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0))
