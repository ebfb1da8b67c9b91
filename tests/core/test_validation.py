"""Input checks: the value the wire wants, or an InputError naming the field and the rule."""

from __future__ import annotations

import pytest
from smsclients import InputError, e164, max_items, nanp_11_digits, text_length


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("+61491570156", "+61491570156"),
        ("+12065551234", "+12065551234"),
        ("+1 (206) 555-1234", "+12065551234"),
        ("+442071234567", "+442071234567"),
    ],
)
def test_e164_accepts(value: str, expected: str) -> None:
    assert e164(value, "destination_number") == expected


@pytest.mark.parametrize(
    "value",
    ["0491570156", "+1", "abc", "", "+", "61491570156", "+1206555123a", "+1-800-FLOWERS", "+12065551234 ext 5", "+999"],
)
def test_e164_rejects_with_field_name(value: str) -> None:
    with pytest.raises(InputError) as info:
        e164(value, "messages[0].destination_number")
    assert info.value.field == "messages[0].destination_number"
    assert str(info.value).startswith("messages[0].destination_number: ")
    assert "E.164" in info.value.rule


def test_e164_rejects_non_string() -> None:
    with pytest.raises(InputError) as info:
        e164(61491570156, "to")  # type: ignore[arg-type]
    assert info.value.field == "to"


@pytest.mark.parametrize(("value", "expected"), [("12065551234", "12065551234"), ("+12065551234", "12065551234")])
def test_nanp_accepts(value: str, expected: str) -> None:
    assert nanp_11_digits(value, "to") == expected


@pytest.mark.parametrize(
    "value",
    ["2065551234", "+442071234567", "", "1206555123", "120655512345", "11065551234", "+1206555123x", "++12065551234"],
)
def test_nanp_rejects_with_field_name(value: str) -> None:
    with pytest.raises(InputError) as info:
        nanp_11_digits(value, "from")
    assert info.value.field == "from"
    assert "1NPANXXXXXX" in info.value.rule


def test_max_items() -> None:
    items = list(range(100))
    assert max_items("messages", items, 100) is items
    with pytest.raises(InputError) as info:
        max_items("messages", [*items, 100], 100)
    assert str(info.value) == "messages: must contain at most 100 items"
    with pytest.raises(InputError) as info:
        max_items("delivery_report_ids", [], 100, minimum=1)
    assert str(info.value) == "delivery_report_ids: must contain at least 1 item"


def test_text_length() -> None:
    assert text_length("messages[3].content", "é" * 5000, max_length=5000) == "é" * 5000  # characters, not bytes
    with pytest.raises(InputError) as info:
        text_length("messages[3].content", "x" * 5001, min_length=1, max_length=5000)
    assert str(info.value) == "messages[3].content: must be at most 5000 characters"
    with pytest.raises(InputError) as info:
        text_length("messages[3].content", "", min_length=1, max_length=5000)
    assert str(info.value) == "messages[3].content: must not be empty"
    with pytest.raises(InputError) as info:
        text_length("subject", "ab", min_length=3, max_length=64)
    assert info.value.rule == "must be at least 3 characters"
