"""When a score sheet counts: second-entry row states and the sign-off rule, as pure values."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from competition.scoring import sheets
from competition.scoring.sheets import SheetCounts, second_entry_state


@pytest.mark.parametrize(
    ("first", "second", "settled", "state"),
    [
        (None, None, None, sheets.ROW_EMPTY),
        (None, D("80"), None, sheets.ROW_AWAITING_FIRST),
        (D("80"), None, None, sheets.ROW_AWAITING_SECOND),
        (D("80.00"), D("80"), None, sheets.ROW_MATCH),
        (D("81"), D("18"), None, sheets.ROW_MISMATCH),
        (D("81"), D("18"), D("81"), sheets.ROW_SETTLED),
        # the ruling chose 81, but the mark is now 82: the question is open again
        (D("82"), D("18"), D("81"), sheets.ROW_MISMATCH),
    ],
)
def test_second_entry_state(first, second, settled, state):
    assert second_entry_state(first, second, settled) == state
    assert sheets.is_checked(state) == (state in (sheets.ROW_MATCH, sheets.ROW_SETTLED))


def test_a_complete_sheet_without_second_entry_may_be_signed():
    counts = SheetCounts(expected=3, entered=3)
    assert counts.complete and counts.verified and counts.sign_refusal() is None
    assert SheetCounts(expected=3, entered=3, signed=True).sign_refusal() == "该评分表已签字"


def test_an_empty_or_incomplete_sheet_may_not_be_signed():
    assert SheetCounts(expected=3, entered=1).sign_refusal() == "还有 2 行未评分，不能签字"
    assert SheetCounts(expected=0, entered=0).complete is False


def test_second_entry_must_agree_on_every_row_before_signing():
    waiting = SheetCounts(expected=3, entered=3, second_entry_required=True, checked=2)
    assert not waiting.verified
    assert waiting.sign_refusal() == "二次录入尚未完成（已核对 2/3 行）"
    differing = SheetCounts(
        expected=3, entered=3, second_entry_required=True, checked=2, mismatched=1
    )
    assert differing.sign_refusal() == "二次录入有 1 行不一致，须先核定"
    done = SheetCounts(expected=3, entered=3, second_entry_required=True, checked=3)
    assert done.verified and done.sign_refusal() is None
