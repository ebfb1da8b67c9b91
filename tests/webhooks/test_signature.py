"""MessageMedia signed webhooks: known answers with a key made here, and every tampering refused.

The signed string is Request-Line + Date + Body with nothing in between (the comment above
``webhooks`` in ``specs/messagemedia-messages-v1.yaml``); the signature is RSA PKCS #1 v1.5 over
it with the key's digest.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import format_datetime

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from smsclients import InputError
from smsclients.webhooks import (
    MessageMediaSignatureVerifier,
    ReplayCache,
    WebhookRequest,
    WebhookVerificationError,
    load_public_key,
    messagemedia_signing_string,
    verify_messagemedia_signature,
)

# The documented example (MM-docs, "Enterprise Webhooks"): request line, Date and body.
REQUEST_LINE = "POST /data HTTP/1.1"
DATE = "Tue, 17 Jul 2018 04:52:31 GMT"
NOW = datetime(2018, 7, 17, 4, 52, 31, tzinfo=UTC).timestamp()
BODY = (
    b'{"vendor_account_id":{"vendor_id":"MessageMedia","account_id":"MessageMediaM123"},'
    b'"callback_url":"https://webhook.site/25f79a05-00cf-4997-a127-c55a889eb97a",'
    b'"delivery_report_id":"6737fda5-bb86-4fdb-8b62-d7ea49863801","source_number":"+61439123036",'
    b'"date_received":"2018-07-26T23:39:25.387Z","status":"enroute","delay":0,'
    b'"submitted_date":"2018-07-26T23:39:25.382Z","original_text":"Hey there!",'
    b'"message_id":"a0589035-df10-4f3a-92a5-5beac2d100c3","error_code":"101","metadata":{}}'
)
KEY_ID = "628fdf4e-bddc-4029-ae59-f9a84a22165c"
DIGESTS: dict[str, Callable[[], hashes.HashAlgorithm]] = {
    "SHA224": hashes.SHA224,
    "SHA256": hashes.SHA256,
    "SHA512": hashes.SHA512,
}


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _sign(key: rsa.RSAPrivateKey, request_line: str, date: str, body: bytes, digest: str = "SHA256") -> dict[str, str]:
    signature = key.sign(request_line.encode() + date.encode() + body, padding.PKCS1v15(), DIGESTS[digest]())
    return {
        "X-MESSAGEMEDIA-KEY-ID": KEY_ID,
        "X-MESSAGEMEDIA-CIPHER-TYPE": "RSA",
        "X-MESSAGEMEDIA-DIGEST-TYPE": digest,
        "X-MESSAGEMEDIA-SIGNATURE": base64.b64encode(signature).decode(),
        "Date": date,
    }


def _verify(
    key: rsa.RSAPrivateKey,
    headers: dict[str, str],
    *,
    request_line: str = REQUEST_LINE,
    body: bytes = BODY,
    now: float = NOW,
    **options: object,
) -> str:
    return verify_messagemedia_signature(
        request_line=request_line,
        headers=headers,
        body=body,
        public_keys={KEY_ID: _pem(key)},
        now=now,
        **options,  # type: ignore[arg-type]
    )


def test_signing_string_is_request_line_date_body_without_separators() -> None:
    assert (
        messagemedia_signing_string(REQUEST_LINE, DATE, BODY)
        == b"POST /data HTTP/1.1Tue, 17 Jul 2018 04:52:31 GMT" + BODY
    )


@pytest.mark.parametrize("digest", ["SHA224", "SHA256", "SHA512"])
def test_documented_request_signed_with_a_generated_key_verifies(key: rsa.RSAPrivateKey, digest: str) -> None:
    assert _verify(key, _sign(key, REQUEST_LINE, DATE, BODY, digest)) == KEY_ID


def test_header_names_are_case_insensitive(key: rsa.RSAPrivateKey) -> None:
    headers = {
        name.lower() if i % 2 else name.title(): value
        for i, (name, value) in enumerate(_sign(key, REQUEST_LINE, DATE, BODY).items())
    }
    assert _verify(key, headers) == KEY_ID


def _flip(text: str) -> str:
    raw = bytearray(base64.b64decode(text))
    raw[10] ^= 0x01
    return base64.b64encode(bytes(raw)).decode()


TAMPERING: dict[str, tuple[str, Callable[[dict[str, str]], dict[str, object]]]] = {
    "method": ("signature", lambda h: {"request_line": "PUT /data HTTP/1.1"}),
    "path": ("signature", lambda h: {"request_line": "POST /date HTTP/1.1"}),
    "query": ("signature", lambda h: {"request_line": "POST /data?x=1 HTTP/1.1"}),
    "body": ("signature", lambda h: {"body": BODY.replace(b"enroute", b"delivered")}),
    "body whitespace": ("signature", lambda h: {"body": BODY + b"\n"}),
    "date within the allowed skew": (
        "signature",
        lambda h: {"headers": {**h, "Date": "Tue, 17 Jul 2018 04:52:32 GMT"}},
    ),
    "signature bytes": (
        "signature",
        lambda h: {"headers": {**h, "X-MESSAGEMEDIA-SIGNATURE": _flip(h["X-MESSAGEMEDIA-SIGNATURE"])}},
    ),
    "signature not base64": ("signature", lambda h: {"headers": {**h, "X-MESSAGEMEDIA-SIGNATURE": "not*base64"}}),
    "digest type": ("signature", lambda h: {"headers": {**h, "X-MESSAGEMEDIA-DIGEST-TYPE": "SHA512"}}),
    "unknown digest type": ("digest_type", lambda h: {"headers": {**h, "X-MESSAGEMEDIA-DIGEST-TYPE": "MD5"}}),
    "cipher type": ("cipher_type", lambda h: {"headers": {**h, "X-MESSAGEMEDIA-CIPHER-TYPE": "DSA"}}),
    "key id": ("key_id", lambda h: {"headers": {**h, "X-MESSAGEMEDIA-KEY-ID": "00000000-0000-4000-8000-000000000000"}}),
    "date not a date": ("date", lambda h: {"headers": {**h, "Date": "yesterday"}}),
    "date too old": ("clock_skew", lambda h: {"now": NOW + 301}),
    "date in the future": ("clock_skew", lambda h: {"now": NOW - 301}),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_tampered_request_is_refused_naming_the_check(key: rsa.RSAPrivateKey, case: str) -> None:
    check, change = TAMPERING[case]
    headers = _sign(key, REQUEST_LINE, DATE, BODY)
    arguments: dict[str, object] = {"headers": headers, **change(headers)}
    with pytest.raises(WebhookVerificationError) as caught:
        _verify(key, **arguments)  # type: ignore[arg-type]
    assert caught.value.check == check
    # The message never repeats the signature, the key or a header value.
    text = f"{caught.value} {caught.value!r}"
    assert headers["X-MESSAGEMEDIA-SIGNATURE"][:20] not in text
    assert KEY_ID not in text and "MIIB" not in text


@pytest.mark.parametrize(
    "missing",
    [
        "X-MESSAGEMEDIA-SIGNATURE",
        "X-MESSAGEMEDIA-KEY-ID",
        "X-MESSAGEMEDIA-CIPHER-TYPE",
        "X-MESSAGEMEDIA-DIGEST-TYPE",
        "Date",
    ],
)
def test_a_missing_header_is_named(key: rsa.RSAPrivateKey, missing: str) -> None:
    headers = {k: v for k, v in _sign(key, REQUEST_LINE, DATE, BODY).items() if k != missing}
    with pytest.raises(WebhookVerificationError) as caught:
        _verify(key, headers)
    assert caught.value.check == "signature_headers"
    assert missing in str(caught.value)


def test_another_key_is_refused(key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(WebhookVerificationError) as caught:
        _verify(other_key, _sign(key, REQUEST_LINE, DATE, BODY))
    assert caught.value.check == "signature"


def test_clock_skew_is_configurable(key: rsa.RSAPrivateKey) -> None:
    headers = _sign(key, REQUEST_LINE, DATE, BODY)
    with pytest.raises(WebhookVerificationError):
        _verify(key, headers, now=NOW + 400)
    assert _verify(key, headers, now=NOW + 400, max_clock_skew=600) == KEY_ID


def test_replay_cache_accepts_a_signed_request_once(key: rsa.RSAPrivateKey) -> None:
    cache = ReplayCache(ttl=600)
    headers = _sign(key, REQUEST_LINE, DATE, BODY)
    assert _verify(key, headers, replay_cache=cache) == KEY_ID
    with pytest.raises(WebhookVerificationError) as caught:
        _verify(key, headers, replay_cache=cache, now=NOW + 1)
    assert caught.value.check == "replay"
    # Once the entry expired, the clock-skew check is what refuses an old request.
    with pytest.raises(WebhookVerificationError) as late:
        _verify(key, headers, replay_cache=cache, now=NOW + 601)
    assert late.value.check == "clock_skew"


def test_verifier_remembers_only_accepted_requests(key: rsa.RSAPrivateKey) -> None:
    """A copy during handling is refused; a redelivery after a failed handler passes; a replay of a
    handled request does not."""
    verifier = MessageMediaSignatureVerifier({KEY_ID: _pem(key)}, clock=lambda: NOW)
    request = WebhookRequest.build("POST", "/data", _sign(key, REQUEST_LINE, DATE, BODY), BODY)
    assert request.request_line == REQUEST_LINE
    verifier.verify(request)  # claimed
    with pytest.raises(WebhookVerificationError) as busy:
        verifier.verify(request)  # the same request while the first is being handled
    assert busy.value.check == "replay_in_progress"
    verifier.released(request)  # the handler failed
    verifier.verify(request)  # the provider's redelivery
    verifier.accepted(request)
    with pytest.raises(WebhookVerificationError) as caught:
        verifier.verify(request)
    assert caught.value.check == "replay"


def test_public_key_forms(key: rsa.RSAPrivateKey) -> None:
    public = key.public_key()
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    pem = _pem(key)
    for form in (pem, pem.encode(), base64.b64encode(der).decode(), der, public):
        assert load_public_key(form).public_numbers() == public.public_numbers()
    headers = _sign(key, REQUEST_LINE, DATE, BODY)
    # A single key (not a mapping): the key id is not checked.
    assert (
        verify_messagemedia_signature(request_line=REQUEST_LINE, headers=headers, body=BODY, public_keys=pem, now=NOW)
        == KEY_ID
    )


def test_unusable_public_keys_are_input_errors() -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1()).public_key()
    ec_pem = ec_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
    for bad in ("not a key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", b"\x00\x01", ec_pem):
        with pytest.raises(InputError) as caught:
            load_public_key(bad)
        assert caught.value.field == "public_key"


def test_date_header_format_is_rfc_7231() -> None:
    assert format_datetime(datetime.fromtimestamp(NOW, UTC), usegmt=True) == DATE
