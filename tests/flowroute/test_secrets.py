"""Canary credentials never show up in reprs, error texts, logs or cassettes."""

from __future__ import annotations

import logging
import pickle
import traceback

import pytest
from smsclients.errors import AuthenticationError
from smsclients.flowroute import FlowrouteClient
from smsclients.legacy.flowroute_messaging import APIController, APIException, Message
from smsclients.legacy.flowroute_v3 import ErrorException, FlowroutenumbersandmessagingClient

from .support import (
    ACCESS_KEY,
    CANARIES,
    CASSETTES,
    SECRET_KEY,
    TO_NUMBER,
    V2_FROM,
    Cassette,
    RecordingTransport,
    assert_all_played,
)


def assert_clean(text: str) -> None:
    for canary in CANARIES:
        assert canary not in text


def error_texts(error: BaseException) -> str:
    """Everything a log or a crash report could show about an exception."""
    parts = [str(error), repr(error), "".join(traceback.format_exception(error))]
    parts += [repr(value) for value in vars(error).values()]
    context = getattr(error, "context", None)
    if context is not None:
        parts += [repr(context), repr(vars(context.request)), repr(vars(context.response))]
    return "\n".join(parts)


def test_client_reprs_hide_credentials() -> None:
    with FlowrouteClient(ACCESS_KEY, SECRET_KEY) as modern:
        texts = [repr(modern), str(modern), repr(vars(modern)), repr(modern.numbers), repr(vars(modern.messages))]
    with APIController(ACCESS_KEY, SECRET_KEY) as fr_lib:
        texts += [repr(fr_lib), str(fr_lib), repr(vars(fr_lib))]
    with FlowroutenumbersandmessagingClient(ACCESS_KEY, SECRET_KEY) as fr_v3:
        texts += [repr(fr_v3), str(fr_v3), repr(fr_v3.numbers), repr(vars(fr_v3))]
    for text in texts:
        assert_clean(text)


@pytest.mark.vcr
def test_modern_error_hides_credentials(vcr: Cassette, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with (
        FlowrouteClient(ACCESS_KEY, SECRET_KEY, transport=RecordingTransport()) as fr,
        pytest.raises(AuthenticationError) as caught,
    ):
        fr.numbers.list_account_numbers()

    assert_clean(error_texts(caught.value))
    assert caught.value.headers.get("authorization") is None or "Basic" not in caught.value.headers["authorization"]
    assert_clean(caplog.text)
    assert_all_played(vcr)


@pytest.mark.vcr
def test_legacy_errors_hide_credentials(vcr: Cassette, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with (
        APIController(ACCESS_KEY, SECRET_KEY, transport=RecordingTransport()) as fr_lib,
        pytest.raises(APIException) as lib_error,
    ):
        fr_lib.create_message(Message(to=TO_NUMBER, from_=V2_FROM, content="example body"))
    with (
        FlowroutenumbersandmessagingClient(ACCESS_KEY, SECRET_KEY, transport=RecordingTransport()) as fr_v3,
        pytest.raises(ErrorException) as v3_error,
    ):
        fr_v3.numbers.list_account_phone_numbers()

    assert_clean(error_texts(lib_error.value))
    assert_clean(error_texts(v3_error.value))
    assert v3_error.value.context.request.headers == {}
    assert_clean(caplog.text)
    assert_all_played(vcr)


def test_clients_cannot_be_pickled_with_credentials() -> None:
    with (
        FlowrouteClient(ACCESS_KEY, SECRET_KEY) as fr,
        pytest.raises((TypeError, pickle.PicklingError, AttributeError)),
    ):
        pickle.dumps(fr)


def test_cassettes_hold_no_credentials() -> None:
    files = sorted(CASSETTES.rglob("*.yaml"))
    assert files, "no cassettes found"
    for path in files:
        text = path.read_text()
        assert_clean(text)
        assert "authorization" not in text.lower()
        assert "Basic " not in text
