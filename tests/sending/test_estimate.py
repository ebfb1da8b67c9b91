"""Known answers of smsclients.estimate: encodings and segment counts at every boundary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import smsclients
import yaml
from smsclients.cli import main
from smsclients.errors import ArgumentError, InputError
from smsclients.sending.estimate import estimate

EMOJI = "\U0001f600"  # two UTF-16 code units
SPECS = Path(__file__).resolve().parents[2] / "specs"


@pytest.mark.parametrize(
    ("length", "segments"),
    [(1, 1), (159, 1), (160, 1), (161, 2), (306, 2), (307, 3), (459, 3), (460, 4)],
)
def test_gsm7_boundaries(length: int, segments: int) -> None:
    result = estimate("a" * length)
    assert (result.encoding, result.characters, result.units, result.segments) == ("GSM-7", length, length, segments)
    assert result.units_per_segment == (160 if segments == 1 else 153)
    assert result.ucs2_characters == ()


@pytest.mark.parametrize(
    ("length", "segments"),
    [(69, 1), (70, 1), (71, 2), (134, 2), (135, 3), (201, 3), (202, 4)],
)
def test_ucs2_boundaries(length: int, segments: int) -> None:
    text = "\u201c" + "a" * (length - 1)  # a smart quote switches the whole text to UCS-2
    result = estimate(text)
    assert (result.encoding, result.units, result.segments) == ("UCS-2", length, segments)
    assert result.units_per_segment == (70 if segments == 1 else 67)


@pytest.mark.parametrize("character", [*"{}[]~\\|^€", "\x0c"])
def test_extension_characters_count_twice(character: str) -> None:
    assert estimate(character).units == 2
    assert estimate(character * 80).segments == 1  # 160 septets
    assert estimate(character * 80 + "a").segments == 2


def test_an_escape_pair_is_never_split_across_segments() -> None:
    # 152 plain septets, then an extension character: the pair would straddle 153, so it moves on.
    assert estimate("a" * 152 + "€" + "a" * 152).segments == 3  # 152 | 2+151 | 1
    assert estimate("a" * 151 + "€" + "a" * 153).segments == 2  # 153 | 153
    assert estimate("a" * 152 + "€" + "a" * 151).segments == 2  # 152 | 153
    result = estimate("a" * 152 + "€" + "a" * 152)
    assert result.units == 306  # 306 septets alone would fit two segments


def test_emoji_are_surrogate_pairs_never_split() -> None:
    assert estimate(EMOJI * 35).units == 70
    assert estimate(EMOJI * 35).segments == 1
    assert estimate(EMOJI * 35 + "a").segments == 2
    # 66 units, then an emoji that would straddle 67: it starts the next segment.
    assert estimate("\u201c" + "a" * 65 + EMOJI + "a" * 66).segments == 3  # 66 | 2+65 | 1
    assert estimate("\u201c" + "a" * 65 + EMOJI + "a" * 66).units == 134  # 134 units alone would fit two
    assert estimate("\u201c" + "a" * 65 + EMOJI + "a" * 64).segments == 2  # 66 | 66
    assert estimate("\u201c" + "a" * 64 + EMOJI + "a" * 67).segments == 2  # 67 | 67
    result = estimate("x" + EMOJI)
    assert (result.encoding, result.characters, result.units) == ("UCS-2", 2, 3)


def test_the_characters_that_force_ucs2_and_their_positions() -> None:
    result = estimate("It\u2019s 5 \u20ac \u2014 ok " + EMOJI)
    assert result.encoding == "UCS-2"
    found = [(c.position, c.character, c.name) for c in result.ucs2_characters]
    assert found == [
        (2, "\u2019", "RIGHT SINGLE QUOTATION MARK"),
        (9, "\u2014", "EM DASH"),
        (14, EMOJI, "GRINNING FACE"),
    ]


def test_gsm7_alphabet_comes_from_the_codec() -> None:
    # Accented letters of GSM 03.38 stay GSM-7; others (and the bare escape) do not.
    assert estimate("àèéìòùÄÖÑÜ§¿£¥ΔΦΓΛΩΠΨΣΘΞ@$_\n\r").encoding == "GSM-7"
    assert estimate("â").encoding == "UCS-2"
    assert estimate("\x1b").encoding == "UCS-2"


def test_normalize_replaces_lookalikes_and_reports_them() -> None:
    result = estimate("\u201cHi\u201d \u2013 it\u2019s\u00a0here\u2026", normalize=True)
    assert result.text == '"Hi" - it\'s here...'
    assert result.encoding == "GSM-7"
    assert [(r.position, r.original, r.replacement) for r in result.replacements] == [
        (0, "\u201c", '"'),
        (3, "\u201d", '"'),
        (5, "\u2013", "-"),
        (9, "\u2019", "'"),
        (11, "\u00a0", " "),
        (16, "\u2026", "..."),
    ]
    assert estimate("plain", normalize=True).replacements == ()
    # Without normalize nothing changes.
    assert estimate("\u2019").text == "\u2019"
    assert estimate("\u2019").replacements == ()
    # An emoji is no look-alike: still UCS-2 after normalization.
    assert estimate("\u2019" + EMOJI, normalize=True).encoding == "UCS-2"


def _spec_max_length(spec: str, *path: str) -> int | None:
    node = yaml.safe_load((SPECS / spec).read_text())
    for key in path:
        node = node[key]
    limit = node.get("maxLength")
    return None if limit is None else int(limit)


def test_provider_max_length_is_the_specs() -> None:
    schemas = ("components", "schemas")
    expected = {
        "bandwidth": _spec_max_length(
            "bandwidth-messaging-v1.yaml", *schemas, "SendMessageRequest", "properties", "text"
        ),
        "messagemedia": _spec_max_length(
            "messagemedia-messages-v1.yaml", *schemas, "NewMessage", "properties", "content"
        ),
        "flowroute": _spec_max_length(
            "flowroute-messages-v2.yaml", *schemas, "SendMessageRequest", "properties", "body"
        ),
    }
    assert expected["bandwidth"] is not None and expected["messagemedia"] is not None
    for provider, limit in expected.items():
        result = estimate("hi", provider=provider)
        assert (result.provider, result.max_length, result.too_long) == (provider, limit, False)
    assert estimate("a" * (expected["bandwidth"] + 1), provider="bandwidth").too_long
    assert not estimate("a" * expected["bandwidth"], provider="bandwidth").too_long
    with pytest.raises(InputError, match="provider: must be one of bandwidth, flowroute, messagemedia, not 'nope'"):
        estimate("hi", provider="nope")


def test_bad_input_is_a_typed_error() -> None:
    with pytest.raises(ArgumentError, match="text must be a str"):
        estimate(b"bytes")  # type: ignore[arg-type]


def test_empty_text_is_one_segment() -> None:
    assert estimate("").segments == 1


def test_top_level_export() -> None:
    assert smsclients.estimate is estimate
    assert "estimate" in smsclients.__all__


def test_cli_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", "--json", "a" * 161]) == 0
    document = json.loads(capsys.readouterr().out)
    assert (document["encoding"], document["segments"], document["units"]) == ("GSM-7", 2, 161)
    assert main(["estimate", "--json", "--normalize", "it\u2019s"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["text"] == "it's"
    assert document["replacements"] == [{"position": 2, "original": "\u2019", "replacement": "'"}]


def test_cli_text_and_too_long(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["estimate", "x\u201c"]) == 0
    out = capsys.readouterr().out
    assert "encoding: UCS-2" in out
    assert "forces UCS-2: '\u201c' at 1 (LEFT DOUBLE QUOTATION MARK)" in out
    assert main(["estimate", "--provider", "bandwidth", "a" * 5000]) == 2
    assert "bandwidth accepts at most 2048 characters" in capsys.readouterr().out
