"""MessageMedia HMAC authentication: the server-side verifier over HTTP and on its own."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from smsclients_sandbox import SandboxHandle, hmac_verify

from tests.sandbox.helpers import hmac_headers, http_date, mm_message

KEY, SECRET = "sandbox-api-key", "sandbox-api-secret"


def _post(sb: SandboxHandle, body: bytes, headers: dict[str, str], path: str = "/v1/messages") -> httpx.Response:
    url = sb.base_urls["messagemedia-messages-v1"] + path
    return httpx.post(url, content=body, headers={"content-type": "application/json", **headers})


BODY = json.dumps({"messages": [mm_message("signed")]}).encode()


@pytest.mark.parametrize("signed_path", ["/v1/messages", "/messagemedia/v1/messages"])
def test_good_signature_with_body_is_accepted(sb: SandboxHandle, signed_path: str) -> None:
    # Either the spec path or the path as sent behind the sandbox prefix may be signed.
    response = _post(sb, BODY, hmac_headers(KEY, SECRET, "POST", signed_path, BODY))
    assert response.status_code == 202, response.text


def test_good_signature_without_body_and_docs_spelling(sb: SandboxHandle) -> None:
    url = sb.base_urls["messagemedia-messages-v1"] + "/v1/replies"
    sdk_form = httpx.get(url, headers=hmac_headers(KEY, SECRET, "GET", "/v1/replies"))
    assert sdk_form.status_code == 200, sdk_form.text
    docs_form = hmac_headers(
        KEY, SECRET, "POST", "/v1/messages", BODY, names=("Date", "Content-MD5"), algorithm="hmac-sha256"
    )
    assert _post(sb, BODY, docs_form).status_code == 202


def _rejected(response: httpx.Response, reason: str) -> None:
    assert response.status_code == 403, response.text
    body = response.json()
    assert body["message"] == "Invalid authentication credentials"
    assert any(reason in d for d in body["details"]), body


def test_bad_signatures_are_rejected(sb: SandboxHandle) -> None:
    _rejected(_post(sb, BODY, hmac_headers(KEY, "wrong-secret", "POST", "/v1/messages", BODY)), "does not match")
    _rejected(_post(sb, BODY, hmac_headers("other-key", SECRET, "POST", "/v1/messages", BODY)), "unknown API key")
    _rejected(_post(sb, BODY, hmac_headers(KEY, SECRET, "PUT", "/v1/messages", BODY)), "does not match")
    template = hmac_headers(KEY, SECRET, "GET", "/v1/messages/{messageId}")  # MM-1.1.0 defect: unsubstituted path
    url = sb.base_urls["messagemedia-messages-v1"] + "/v1/messages/877c19ef-fa2e-4cec-827a-e1df9b5509f7"
    _rejected(httpx.get(url, headers=template), "does not match")
    assert sb.stats()["accepted_total"] == 0


def test_wrong_body_hash_is_rejected(sb: SandboxHandle) -> None:
    headers = hmac_headers(KEY, SECRET, "POST", "/v1/messages", BODY, md5="0" * 32)
    _rejected(_post(sb, BODY, headers), "x-Content-MD5 does not match")
    tampered = BODY.replace(b"signed", b"forged")
    _rejected(_post(sb, tampered, hmac_headers(KEY, SECRET, "POST", "/v1/messages", BODY)), "does not match the body")


def test_stale_and_future_dates_are_rejected(sb: SandboxHandle) -> None:
    stale = http_date(datetime.now(UTC) - timedelta(minutes=6))
    _rejected(_post(sb, BODY, hmac_headers(KEY, SECRET, "POST", "/v1/messages", BODY, date=stale)), "too far")
    future = http_date(datetime.now(UTC) + timedelta(minutes=6))
    _rejected(_post(sb, BODY, hmac_headers(KEY, SECRET, "POST", "/v1/messages", BODY, date=future)), "too far")
    recent = http_date(datetime.now(UTC) - timedelta(minutes=4))
    assert _post(sb, BODY, hmac_headers(KEY, SECRET, "POST", "/v1/messages", BODY, date=recent)).status_code == 202


def test_missing_headers_are_rejected(sb: SandboxHandle) -> None:
    headers = hmac_headers(KEY, SECRET, "POST", "/v1/messages", BODY)
    without_date = {k: v for k, v in headers.items() if k != "date"}
    _rejected(_post(sb, BODY, without_date), "missing date")
    without_md5 = {k: v for k, v in headers.items() if k != "x-Content-MD5"}
    _rejected(_post(sb, BODY, without_md5), "missing x-Content-MD5")
    unsigned_body = hmac_headers(KEY, SECRET, "POST", "/v1/messages", b"")  # signed as if there were no body
    _rejected(_post(sb, BODY, unsigned_body), "must sign x-Content-MD5")
    _rejected(_post(sb, BODY, {"Authorization": 'hmac username="k"'}), "lacks")


def test_verifier_directly() -> None:
    now = datetime(2023, 2, 8, 3, 0, 0, tzinfo=UTC)
    date = http_date(now)
    headers = httpx.Headers(hmac_headers(KEY, SECRET, "GET", "/v1/replies", date=date))  # case-insensitive

    def secret_for(key: str) -> str | None:
        return SECRET if key == KEY else None

    ok = hmac_verify.verify(
        authorization=headers["Authorization"],
        method="GET",
        paths=["/v1/replies"],
        headers=headers,
        body=b"",
        secret_for=secret_for,
        now=now + timedelta(seconds=299),
    )
    assert ok == KEY
    with pytest.raises(hmac_verify.HmacError, match="too far"):
        hmac_verify.verify(
            authorization=headers["Authorization"],
            method="GET",
            paths=["/v1/replies"],
            headers=headers,
            body=b"",
            secret_for=secret_for,
            now=now + timedelta(seconds=301),
        )
    with pytest.raises(hmac_verify.HmacError, match="not hmac"):
        hmac_verify.parse_authorization("Basic abc")
    parsed = hmac_verify.parse_authorization(
        'hmac username="k", algorithm="hmac-sha1", headers="date request-line", signature="c2ln"'
    )
    assert parsed.headers == ("date", "request-line") and parsed.signature == "c2ln"
