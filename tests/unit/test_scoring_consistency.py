"""Judge consistency rules (`scoring.consistency`): worked examples a chief judge can check by
hand, then properties over random panels against exact oracles."""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.scoring import aggregate_marks, aggregate_units, component_consistency
from competition.scoring.consistency import (
    fraction_half_up,
    is_outlier,
    median,
    outlier_distance,
    panel_score,
    rank_correlation,
    ranks,
)

SETTINGS = settings(max_examples=200, deadline=None)
F = Fraction


def _by_judge(results):
    return {r.judge_id: r for r in results}


# ---------------------------------------------------------------- worked examples
def test_a_judge_always_two_points_above_the_panel_has_a_mean_difference_of_2_00() -> None:
    # Five judges: the lenient one (1) is the highest and is trimmed, so the panel's score is
    # exactly what the other four agree on, and judge 1 sits 2 points above it every time.
    marks = {
        c: {1: base + 2, 2: base, 3: base, 4: base, 5: base}
        for c, base in ((101, 70), (102, 80), (103, 90), (104, 60))
    }
    found = _by_judge(component_consistency(marks, 100, 15))
    assert found[1].marks == 4
    assert found[1].mean_difference == Decimal("2.00")
    assert str(found[1].mean_difference) == "2.00"
    assert found[2].mean_difference == Decimal("0.00")
    assert found[1].flagged == ()


def test_a_severe_judge_has_a_negative_mean_difference() -> None:
    # Three judges, no trimming: the panel's score is the mean (base - 1), judge 3 is 2 below it.
    marks = {c: {1: base, 2: base, 3: base - 3} for c, base in ((1, 70), (2, 80), (3, 90))}
    assert _by_judge(component_consistency(marks, 100, 15))[3].mean_difference == Decimal("-2.00")


def test_order_agreeing_with_the_panel_is_1_and_the_reverse_is_minus_1() -> None:
    agree = component_consistency(
        {1: {1: 60, 2: 61}, 2: {1: 70, 2: 72}, 3: {1: 80, 2: 83}, 4: {1: 90, 2: 99}}, 100, 50
    )
    assert [r.rank_correlation for r in agree] == [Decimal("1.00"), Decimal("1.00")]
    # Judge 3 orders four contestants exactly backwards; five judges, so the panel's order is
    # the other four's.
    reverse = {
        c: {1: base, 2: base, 3: base, 4: base, 5: 100 - base}
        for c, base in ((1, 60), (2, 70), (3, 80), (4, 90))
    }
    found = _by_judge(component_consistency(reverse, 100, 100))
    assert found[5].rank_correlation == Decimal("-1.00")
    assert str(found[5].rank_correlation) == "-1.00"
    assert found[1].rank_correlation == Decimal("1.00")


def test_rank_correlation_is_none_below_3_contestants_or_without_variance() -> None:
    two = component_consistency({1: {1: 60, 2: 61}, 2: {1: 70, 2: 72}}, 100, 15)
    assert [r.rank_correlation for r in two] == [None, None]
    assert two[0].marks == 2
    flat = component_consistency({c: {1: 75, 2: 60 + c} for c in (1, 2, 3)}, 100, 50)
    assert _by_judge(flat)[1].rank_correlation is None  # judge 1 gave everyone 75
    assert rank_correlation([F(1), F(2), F(3)], [F(5), F(5), F(5)]) is None


def test_ties_take_the_mean_of_their_ranks() -> None:
    assert ranks([F(80), F(70), F(80), F(90)]) == [F(5, 2), F(1), F(5, 2), F(4)]
    # x has a tie, y none: Pearson's r of (1, 2.5, 2.5, 4) and (1, 2, 3, 4) is 0.9486...
    assert rank_correlation([F(1), F(2), F(2), F(3)], [F(1), F(2), F(3), F(4)]) == Decimal("0.95")


def test_a_mark_exactly_at_the_distance_is_not_flagged_and_just_beyond_it_is() -> None:
    # max 100, 15 %: 15 points from the other judges' median (70, 72, 74 → 72).
    others = {2: 70, 3: 72, 4: 74}
    at = component_consistency({1: {1: Decimal("87"), **others}}, 100, 15)
    assert _by_judge(at)[1].flagged == ()
    below = component_consistency({1: {1: Decimal("57.00"), **others}}, 100, 15)
    assert _by_judge(below)[1].flagged == ()
    beyond = component_consistency({1: {1: Decimal("87.01"), **others}}, 100, 15)
    assert _by_judge(beyond)[1].flagged == (1,)
    low = component_consistency({1: {1: Decimal("56.99"), **others}}, 100, 15)
    flag = _by_judge(low)[1].flags[0]
    assert (flag.contestant_id, flag.mark, flag.others_median) == (1, F(5699, 100), F(72))
    # a scheme-derived mark one 1/300 of a point beyond is flagged too
    exact_beyond = component_consistency({1: {1: F(87) + F(1, 300), **others}}, 100, 15)
    assert _by_judge(exact_beyond)[1].flagged == (1,)


def test_the_median_is_of_the_other_judges_only() -> None:
    # Two judges 40 apart: each is 40 from the other's mark, so both are flagged at 15 %.
    found = _by_judge(component_consistency({7: {1: 50, 2: 90}}, 100, 15))
    assert found[1].flagged == (7,) and found[2].flagged == (7,)
    assert found[1].flags[0].others_median == 90
    # with an even number of others the median is the mean of the middle two
    assert median([F(70), F(80), F(60), F(90)]) == 75


def test_the_distance_is_a_percentage_of_the_components_maximum() -> None:
    assert outlier_distance(Decimal("30"), 10) == 3
    assert outlier_distance(Decimal("12.5"), 15) == F(15, 8)
    found = component_consistency({1: {1: Decimal("26.9"), 2: 30, 3: 30}}, Decimal(30), 10)
    assert _by_judge(found)[1].flagged == (1,)
    with pytest.raises(ValueError):
        outlier_distance(100, 0)
    with pytest.raises(ValueError):
        outlier_distance(100, 101)
    with pytest.raises(TypeError):
        outlier_distance(100, True)


def test_contestants_only_one_judge_marked_do_not_count_and_lone_judges_are_left_out() -> None:
    marks = {1: {1: 70, 2: 72}, 2: {1: 10}, 3: {3: 99}}
    found = _by_judge(component_consistency(marks, 100, 15))
    assert set(found) == {1, 2}  # judge 3 marked nobody anyone else marked
    assert found[1].marks == 1 and found[1].flagged == ()


def test_flagged_contestants_are_ascending() -> None:
    marks = {c: {1: 10, 2: 90, 3: 90} for c in (9, 3, 5)}
    assert _by_judge(component_consistency(marks, 100, 15))[1].flagged == (3, 5, 9)


def test_exact_marks_of_a_scheme_count_exactly() -> None:
    # Marks of 10/3 and 20/3: the panel's score is 5.00 (the mean, exact), not 3.33 + 6.67.
    assert panel_score([F(10, 3), F(20, 3)]) == Decimal("5.00")
    assert panel_score([F(10, 3), F(10, 3), F(10, 3)]) == Decimal("3.33")


def test_floats_are_refused() -> None:
    with pytest.raises(TypeError):
        component_consistency({1: {1: 70.5, 2: 70}}, 100, 15)  # type: ignore[dict-item]


def test_rounding_half_up_never_shows_minus_zero() -> None:
    assert str(fraction_half_up(F(-1, 1000))) == "0.00"
    assert str(fraction_half_up(F(-5, 1000))) == "-0.01"
    assert str(fraction_half_up(F(5, 1000))) == "0.01"
    assert str(fraction_half_up(F(1, 3))) == "0.33"
    assert str(fraction_half_up(F(2, 3))) == "0.67"


# ---------------------------------------------------------------- properties
def half_up_oracle(value: Fraction, places: int = 2) -> Decimal:
    magnitude = math.floor(abs(value) * 10**places + F(1, 2))
    return Decimal(-magnitude if value < 0 else magnitude).scaleb(-places)


hundredths = st.integers(0, 10_000).map(lambda i: F(i, 100))
scheme_marks = st.integers(0, 30_000).map(lambda i: F(i, 300))
any_mark = st.one_of(hundredths, scheme_marks)
judges = st.integers(2, 7)


@st.composite
def panels(draw, mark=any_mark):
    """contestant -> judge -> mark; every contestant marked by 2..7 of the judges 1..7."""
    count = draw(st.integers(1, 8))
    result = {}
    for contestant in range(1, count + 1):
        chosen = draw(st.sets(st.integers(1, 7), min_size=2, max_size=7))
        result[contestant] = {judge: draw(mark) for judge in sorted(chosen)}
    return result


@SETTINGS
@given(st.fractions(min_value=-1000, max_value=1000, max_denominator=10_000))
def test_fraction_half_up_is_exact_half_up(value: Fraction) -> None:
    expected = half_up_oracle(value)
    assert fraction_half_up(value) == expected
    assert not str(fraction_half_up(value)).startswith("-0.00")


@SETTINGS
@given(st.lists(scheme_marks, min_size=1, max_size=9), st.integers(3, 6))
def test_the_panels_score_is_the_results_rule(marks: list[Fraction], trim_from: int) -> None:
    units = [int(m * 300) for m in marks]
    expected = aggregate_units(len(units), sum(units), min(units), max(units), 3, trim_from)
    assert panel_score(marks, trim_from) == expected


@SETTINGS
@given(st.lists(hundredths, min_size=1, max_size=9))
def test_the_panels_score_of_typed_marks_is_aggregate_marks(marks: list[Fraction]) -> None:
    as_decimals = [Decimal(m.numerator * 100 // m.denominator).scaleb(-2) for m in marks]
    assert panel_score(marks) == aggregate_marks(as_decimals)


@SETTINGS
@given(
    st.integers(3, 12).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 6).map(F), min_size=n, max_size=n),
            st.lists(st.integers(0, 6).map(F), min_size=n, max_size=n),
        )
    )
)
def test_rho_is_rounded_exactly_and_lies_within_minus_1_and_1(pair) -> None:
    xs, ys = pair
    rho = rank_correlation(xs, ys)
    rx, ry = ranks(xs), ranks(ys)
    mean = F(len(xs) + 1, 2)
    vx = sum((a - mean) ** 2 for a in rx)
    vy = sum((b - mean) ** 2 for b in ry)
    if vx == 0 or vy == 0:
        assert rho is None
        return
    assert rho is not None
    assert Decimal(-1) <= rho <= Decimal(1)
    cov = sum((a - mean) * (b - mean) for a, b in zip(rx, ry, strict=True))
    squared = cov**2 / (vx * vy)  # rho², exact
    n = int(abs(rho) * 100)
    assert (rho < 0) == (cov < 0 and n > 0)
    # half-up: n - 1/2 <= 100·|rho| < n + 1/2, compared as squares
    assert n == 0 or F(2 * n - 1, 200) ** 2 <= squared
    assert squared < F(2 * n + 1, 200) ** 2
    # and it agrees with the usual floating-point computation to within its rounding
    approx = float(cov) / math.sqrt(float(vx) * float(vy))
    assert abs(float(rho) - approx) <= 0.005 + 1e-9
    assert rank_correlation(ys, xs) == rho  # symmetric


@SETTINGS
@given(
    st.lists(st.integers(0, 50).map(F), min_size=3, max_size=10),
    st.lists(st.integers(0, 50).map(F), min_size=3, max_size=10),
    st.integers(1, 5),
    st.integers(0, 20),
)
def test_rho_depends_only_on_the_order(xs, ys, factor: int, offset: int) -> None:
    n = min(len(xs), len(ys))
    xs, ys = xs[:n], ys[:n]
    moved = [x * factor + offset for x in xs]
    assert rank_correlation(moved, ys) == rank_correlation(xs, ys)


@SETTINGS
@given(panels(), st.integers(0, 5000).map(lambda i: F(i, 100)), st.integers(1, 100))
def test_shifting_every_mark_changes_no_flag_no_difference_no_order(
    marks, shift: Fraction, percent: int
) -> None:
    shifted = {c: {j: v + shift for j, v in by.items()} for c, by in marks.items()}
    before = component_consistency(marks, 100, percent)
    after = component_consistency(shifted, 100, percent)  # the same maximum: the same distance
    assert [r.judge_id for r in after] == [r.judge_id for r in before]
    assert [r.marks for r in after] == [r.marks for r in before]
    assert [r.flagged for r in after] == [r.flagged for r in before]
    # the panel's scores move by the shift too (whole hundredths: rounding commutes with it)
    assert [r.mean_difference for r in after] == [r.mean_difference for r in before]
    assert [r.rank_correlation for r in after] == [r.rank_correlation for r in before]


@SETTINGS
@given(panels(), st.integers(1, 100))
def test_flags_are_exactly_the_marks_beyond_the_distance(marks, percent: int) -> None:
    distance = F(percent)  # of a maximum of 100
    for result in component_consistency(marks, 100, percent):
        expected = tuple(
            sorted(
                c
                for c, by in marks.items()
                if result.judge_id in by
                and is_outlier(
                    by[result.judge_id],
                    [v for j, v in by.items() if j != result.judge_id],
                    distance,
                )
            )
        )
        assert result.flagged == expected
        for flag in result.flags:
            assert abs(flag.difference) > distance


@SETTINGS
@given(panels(mark=hundredths), st.integers(1, 7), st.integers(0, 3000).map(lambda i: F(i, 100)))
def test_a_judge_shifted_by_c_moves_their_mean_difference_by_about_c(
    marks, judge: int, c: Fraction
) -> None:
    """The panel's score includes the judge's own mark, so it moves too, by at most c over the
    marks it averages (at least 2): the difference moves by between c/2 and c, give or take
    the roundings (each panel's score and each mean difference by up to half a hundredth)."""
    if not any(judge in by for by in marks.values()):
        return
    shifted = {
        contestant: {j: v + c if j == judge else v for j, v in by.items()}
        for contestant, by in marks.items()
    }
    before = _by_judge(component_consistency(marks, 100, 15))[judge]
    after = _by_judge(component_consistency(shifted, 100, 15))[judge]
    moved = Fraction(after.mean_difference - before.mean_difference)
    assert c / 2 - F(2, 100) <= moved <= c + F(2, 100)
    assert after.marks == before.marks


@SETTINGS
@given(panels())
def test_every_judge_who_shares_a_contestant_is_listed_once(marks) -> None:
    results = component_consistency(marks, 100, 15)
    ids = [r.judge_id for r in results]
    assert ids == sorted(set(ids))
    expected = {j for by in marks.values() if len(by) >= 2 for j in by}
    assert set(ids) == expected
    for r in results:
        assert r.marks == sum(1 for by in marks.values() if len(by) >= 2 and r.judge_id in by)
        assert r.flagged == tuple(sorted(r.flagged))
