"""``SyncClient.download`` / ``AsyncClient.download``: a file an API answer points to.

On the API's own origin the request is an API call (credentials, retries, typed errors); on any
other origin it carries no credentials. Exercised through a provider facade, as callers use it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import httpx
import pytest
from smsclients import InputError, InsecureURLError, NotFoundError, RetryPolicy
from smsclients.flowroute import AsyncFlowrouteClient, FlowrouteClient

ACCESS, SECRET = "dl-access-CANARY-5e1", "dl-secret-CANARY-0c9"
API = "https://api.flowroute.com"
STORAGE = "https://s3.us-west-2.amazonaws.com/flowroute-cdrexports/40375/e55f.gz?X-Amz-Signature=abc"
NO_WAIT = RetryPolicy(max_retries=2, backoff_initial=0, backoff_max=0, jitter=False)


class Files:
    """Answers every GET with ``body`` (after ``failures`` 503s) and keeps the requests."""

    def __init__(self, body: bytes = b"direction,start_time\n", failures: int = 0, status: int = 200) -> None:
        self.body, self.failures, self.status = body, failures, status
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) <= self.failures:
            return httpx.Response(503)
        return httpx.Response(self.status, content=self.body)


def _sync(files: Files) -> FlowrouteClient:
    return FlowrouteClient(ACCESS, SECRET, retry=NO_WAIT, transport=httpx.MockTransport(files))


def test_same_origin_download_is_an_authenticated_api_call() -> None:
    files = Files(b"\x1f\x8b gzip bytes")
    with _sync(files) as fr:
        content = fr.download(f"{API}/v2/cdrs/exports/38647/file.csv.gz")
    assert content == b"\x1f\x8b gzip bytes"
    (request,) = files.requests
    assert request.headers["authorization"].startswith("Basic ")
    assert request.url == httpx.URL(f"{API}/v2/cdrs/exports/38647/file.csv.gz")


def test_other_origin_download_carries_no_credentials() -> None:
    files = Files()
    with _sync(files) as fr:
        assert fr.download(STORAGE) == b"direction,start_time\n"
    (request,) = files.requests
    assert "authorization" not in request.headers
    assert str(request.url) == STORAGE  # the pre-signed query is sent unchanged


@pytest.mark.parametrize("url", [f"{API}/v2/cdrs/exports/1/file", STORAGE], ids=["same origin", "other origin"])
def test_download_is_retried_like_an_api_call(url: str) -> None:
    files = Files(failures=2)
    with _sync(files) as fr:
        assert fr.download(url) == b"direction,start_time\n"
    assert len(files.requests) == 3


def test_download_error_is_the_typed_error_without_credentials() -> None:
    files = Files(status=404)
    with _sync(files) as fr, pytest.raises(NotFoundError) as raised:
        fr.download(STORAGE)
    shown = f"{raised.value} {raised.value!r} {raised.value.headers}"
    assert ACCESS not in shown and SECRET not in shown


@pytest.mark.parametrize(
    ("url", "error"),
    [
        ("http://files.example.com/x.csv.gz", InsecureURLError),  # clear text off loopback
        ("/v2/cdrs/exports/1", InputError),  # not absolute
        ("https://user:pw@files.example.com/x", InputError),  # credentials in the URL
        (b"https://files.example.com/x", InputError),
    ],
)
def test_download_refuses_unsafe_or_malformed_urls(url: object, error: type[Exception]) -> None:
    files = Files()
    with _sync(files) as fr, pytest.raises(error) as raised:
        fr.download(url)  # type: ignore[arg-type]
    assert isinstance(raised.value, InputError) and raised.value.field == "url"
    assert files.requests == []


def test_loopback_http_is_allowed_for_the_sandbox() -> None:
    files = Files()
    with FlowrouteClient(
        ACCESS, SECRET, base_url="http://127.0.0.1:9/flowroute", transport=httpx.MockTransport(files)
    ) as fr:
        fr.download("http://127.0.0.1:9/_sandbox/flowroute/cdrexports/1.csv.gz")
    assert files.requests[0].headers["authorization"].startswith("Basic ")  # same origin (another path)


@pytest.mark.parametrize(("url", "signed"), [(f"{API}/file", True), (STORAGE, False)])
def test_async_download(url: str, signed: bool) -> None:
    files = Files(failures=1)

    async def run(make: Callable[[], AsyncFlowrouteClient]) -> bytes:
        async with make() as fr:
            return await fr.download(url)

    content = asyncio.run(
        run(lambda: AsyncFlowrouteClient(ACCESS, SECRET, retry=NO_WAIT, transport=httpx.MockTransport(files)))
    )
    assert content == b"direction,start_time\n"
    assert len(files.requests) == 2
    assert ("authorization" in files.requests[-1].headers) is signed
