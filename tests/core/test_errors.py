"""api_error_from_response and the exception hierarchy: typed errors for any body, no secrets, legacy interop."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, cast

import httpx
import pytest
from smsclients import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ErrorDetails,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    SmsClientError,
    UnprocessableEntityError,
    api_error_from_response,
    combined_error_class,
    copy_api_error_fields,
    status_error_class,
)
from smsclients.errors import parse_retry_after

URL = "https://api.example.test/v1/messages/abc"
CANARY = "CANARY-SECRET-123"


def parse_message_code_details(body: object) -> ErrorDetails:
    """A provider-style parser: {"message", "code", "details"}; anything else -> no details."""
    if not isinstance(body, dict) or not isinstance(body.get("message"), str):
        return ErrorDetails(None)
    details = body.get("details")
    code = body.get("code")
    return ErrorDetails(
        body["message"],
        code=code if isinstance(code, str) else None,
        details=tuple(d for d in details if isinstance(d, str)) if isinstance(details, list) else (),
    )


def response(
    status: int, *, content: bytes = b"", content_type: str | None = None, headers: dict[str, str] | None = None
) -> httpx.Response:
    all_headers = dict(headers or {})
    if content_type is not None:
        all_headers["Content-Type"] = content_type
    request = httpx.Request("GET", URL, headers={"Authorization": f"Basic {CANARY}"})
    return httpx.Response(status, content=content, headers=all_headers, request=request)


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (503, ServerError),
        (504, ServerError),
        (599, ServerError),
        (405, APIError),
        (409, APIError),
    ],
)
def test_status_classes(status: int, cls: type[APIError]) -> None:
    assert status_error_class(status) is cls
    error = api_error_from_response(
        response(status, content=b'{"message": "nope", "code": "E1"}', content_type="application/json"),
        provider="test",
        parse_body=parse_message_code_details,
    )
    assert type(error) is cls
    assert error.status_code == status
    assert (error.message, error.code) == ("nope", "E1")
    assert (error.provider, error.method, error.url) == ("test", "GET", URL)


def test_json_body_fields() -> None:
    body = b'{"message": "Request failed to parse correctly.", "details": ["Failed to parse message body."]}'
    error = api_error_from_response(
        response(400, content=body, content_type="application/json; charset=utf-8"),
        provider="messagemedia",
        parse_body=parse_message_code_details,
    )
    assert isinstance(error, BadRequestError)
    assert error.message == "Request failed to parse correctly."
    assert error.details == ["Failed to parse message body."]
    assert error.body == {
        "message": "Request failed to parse correctly.",
        "details": ["Failed to parse message body."],
    }
    assert error.raw_body == body
    assert "Failed to parse message body." in str(error)


def test_vendor_json_media_type_is_parsed() -> None:
    error = api_error_from_response(
        response(422, content=b'{"message": "bad"}', content_type="application/vnd.api+json"),
        provider="flowroute",
        parse_body=parse_message_code_details,
    )
    assert error.message == "bad" and error.body == {"message": "bad"}


def test_html_body_falls_back_to_first_200_chars_of_text() -> None:
    html = "<html><head><title>502 Bad Gateway</title></head><body>" + "x" * 500 + "</body></html>"
    error = api_error_from_response(
        response(502, content=html.encode(), content_type="text/html"),
        provider="bandwidth",
        parse_body=parse_message_code_details,
    )
    assert isinstance(error, ServerError)
    assert error.body is None
    assert error.message == html[:200]
    assert error.raw_body == html.encode()


def test_empty_body_falls_back_to_reason_phrase() -> None:
    error = api_error_from_response(response(404), provider="p", parse_body=parse_message_code_details)
    assert isinstance(error, NotFoundError)
    assert error.message == "Not Found"
    assert error.body is None and error.raw_body == b""


def test_unknown_status_without_reason_phrase_still_has_a_message() -> None:
    error = api_error_from_response(response(499), provider="p", parse_body=parse_message_code_details)
    assert type(error) is APIError
    assert error.message == "HTTP 499"


@pytest.mark.parametrize(
    "content",
    [b'{"message": "unterminated', b"{", b"\xff\xfe\x00garbage", b"[" * 100_000],
    ids=["truncated", "brace", "binary", "deeply-nested"],
)
def test_malformed_json_never_raises(content: bytes) -> None:
    error = api_error_from_response(
        response(400, content=content, content_type="application/json"),
        provider="p",
        parse_body=parse_message_code_details,
    )
    assert isinstance(error, BadRequestError)
    assert error.body is None
    assert error.raw_body == content
    assert error.message  # fell back to the text


@pytest.mark.parametrize(
    ("content", "parsed"),
    [(b'["a", "b"]', ["a", "b"]), (b'"just a string"', "just a string"), (b"42", 42), (b"null", None)],
)
def test_json_that_is_not_an_object(content: bytes, parsed: object) -> None:
    error = api_error_from_response(
        response(500, content=content, content_type="application/json"),
        provider="p",
        parse_body=parse_message_code_details,
    )
    assert isinstance(error, ServerError)
    assert error.body == parsed
    assert error.message == content.decode()


def test_json_without_content_type_is_still_recognised() -> None:
    error = api_error_from_response(
        response(403, content=b'{"message": "Invalid authentication credentials"}', content_type="text/plain"),
        provider="messagemedia",
        parse_body=parse_message_code_details,
    )
    assert error.message == "Invalid authentication credentials"


def test_a_parser_that_raises_does_not_escape() -> None:
    def broken(body: object) -> ErrorDetails:
        raise KeyError("errors")

    error = api_error_from_response(
        response(400, content=b'{"unexpected": true}', content_type="application/json"),
        provider="p",
        parse_body=broken,
    )
    assert isinstance(error, BadRequestError)
    assert error.message == '{"unexpected": true}'
    assert error.body == {"unexpected": True}


def test_unread_streaming_response_is_read() -> None:
    streamed = httpx.Response(
        404,
        stream=httpx.ByteStream(b'{"message": "gone"}'),
        headers={"Content-Type": "application/json"},
        request=httpx.Request("GET", URL),
    )
    error = api_error_from_response(streamed, provider="p", parse_body=parse_message_code_details)
    assert error.message == "gone"


def test_response_without_request() -> None:
    error = api_error_from_response(httpx.Response(404), provider="p", parse_body=parse_message_code_details)
    assert (error.method, error.url) == ("", "")


def test_retry_after_seconds_on_429() -> None:
    error = api_error_from_response(
        response(429, headers={"Retry-After": "7"}), provider="p", parse_body=parse_message_code_details
    )
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 7.0


def test_retry_after_missing_or_garbage_on_429() -> None:
    for headers in ({}, {"Retry-After": "soon"}):
        error = api_error_from_response(
            response(429, headers=headers), provider="p", parse_body=lambda b: ErrorDetails(None)
        )
        assert isinstance(error, RateLimitError)
        assert error.retry_after is None


def test_parse_retry_after_forms() -> None:
    now = datetime(2023, 2, 8, 3, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120", now=now) == 120.0
    assert parse_retry_after(" 1.5 ", now=now) == 1.5
    assert parse_retry_after("Wed, 08 Feb 2023 03:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("Wed, 08 Feb 2023 02:59:00 GMT", now=now) == 0.0  # in the past: now
    for bad in (None, "", "-1", "nan", "inf", "tomorrow"):
        assert parse_retry_after(bad, now=now) is None


def test_headers_are_redacted() -> None:
    error = api_error_from_response(
        response(401, headers={"Set-Cookie": f"session={CANARY}", "X-Request-Id": "r1"}),
        provider="p",
        parse_body=parse_message_code_details,
    )
    assert error.headers["set-cookie"] == "<redacted>"
    assert error.headers["x-request-id"] == "r1"
    assert CANARY not in repr(error.headers)


def test_hand_built_api_error_redacts_too() -> None:
    error = NotFoundError(
        "x", status_code=404, headers={"Authorization": CANARY}, url=f"https://user:{CANARY}@api.example.test/v1"
    )
    assert error.headers == {"Authorization": "<redacted>"}
    assert CANARY not in error.url and CANARY not in str(error) and CANARY not in repr(error)


def test_str_and_repr_carry_context() -> None:
    error = NotFoundError("Resource not found.", status_code=404, code="NF", provider="mm", method="GET", url=URL)
    assert str(error) == f"Resource not found. [HTTP 404, code=NF, mm, GET {URL}]"
    assert repr(error).startswith("NotFoundError('Resource not found.', status_code=404")


def test_input_error_shape() -> None:
    error = InputError("messages[3].content", "must be at most 5000 characters")
    assert str(error) == "messages[3].content: must be at most 5000 characters"
    assert (error.field, error.rule) == ("messages[3].content", "must be at most 5000 characters")
    assert isinstance(error, ValueError) and isinstance(error, SmsClientError)


class LegacyAPIException(Exception):
    """Shaped like the legacy SDKs' exceptions: (reason, context), str(e) == reason."""

    def __init__(self, reason: str, context: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.context = context


class LegacyWithOwnFields(Exception):
    """Sets attributes that share APIError's names, from its own reading of the response."""

    def __init__(self, reason: str, message: str, code: str) -> None:
        super().__init__(reason)
        self.message = message
        self.code = code


class LegacyWithStatusCode(Exception):
    """Like BW-py's exception: its own status_code/message/code attributes."""

    def __init__(self, status_code: int, message: str) -> None:
        super().__init__(status_code, message)
        self.status_code = status_code
        self.message = message


class LegacyDirectInit(Exception):
    def __init__(self, reason: str) -> None:
        Exception.__init__(self, reason)


def test_combined_error_class_is_caught_by_both_bases() -> None:
    combined = combined_error_class(LegacyAPIException, NotFoundError)
    source = NotFoundError("Resource not found.", status_code=404, provider="mm", method="GET", url=URL)

    with pytest.raises(LegacyAPIException) as legacy_info:
        try:
            raise source
        except APIError:
            raise combined("", "ctx") from source
    error = legacy_info.value
    assert isinstance(error, NotFoundError)
    assert isinstance(error, APIError)
    assert not isinstance(error, ServerError)
    # Legacy face: its own str/args/attributes.
    assert str(error) == ""
    assert error.context == "ctx"
    assert type(error).__name__ == "LegacyAPIException"
    # Modern face: the APIError attributes of the error it was converted from.
    assert (error.status_code, error.message, error.provider, error.url) == (404, "Resource not found.", "mm", URL)

    with pytest.raises(NotFoundError):
        raise combined("reason", None)


def test_combined_error_keeps_attributes_the_legacy_constructor_set() -> None:
    combined = combined_error_class(LegacyWithOwnFields, BadRequestError)
    source = BadRequestError("modern message", status_code=400, code="MODERN", details=["d"], provider="bandwidth")
    try:
        raise source
    except APIError:
        error = combined("reason", "legacy message", "legacy-code")
    assert isinstance(error, BadRequestError)
    assert (error.message, error.code) == ("legacy message", "legacy-code")
    assert (error.status_code, error.details, error.provider) == (400, ["d"], "bandwidth")
    assert error.details is not source.details  # not shared


def test_combined_error_fills_the_rest_when_legacy_sets_status_code() -> None:
    combined = combined_error_class(LegacyWithStatusCode, NotFoundError)
    try:
        raise NotFoundError("modern", status_code=404, code="NF", provider="bandwidth", url=URL)
    except APIError:
        error = combined(404, "legacy text")
    assert isinstance(error, NotFoundError)
    assert (error.status_code, error.message) == (404, "legacy text")
    assert (error.code, error.provider, error.url) == ("NF", "bandwidth", URL)


def test_combined_error_class_is_cached_per_pair() -> None:
    first = combined_error_class(LegacyAPIException, NotFoundError)
    assert combined_error_class(LegacyAPIException, NotFoundError) is first
    other = combined_error_class(LegacyAPIException, ServerError)
    assert other is not first
    assert issubclass(other, ServerError) and not issubclass(other, NotFoundError)


def test_combined_error_built_outside_except_has_defaults_and_can_copy() -> None:
    combined = combined_error_class(LegacyDirectInit, ServerError)
    error = combined("boom")
    assert isinstance(error, ServerError)  # also narrows the type for the checks below
    assert str(error) == "boom"
    assert (error.status_code, error.details, error.headers) == (0, [], {})
    source = ServerError("down", status_code=503, details=["d"], headers={"Authorization": CANARY})
    assert copy_api_error_fields(error, source) is error
    assert (error.status_code, error.message, error.details) == (503, "down", ["d"])
    assert CANARY not in repr(error.headers)


def test_combined_class_of_a_marker_base_accepts_api_error_style() -> None:
    class Marker(Exception):
        pass

    combined = combined_error_class(Marker, RateLimitError)
    # The legacy-typed class object does not know APIError's keywords; the class itself does.
    error = cast(Any, combined)("slow down", status_code=429, retry_after=3.0)
    assert isinstance(error, Marker) and isinstance(error, RateLimitError)
    assert (error.status_code, error.retry_after) == (429, 3.0)
