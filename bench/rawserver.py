"""A minimal keep-alive HTTP/1.1 responder with canned provider answers.

``python -m bench.rawserver PORT [LATENCY_MS]``.

It parses just enough HTTP (request line, Content-Length) to answer each provider's "send one
SMS" the way the sandbox does: fresh ids, same status codes, bodies and headers. No validation,
no auth check: it exists to measure the client, not the server.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys

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


_REASONS = {201: "Created", 202: "Accepted", 404: "Not Found"}


class _Protocol(asyncio.Protocol):
    def __init__(self, host: str, delay: float) -> None:
        self.host = host
        self.delay = delay
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

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
            status, headers, payload = _answer(method, path.split(b"?", 1)[0], body, self.host)
            lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}", f"content-length: {len(payload)}"]
            lines += [f"{k}: {v}" for k, v in headers]
            if close:
                lines.append("connection: close")
            assert self.transport is not None
            message = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
            if self.delay:  # simulated provider latency; equal delays keep responses in order
                asyncio.get_running_loop().call_later(self.delay, self._reply, message, close)
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


async def _serve(port: int, latency_ms: int) -> None:
    loop = asyncio.get_running_loop()
    host = f"127.0.0.1:{port}"
    server = await loop.create_server(lambda: _Protocol(host, latency_ms / 1000), "127.0.0.1", port, backlog=1024)
    print("ready", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(_serve(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0))
