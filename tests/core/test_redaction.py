"""No credential reaches a repr, str, exception or header copy."""

from __future__ import annotations

import base64
import pickle

import httpx
import pytest
from smsclients import (
    REDACTED,
    AuthenticationError,
    BasicAuth,
    ErrorDetails,
    MessageMediaHmacAuth,
    Secret,
    TransportError,
    build_http_client,
    redact_headers,
    redact_url,
)

CANARY = "CANARY-SECRET-123"


def test_secret_hides_itself() -> None:
    secret = Secret(CANARY)
    assert repr(secret) == REDACTED
    assert str(secret) == REDACTED
    assert f"{secret}" == REDACTED
    assert CANARY not in repr([secret, {"k": secret}])
    assert secret.reveal() == CANARY
    assert secret == Secret(CANARY) and secret != Secret("other")
    with pytest.raises(TypeError):
        pickle.dumps(secret)


def test_basic_auth_repr_has_no_password() -> None:
    auth = BasicAuth("my-user", CANARY)
    assert repr(auth) == "BasicAuth(username='my-user')"
    assert CANARY not in str(auth) and CANARY not in repr(vars(auth))


def test_hmac_auth_repr_has_no_secret() -> None:
    auth = MessageMediaHmacAuth("my-key", CANARY)
    assert "my-key" in repr(auth)
    assert CANARY not in repr(auth) and CANARY not in str(auth) and CANARY not in repr(vars(auth))


def test_redact_headers() -> None:
    headers = {
        "Authorization": f"Basic {CANARY}",
        "proxy-authorization": CANARY,
        "COOKIE": CANARY,
        "Set-Cookie": CANARY,
        "X-Api-Key": CANARY,
        "Content-Type": "application/json",
    }
    redacted = redact_headers(headers)
    assert redacted == {
        "Authorization": REDACTED,
        "proxy-authorization": REDACTED,
        "COOKIE": REDACTED,
        "Set-Cookie": REDACTED,
        "X-Api-Key": REDACTED,
        "Content-Type": "application/json",
    }
    assert headers["Authorization"] == f"Basic {CANARY}"  # a copy: the input is untouched
    multi = httpx.Headers([("Set-Cookie", "a=1"), ("Set-Cookie", CANARY), ("Via", "1"), ("Via", "2")])
    assert redact_headers(multi) == {"set-cookie": f"{REDACTED}, {REDACTED}", "via": "1, 2"}
    assert redact_headers([("authorization", CANARY)]) == {"authorization": REDACTED}


def test_redact_url_drops_userinfo() -> None:
    assert redact_url(f"https://user:{CANARY}@api.example.test:8443/v1?x=1") == "https://api.example.test:8443/v1?x=1"
    assert redact_url("https://api.example.test/v1") == "https://api.example.test/v1"
    assert CANARY not in redact_url(httpx.URL(f"https://{CANARY}@h/"))


def test_transport_error_url_has_no_credentials() -> None:
    error = TransportError("boom", method="GET", url=f"https://u:{CANARY}@api.example.test/x")
    assert CANARY not in str(error) and CANARY not in error.url


def test_api_error_never_shows_the_authorization_value() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["Authorization"])
        # A misbehaving server echoing the credentials back in its response headers.
        return httpx.Response(
            401,
            headers={"Authorization": request.headers["Authorization"], "WWW-Authenticate": "Basic"},
            json={"message": "Invalid authentication credentials"},
        )

    def parse(body: object) -> ErrorDetails:
        return ErrorDetails(body["message"]) if isinstance(body, dict) else ErrorDetails(None)

    encoded = base64.b64encode(f"key:{CANARY}".encode()).decode()
    for auth in (BasicAuth("key", CANARY), MessageMediaHmacAuth("key", CANARY)):
        client = build_http_client(
            base_url="https://api.example.test",
            auth=auth,
            provider="messagemedia",
            parse_error=parse,
            transport=httpx.MockTransport(handler),
        )
        with client, pytest.raises(AuthenticationError) as info:
            client.get("/v1/replies")
        error = info.value
        assert error.headers["authorization"] == REDACTED
        assert error.message == "Invalid authentication credentials"
        for text in (str(error), repr(error), repr(error.headers), repr(error.args), error.url):
            for secret in (sent[-1], CANARY, encoded):
                assert secret not in text
    assert sent[0] == f"Basic {encoded}"  # the canary really was on the wire, base64-encoded
    assert sent[1].startswith('hmac username="key"')


def test_urls_lose_the_query_values_that_are_credentials() -> None:
    """A pre-signed storage URL (a CDR export's download_url) is a key to the file until it expires."""
    url = (
        "https://bucket.s3.amazonaws.com/cdr.csv.gz?X-Amz-Algorithm=AWS4-HMAC-SHA256"
        "&X-Amz-Credential=AKIA%2F20261203&X-Amz-Security-Token=SEC1&X-Amz-Signature=SEC2&token=SEC3&api_key=SEC4"
    )
    shown = redact_url(url)
    for secret in ("AKIA", "SEC1", "SEC2", "SEC3", "SEC4"):
        assert secret not in shown, shown
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in shown  # not a credential: kept for debugging
    # Pagination keys and filters are not credentials.
    assert redact_url("https://api.example.test/v1/users/u-1/messages?sortKeyLT=m-1&size=2").endswith(
        "?sortKeyLT=m-1&size=2"
    )
