"""Malformed input to verification and ``parse_event``: only the module's typed errors come out.

The classes: crafted ``Date`` headers (overflowing the parser or the clock arithmetic), lone
surrogates (raw in text, escaped in JSON, in keys, in query strings, in headers), nesting deeper
than anything a provider sends, non-finite numbers (which would make different events share an
``event_id``). Then fuzzing: any headers and bodies in, only ``WebhookVerificationError`` (or
``InputError`` for arguments of the wrong type) out. ``WEBHOOK_FUZZ_EXAMPLES`` sets the examples
per test (300 by default).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
from datetime import UTC, datetime
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from smsclients import InputError
from smsclients.webhooks import (
    PROVIDERS,
    Answer,
    BasicAuthVerifier,
    MessageMediaSignatureVerifier,
    SourceAddressVerifier,
    Verifier,
    WebhookRequest,
    WebhookVerificationError,
    WebhookWSGIApp,
    check_basic_auth,
    check_source_address,
    parse_event,
    process,
    verify_messagemedia_signature,
)

EXAMPLES = int(os.environ.get("WEBHOOK_FUZZ_EXAMPLES", "300"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)

KEY_ID = "628fdf4e-bddc-4029-ae59-f9a84a22165c"
DATE = "Tue, 17 Jul 2018 04:52:31 GMT"
NOW = datetime(2018, 7, 17, 4, 52, 31, tzinfo=UTC).timestamp()
DLR = {"delivery_report_id": "6737fda5", "message_id": "a0589035", "status": "delivered"}


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def _signed(key: rsa.RSAPrivateKey, request_line: str, date: str, body: bytes) -> dict[str, str]:
    message = request_line.encode("utf-8", "surrogatepass") + date.encode("utf-8", "surrogatepass") + body
    signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return {
        "X-MESSAGEMEDIA-KEY-ID": KEY_ID,
        "X-MESSAGEMEDIA-CIPHER-TYPE": "RSA",
        "X-MESSAGEMEDIA-DIGEST-TYPE": "SHA256",
        "X-MESSAGEMEDIA-SIGNATURE": base64.b64encode(signature).decode(),
        "Date": date,
    }


# ----------------------------------------------------------------------------- crafted Date headers

CRAFTED_DATES = [
    "Mon, 01 Jan 2020 99999999999999999999:00:00 GMT",  # hour overflows a C long
    "Mon, 01 Jan 99999999999999999999 00:00:00 GMT",  # so does the year
    "Mon, 01 Jan 99999 00:00:00 GMT",  # a year datetime cannot hold
    "Mon, 01 Jan 2020 00:00:00 +9999",  # an offset of more than a day
    "Mon, 01 Jan 2020 00:00:00 -99999999999999999999",
    "Mon, 01 Jan 0001 00:00:00 +2359",  # before the epoch's range on some platforms
    "Fri, 31 Dec 9999 23:59:59 -2359",  # after it
    "Mon, 01 Jan 2020 00:00:00 GMT\ud800",  # a lone surrogate (not an HTTP-date, and not encodable)
    "Mon, 01 Jan 2020 00:00:00 GMT\u00e9",  # not ASCII
    "Mon, 99 Jan 2020 00:00:00 GMT",
    "\x00",
]


@pytest.mark.parametrize("date", CRAFTED_DATES)
def test_a_crafted_date_is_a_date_or_clock_skew_refusal_before_any_signature_check(
    key: rsa.RSAPrivateKey, date: str
) -> None:
    headers = _signed(key, "POST /data HTTP/1.1", DATE, b"{}")
    headers["Date"] = date
    with pytest.raises(WebhookVerificationError) as caught:
        verify_messagemedia_signature(
            request_line="POST /data HTTP/1.1", headers=headers, body=b"{}", public_keys=_pem(key), now=NOW
        )
    assert caught.value.check in ("date", "clock_skew")


@pytest.mark.parametrize("date", CRAFTED_DATES)
def test_a_crafted_date_reaching_a_receiver_is_a_403(key: rsa.RSAPrivateKey, date: str) -> None:
    seen: list[Any] = []
    app = WebhookWSGIApp("messagemedia", seen.append, verifiers=[MessageMediaSignatureVerifier(_pem(key))])
    headers = _signed(key, "POST /hooks HTTP/1.1", DATE, b"{}")
    environ = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    environ["HTTP_DATE"] = date.encode("utf-8", "surrogatepass").decode("latin-1")  # as a WSGI server gives it
    statuses: list[str] = []
    app(
        {
            **environ,
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/hooks",
            "CONTENT_LENGTH": "2",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.input": io.BytesIO(b"{}"),
        },
        lambda status, headers: statuses.append(status),
    )
    assert statuses[0].startswith("403") and not seen


# ----------------------------------------------------------------------------- parse_event classes

SURROGATE_BODIES = [
    '{"delivery_report_id": "r-1", "message_id": "m-1", "status": "delivered\ud800"}',  # raw, in a str body
    '{"delivery_report_id": "r-1", "message_id": "m-1", "status": "\\ud800"}',  # escaped: json.loads keeps it
    '{"delivery_report_id": "r-1", "message_id": "m-1", "status": "x", "\\udfff": 1}',  # in a key
    '{"message_id": "m-1", "unknown": {"deep": ["\\udbff"]}}',  # in an unknown event's nested value
    '{"data": {"type": "message", "id": "mdr2-1", "attributes": {"from": "\\ud83d", "to": "1", "body": ""}}}',
    '{"to": "1", "from": "2", "body": "\\udc00\\ud800", "id": "mdr1-1"}',
    '{"eventType": "sms", "direction": "in", "from": "+1", "to": "+2", "text": "\\ud800", "messageId": "m"}',
]


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("body", SURROGATE_BODIES)
def test_lone_surrogates_in_a_body_are_input_errors(provider: str, body: str) -> None:
    for form in (body, body.encode("utf-8", "surrogatepass")):  # str, and the bytes a sender could put on the wire
        with pytest.raises(InputError):
            parse_event(provider, method="POST", headers={}, body=form)  # type: ignore[arg-type]


def test_a_paired_surrogate_escape_is_ordinary_text() -> None:
    body = (
        '{"delivery_report_id": "r-1", "message_id": "m-1", "status": "delivered", "original_text": "\\ud83d\\ude00"}'
    )
    event = parse_event("messagemedia", method="POST", headers={}, body=body)
    assert event.payload["original_text"] == "\U0001f600"


@pytest.mark.parametrize("query", ["eventType=sms&direction=in&from=%2B1&to=%2B2&text=\ud800&messageId=m", "\udc80=x"])
def test_lone_surrogates_in_a_query_are_input_errors(query: str) -> None:
    with pytest.raises(InputError):
        parse_event("bandwidth", method="GET", headers={}, body=b"", query=query)


def _nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for index in range(depth):
        value = {"k": value} if index % 2 else [value]
    return value


# Events of types nobody knows, which carry whatever the provider puts in them.
UNKNOWN_EVENTS: dict[str, dict[str, Any]] = {
    "messagemedia": {"message_id": "m-1"},
    "flowroute": {"data": {"type": "new_event", "id": "x"}},
    "bandwidth": {"eventType": "new", "direction": "out"},
}


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("depth", [40, 900, 5000, 200_000])
def test_deep_nesting_is_an_input_error(provider: str, depth: int) -> None:
    known = UNKNOWN_EVENTS[provider]
    # Built as text: Python's own json.dumps would overflow on the deepest ones.
    inner = "[" * depth + "{}" + "]" * depth
    body = json.dumps({**known, "extra": "@@"}).replace('"@@"', inner)
    with pytest.raises(InputError):
        parse_event(provider, method="POST", headers={}, body=body)  # type: ignore[arg-type]


def test_ordinary_nesting_passes() -> None:
    body = json.dumps({"message_id": "m-1", "extra": _nested(10, "x")})
    assert parse_event("messagemedia", method="POST", headers={}, body=body).kind == "unknown"


NON_FINITE = ["1e400", "-1e400", "NaN", "Infinity", "-Infinity", "1" + "0" * 400 + ".0"]


@pytest.mark.parametrize("number", NON_FINITE)
@pytest.mark.parametrize(
    "template",
    [
        '{"delivery_report_id": %s, "message_id": "m-1", "status": "delivered"}',
        '{"reply_id": %s, "message_id": "m-1", "source_number": "+61", "content": "hi"}',
        '{"to": "1", "from": "2", "body": "", "id": %s}',
        '{"data": {"type": "delivery_receipt", "id": %s, "attributes": {"status": "delivered"}}}',
        '{"eventType": "sms", "direction": "out", "state": "sent", "messageId": %s}',
        '{"message_id": "m-1", "somewhere": {"deep": [%s]}}',
    ],
)
def test_non_finite_numbers_are_input_errors(number: str, template: str) -> None:
    body = template % number
    for provider in PROVIDERS:
        with pytest.raises(InputError):
            parse_event(provider, method="POST", headers={}, body=body)


def test_distinct_numeric_ids_give_distinct_event_ids() -> None:
    ids = set()
    for number in ("1", "2", "1.5", "-3", "12345678901234567890"):
        body = f'{{"delivery_report_id": {number}, "message_id": "m-1", "status": "delivered"}}'
        ids.add(parse_event("messagemedia", method="POST", headers={}, body=body).event_id)
    assert len(ids) == 5


# ----------------------------------------------------------------------------- fuzzing verification

any_text = st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=40)  # surrogates included
header_values = any_text | st.sampled_from(["RSA", "SHA256", "sha512", KEY_ID, DATE, "", " ", *CRAFTED_DATES])
MESSAGEMEDIA_HEADERS = [f"X-MESSAGEMEDIA-{name}" for name in ("SIGNATURE", "KEY-ID", "CIPHER-TYPE", "DIGEST-TYPE")]
header_names = (
    st.sampled_from([*MESSAGEMEDIA_HEADERS, "Date", "date", "Authorization", "Forwarded", "X-Forwarded-For"]) | any_text
)
headers = st.dictionaries(header_names, header_values, max_size=8) | st.lists(
    st.tuples(st.binary(max_size=30), st.binary(max_size=60)), max_size=6
)
bodies = st.binary(max_size=200) | any_text.map(lambda t: t.encode("utf-8", "surrogatepass"))
request_lines = st.sampled_from(["POST /data HTTP/1.1", "POST /data HTTP/1.0", "GET / HTTP/2"]) | any_text


@FUZZ
@given(request_line=request_lines, header_value=headers, body=bodies, mutate=st.booleans())
def test_messagemedia_verification_raises_only_verification_errors(
    key: rsa.RSAPrivateKey, request_line: str, header_value: Any, body: bytes, mutate: bool
) -> None:
    if mutate and isinstance(header_value, dict):  # start from a genuine signature, then overwrite some headers
        header_value = {**_signed(key, "POST /data HTTP/1.1", DATE, b"{}"), **header_value}
    with pytest.raises(WebhookVerificationError):
        verify_messagemedia_signature(
            request_line=request_line, headers=header_value, body=body, public_keys={KEY_ID: _pem(key)}, now=NOW
        )


@FUZZ
@given(header_value=headers, address=st.none() | any_text | st.sampled_from(["10.0.0.1", "52.88.246.140"]))
def test_source_and_basic_checks_raise_only_verification_errors(header_value: Any, address: str | None) -> None:
    request = WebhookRequest.build("POST", "/hooks", header_value, b"", client_address=address)
    try:
        SourceAddressVerifier(trusted_proxies=["10.0.0.0/8"]).verify(request)
    except WebhookVerificationError as exc:
        assert exc.check == "source_address"
    try:
        check_source_address(address, headers=header_value, trusted_proxies=["10.0.0.0/8", "::1"])
    except WebhookVerificationError as exc:
        assert exc.check == "source_address"
    with pytest.raises(WebhookVerificationError):
        BasicAuthVerifier("hook", "pw").verify(request)  # hypothesis does not find "hook:pw"
    with pytest.raises(WebhookVerificationError):
        check_basic_auth(header_value, username="hook", password="pw")


@FUZZ
@given(
    method=st.sampled_from(["POST", "GET"]) | any_text,
    target=st.sampled_from(["/hooks", "/hooks?eventType=sms"]) | any_text,
    header_value=headers,
    body=bodies | any_text,
    provider=st.sampled_from(PROVIDERS),
)
def test_receiver_answers_a_4xx_to_anything(
    key: rsa.RSAPrivateKey, method: str, target: str, header_value: Any, body: Any, provider: str
) -> None:
    """Whatever arrives, ``process`` answers 400/403/409 or gives an event; it never raises."""
    verifiers: list[Verifier] = [
        MessageMediaSignatureVerifier({KEY_ID: _pem(key)}, clock=lambda: NOW)
        if provider == "messagemedia"
        else SourceAddressVerifier(trusted_proxies=["127.0.0.1"])
        if provider == "flowroute"
        else BasicAuthVerifier("hook", "pw")
    ]
    try:
        request = WebhookRequest.build(method, target, header_value, body, client_address="127.0.0.1")
    except InputError:
        return  # a str body with a lone surrogate: no server hands over such a body
    result = process(provider, request, verifiers)  # type: ignore[arg-type]
    assert isinstance(result, Answer) and result.status in (400, 403, 409)
    result = process(provider, request, [])  # type: ignore[arg-type]
    assert not isinstance(result, Answer) or result.status == 400


@pytest.mark.parametrize("key", ["line\nbreak", "\x1b[31mred", "x" * 500, "\ud800", "caf\u00e9"])
def test_field_paths_never_carry_a_senders_control_characters(key: str) -> None:
    """The refusal names the field, and that name goes into logs and the 400 answer."""
    deep = json.dumps({"message_id": "m-1", key: _nested(40, "x")}, ensure_ascii=True)
    with pytest.raises(InputError) as caught:
        parse_event("messagemedia", method="POST", headers={}, body=deep)
    field = caught.value.field
    assert field.isprintable() and field.isascii() and len(field) < 2000


def test_numbers_one_float_cannot_tell_apart_still_give_distinct_event_ids() -> None:
    ids = set()
    for number in ("0.1", "0.10000000000000001", "12345678901234567891.0", "12345678901234567892.0", "1e16"):
        body = f'{{"delivery_report_id": {number}, "message_id": "m-1", "status": "delivered"}}'
        event = parse_event("messagemedia", method="POST", headers={}, body=body)
        assert isinstance(event.payload["delivery_report_id"], float)  # still a float to whoever reads the payload
        ids.add(event.event_id)
    assert len(ids) == 5


latin1 = st.binary(max_size=40).map(lambda raw: raw.decode("latin-1"))  # what a WSGI server hands over


@FUZZ
@given(
    provider=st.sampled_from(PROVIDERS),
    method=st.sampled_from(["POST", "GET"]) | latin1,
    header_value=st.dictionaries(
        st.sampled_from(["HTTP_DATE", "HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_AUTHORIZATION"])
        | st.sampled_from([f"HTTP_{n.replace('-', '_')}" for n in MESSAGEMEDIA_HEADERS]),
        latin1 | st.sampled_from(CRAFTED_DATES[:7]),
        max_size=6,
    ),
    body=st.binary(max_size=300),
    length=st.none() | st.sampled_from(["", "-1", "x", "0", "5", "99999999999999999999"]),
    chunked=st.booleans(),
    protocol=st.sampled_from(["HTTP/1.0", "HTTP/1.1", "HTTP/2"]) | latin1,
    peer=st.sampled_from(["127.0.0.1", "10.0.0.1", "::1", ""]) | latin1,
    path=latin1,
    query=latin1,
)
def test_wsgi_receiver_answers_every_request_without_failing(
    key: rsa.RSAPrivateKey,
    provider: str,
    method: str,
    header_value: dict[str, str],
    body: bytes,
    length: str | None,
    chunked: bool,
    protocol: str,
    peer: str,
    path: str,
    query: str,
) -> None:
    verifiers: list[Verifier] = [
        MessageMediaSignatureVerifier({KEY_ID: _pem(key)}, clock=lambda: NOW)
        if provider == "messagemedia"
        else SourceAddressVerifier(["127.0.0.0/8"], trusted_proxies=["10.0.0.0/8"])
        if provider == "flowroute"
        else BasicAuthVerifier("hook", "pw")
    ]
    statuses: list[str] = []
    for checks in (verifiers, []):
        app = WebhookWSGIApp(provider, lambda event: None, verifiers=checks)  # type: ignore[arg-type]
        environ: dict[str, Any] = {
            **header_value,
            "REQUEST_METHOD": method,
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_PROTOCOL": protocol,
            "REMOTE_ADDR": peer,
            "wsgi.input": io.BytesIO(body),
            "wsgi.input_terminated": chunked,
        }
        if length is not None:
            environ["CONTENT_LENGTH"] = length
        app(environ, lambda status, headers: statuses.append(status))
        assert int(statuses[-1].split()[0]) in (200, 400, 403, 409, 413)


def test_unknown_events_that_differ_only_in_a_numbers_text_have_distinct_event_ids() -> None:
    ids = {
        parse_event(
            "messagemedia", method="POST", headers={}, body=f'{{"message_id": "m-1", "x": [{number}]}}'
        ).event_id
        for number in ("0.1", "0.10000000000000001", "0.1000000000000000055511151231257827")
    }
    assert len(ids) == 3
    # A number that its float writes back the same keeps the event id it always had (the digest of
    # the payload's canonical JSON).
    payload = {"message_id": "m-1", "x": [0.5]}
    canonical = json.dumps([payload], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    event = parse_event("messagemedia", method="POST", headers={}, body=json.dumps(payload))
    assert event.event_id == "messagemedia:unknown:" + hashlib.sha256(canonical.encode()).hexdigest()[:32]


# MessageMedia bodies of no known shape go through the template reader (JSON arrays, XML, forms): the
# same refusals hold there, whatever the Content-Type says.
TEMPLATED_BODIES = [
    ("application/json", '["ok", "\ud800"]'),
    ("application/json", "[" * 5000 + "]" * 5000),
    ("application/json", "[1e400]"),
    ("application/json", "[NaN]"),
    ("application/xml", "<a>" * 2000 + "x" + "</a>" * 2000),
    ("text/xml", "<r><s>\ud800</s></r>"),
    ("", "<a>" * 200 + "x" + "</a>" * 200),
]


@pytest.mark.parametrize(("content_type", "body"), TEMPLATED_BODIES)
@pytest.mark.parametrize("as_bytes", [False, True])
def test_templated_and_unknown_messagemedia_bodies_are_refused_as_input_errors(
    content_type: str, body: str, as_bytes: bool
) -> None:
    raw: str | bytes = body.encode("utf-8", "surrogatepass") if as_bytes else body
    headers = {"Content-Type": content_type} if content_type else {}
    with pytest.raises(InputError):
        parse_event("messagemedia", method="POST", headers=headers, body=raw)
    with pytest.raises(InputError):
        parse_event("messagemedia", method="POST", headers=headers, body=raw, template={"message_id": "id"})
