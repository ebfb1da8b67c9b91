"""``SyncClient.upload`` / ``AsyncClient.upload``: a file PUT where an API answer says (a Flowroute
port order document's upload URL). The same rules as ``download``: credentials only on the API's
own origin; a PUT of the same bytes is safe to repeat, so it is retried like a GET."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from smsclients import InputError, InsecureURLError, RetryPolicy, ServerError
from smsclients.flowroute import AsyncFlowrouteClient, FlowrouteClient

ACCESS, SECRET = "up-access-CANARY-7d2", "up-secret-CANARY-91f"
API = "https://api.flowroute.com"
STORAGE = "https://porting-uploads.s3.amazonaws.com/4/40093/bill.pdf?AWSAccessKeyId=AK&Signature=s1g&Expires=1"
NO_WAIT = RetryPolicy(max_retries=2, backoff_initial=0, backoff_max=0, jitter=False)


class Storage:
    """Answers every request 200 with an empty body (after ``failures`` 503s) and keeps them."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        if len(self.requests) <= self.failures:
            return httpx.Response(503, content=b"<Error><Code>SlowDown</Code></Error>")
        return httpx.Response(200)


def _sync(storage: Storage) -> FlowrouteClient:
    return FlowrouteClient(ACCESS, SECRET, retry=NO_WAIT, transport=httpx.MockTransport(storage))


def test_upload_to_storage_puts_the_bytes_without_credentials() -> None:
    storage = Storage()
    with _sync(storage) as fr:
        fr.upload(STORAGE, b"%PDF-1.4", content_type="application/pdf")
    (request,) = storage.requests
    assert request.method == "PUT" and str(request.url) == STORAGE  # the signed query unchanged
    assert request.content == b"%PDF-1.4"
    assert request.headers["content-type"] == "application/pdf"
    assert "authorization" not in request.headers


def test_upload_on_the_api_origin_is_an_authenticated_call() -> None:
    storage = Storage()
    with _sync(storage) as fr:
        fr.upload(f"{API}/v2/files/1", bytearray(b"abc"))  # type: ignore[arg-type]  # any bytes-like works
    (request,) = storage.requests
    assert request.headers["authorization"].startswith("Basic ")
    assert request.content == b"abc"


def test_upload_is_retried_with_the_same_bytes_and_fails_typed() -> None:
    storage = Storage(failures=2)
    with _sync(storage) as fr:
        fr.upload(STORAGE, b"same")
    assert [r.content for r in storage.requests] == [b"same"] * 3
    failing = Storage(failures=10)
    with _sync(failing) as fr, pytest.raises(ServerError) as raised:
        fr.upload(STORAGE, b"x")
    shown = f"{raised.value} {raised.value!r}"
    assert "s1g" not in shown and ACCESS not in shown and SECRET not in shown


@pytest.mark.parametrize(
    ("url", "content", "content_type", "field", "error"),
    [
        ("http://files.example.com/x", b"x", None, "url", InsecureURLError),
        ("/v2/files/1", b"x", None, "url", InputError),
        (STORAGE, "text, not bytes", None, "content", InputError),
        (STORAGE, None, None, "content", InputError),
        (STORAGE, b"x", 5, "content_type", InputError),
    ],
)
def test_upload_refuses_bad_input_before_sending(
    url: str, content: object, content_type: object, field: str, error: type[Exception]
) -> None:
    storage = Storage()
    with _sync(storage) as fr, pytest.raises(error) as raised:
        fr.upload(url, content, content_type=content_type)  # type: ignore[arg-type]
    assert isinstance(raised.value, InputError) and raised.value.field == field
    assert storage.requests == []


def test_async_upload() -> None:
    storage = Storage(failures=1)

    async def run() -> None:
        async with AsyncFlowrouteClient(ACCESS, SECRET, retry=NO_WAIT, transport=httpx.MockTransport(storage)) as fr:
            await fr.upload(STORAGE, b"async bytes")

    asyncio.run(run())
    assert [r.content for r in storage.requests] == [b"async bytes"] * 2
    assert "authorization" not in storage.requests[-1].headers
