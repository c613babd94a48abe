"""The marking-scheme rules (scoring.schemes): worked examples from the issue and domain.md,
and properties that hold for every scheme."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from competition.scoring import aggregate_hundredths, aggregate_units
from competition.scoring.schemes import (
    DEDUCTION,
    JUDGEMENT,
    MEASUREMENT,
    UNITS_PER_POINT,
    SchemeItem,
    earned_units,
    is_dispute,
    item_points_display,
    item_value_problem,
    judge_units,
    scheme_problems,
    units_display,
)

D = Decimal
PER_HUNDREDTH = UNITS_PER_POINT // 100
M1 = SchemeItem("M1", MEASUREMENT, "40±0.02", D("4"), D("40.000"), D("-0.020"), D("0.020"))
J1 = SchemeItem("J1", JUDGEMENT, "表面质量", D("6"))
D1 = SchemeItem("D1", DEDUCTION, "安全文明生产", D("5"))
SCHEME = (M1, J1, D1)


def component_score(marks: list[int]) -> Decimal:
    return aggregate_units(len(marks), sum(marks), min(marks), max(marks), PER_HUNDREDTH)


def test_the_contracts_example_is_a_valid_scheme_of_ten_points():
    assert scheme_problems(SCHEME, D("10"), 1) == []


def test_a_dimension_exactly_on_its_limit_earns_its_points():
    assert earned_units(M1, D("40.020")) == 4 * UNITS_PER_POINT
    assert earned_units(M1, D("39.980")) == 4 * UNITS_PER_POINT
    assert earned_units(M1, D("40.021")) == 0
    assert earned_units(M1, D("39.979")) == 0


def test_three_judges_one_one_two_on_a_ten_point_judgement_item():
    item = SchemeItem("J1", JUDGEMENT, "表面质量", D("10"))
    marks = [judge_units([item], {"J1": D(v)}) for v in (1, 1, 2)]
    assert marks == [1000, 1000, 2000]  # 10/3, 10/3, 20/3 points, exact
    assert units_display(marks[0]) == D("3.33")
    # The mean of the exact marks, 40/9 = 4.444…, rounded once; not the mean of 3.33s.
    assert component_score(marks) == D("4.44")


def test_a_deduction_larger_than_the_rest_floors_at_zero():
    values = {"M1": D("40.000"), "J1": D("0"), "D1": D("5")}
    assert judge_units(SCHEME, values) == 0


def test_deductions_not_yet_entered_count_as_none_but_marked_items_are_required():
    assert judge_units(SCHEME, {"M1": D("40"), "J1": D("3")}) == 10 * UNITS_PER_POINT
    assert judge_units(SCHEME, {"M1": D("40"), "D1": D("1")}) is None


def test_five_judges_with_a_scheme_are_trimmed():
    item = SchemeItem("J1", JUDGEMENT, "工艺", D("10"))
    marks = [judge_units([item], {"J1": D(v)}) for v in (0, 1, 2, 3, 3)]
    # 0 and one 10 dropped: (10/3 + 20/3 + 10) / 3 = 6.666… → 6.67
    assert component_score(marks) == D("6.67")


def test_a_spread_of_exactly_the_allowed_value_is_not_a_dispute():
    assert not is_dispute([1, 2, 2], 1)
    assert is_dispute([1, 3, 2], 1)
    assert not is_dispute([0, 3], None)
    assert not is_dispute([2], 0)
    assert is_dispute([2, 3], 0)


def test_typed_marks_aggregate_the_same_in_units_as_in_hundredths():
    hundredths = [8333, 9000, 7512]
    units = [h * PER_HUNDREDTH for h in hundredths]
    assert component_score(units) == aggregate_hundredths(
        3, sum(hundredths), min(hundredths), max(hundredths)
    )


def test_what_is_refused_in_a_scheme():
    bad = (
        SchemeItem("M1", MEASUREMENT, "40", D("4"), D("40"), D("0.02"), D("-0.02")),
        SchemeItem("M1", JUDGEMENT, "重复", D("6")),
        SchemeItem("X", "guess", "?", D("1")),
        SchemeItem("J2", JUDGEMENT, "带尺寸", D("1"), D("1"), None, None),
    )
    problems = scheme_problems(bad, D("10"), 5)
    text = "\n".join(problems)
    assert "下偏差不能大于上偏差" in text
    assert "M1 重复" in text
    assert "未知的类型“guess”" in text
    assert "只有测量项有公称尺寸和偏差" in text
    assert "0 到 3 的整数" in text
    assert scheme_problems((M1, J1), D("100"), None) == [
        "测量项和评价项的分值之和须等于该评分项的满分 100，现为 10"
    ]
    assert scheme_problems((D1,), D("5"), None) == ["评分细则至少需要一个测量项或评价项"]


def test_what_a_judge_may_enter():
    assert item_value_problem(M1, D("40.0205")) == "实测尺寸最多保留 3 位小数"
    assert item_value_problem(J1, D("1.5")) == "表面质量的评价分应为 0、1、2 或 3"
    assert item_value_problem(J1, D("4")) is not None
    assert item_value_problem(J1, D("3.0")) is None
    assert item_value_problem(D1, D("5.01")) == "安全文明生产的扣分应在 0 到 5 之间"
    assert item_points_display(J1, D("1")) == D("2.00")
    assert item_points_display(D1, D("1.5")) == D("1.50")


# --- properties ---------------------------------------------------------------------------

hundredths = st.integers(min_value=1, max_value=5000)


@st.composite
def schemes_and_marks(draw: st.DrawFn) -> tuple[list[SchemeItem], Decimal, list[dict]]:
    items: list[SchemeItem] = []
    for n in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from((MEASUREMENT, JUDGEMENT, DEDUCTION)))
        points = D(draw(hundredths)).scaleb(-2)
        if kind == MEASUREMENT:
            nominal = D(draw(st.integers(1000, 100000))).scaleb(-3)
            lower = -D(draw(st.integers(0, 100))).scaleb(-3)
            upper = D(draw(st.integers(0, 100))).scaleb(-3)
            items.append(SchemeItem(f"M{n}", kind, "尺寸", points, nominal, lower, upper))
        else:
            items.append(SchemeItem(f"X{n}", kind, "项目", points))
    if not any(i.counts_to_maximum for i in items):
        items.append(SchemeItem("J", JUDGEMENT, "工艺", D("1")))
    maximum = sum((i.points for i in items if i.counts_to_maximum), D(0))
    judges = []
    for _ in range(draw(st.integers(1, 7))):
        values: dict[str, Decimal] = {}
        for item in items:
            if item.kind == MEASUREMENT:
                assert item.nominal is not None
                offset = D(draw(st.integers(-200, 200))).scaleb(-3)
                values[item.code] = max(item.nominal + offset, D(0))
            elif item.kind == JUDGEMENT:
                values[item.code] = D(draw(st.integers(0, 3)))
            elif draw(st.booleans()):
                values[item.code] = D(draw(st.integers(0, int(item.points * 100)))).scaleb(-2)
        judges.append(values)
    return items, maximum, judges


@given(schemes_and_marks())
def test_a_schemes_component_score_stays_within_zero_and_its_maximum(case):
    items, maximum, judges = case
    assert scheme_problems(items, maximum, None) == []
    marks = []
    for values in judges:
        for item in items:
            if item.code in values:
                assert item_value_problem(item, values[item.code]) is None
        mark = judge_units(items, values)
        assert mark is not None
        assert 0 <= mark <= maximum * UNITS_PER_POINT
        marks.append(mark)
    score = component_score(marks)
    assert D(0) <= score <= maximum


@given(st.lists(st.integers(0, 3), min_size=2, max_size=7), st.integers(0, 3))
def test_a_dispute_is_exactly_a_spread_beyond_the_limit(judgements, limit):
    assert is_dispute(judgements, limit) == (max(judgements) - min(judgements) > limit)
