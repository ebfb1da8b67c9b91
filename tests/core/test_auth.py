"""MessageMedia HMAC signing (docs/providers.md §4.6) and Basic auth, checked against independently computed answers."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest
from smsclients import BasicAuth, InputError, MessageMediaHmacAuth, hmac_signature

KEY = "my-api-key"
SECRET = "my-api-secret"
FIXED = datetime(2023, 2, 8, 3, 0, 0, tzinfo=UTC)
FIXED_HTTP_DATE = "Wed, 08 Feb 2023 03:00:00 GMT"
MESSAGE_ID = "877c19ef-fa2e-4cec-827a-e1df9b5509f7"
BASE = "https://api.messagemedia.com"


def _sign(request: httpx.Request, auth: httpx.Auth) -> httpx.Request:
    """Run the auth flow the way httpx.Client does (it reads the body first: requires_request_body)."""
    return next(auth.sync_auth_flow(request))


def _auth() -> MessageMediaHmacAuth:
    return MessageMediaHmacAuth(KEY, SECRET, clock=lambda: FIXED)


def _expected_signature(signing_string: str, secret: str = SECRET, digest: str = "sha1") -> str:
    # Straight from the documented algorithm: HMAC(secret UTF-8, signing string UTF-8), base64.
    mac = hmac.new(secret.encode("utf-8"), signing_string.encode("utf-8"), getattr(hashlib, digest))
    return base64.b64encode(mac.digest()).decode("ascii")


def test_get_without_body_signs_date_and_request_line() -> None:
    request = httpx.Request("GET", f"{BASE}/v1/messages/{MESSAGE_ID}")
    signed = _sign(request, _auth())

    signing = f"date: {FIXED_HTTP_DATE}\nGET /v1/messages/{MESSAGE_ID} HTTP/1.1"
    expected = (
        f'hmac username="{KEY}", algorithm="hmac-sha1", headers="date request-line", '
        f'signature="{_expected_signature(signing)}"'
    )
    assert signed.headers["date"] == FIXED_HTTP_DATE
    assert "x-Content-MD5" not in signed.headers
    assert signed.headers["Authorization"] == expected


def test_post_with_body_signs_lowercase_hex_md5_of_exact_bytes() -> None:
    body = b'{"messages":[{"content":"Hello \xc3\xa9","destination_number":"+61491570156"}]}'
    request = httpx.Request("POST", f"{BASE}/v1/messages", content=body)
    signed = _sign(request, _auth())

    md5 = hashlib.md5(body).hexdigest()
    signing = f"date: {FIXED_HTTP_DATE}\nx-Content-MD5: {md5}\nPOST /v1/messages HTTP/1.1"
    assert signed.headers["x-Content-MD5"] == md5
    assert md5 == md5.lower() and len(md5) == 32  # hex, not base64
    assert signed.headers["Authorization"] == (
        f'hmac username="{KEY}", algorithm="hmac-sha1", headers="date x-Content-MD5 request-line", '
        f'signature="{_expected_signature(signing)}"'
    )


def test_put_is_signed_as_put_with_the_real_message_id_path() -> None:
    body = b'{"status":"cancelled"}'
    request = httpx.Request("PUT", f"{BASE}/v1/messages/{MESSAGE_ID}", content=body)
    signed = _sign(request, _auth())

    md5 = hashlib.md5(body).hexdigest()
    signing = f"date: {FIXED_HTTP_DATE}\nx-Content-MD5: {md5}\nPUT /v1/messages/{MESSAGE_ID} HTTP/1.1"
    as_post = signing.replace("PUT /v1", "POST /v1")  # the legacy defect: method chosen by body presence
    header = signed.headers["Authorization"]
    assert f'signature="{_expected_signature(signing)}"' in header
    assert _expected_signature(as_post) not in header
    assert "{messageId}" not in header


def test_known_answer_vectors() -> None:
    # Computed once with `openssl dgst -sha1 -hmac my-api-secret -binary | base64` and md5sum.
    assert (
        hmac_signature(SECRET, method="GET", path="/v1/delivery_reports", date=FIXED_HTTP_DATE)
        == "WFfXq0jMgLJSbUz+PctAd/bkdQo="
    )
    request = httpx.Request("PUT", f"{BASE}/v1/messages/{MESSAGE_ID}", content=b'{"status":"cancelled"}')
    signed = _sign(request, _auth())
    assert signed.headers["x-Content-MD5"] == "f3278465779cab6598f2d4bcf6e37378"
    assert signed.headers["Authorization"] == (
        'hmac username="my-api-key", algorithm="hmac-sha1", headers="date x-Content-MD5 request-line", '
        'signature="CJJNDlJ5+4sdaSuUpaT6LDxHwJ4="'
    )


def test_signature_is_what_goes_on_the_wire_through_a_client() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(202, json={"messages": []})

    body = {"messages": [{"content": "hi", "destination_number": "+61491570156"}]}
    with httpx.Client(base_url=BASE, auth=_auth(), transport=httpx.MockTransport(handler)) as client:
        client.post("/v1/messages", json=body)

    (sent,) = seen
    md5 = hashlib.md5(sent.content).hexdigest()
    signing = f"date: {FIXED_HTTP_DATE}\nx-Content-MD5: {md5}\nPOST /v1/messages HTTP/1.1"
    assert sent.headers["x-Content-MD5"] == md5
    assert sent.headers["Authorization"].endswith(f'signature="{_expected_signature(signing)}"')


def test_query_string_is_part_of_the_request_line() -> None:
    signed = _sign(httpx.Request("GET", f"{BASE}/v1/replies?x=1"), _auth())
    signing = f"date: {FIXED_HTTP_DATE}\nGET /v1/replies?x=1 HTTP/1.1"
    assert f'signature="{_expected_signature(signing)}"' in signed.headers["Authorization"]


def test_configurable_algorithm_and_header_names() -> None:
    auth = MessageMediaHmacAuth(
        KEY, SECRET, algorithm="hmac-sha256", date_header="Date", content_md5_header="Content-MD5", clock=lambda: FIXED
    )
    body = b"{}"
    signed = _sign(httpx.Request("POST", f"{BASE}/v1/replies/confirmed", content=body), auth)
    md5 = hashlib.md5(body).hexdigest()
    signing = f"Date: {FIXED_HTTP_DATE}\nContent-MD5: {md5}\nPOST /v1/replies/confirmed HTTP/1.1"
    assert signed.headers["Content-MD5"] == md5
    assert signed.headers["Authorization"] == (
        f'hmac username="{KEY}", algorithm="hmac-sha256", headers="Date Content-MD5 request-line", '
        f'signature="{_expected_signature(signing, digest="sha256")}"'
    )


def test_naive_clock_is_read_as_utc_and_aware_clock_is_converted() -> None:
    naive = MessageMediaHmacAuth(KEY, SECRET, clock=lambda: datetime(2023, 2, 8, 3, 0, 0))
    assert _sign(httpx.Request("GET", f"{BASE}/v1/replies"), naive).headers["date"] == FIXED_HTTP_DATE

    plus_ten = datetime(2023, 2, 8, 13, 0, 0, tzinfo=timezone(timedelta(hours=10)))
    aware = MessageMediaHmacAuth(KEY, SECRET, clock=lambda: plus_ten)
    assert _sign(httpx.Request("GET", f"{BASE}/v1/replies"), aware).headers["date"] == FIXED_HTTP_DATE


def test_unknown_algorithm_is_refused_at_construction() -> None:
    with pytest.raises(InputError) as info:
        MessageMediaHmacAuth(KEY, SECRET, algorithm="hmac-md5")
    assert info.value.field == "algorithm"


def test_basic_auth_header() -> None:
    signed = _sign(httpx.Request("GET", "https://api.example.test/x"), BasicAuth("user", "pä:ss"))
    assert signed.headers["Authorization"] == "Basic " + base64.b64encode("user:pä:ss".encode()).decode()
