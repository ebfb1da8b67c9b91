"""The sandbox bills exactly the segments smsclients.estimate predicts, for arbitrary texts.

The sandbox has its own segment count (it shares no code with the clients) over the same GSM 03.38
codec: these property tests send random texts through each provider surface and compare what the
sandbox billed (its stats, Bandwidth's ``segmentCount``, Flowroute's amount) with ``estimate()``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from smsclients.sending.estimate import estimate
from smsclients_sandbox import SandboxHandle

from tests.sandbox.helpers import bw_message, client, fr_message, mm_message

# GSM-7 characters (extension ones included) mixed with anything else: both encodings and
# every kind of boundary come up. Lone surrogates cannot travel as JSON text.
GSM = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCXYZÄÖÑÜ§¿abcxyzäöñüà{}[]~\\|^€\x0c"
TEXTS = st.one_of(
    st.text(alphabet=GSM, min_size=1, max_size=480),
    st.text(alphabet=st.sampled_from(GSM) | st.characters(exclude_categories=["Cs"]), min_size=1, max_size=300),
    st.text(alphabet=st.sampled_from("a€\U0001f600\u201c"), min_size=1, max_size=220),
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _billed(sb: SandboxHandle, surface: str) -> int:
    return int(sb.stats()["segments"][surface])


@SETTINGS
@given(text=TEXTS)
def test_bandwidth_segment_count(sandbox_server: SandboxHandle, text: str) -> None:
    before = _billed(sandbox_server, "bandwidth-messaging-v1")
    with client(sandbox_server, "bandwidth-messaging-v1") as bw:
        answer = bw.post("/users/u/messages", json=bw_message(text))
        assert answer.status_code == 201, answer.text
        message: Any = bw.get(answer.headers["Location"]).json()
    expected = estimate(text).segments
    assert message["segmentCount"] == expected
    assert _billed(sandbox_server, "bandwidth-messaging-v1") - before == expected


@SETTINGS
@given(text=TEXTS)
def test_messagemedia_billed_segments(sandbox_server: SandboxHandle, text: str) -> None:
    before = _billed(sandbox_server, "messagemedia-messages-v1")
    with client(sandbox_server, "messagemedia-messages-v1") as mm:
        answer = mm.post("/v1/messages", json={"messages": [mm_message(text)]})
        assert answer.status_code == 202, answer.text
    assert _billed(sandbox_server, "messagemedia-messages-v1") - before == estimate(text).segments


@SETTINGS
@given(text=TEXTS)
def test_flowroute_billed_segments_and_encoding(sandbox_server: SandboxHandle, text: str) -> None:
    before = _billed(sandbox_server, "flowroute-v2")
    with client(sandbox_server, "flowroute-v2") as fr:
        answer = fr.post("/v2.1/messages", **fr_message(text))
        assert answer.status_code == 202, answer.text
        record: Any = fr.get(f"/v2.1/messages/{answer.json()['data']['id']}").json()
    result = estimate(text)
    assert _billed(sandbox_server, "flowroute-v2") - before == result.segments
    attributes = record["data"]["attributes"]
    assert attributes["amount_nanodollars"] == 4_000_000 * result.segments
    assert attributes["message_encoding"] == (0 if result.encoding == "GSM-7" else 8)
