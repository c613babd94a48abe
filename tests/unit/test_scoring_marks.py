"""Worked examples for marks, component scores and weighted totals (domain.md, api-v1.md)."""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from competition.scoring import Component, aggregate_marks, round_half_up, weighted_total

D = Decimal

REFERENCE = (
    Component("theory", D("0.30")),
    Component("practical", D("0.70")),
    Component("time_used", D("0"), higher_is_better=False),
)


class TestRoundHalfUp:
    @pytest.mark.parametrize(
        ("value", "expected"),
        [
            ("90", "90.00"),
            ("83.335", "83.34"),
            ("83.345", "83.35"),  # banker's rounding would give 83.34
            ("83.3449999", "83.34"),
            ("0.005", "0.01"),
            ("0.004", "0.00"),
            ("100", "100.00"),
            ("-0.005", "-0.01"),
        ],
    )
    def test_two_places_half_up(self, value: str, expected: str) -> None:
        result = round_half_up(D(value))
        assert str(result) == expected
        assert result.as_tuple().exponent == -2

    def test_other_places(self) -> None:
        assert str(round_half_up(D("2.5"), 0)) == "3"
        assert str(round_half_up(D("1.2345"), 3)) == "1.235"

    def test_ignores_global_context(self) -> None:
        with decimal.localcontext() as ctx:
            ctx.rounding = decimal.ROUND_HALF_EVEN
            ctx.prec = 3
            assert str(round_half_up(D("83.345"))) == "83.35"

    def test_huge_value_stays_exact(self) -> None:
        assert round_half_up(D("1E+40")) == D("1E+40")

    def test_refuses_floats_and_non_finite(self) -> None:
        with pytest.raises(TypeError):
            round_half_up(83.345)  # type: ignore[arg-type]
        with pytest.raises(TypeError):
            round_half_up(True)  # type: ignore[arg-type]
        with pytest.raises(ValueError):
            round_half_up(D("NaN"))
        with pytest.raises(ValueError):
            round_half_up(D("Infinity"))


class TestAggregateMarks:
    def test_mean_rounded_half_up(self) -> None:
        # 80.003333... -> 80.00
        assert str(aggregate_marks([D("80"), D("80"), D("80.01")])) == "80.00"
        # mean exactly 83.335 -> 83.34
        assert str(aggregate_marks([D("83.33"), D("83.34")])) == "83.34"
        # mean exactly 83.345 -> 83.35, not banker's 83.34
        assert str(aggregate_marks([D("83.34"), D("83.35")])) == "83.35"

    def test_single_mark(self) -> None:
        assert str(aggregate_marks([D("90")])) == "90.00"

    def test_five_judges_drop_highest_and_lowest(self) -> None:
        # drop 100 and 60: mean(80, 85, 90) = 85
        marks = [D("60"), D("80"), D("85"), D("90"), D("100")]
        assert aggregate_marks(marks) == D("85.00")

    def test_four_judges_do_not_trim(self) -> None:
        # mean(60, 80, 90, 100) = 82.5
        assert aggregate_marks([D("60"), D("80"), D("90"), D("100")]) == D("82.50")

    def test_only_one_of_equal_extremes_dropped(self) -> None:
        # sorted 50 50 50 100 100 -> keep 50 50 100 -> 66.666... -> 66.67
        marks = [D("100"), D("50"), D("100"), D("50"), D("50")]
        assert aggregate_marks(marks) == D("66.67")

    def test_trim_from_is_a_setting(self) -> None:
        marks = [D("0"), D("3"), D("3"), D("3")]
        assert aggregate_marks(marks) == D("2.25")
        assert aggregate_marks(marks, trim_from=4) == D("3.00")
        assert aggregate_marks([D("0"), D("1"), D("3")], trim_from=3) == D("1.00")

    def test_input_order_irrelevant_and_input_untouched(self) -> None:
        marks = [D("90"), D("60"), D("100"), D("80"), D("85")]
        before = list(marks)
        assert aggregate_marks(marks) == aggregate_marks(sorted(marks)) == D("85.00")
        assert marks == before

    def test_accepts_tuples_and_ints(self) -> None:
        assert aggregate_marks((1, 2)) == D("1.50")  # type: ignore[arg-type]

    def test_empty_is_an_error(self) -> None:
        with pytest.raises(ValueError):
            aggregate_marks([])

    @pytest.mark.parametrize("trim_from", [0, 1, 2])
    def test_trim_from_below_three_is_an_error(self, trim_from: int) -> None:
        with pytest.raises(ValueError):
            aggregate_marks([D("1"), D("2")], trim_from=trim_from)

    def test_refuses_floats(self) -> None:
        with pytest.raises(TypeError):
            aggregate_marks([D("80"), 80.5])  # type: ignore[list-item]

    def test_no_double_rounding(self) -> None:
        # The true mean is 1.00499...995 (43 significant digits): just below the boundary.
        # Dividing with the default 28 digits, rounded to nearest, gives 1.005000... and then
        # 1.01; the contract's answer is 1.00.
        high = D("2.00" + "9" * 40)
        with decimal.localcontext(decimal.Context(prec=28)):
            naive = (high / 2).quantize(D("0.01"), rounding=decimal.ROUND_HALF_UP)
        assert naive == D("1.01")
        assert aggregate_marks([high, D("0")]) == D("1.00")
        # ... and exactly on the boundary it rounds up.
        assert aggregate_marks([D("2.01"), D("0")]) == D("1.01")


class TestComponent:
    def test_int_weight_becomes_decimal(self) -> None:
        component = Component("time_used", 0)  # type: ignore[arg-type]
        assert isinstance(component.weight, Decimal)
        assert component.higher_is_better is True

    @pytest.mark.parametrize("weight", [0.3, D("-0.1"), D("NaN")])
    def test_bad_weights(self, weight: object) -> None:
        with pytest.raises((TypeError, ValueError)):
            Component("theory", weight)  # type: ignore[arg-type]

    def test_empty_key(self) -> None:
        with pytest.raises(ValueError):
            Component("", D("1"))

    def test_frozen(self) -> None:
        component = Component("theory", D("0.30"))
        with pytest.raises(AttributeError):
            component.weight = D("1")  # type: ignore[misc]


class TestWeightedTotal:
    def test_thirty_seventy(self) -> None:
        scores = {"theory": D("90"), "practical": D("80")}
        total = weighted_total(scores, REFERENCE)
        assert str(total) == "83.00"

    def test_exact_and_half_up(self) -> None:
        # 0.3 * 80.01 + 0.7 * 84.76 = 24.003 + 59.332 = 83.335 -> 83.34
        assert weighted_total({"theory": D("80.01"), "practical": D("84.76")}, REFERENCE) == D(
            "83.34"
        )
        # 0.3 * 80.02 + 0.7 * 84.77 = 24.006 + 59.339 = 83.345 -> 83.35 (banker's: 83.34)
        total = weighted_total({"theory": D("80.02"), "practical": D("84.77")}, REFERENCE)
        assert str(total) == "83.35"

    def test_total_is_computed_from_rounded_scores(self) -> None:
        # theory marks 90.00 and 90.01: mean 90.005, published 90.01.
        raw_theory = (D("90.00") + D("90.01")) / 2
        assert raw_theory == D("90.005")
        theory = aggregate_marks([D("90.00"), D("90.01")])
        assert theory == D("90.01")
        practical = D("80.06")
        # From the published scores: 27.003 + 56.042 = 83.045 -> 83.05.
        # From the unrounded mean it would be 27.0015 + 56.042 = 83.0435 -> 83.04.
        assert round_half_up(D("0.30") * raw_theory + D("0.70") * practical) == D("83.04")
        assert weighted_total({"theory": theory, "practical": practical}, REFERENCE) == D("83.05")
        # Even if handed the unrounded score, the total uses what would be published.
        assert weighted_total({"theory": raw_theory, "practical": practical}, REFERENCE) == D(
            "83.05"
        )

    def test_zero_weight_component_not_needed_nor_counted(self) -> None:
        scores = {"theory": D("90"), "practical": D("80"), "time_used": D("500")}
        assert weighted_total(scores, REFERENCE) == D("83.00")
        del scores["time_used"]
        assert weighted_total(scores, REFERENCE) == D("83.00")

    def test_missing_weighted_score_is_key_error(self) -> None:
        with pytest.raises(KeyError, match="practical"):
            weighted_total({"theory": D("90")}, REFERENCE)

    def test_ignores_global_context(self) -> None:
        with decimal.localcontext() as ctx:
            ctx.prec = 2
            ctx.rounding = decimal.ROUND_HALF_EVEN
            total = weighted_total({"theory": D("80.02"), "practical": D("84.77")}, REFERENCE)
        assert str(total) == "83.35"


def test_the_rule_in_hundredths_refuses_what_is_not_a_count_of_hundredths() -> None:
    from competition.scoring import aggregate_hundredths

    assert str(aggregate_hundredths(5, 45000, 8000, 10000)) == "90.00"  # (450-80-100)/3
    assert str(aggregate_hundredths(2, 17001, 8500, 8501)) == "85.01"  # 85.005 rounds up
    with pytest.raises(ValueError, match="empty"):
        aggregate_hundredths(0, 0, 0, 0)
    with pytest.raises(TypeError, match="hundredths"):
        aggregate_hundredths(3, Decimal("270.00"), 8000, 10000)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="trim_from"):
        aggregate_hundredths(3, 27000, 8000, 10000, trim_from=2)
