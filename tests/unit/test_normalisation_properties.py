"""The one normalisation (competition/normalise.py): worked examples from the field, and the
properties that make it safe to apply anywhere: it is idempotent, and what a full-width input
method types equals what an ASCII keyboard types."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from competition.core import normalise
from competition.core.id_numbers import check_id_number


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("王  伟", "王伟"),
        ("孙　丽", "孙丽"),
        (" 欧阳 娜娜 ", "欧阳娜娜"),
        ("买买提・艾力", "买买提·艾力"),
        ("买买提 · 艾力", "买买提·艾力"),
        ("  John   Smith ", "John Smith"),
        ("Ｌｉ Ｌｅｉ", "Li Lei"),
    ],
)
def test_person_names(typed, stored):
    assert normalise.person_name(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("中国石化（北京）有限公司", "中国石化（北京）有限公司"),
        ("中国石化(北京)有限公司", "中国石化（北京）有限公司"),
        ("中国石化 ( 北京 ) 有限公司", "中国石化（北京）有限公司"),
        ("ＡＢＣ精密机械厂", "ABC精密机械厂"),
        ("Acme (Beijing) Ltd", "Acme (Beijing) Ltd"),
    ],
)
def test_unit_names(typed, stored):
    assert normalise.unit_name(typed) == stored


def test_numbers_identity_numbers_and_scores():
    assert normalise.contest_number("００１") == "001"
    assert normalise.contest_number(" a07 ") == "A07"
    full_width = "１１０１０５１９４９１２３１００２ｘ"
    assert normalise.id_number(full_width) == "11010519491231002X"
    assert check_id_number(normalise.id_number(full_width)) is None
    assert normalise.decimal_text("８６．５") == "86.5"
    assert normalise.decimal_text("86。5") == "86.5"
    assert normalise.heading("身份证号码（18位）") == "身份证号码"
    assert normalise.heading("单位名称（盖章）") == "单位名称"
    assert normalise.heading(" 姓 名： ") == "姓名"
    assert normalise.absence_status(" 缺考 ") == "absent"
    assert normalise.absence_status("弃 权") == "withdrawn"
    assert normalise.absence_status("86") is None


_CHINESE = st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5)
_TEXT = st.text(
    alphabet=st.one_of(
        _CHINESE,
        st.sampled_from(" \u3000()（）·・-ＡＢａｂ１２12abAB"),
    ),
    max_size=12,
)


@given(_TEXT)
def test_every_normalisation_is_idempotent(value):
    for function in (
        normalise.person_name,
        normalise.unit_name,
        normalise.contest_number,
        normalise.id_number,
        normalise.decimal_text,
        normalise.heading,
    ):
        once = function(value)
        assert function(once) == once


def _full_width(text: str) -> str:
    """What an input method in full-width mode types for ASCII letters, digits and brackets."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


@given(st.text(alphabet=st.sampled_from("0123456789.()AbX 王伟北京"), max_size=14))
def test_full_width_typing_equals_ascii_typing(value):
    wide = _full_width(value)
    assert unicodedata.normalize("NFKC", wide) == value
    for function in (
        normalise.person_name,
        normalise.unit_name,
        normalise.contest_number,
        normalise.id_number,
        normalise.decimal_text,
    ):
        assert function(wide) == function(value)


@given(st.lists(_CHINESE, min_size=2, max_size=4), st.lists(st.sampled_from(" \u3000"), max_size=3))
def test_padding_inside_a_chinese_name_never_changes_it(characters, padding):
    padded = characters[0] + "".join(padding) + "".join(characters[1:])
    assert normalise.person_name(padded) == "".join(characters)
