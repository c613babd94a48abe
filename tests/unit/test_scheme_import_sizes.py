"""Sizes and tolerances as a 评分表 writes them (services.imports_schemes): what is read, and
what is refused rather than guessed."""

from __future__ import annotations

from decimal import Decimal

import pytest

from competition.contest.services.imports_schemes import (
    number_in_text,
    parse_deviation,
    parse_size,
    size_in_text,
)

D = Decimal


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("±0.02", (D("-0.02"), D("0.02"))),
        ("±０．０２", (D("-0.02"), D("0.02"))),
        ("+0.02/-0.01", (D("-0.01"), D("0.02"))),
        ("＋0.02／－0.01", (D("-0.01"), D("0.02"))),
        ("-0.01~+0.02", (D("-0.01"), D("0.02"))),
        ("+0.02 -0.01", (D("-0.01"), D("0.02"))),
        ("0/-0.02", (D("-0.02"), D(0))),
        ("+0.05/+0.02", (D("0.02"), D("0.05"))),
        ("+0.1", (D(0), D("0.1"))),
        ("−0.1", (D("-0.1"), D(0))),
    ],
)
def test_deviations_as_written(text, expected):
    assert parse_deviation(text) == expected


@pytest.mark.parametrize("text", ["0.02", "h7", "±", "+0.02/", "约0.02", ""])
def test_a_deviation_that_could_be_either_side_or_none_is_not_guessed(text):
    assert parse_deviation(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("40", (D(40), None, None)),
        ("Φ４０", (D(40), None, None)),
        ("40±0.02", (D(40), D("-0.02"), D("0.02"))),
        ("φ40+0.02/-0.01", (D(40), D("-0.01"), D("0.02"))),
        ("R5-0.1", (D(5), D("-0.1"), D(0))),
        ("40h7", None),
        ("四十", None),
    ],
)
def test_sizes_as_written(text, expected):
    assert parse_size(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("外径Φ40±0.02", (D(40), D("-0.02"), D("0.02"))),
        ("长度 60 +0.05/-0.05", (D(60), D("-0.05"), D("0.05"))),
        ("深5-0.1", (D(5), D("-0.1"), D(0))),
        ("Ra1.6", None),
        ("2-M6", None),
        ("表面质量", None),
    ],
)
def test_a_size_in_an_items_name(text, expected):
    assert size_in_text(text) == expected


def test_the_one_number_of_a_name_is_its_nominal_size():
    assert number_in_text("孔深 ２０") == D(20)
    assert number_in_text("2 处 Φ10") is None  # two numbers: which one?
    assert number_in_text("表面质量") is None
