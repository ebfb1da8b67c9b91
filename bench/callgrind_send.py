"""Instructions per send through the whole stack, over a canned transport: a deterministic A/B measure.

``python -m bench.callgrind_send`` runs, for each provider's modern send (and MessageMedia's with
HMAC), this module under ``valgrind --tool=callgrind`` twice, with 0 and with ``N`` sends after a
warm-up send, and prints ``(instructions(N) - instructions(0)) / N``. The network is an
``httpx.BaseTransport`` answering as ``bench.rawserver`` does, so only client code is counted.
Wall-clock benchmarks on this shared machine vary by tens of percent; these counts by well under
one. Run it on two checkouts to compare a change (``PYTHONHASHSEED`` is fixed).

``python -m bench.callgrind_send --sends PROVIDER N`` is the measured program itself.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable

import httpx

from bench.rawserver import _answer

PROVIDERS = ("flowroute", "bandwidth", "messagemedia", "messagemedia-hmac")
SENDS = 300
BASE = "http://127.0.0.1:9"


class Canned(httpx.BaseTransport):
    """The provider's answer to a send, without a network."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        status, headers, body = _answer(request.method.encode(), request.url.raw_path, request.content, "h")
        return httpx.Response(status, headers=headers, content=body, request=request)


def _send(provider: str) -> Callable[[], object]:
    from smsclients import BandwidthClient, FlowrouteClient, MessageMediaClient

    if provider == "flowroute":
        fr = FlowrouteClient("k", "s", base_url=BASE, transport=Canned())
        return lambda: fr.messages.send("12066418000", "12012673227", "hi")
    if provider == "bandwidth":
        bw = BandwidthClient("u-1", "t", "s", base_url=BASE + "/v1", transport=Canned())
        return lambda: bw.messages.send("+19195551212", "+19195554444", "hi")
    mm = MessageMediaClient("k", "s", hmac=provider.endswith("hmac"), base_url=BASE, transport=Canned())
    messages = [{"content": "hi", "destination_number": "+61491570156"}]
    return lambda: mm.messages.send(messages)


def _instructions(provider: str, sends: int) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable]
    command += ["-m", "bench.callgrind_send", "--sends", provider, str(sends)]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    found = re.search(r"Collected : (\d+)", result.stderr)
    if found is None:
        raise SystemExit(f"no callgrind total for {provider}:\n{result.stderr[-2000:]}")
    return int(found.group(1))


def main(argv: list[str]) -> None:
    if argv[:1] == ["--sends"]:
        send = _send(argv[1])
        send()  # warm-up: imports, caches, the connection
        for _ in range(int(argv[2])):
            send()
        return
    for provider in argv or PROVIDERS:
        per_send = (_instructions(provider, SENDS) - _instructions(provider, 0)) // SENDS
        print(f"{provider:<18} {per_send:>9,} instructions per send", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
