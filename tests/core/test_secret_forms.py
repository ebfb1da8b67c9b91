"""Every form a credential travels in stays out of what a human reads: errors, reprs, logs, CLI output.

The forms: the secret as is, the Basic token (base64 of ``key:secret``), URL-encoded, in a URL's
user info, in a query parameter. The places: ``str``/``repr`` and every field of an APIError built
from a body that echoes them (all providers, Basic and HMAC), URL validation errors, the reprs of
clients whose constructor failed, httpx's log lines with ``SMSCLIENTS_LOG``, and the CLI.
"""

from __future__ import annotations

import base64
import contextlib
import io
import json
import logging
import socket
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
import pytest
from smsclients import (
    AsyncBandwidthClient,
    AsyncFlowrouteClient,
    AsyncMessageMediaClient,
    AuthenticationError,
    BandwidthClient,
    FlowrouteClient,
    InputError,
    MalformedResponseError,
    MessageMediaClient,
    RetryPolicy,
    TransportError,
    cli,
    require_secure_url,
)
from smsclients.logs import configure_from_environment
from smsclients.redaction import CredentialScrubber

from tests.reliability.loopback import Received, loopback, respond

KEY = "key-visible"
SECRET = "s3cr/et+pa ss=word"  # characters that URL-encode differently each way
TOKEN = base64.b64encode(f"{KEY}:{SECRET}".encode()).decode()
FORMS = {
    "plain": SECRET,
    "basic token": TOKEN,
    "basic header": f"Basic {TOKEN}",
    "url-encoded": quote(SECRET, safe=""),
    "form-encoded": quote_plus(SECRET),
    "base64": base64.b64encode(SECRET.encode()).decode(),
}
LEAKS = [
    FORMS["plain"],
    FORMS["basic token"],
    FORMS["url-encoded"],
    FORMS["form-encoded"],
    FORMS["base64"],
    TOKEN.rstrip("="),
]


def _echo_body(fmt: str) -> bytes:
    """A 401 body that echoes the credentials in every form, in the provider's error shape or not."""
    text = (
        f"bad credentials {KEY} {SECRET}; header Basic {TOKEN}; "
        f"encoded {quote(SECRET, safe='')} / {quote_plus(SECRET)}; "
        f"b64 {FORMS['base64']}; url https://{KEY}:{quote(SECRET, safe='')}@api.example.test/x?api_key=zzq-{TOKEN}"
    )
    if fmt == "flowroute":
        return json.dumps({"errors": [{"id": "1", "status": 401, "title": "Unauthorized", "detail": text}]}).encode()
    if fmt == "messagemedia":
        return json.dumps({"message": text, "details": [text]}).encode()
    if fmt == "bandwidth":
        return json.dumps({"message": text, "code": "unauthorized", "details": [{"name": "x", "value": text}]}).encode()
    return text.encode()


def _transport(status: int, body: bytes) -> httpx.MockTransport:
    return httpx.MockTransport(
        lambda request: httpx.Response(
            status,
            content=body,
            headers={"Content-Type": "application/json", "X-Echo": f"Basic {TOKEN}", "X-Request-Id": "req-1"},
        )
    )


CLIENTS: dict[str, Callable[[httpx.MockTransport], Any]] = {
    "flowroute": lambda t: FlowrouteClient(KEY, SECRET, transport=t),
    "bandwidth": lambda t: BandwidthClient("u-1", KEY, SECRET, transport=t),
    "messagemedia": lambda t: MessageMediaClient(KEY, SECRET, transport=t),
    "messagemedia-hmac": lambda t: MessageMediaClient(KEY, SECRET, hmac=True, transport=t),
}
CALLS: dict[str, Callable[[Any], object]] = {
    "flowroute": lambda c: c.messages.get("mdr2-1"),
    "bandwidth": lambda c: c.messages.get("m-1"),
    "messagemedia": lambda c: c.messages.status("82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b"),
    "messagemedia-hmac": lambda c: c.messages.status("82cbafd3-6f9d-4e2b-b28e-bd06d8d6aa0b"),
}


def _everything(exc: BaseException) -> str:
    """Every field of the error a caller might print or log."""
    parts = [str(exc), repr(exc)]
    parts += [repr(value) for value in vars(exc).values()]
    raw = getattr(exc, "raw_body", b"")
    parts.append(raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw))
    parts.append(json.dumps(getattr(exc, "body", None), default=str))
    return "\n".join(parts)


def _assert_clean(text: str) -> None:
    for leak in LEAKS:
        assert leak not in text, f"{leak!r} leaked"


@pytest.mark.parametrize("body_format", ["own", "text"])
@pytest.mark.parametrize("name", sorted(CLIENTS))
def test_an_error_body_that_echoes_the_credentials_reaches_no_field_of_the_error(name: str, body_format: str) -> None:
    provider = name.split("-")[0]
    status = 403 if provider == "messagemedia" else 401
    body = _echo_body(provider if body_format == "own" else "text")
    with CLIENTS[name](_transport(status, body)) as client, pytest.raises(AuthenticationError) as caught:
        CALLS[name](client)
    _assert_clean(_everything(caught.value))
    assert "<redacted>" in str(caught.value) or body_format == "own"
    assert caught.value.request_id == "req-1"
    assert KEY not in _everything(caught.value)  # the key or token as well (Bandwidth's is an API token)


def test_the_scrubber_itself_never_shows_what_it_holds() -> None:
    scrubber = CredentialScrubber([SECRET], basic=(KEY, SECRET))
    _assert_clean(repr(scrubber))
    for leak in LEAKS:
        assert scrubber.text(f"x{leak}y") == "x<redacted>y"
        assert scrubber.bytes(f"x{leak}y".encode()) == b"x<redacted>y"
    with pytest.raises(TypeError):
        __import__("pickle").dumps(scrubber)


URLS_WITH_CREDENTIALS = [
    f"http://{KEY}:{quote(SECRET, safe='')}@api.example.test/v1",
    f"https://{KEY}:{quote(SECRET, safe='')}@api.example.test/v1",
    f"http://api.example.test/v1?api_key={quote(SECRET, safe='')}",
    f"https://api.example.test/v1?api_key={quote(SECRET, safe='')}",
    f"https://api.example.test/v1?token={TOKEN}#frag",
    f"ftp://{KEY}:{quote(SECRET, safe='')}@api.example.test/?signature={TOKEN}",
    f"https://[bad host/?api_key={quote(SECRET, safe='')}",
    f"not a url ?api_key={quote(SECRET, safe='')}",
]


@pytest.mark.parametrize("url", URLS_WITH_CREDENTIALS)
def test_a_refused_url_is_never_echoed_with_its_credentials(url: str) -> None:
    with pytest.raises(InputError) as caught:
        require_secure_url(url)
    _assert_clean(str(caught.value) + repr(caught.value))
    for build in (
        lambda: FlowrouteClient(KEY, SECRET, base_url=url),
        lambda: BandwidthClient("u-1", KEY, SECRET, base_url=url),
        lambda: MessageMediaClient(KEY, SECRET, base_url=url),
    ):
        with pytest.raises(InputError) as from_client:
            build()
        _assert_clean(str(from_client.value) + repr(from_client.value))


@pytest.mark.parametrize(
    "url", ["https://api.example.test/v1?x=1", "https://api.example.test/v1#frag", "https://api.example.test/v1?"]
)
def test_a_base_url_with_a_query_or_fragment_is_refused(url: str) -> None:
    for build in (
        lambda: FlowrouteClient(KEY, SECRET, base_url=url),
        lambda: AsyncFlowrouteClient(KEY, SECRET, base_url=url),
        lambda: BandwidthClient("u-1", KEY, SECRET, base_url=url),
        lambda: AsyncBandwidthClient("u-1", KEY, SECRET, base_url=url),
        lambda: MessageMediaClient(KEY, SECRET, base_url=url),
        lambda: AsyncMessageMediaClient(KEY, SECRET, base_url=url),
    ):
        with pytest.raises(InputError, match=r"query .* or fragment"):
            build()


def test_a_base_url_with_a_query_is_refused_from_the_environment_too(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWROUTE_BASE_URL", f"https://api.example.test?api_key={quote(SECRET, safe='')}")
    with pytest.raises(InputError) as caught:
        FlowrouteClient(KEY, SECRET)
    assert caught.value.field == "FLOWROUTE_BASE_URL"
    _assert_clean(str(caught.value))


FAILING_CONSTRUCTORS: list[tuple[type[Any], tuple[Any, ...]]] = [
    (FlowrouteClient, (KEY, SECRET)),
    (AsyncFlowrouteClient, (KEY, SECRET)),
    (BandwidthClient, ("u-1", KEY, SECRET)),
    (AsyncBandwidthClient, ("u-1", KEY, SECRET)),
    (MessageMediaClient, (KEY, SECRET)),
    (AsyncMessageMediaClient, (KEY, SECRET)),
]


@pytest.mark.parametrize(("cls", "args"), FAILING_CONSTRUCTORS)
def test_a_client_whose_constructor_raised_still_has_a_repr(cls: type[Any], args: tuple[Any, ...]) -> None:
    for kwargs in ({"base_url": "ftp://x"}, {"retry": "often"}, *({"base_url": url} for url in URLS_WITH_CREDENTIALS)):
        client = object.__new__(cls)
        with pytest.raises(InputError):
            client.__init__(*args, **kwargs)
        text = repr(client)
        assert text.startswith(cls.__name__)
        _assert_clean(text)


@pytest.mark.parametrize(("cls", "args"), FAILING_CONSTRUCTORS)
def test_a_constructor_typo_names_the_public_class(cls: type[Any], args: tuple[Any, ...]) -> None:
    with pytest.raises(TypeError) as caught:
        cls(*args, base_ulr="https://x.test")
    assert str(caught.value).startswith(f"{cls.__name__}.__init__()")
    assert "base_ulr" in str(caught.value)
    with pytest.raises(TypeError, match=rf"^{cls.__name__}\.__init__\(\)"):
        cls(*args, *args, *args)  # too many positional arguments


# ------------------------------------------------------------------------------------------ logs


@contextlib.contextmanager
def _logging_on() -> Iterator[list[str]]:
    """SMSCLIENTS_LOG=info as the environment turns it on, plus an application handler on the root logger."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    saved = {
        name: (logger.level, list(logger.handlers), list(logger.filters))
        for name, logger in ((name, logging.getLogger(name)) for name in ("httpx", "smsclients"))
    }
    root_handler = Collect()
    logging.getLogger().addHandler(root_handler)
    stream = io.StringIO()
    handler = configure_from_environment({"SMSCLIENTS_LOG": "info"})
    assert handler is not None
    handler.setStream(stream)  # type: ignore[attr-defined]
    try:
        yield lines
    finally:
        lines.append(stream.getvalue())
        logging.getLogger().removeHandler(root_handler)
        for name, (level, handlers, filters) in saved.items():
            logger = logging.getLogger(name)
            logger.setLevel(level)
            logger.handlers[:] = handlers
            logger.filters[:] = filters


PRESIGNED = f"https://files.example-storage.test/cdr.csv?X-Amz-Credential=cred-{TOKEN}&X-Amz-Signature=sig-{TOKEN}"


def test_httpx_request_lines_never_show_a_presigned_signature_with_smsclients_log() -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"a,b\n"))
    with _logging_on() as lines, FlowrouteClient(KEY, SECRET, transport=transport) as client:
        assert client.download(PRESIGNED) == b"a,b\n"  # another origin: httpx's own path
        with httpx.Client(transport=transport) as plain:  # httpx logging for an application's own client
            plain.get(PRESIGNED)
    text = "\n".join(lines)
    assert "HTTP Request: GET https://files.example-storage.test/cdr.csv" in text
    assert f"sig-{TOKEN}" not in text and f"cred-{TOKEN}" not in text
    _assert_clean(text)


def test_the_direct_path_logs_its_request_line_redacted() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=b"ok")

    url = f"https://api.flowroute.com/v2/cdrs/x.csv?api_key={quote(SECRET, safe='')}&sig={TOKEN}"
    with _logging_on() as lines, FlowrouteClient(KEY, SECRET, transport=httpx.MockTransport(answer)) as client:
        assert client.download(url) == b"ok"  # the API's origin: the client's direct path
    assert seen and "api_key" in str(seen[0].url)
    text = "\n".join(lines)
    assert "HTTP Request: GET https://api.flowroute.com/v2/cdrs/x.csv" in text
    _assert_clean(text)


# ------------------------------------------------------------------------------------------ CLI


def _echoing_401(conn: socket.socket, request: Received) -> bool:
    body = _echo_body("flowroute" if "v2.1" in request.target else "text")
    respond(conn, 401, [("Content-Type", "application/json")], body + request.headers.get("authorization", "").encode())
    return True


@pytest.mark.parametrize("as_json", [False, True])
def test_cli_output_shows_no_credential_form(
    as_json: bool, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with loopback(_echoing_401) as server:
        monkeypatch.setenv("FLOWROUTE_ACCESS_KEY", KEY)
        monkeypatch.setenv("FLOWROUTE_SECRET_KEY", SECRET)
        argv = ["send", "flowroute", "--to", "12065551234", "--from", "12012673227", "--base-url", server.url, "hi"]
        code = cli.main([*argv, "--json"] if as_json else argv)
    assert code == cli.EXIT_API_ERROR
    captured = capsys.readouterr()
    _assert_clean(captured.out + captured.err)
    assert "AuthenticationError" in captured.out + captured.err


def test_httpx_lines_are_redacted_under_an_applications_own_logging_too(caplog: pytest.LogCaptureFixture) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=b"a,b\n"))
    caplog.set_level(logging.INFO, logger="httpx")
    with FlowrouteClient(KEY, SECRET, transport=transport) as client:
        client.download(PRESIGNED)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert "HTTP Request: GET https://files.example-storage.test/cdr.csv" in text
    assert "X-Amz-Signature=" in text and f"sig-{TOKEN}" not in text
    _assert_clean(text)


def test_cli_scrubs_every_form_of_the_environments_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLOWROUTE_ACCESS_KEY", KEY)
    monkeypatch.setenv("FLOWROUTE_SECRET_KEY", SECRET)
    out = cli._Output(as_json=False)
    for form in [*LEAKS, KEY]:
        assert out.scrub(f"before {form} after") == "before <redacted> after"


@pytest.mark.parametrize(
    ("module", "name", "args", "bad"),
    [
        ("flowroute_v3", "FlowroutenumbersandmessagingClient", (KEY, SECRET), {"base_uri": "ftp://x"}),
        ("flowroute_messaging", "APIController", (KEY, SECRET), {"base_uri": "ftp://x"}),
        ("bandwidth", "Client", ("u-1", KEY, SECRET), {"api_endpoint": "ftp://x"}),
        ("messagemedia", "MessageMediaMessagesClient", (KEY, SECRET, False), {"base_url": "ftp://x"}),
    ],
)
def test_a_legacy_client_whose_constructor_raised_still_has_a_repr(
    module: str, name: str, args: tuple[Any, ...], bad: dict[str, Any]
) -> None:
    """Half-built (no constructor run) or holding a refused URL: the repr works and shows no secret.

    The vendors' constructors accepted any URL and failed on use, so the drop-ins mostly do too
    (issue 20); our own keyword ``base_url=`` is refused at once."""
    cls = getattr(__import__(f"smsclients.legacy.{module}", fromlist=[name]), name)
    assert name in repr(object.__new__(cls))
    (option,) = bad
    for value in (bad[option], *URLS_WITH_CREDENTIALS):
        client = object.__new__(cls)
        with contextlib.suppress(InputError):
            client.__init__(*args, **{option: value})
        text = repr(client)
        assert name in text
        _assert_clean(text)


def test_an_unusable_2xx_that_echoes_the_credentials_keeps_them_out_of_raw_body() -> None:
    echo = _echo_body("text")  # not JSON: the answer cannot be read
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=echo))
    with FlowrouteClient(KEY, SECRET, transport=transport) as fr:
        with pytest.raises(MalformedResponseError) as plain:
            fr.messages.get("mdr2-1")
        with pytest.raises(MalformedResponseError) as raw:
            fr.messages.with_raw_response.get("mdr2-1").parse()
        with pytest.raises(MalformedResponseError) as paged:
            list(fr.numbers.iter_account_numbers())
    for caught in (plain, raw, paged):
        assert caught.value.raw_body and b"<redacted>" in caught.value.raw_body
        _assert_clean(_everything(caught.value))


def test_a_network_error_that_quotes_the_url_is_redacted() -> None:
    def fail(request: httpx.Request) -> httpx.Response:
        # What reqwest-style errors look like: the URL, query and all, in the message.
        raise httpx.ConnectError(f"error sending request for url ({request.url})", request=request)

    fr = FlowrouteClient(KEY, SECRET, transport=httpx.MockTransport(fail), retry=RetryPolicy(max_retries=0))
    with fr, pytest.raises(TransportError) as caught:
        fr.download(PRESIGNED)
    assert "files.example-storage.test" in str(caught.value)
    _assert_clean(str(caught.value) + repr(caught.value) + caught.value.message)
