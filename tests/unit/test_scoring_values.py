"""The rules written once in competition.scoring (issue #19): the mark value rule and its
wording, display rounding, the reference rules, the best possible total, the tie at the cut and
the finalist messages built from the rules' own errors."""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal, localcontext
from fractions import Fraction
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.scoring import (
    BAND_LABELS,
    DEFAULT_BANDS,
    FAIL,
    Component,
    CountAboveRanked,
    CountBelowMinimum,
    CutInsideTie,
    Entry,
    FinalistError,
    MarkValueRule,
    RankingIncomplete,
    defaults,
    display,
    mark_value_problem,
    max_total,
    places_message,
    rank_entries,
    round_half_up,
    score_problem,
    select_finalists,
    tie_at_cut,
    weighted_total,
    weights_problem,
)
from competition.scoring.values import PLACES, RANGE, has_places, plain

SETTINGS = settings(max_examples=300, deadline=None)
D = Decimal


def decimals(places: int, low: int = -200, high: int = 200) -> st.SearchStrategy[Decimal]:
    """Decimals in [low, high] with up to ``places`` decimal places (written with exactly
    ``places``, trailing zeros included, as a typed "83.50" is)."""
    scale = 10**places
    return st.integers(low * scale, high * scale).map(lambda i: Decimal(i).scaleb(-places))


any_value = st.integers(0, 5).flatmap(decimals)
maxima = st.integers(1, 99999).map(lambda i: Decimal(i).scaleb(-2)) | st.sampled_from(
    [D(100), D(600), D("100.00"), D("7.5"), D(1)]
)


def half_up_oracle(value: Fraction, places: int) -> Fraction:
    scaled = abs(value) * 10**places
    magnitude = math.floor(scaled + Fraction(1, 2))
    return Fraction(-magnitude if value < 0 else magnitude, 10**places)


def at_most_places(value: Decimal, places: int) -> bool:
    return (Fraction(value) * 10**places).denominator == 1


# ---------------------------------------------------------------- the mark value rule
@SETTINGS
@given(any_value, maxima)
def test_the_rule_accepts_exactly_zero_to_max_with_at_most_two_places(value, maximum) -> None:
    fits = 0 <= value <= maximum and at_most_places(value, 2)
    problem = mark_value_problem(value, maximum)
    assert (problem is None) is fits
    rule = MarkValueRule(maximum, "理论知识")
    assert (rule.problem(value) is None) is fits
    if not at_most_places(value, 2):  # places first, as the API's decimal fields check them
        assert rule.fault(value) == PLACES
        assert problem == "最多保留 2 位小数" == rule.places_message == places_message()
    elif not fits:
        assert rule.fault(value) == RANGE
        assert rule.problem(value) == f"理论知识的分数应在 0 到 {plain(maximum)} 之间"
        assert problem == f"分数应在 0 到 {plain(maximum)} 之间"


@SETTINGS
@given(st.integers(0, 8).flatmap(decimals), st.integers(0, 6))
def test_has_places_counts_significant_decimals_only(value, places) -> None:
    assert has_places(value, places) is at_most_places(value, places)
    assert has_places(value.scaleb(0) + D("0.000000"), places) is at_most_places(value, places)


def test_has_places_needs_no_decimal_context() -> None:
    long = D("1." + "0" * 60 + "1")
    assert not has_places(long, 2)
    assert has_places(D("1." + "0" * 60), 2)
    assert has_places(D("1E+40"), 2)


@pytest.mark.parametrize(
    ("value", "maximum", "name", "expected"),
    [
        (D("105"), D(100), "理论知识", "理论知识的分数应在 0 到 100 之间"),
        (D("-0.01"), D("100.00"), "理论知识", "理论知识的分数应在 0 到 100 之间"),
        (D("600.5"), D(600), "操作用时(分钟)", "操作用时(分钟)的分数应在 0 到 600 之间"),
        (D("101"), D(100), "", "分数应在 0 到 100 之间"),
        (D("83.555"), D(100), "理论知识", "最多保留 2 位小数"),
        (D("105.555"), D(100), "理论知识", "最多保留 2 位小数"),
        (D("83.500"), D(100), "理论知识", None),
        (D("-0"), D(100), "理论知识", None),
        (D(0), D(100), "理论知识", None),
        (D(100), D(100), "理论知识", None),
        (7, 10, "", None),
    ],
)
def test_the_one_wording(value, maximum, name, expected) -> None:
    assert mark_value_problem(value, maximum, name) == expected


def test_the_rule_refuses_floats_as_every_scoring_rule_does() -> None:
    with pytest.raises(TypeError):
        mark_value_problem(83.5, D(100))  # type: ignore[arg-type]


@SETTINGS
@given(maxima, st.text(max_size=8))
def test_the_script_is_served_the_rule_itself(maximum, name) -> None:
    rule = MarkValueRule(maximum, name)
    served = rule.for_script()
    assert D(served["maximum"]) == maximum and D(served["minimum"]) == 0
    assert "E" not in served["maximum"]
    assert served["places"] == 2
    assert served["range"] == rule.range_message
    assert served["places_message"] == rule.places_message


@SETTINGS
@given(any_value)
def test_review_scores_follow_the_mark_value_rule_out_of_100(value) -> None:
    problem = score_problem(value)
    fault = MarkValueRule(D(100)).fault(value)
    assert (problem is None) is (fault is None)
    if problem is not None:
        assert problem.code == {PLACES: "score_places", RANGE: "score_range"}[fault]


# ---------------------------------------------------------------- display rounding
@SETTINGS
@given(st.integers(0, 6).flatmap(lambda p: decimals(p, -1000, 1000)), st.integers(0, 4))
def test_display_is_half_up_and_agrees_with_round_half_up(value, places) -> None:
    text = display(value, places)
    assert D(text) == round_half_up(value, places)
    assert Fraction(D(text)) == half_up_oracle(Fraction(value), places)
    assert "E" not in text and "e" not in text
    decimals_written = len(text.split(".")[1]) if "." in text else 0
    assert decimals_written == places


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (D("83.345"), 2, "83.35"),  # half-even would write 83.34
        (D("83.355"), 2, "83.36"),
        (D("0.125"), 2, "0.13"),
        (D(90), 2, "90.00"),
        (D("170.5"), 0, "171"),
        (D("1E+3"), 2, "1000.00"),
    ],
)
def test_display_examples(value, places, text) -> None:
    assert display(value, places) == text


def test_display_ignores_a_half_even_global_context() -> None:
    with localcontext() as ctx:
        ctx.rounding = ROUND_HALF_EVEN
        ctx.prec = 3
        assert display(D("83.345")) == "83.35"


# ---------------------------------------------------------------- the reference rules
def test_reference_rules() -> None:
    assert dict(defaults.REFERENCE_WEIGHTS) == {"theory": D("0.30"), "practical": D("0.70")}
    assert sum(defaults.REFERENCE_WEIGHTS.values()) == 1
    assert [c.max_score for c in defaults.REFERENCE_COMPONENTS] == [D(100), D(100)]
    assert defaults.REFERENCE_TIE_BREAKS == ("practical",)
    assert defaults.MIN_FINALISTS_PER_UNIT == 3
    assert [(b.key, b.minimum) for b in DEFAULT_BANDS.bands] == [
        ("excellent", D(85)),
        ("pass", D(60)),
    ]
    assert DEFAULT_BANDS.recommend_from == "pass"
    assert {k: BAND_LABELS[k] for k in DEFAULT_BANDS.keys} == {
        "excellent": "优秀",
        "pass": "合格",
        FAIL: "不合格",
    }


@given(st.lists(st.sampled_from(["theory", "practical", "time_used", "quality"]), unique=True))
def test_default_tie_breaks_name_only_components_the_event_has(keys) -> None:
    chain = defaults.default_tie_breaks(keys)
    assert set(chain) <= set(keys)
    assert chain == (("practical",) if "practical" in keys else ())


# ---------------------------------------------------------------- the best possible total
weights = st.integers(0, 100).map(lambda i: Decimal(i).scaleb(-2))


@SETTINGS
@given(
    st.lists(st.tuples(weights, st.integers(1, 60000).map(lambda i: D(i).scaleb(-2))), max_size=4),
    st.data(),
)
def test_max_total_is_the_best_total_there_is(rules, data) -> None:
    components = [Component(f"c{i}", weight) for i, (weight, _) in enumerate(rules)]
    maxima_by_key = {c.key: maximum for c, (_, maximum) in zip(components, rules, strict=True)}
    best = max_total(maxima_by_key, components)
    exact = sum(
        (Fraction(c.weight) * Fraction(maxima_by_key[c.key]) for c in components), Fraction(0)
    )
    assert Fraction(best) == half_up_oracle(exact, 2)
    scores = {
        key: data.draw(st.integers(0, int(maximum * 100)).map(lambda i: D(i).scaleb(-2)))
        for key, maximum in maxima_by_key.items()
    }
    assert weighted_total(scores, components) <= best


# ---------------------------------------------------------------- the tie at the cut
COMPONENTS = (Component("theory", D("0.30")), Component("practical", D("0.70")))


@SETTINGS
@given(st.lists(st.integers(70, 74), min_size=1, max_size=9), st.integers(0, 10))
def test_the_tie_at_the_cut_is_what_blocks_the_recommendation(totals, count) -> None:
    entries = [
        Entry(cid, f"A{cid:02d}", {"theory": D(t), "practical": D(t)})
        for cid, t in enumerate(totals, 1)
    ]
    ranking = rank_entries(entries, COMPONENTS, ("practical",))
    group = tie_at_cut(ranking, count)
    ranked = ranking.ranked
    if group:
        assert 0 < count < len(ranked)
        assert group in ranking.unresolved_ties
        assert ranked[count - 1].contestant_id in group
        assert ranked[count].contestant_id in group
    elif 0 < count < len(ranked):
        assert ranked[count - 1].total != ranked[count].total
    if count <= len(ranked):
        try:
            select_finalists(ranking, count, 0)
        except CutInsideTie as error:
            assert error.group == group
        else:
            assert group == ()


# ---------------------------------------------------------------- the finalist messages
@pytest.mark.parametrize(
    ("error", "message"),
    [
        (CountBelowMinimum(2, 3), "决赛人数不得少于 3 名，现为 2 名"),
        (CountAboveRanked(8, 7), "决赛人数 8 名超过本单位初赛已排名的 7 名"),
        (
            RankingIncomplete((4, 9)),
            "本单位初赛尚有 2 名选手成绩不全，排名未定，暂不能推荐决赛选手",
        ),
        (
            CutInsideTie(3, (5, 6, 7)),
            "第 3 名与第 4 名并列未定（3 名选手同分），请先裁定并列名次再推荐决赛选手",
        ),
    ],
)
def test_a_finalist_error_carries_its_one_wording(error: FinalistError, message: str) -> None:
    assert error.message == str(error) == message
    assert error.template % error.params == message


# ---------------------------------------------------------------- the weights add up to 1


def test_the_reference_weights_are_accepted_and_a_short_sum_is_named() -> None:
    assert weights_problem(c.weight for c in defaults.REFERENCE_COMPONENTS) is None
    # domain.md: 30% theory + 70% practical; 0.2 + 0.7 is 0.9, named as it is.
    assert (
        weights_problem([Decimal("0.20"), Decimal("0.70")]) == "各评分项权重之和须为 1，现为 0.90"
    )
    # A measure (weight 0, e.g. the time taken) counts for nothing; only measures is refused.
    assert weights_problem([Decimal("0.3"), Decimal("0.7"), Decimal(0)]) is None
    assert weights_problem([Decimal(0)]) == "至少需要一个权重大于 0 的评分项"
    assert weights_problem([]) == "至少需要一个权重大于 0 的评分项"


@given(
    st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=6),
    st.integers(min_value=0, max_value=3),
)
def test_weights_are_accepted_exactly_when_the_positive_ones_sum_to_one(
    parts: list[int], zeros: int
) -> None:
    weights = [Decimal(part) / 10_000 for part in parts] + [Decimal(0)] * zeros
    total = sum((w for w in weights if w > 0), Decimal(0))
    problem = weights_problem(weights)
    if total == 0:
        assert problem == "至少需要一个权重大于 0 的评分项"
    elif total == 1:
        assert problem is None
    else:
        assert problem == f"各评分项权重之和须为 1，现为 {total}"


@SETTINGS
@given(
    st.lists(st.integers(min_value=1, max_value=9_999), max_size=5, unique=True),
    st.integers(min_value=0, max_value=3),
    st.data(),
)
def test_weights_cut_from_one_are_accepted_and_any_nudge_is_named(
    cuts: list[int], zeros: int, data: st.DataObject
) -> None:
    # 1 cut into shares at 4 places (weights have 4), with measures of weight 0 among them:
    # the random lists above almost never add up to exactly 1, these always do.
    points = [0, *sorted(cuts), 10_000]
    weights = [Decimal(b - a) / 10_000 for a, b in pairwise(points)]
    weights += [Decimal(0)] * zeros
    assert weights_problem(weights) is None
    # One weighted component a ten-thousandth off, either way: the sum is named as it is.
    nudged = data.draw(st.sampled_from([i for i, w in enumerate(weights) if w > 0]))
    step = data.draw(st.sampled_from([Decimal("0.0001"), Decimal("-0.0001")]))
    weights[nudged] += step
    total = sum((w for w in weights if w > 0), Decimal(0))
    if total == 0:
        assert weights_problem(weights) == "至少需要一个权重大于 0 的评分项"
    else:
        assert weights_problem(weights) == f"各评分项权重之和须为 1，现为 {total}"
