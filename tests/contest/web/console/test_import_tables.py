"""How the imports read a table's cells: counters, contest numbers, identity numbers, scores,
footers (competition.core.import_tables, without the pages)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from competition.core import import_tables as tables


def test_a_counter_is_told_from_contest_numbers():
    assert tables.is_counter([1, 2, 3, 4])
    assert tables.is_counter(["1", "2", "3"])
    assert tables.is_counter([5.0, 6.0])
    assert not tables.is_counter(["001", "002", "003"])  # shown with zeros: numbers
    assert not tables.is_counter([3, 1, 2])
    assert not tables.is_counter([1])
    assert not tables.is_counter(["A1", "A2"])


def test_contest_numbers_keep_and_regain_their_zeros():
    assert tables.contest_numbers([1, "007", " ０２０ ", None, "a-1"]) == [
        "001",
        "007",
        "020",
        None,
        "A-1",
    ]
    assert tables.contest_numbers([5, 12.0]) == ["005", "012"]  # the default width
    assert tables.contest_numbers([5], registered=["0001"]) == ["0005"]
    assert tables.contest_numbers([5, "12"]) == ["05", "12"]  # the column's own width
    # CSV: all text; "7" lost its zeros where the others show theirs, "12" was typed so
    assert tables.contest_numbers(["7", "008", "009"]) == ["007", "008", "009"]
    assert tables.contest_numbers(["7", "12"]) == ["7", "12"]


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("１１０１０５１９４９１２３１００２ｘ", ("11010519491231002X", False)),
        ("110105 19491231 002x", ("11010519491231002X", False)),
        ("3.70102E+17", (None, True)),
        ("3.70102e17", (None, True)),
        (110105194912310020, (None, True)),
        (1.1e17, (None, True)),
        ("", (None, False)),
    ],
)
def test_identity_numbers_are_ascii_or_named_as_mangled(cell, expected):
    number, problem = tables.identity_number(cell)
    assert (number, problem is not None) == expected
    if problem is not None:
        assert "Excel" in str(problem)


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("８６．５", Decimal("86.5")),
        ("86。5", Decimal("86.5")),
        (86.5, Decimal("86.5")),
        (0.1 + 0.2, Decimal("0.30000000000000004")),  # refused later: more than 2 places
        (90, Decimal(90)),
        ("八十", None),
        ("nan", None),
        (True, None),
    ],
)
def test_scores_are_read_as_typed(cell, expected):
    assert tables.decimal(cell) == expected


@pytest.mark.parametrize(
    "row",
    [
        [None, "填表人：张三", None, "联系电话：13800000000"],
        ["合计", "8 人"],
        ["合计8人"],
        ["共 12 人"],
        ["审核人："],
        ["日期: 2026-03-01"],
        ["2026年3月1日"],
        [datetime(2026, 3, 1)],
        ["注：身份证号请填写 18 位"],
        ["单位（盖章）："],
    ],
)
def test_footers_are_recognised(row):
    assert tables.footer_text(row) is not None


@pytest.mark.parametrize(
    "row",
    [
        ["张三", "合计科技有限公司"],
        ["日月", "单位1"],
        [1, "注册", "单位1"],
        ["王伟", "北京（盖章车间）"],
    ],
)
def test_people_are_not_footers(row):
    assert tables.footer_text(row) is None


def test_headings_with_notes_and_marks_are_recognised():
    headings = {"id": tables.ID_NUMBER, "unit": tables.UNIT, "number": tables.NUMBER}
    assert tables.heading_key("身份证号码（18位）", headings) == "id"
    assert tables.heading_key("单位名称（盖章）*", headings) == "unit"
    assert tables.heading_key("所属单位：", headings) == "unit"
    assert tables.heading_key("单位（全称）", headings) == "unit"
    assert tables.heading_key(" 准考证号 ", headings) == "number"
    assert tables.heading_key("序号", headings) is None
