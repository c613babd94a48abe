"""Places as certificates write them (第十二名), up to the places of a city-wide contest."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competition.pdf.formatting import chinese_numeral, place_text

_DIGITS = "〇一二三四五六七八九"
_UNITS = {"十": 10, "百": 100, "千": 1000}


def read_back(text: str) -> int:
    """Reads a Chinese numeral the way a person does, to check the writing independently."""
    total = 0
    if "万" in text:
        high, text = text.split("万")
        total = read_back(high) * 10000
    group = 0
    digit = None
    for char in text:
        if char == "零":
            continue
        if char in _UNITS:
            group += (1 if digit is None else digit) * _UNITS[char]
            digit = None
        else:
            digit = _DIGITS.index(char)
    return total + group + (digit or 0)


@pytest.mark.parametrize(
    ("number", "text"),
    [
        (1, "一"),
        (10, "十"),
        (12, "十二"),
        (20, "二十"),
        (105, "一百零五"),
        (110, "一百一十"),
        (1001, "一千零一"),
        (9999, "九千九百九十九"),
        (10000, "一万"),
        (10005, "一万零五"),
        (10010, "一万零一十"),
        (10100, "一万零一百"),
        (11000, "一万一千"),
        (20500, "二万零五百"),
        (100000, "十万"),
        (120034, "十二万零三十四"),
        (1010000, "一百零一万"),
    ],
)
def test_worked_examples(number: int, text: str) -> None:
    assert chinese_numeral(number) == text


def test_the_ten_thousandth_place() -> None:
    assert place_text(10000) == "第一万名"


@given(st.integers(min_value=1, max_value=10**8 - 1))
def test_every_number_reads_back(number: int) -> None:
    text = chinese_numeral(number)
    assert read_back(text) == number
    assert "零零" not in text and not text.endswith("零")


@pytest.mark.parametrize("bad", [0, -1, 10**8, True, 1.0])
def test_refuses_what_is_no_place(bad: object) -> None:
    with pytest.raises(ValueError):
        chinese_numeral(bad)  # type: ignore[arg-type]
