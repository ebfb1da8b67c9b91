"""Canary credentials: never in a repr, an exception, a log line or a cassette."""

from __future__ import annotations

import base64
import logging

import pytest
from smsclients.errors import APIError
from smsclients.legacy.messagemedia import APIException, MessageMediaMessagesClient
from smsclients.messagemedia import AsyncMessageMediaClient, MessageMediaClient

from .support import API_KEY, API_SECRET, BASIC_MESSAGE, CASSETTES, Cassette, RecordingTransport, assert_all_played

CANARIES = (API_KEY, API_SECRET, base64.b64encode(f"{API_KEY}:{API_SECRET}".encode()).decode())


def _assert_clean(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text


def test_client_reprs_hide_credentials() -> None:
    for hmac in (False, True):
        sync = MessageMediaClient(API_KEY, API_SECRET, hmac=hmac)
        legacy = MessageMediaMessagesClient(API_KEY, API_SECRET, hmac)
        for obj in (sync, sync.messages, sync.delivery_reports, sync.replies, legacy, legacy.messages):
            _assert_clean(repr(obj))
            _assert_clean(str(obj))
        sync.close()
        legacy.close()
    async_client = AsyncMessageMediaClient(API_KEY, API_SECRET, hmac=True)
    _assert_clean(repr(async_client))


@pytest.mark.vcr
def test_exceptions_hide_credentials(caplog: pytest.LogCaptureFixture, vcr: Cassette) -> None:
    errors: list[APIError] = []
    with caplog.at_level(logging.DEBUG):
        with MessageMediaClient(API_KEY, API_SECRET, hmac=True, transport=RecordingTransport()) as mm:
            try:
                mm.messages.send([BASIC_MESSAGE])
            except APIError as modern_error:
                errors.append(modern_error)
        legacy = MessageMediaMessagesClient(API_KEY, API_SECRET, transport=RecordingTransport())
        try:
            legacy.messages.create_send_messages({"messages": [BASIC_MESSAGE]})
        except APIException as legacy_exc:
            errors.append(legacy_exc)
        legacy.close()

    assert len(errors) == 2
    for error in errors:
        _assert_clean(str(error))
        _assert_clean(repr(error))
        _assert_clean(repr(error.args))
        _assert_clean(repr(error.headers))
        _assert_clean(error.url)
    legacy_error = errors[1]
    assert isinstance(legacy_error, APIException)
    _assert_clean(repr(vars(legacy_error.context.request)))
    _assert_clean(repr(vars(legacy_error.context.response)))
    _assert_clean(caplog.text)
    assert_all_played(vcr)


def test_cassettes_hold_no_credentials() -> None:
    files = sorted(CASSETTES.rglob("*.yaml"))
    assert len(files) > 30
    for path in files:
        text = path.read_text(encoding="utf-8")
        _assert_clean(text)
        assert "Basic " not in text
        assert "hmac username" not in text
        assert "authorization" not in text.lower()
