"""The craftsman-class review rules (competition/scoring/review.py): worked examples and
properties checked against exact rational oracles."""

from __future__ import annotations

import itertools
import math
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from competition.scoring import (
    DEFAULT_BANDS,
    FAIL,
    Band,
    BandScheme,
    InvalidBands,
    InvalidItemScores,
    InvalidRubric,
    Rubric,
    RubricItem,
    TraineeReviews,
    aggregate_marks,
    band_problems,
    item_score_problems,
    rank_cohort,
    rubric_problems,
    rubric_score,
    score_problem,
)

SETTINGS = settings(max_examples=200, deadline=None)
D = Decimal

# The reference rubric of the 2021 class (demo): objectives, content, organisation, delivery, aids.
LECTURE = Rubric(
    (
        RubricItem("objectives", "教学目标", D(20)),
        RubricItem("content", "教学内容", D(30)),
        RubricItem("organisation", "教学组织", D(20)),
        RubricItem("delivery", "语言表达", D(20)),
        RubricItem("aids", "教具使用", D(10)),
    )
)


def codes(problems) -> list[str]:
    return [p.code for p in problems]


def half_up_oracle(value: Fraction, places: int = 2) -> Decimal:
    scaled = abs(value) * 10**places
    magnitude = math.floor(scaled + Fraction(1, 2))
    return Decimal((-1 if value < 0 else 1) * magnitude).scaleb(-places)


def decimals(low: int = 0, high: int = 100, places: int = 2) -> st.SearchStrategy[Decimal]:
    scale = 10**places
    return st.integers(low * scale, high * scale).map(lambda i: Decimal(i).scaleb(-places))


# ---------------------------------------------------------------- rubric validation
def test_the_reference_rubric_is_valid() -> None:
    assert LECTURE.keys == ("objectives", "content", "organisation", "delivery", "aids")
    assert sum(item.weight for item in LECTURE.items) == 100


def test_weights_must_add_up_to_exactly_100() -> None:
    short = [RubricItem("a", "甲", D(50)), RubricItem("b", "乙", D("49.99"))]
    assert codes(rubric_problems(short)) == ["weights_sum"]
    over = [RubricItem("a", "甲", D(50)), RubricItem("b", "乙", D("50.01"))]
    assert codes(rubric_problems(over)) == ["weights_sum"]
    exact = [RubricItem("a", "甲", D("12.5")), RubricItem("b", "乙", D("87.50"))]
    assert rubric_problems(exact) == ()


def test_every_problem_of_a_rubric_is_reported_at_once() -> None:
    items = [
        RubricItem("Content", "内容", D(30)),
        RubricItem("aids", " ", D(0)),
        RubricItem("aids", "教具", D("10.005")),
        RubricItem("delivery", "表达", D(-5)),
    ]
    problems = rubric_problems(items)
    assert codes(problems) == [
        "key_invalid",
        "name_empty",
        "weight_invalid",
        "key_duplicate",
        "weight_invalid",
        "weight_invalid",
    ]
    assert [p.where for p in problems] == [0, 1, 1, 2, 2, 3]
    # With bad weights the sum is meaningless, so it is not reported on top.
    assert "weights_sum" not in codes(problems)


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([], "rubric_empty"),
        ("not a rubric", "rubric_invalid"),
        ([RubricItem(f"k{n}", "项", D(5)) for n in range(21)], "rubric_too_long"),
        ([RubricItem("a", "甲", 100.0)], "weight_invalid"),  # floats are refused
        ([RubricItem("a", "甲", True)], "weight_invalid"),
        ([RubricItem("a", "甲", D("NaN"))], "weight_invalid"),
        ([RubricItem("a", "甲", D(101))], "weight_invalid"),
        ([("a", "甲", D(100))], "item_invalid"),
    ],
)
def test_bad_rubrics(items, code) -> None:
    assert code in codes(rubric_problems(items))


def test_a_rubric_refuses_to_exist_when_invalid() -> None:
    with pytest.raises(InvalidRubric) as caught:
        Rubric((RubricItem("a", "甲", D(60)), RubricItem("a", "乙", D(30))))
    assert codes(caught.value.problems) == ["key_duplicate", "weights_sum"]


def test_a_single_item_of_weight_100_is_a_rubric() -> None:
    rubric = Rubric([RubricItem("overall", "总体评价", 100)])
    assert rubric.items[0].weight == D(100)
    assert rubric_score(rubric, {"overall": D("88.88")}) == D("88.88")


# ---------------------------------------------------------------- rubric arithmetic
def test_rubric_score_worked_example() -> None:
    # 90×20 + 85×30 + 80×20 + 88×20 + 70×10 = 1800 + 2550 + 1600 + 1760 + 700 = 8410 → 84.10
    scores = {"objectives": 90, "content": 85, "organisation": 80, "delivery": 88, "aids": 70}
    assert rubric_score(LECTURE, {k: D(v) for k, v in scores.items()}) == D("84.10")


def test_rubric_score_rounds_half_up_to_two_places() -> None:
    rubric = Rubric((RubricItem("a", "甲", D("12.5")), RubricItem("b", "乙", D("87.5"))))
    # 0.01 × 12.5 / 100 = 0.00125 → 0.00; 0.05 × 12.5 / 100 + 0 = 0.00625 → 0.01
    assert rubric_score(rubric, {"a": D("0.01"), "b": D(0)}) == D("0.00")
    assert rubric_score(rubric, {"a": D("0.05"), "b": D(0)}) == D("0.01")
    # 80.01 × 0.125 + 80 × 0.875 = 10.00125 + 70 = 80.00125 → 80.00
    assert rubric_score(rubric, {"a": D("80.01"), "b": D(80)}) == D("80.00")
    # 80.04 × 0.125 + 80 × 0.875 = 80.005 exactly → half-up 80.01 (banker's would give 80.00)
    assert rubric_score(rubric, {"a": D("80.04"), "b": D(80)}) == D("80.01")
    assert str(rubric_score(rubric, {"a": D(100), "b": D(100)})) == "100.00"


def test_item_scores_must_fit_the_rubric() -> None:
    scores = {"objectives": D(90), "content": D(85), "organisation": D(80), "delivery": D(88)}
    problems = item_score_problems(LECTURE, {**scores, "humour": D(99), "aids": D("100.01")})
    assert [(p.code, p.where) for p in problems] == [
        ("score_range", "aids"),
        ("item_unknown", "humour"),
    ]
    assert [(p.code, p.where) for p in item_score_problems(LECTURE, scores)] == [
        ("item_missing", "aids")
    ]
    with pytest.raises(InvalidItemScores):
        rubric_score(LECTURE, scores)
    assert codes(item_score_problems(LECTURE, [90, 85])) == ["items_invalid"]


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (D("-0.01"), "score_range"),
        (D("100.01"), "score_range"),
        (D("99.999"), "score_places"),
        (99.5, "score_invalid"),
        (True, "score_invalid"),
        ("90", "score_invalid"),
        (D("Infinity"), "score_invalid"),
    ],
)
def test_bad_scores(value, code) -> None:
    problem = score_problem(value)
    assert problem is not None and problem.code == code


@pytest.mark.parametrize("value", [D(0), D(100), D("59.99"), 85])
def test_good_scores(value) -> None:
    assert score_problem(value) is None


# ---------------------------------------------------------------- aggregation (the marks rule)
def test_fewer_than_five_reviews_are_averaged() -> None:
    ranking = rank_cohort([TraineeReviews(1, (D(80), D(90), D("85.5"), D(70)))])
    assert ranking.ranked[0].score == D("81.38")  # 325.5 / 4 = 81.375 → 81.38
    assert ranking.ranked[0].reviews == 4


def test_five_or_more_reviews_drop_one_highest_and_one_lowest() -> None:
    scores = (D(95), D(80), D(82), D(84), D(40))
    ranking = rank_cohort([TraineeReviews(1, scores)])
    assert ranking.ranked[0].score == D("82.00")  # (80 + 82 + 84) / 3
    assert ranking.ranked[0].score == aggregate_marks(scores)
    assert ranking.ranked[0].reviews == 5
    # Only one of several equal extremes goes.
    same = rank_cohort([TraineeReviews(1, (D(90), D(90), D(90), D(60), D(60), D(75)))])
    assert same.ranked[0].score == D("78.75")  # (90 + 90 + 60 + 75) / 4


# ---------------------------------------------------------------- bands and recommendation
@pytest.mark.parametrize(
    ("score", "band", "recommended"),
    [
        (D("100.00"), "excellent", True),
        (D("85.00"), "excellent", True),
        (D("84.99"), "pass", True),
        (D("60.00"), "pass", True),
        (D("59.99"), FAIL, False),
        (D("0.00"), FAIL, False),
    ],
)
def test_default_bands(score, band, recommended) -> None:
    assert DEFAULT_BANDS.band_of(score) == band
    assert DEFAULT_BANDS.recommends(score) is recommended


def test_configured_bands_are_sorted_and_recommend_from_their_threshold() -> None:
    scheme = BandScheme(
        (Band("pass", D(60)), Band("excellent", D(90)), Band("good", D(75))),
        recommend_from="good",
    )
    assert scheme.keys == ("excellent", "good", "pass", FAIL)
    assert scheme.band_of(D("89.99")) == "good"
    assert scheme.recommends(D("75.00")) and not scheme.recommends(D("74.99"))
    assert scheme.order("excellent") < scheme.order("good") < scheme.order(FAIL)


@pytest.mark.parametrize(
    ("bands", "recommend_from", "code"),
    [
        ([], "pass", "bands_empty"),
        ([Band("pass", D(60)), Band("pass", D(70))], "pass", "band_key_duplicate"),
        ([Band("fail", D(60))], "fail", "band_key_invalid"),
        ([Band("Pass", D(60))], "Pass", "band_key_invalid"),
        ([Band("a", D(60)), Band("b", D(60))], "a", "band_minimum_duplicate"),
        ([Band("pass", D(0))], "pass", "band_minimum_invalid"),
        ([Band("pass", D("100.5"))], "pass", "band_minimum_invalid"),
        ([Band("pass", 60.0)], "pass", "band_minimum_invalid"),
        ([Band("pass", D(60))], "excellent", "recommend_unknown"),
        ([Band("pass", D(60))], FAIL, "recommend_unknown"),
    ],
)
def test_bad_band_schemes(bands, recommend_from, code) -> None:
    assert code in codes(band_problems(bands, recommend_from))
    with pytest.raises(InvalidBands):
        BandScheme(tuple(bands), recommend_from)


# ---------------------------------------------------------------- ranking
def test_ranking_worked_example() -> None:
    ranking = rank_cohort(
        [
            TraineeReviews(7, (D(80), D(82))),
            TraineeReviews(3, ()),
            TraineeReviews(5, (D(81),)),
            TraineeReviews(2, (D(90), D(70), D(88), D(86), D(91))),  # trimmed: 88
            TraineeReviews(4, (D(81),)),
            TraineeReviews(1, ()),
            TraineeReviews(6, (D(50), D(55))),
        ]
    )
    assert [(e.rank, e.trainee_id, str(e.score), e.band) for e in ranking.ranked] == [
        (1, 2, "88.00", "excellent"),
        (2, 4, "81.00", "pass"),  # equal scores: lower trainee id first
        (3, 5, "81.00", "pass"),
        (4, 7, "81.00", "pass"),
        (5, 6, "52.50", FAIL),
    ]
    assert [e.recommended for e in ranking.ranked] == [True, True, True, True, False]
    assert ranking.unreviewed == (1, 3)
    assert ranking.by_trainee[6].reviews == 2


def test_a_trainee_listed_twice_is_refused() -> None:
    with pytest.raises(ValueError, match="twice"):
        rank_cohort([TraineeReviews(1, (D(80),)), TraineeReviews(1, ())])


def test_an_empty_cohort_has_an_empty_ranking() -> None:
    ranking = rank_cohort([])
    assert ranking.ranked == () and ranking.unreviewed == ()


# ---------------------------------------------------------------- properties
weights_lists = st.lists(decimals(1, 100), min_size=1, max_size=8)


@SETTINGS
@given(weights_lists)
def test_a_rubric_is_valid_exactly_when_its_weights_add_up_to_100(weights) -> None:
    items = [RubricItem(f"k{n}", f"项目{n}", w) for n, w in enumerate(weights)]
    problems = rubric_problems(items)
    assert (problems == ()) == (sum(weights) == 100)
    assert (problems == ()) or codes(problems) == ["weights_sum"]


@st.composite
def rubric_and_scores(draw) -> tuple[Rubric, dict[str, Decimal]]:
    """A valid rubric (cent weights adding up to 100) and item scores for it."""
    count = draw(st.integers(1, 8))
    size = count - 1
    cuts = sorted(draw(st.lists(st.integers(1, 9999), min_size=size, max_size=size, unique=True)))
    bounds = [0, *cuts, 10000]
    weights = [Decimal(b - a).scaleb(-2) for a, b in itertools.pairwise(bounds)]
    rubric = Rubric(tuple(RubricItem(f"k{n}", f"项目{n}", w) for n, w in enumerate(weights)))
    scores = {key: draw(decimals()) for key in rubric.keys}
    return rubric, scores


@SETTINGS
@given(rubric_and_scores())
def test_rubric_score_is_the_half_up_weighted_mean(case) -> None:
    rubric, scores = case
    exact = sum(Fraction(scores[i.key]) * Fraction(i.weight) for i in rubric.items) / 100
    assert rubric_score(rubric, scores) == half_up_oracle(exact)


@SETTINGS
@given(rubric_and_scores())
def test_rubric_score_lies_within_the_item_scores(case) -> None:
    rubric, scores = case
    result = rubric_score(rubric, scores)
    assert min(scores.values()) <= result <= max(scores.values())
    assert result == result.quantize(Decimal("0.01"))


review_lists = st.lists(decimals(), min_size=0, max_size=7)


@SETTINGS
@given(st.lists(review_lists, max_size=12), st.randoms(use_true_random=False))
def test_ranking_is_a_permutation_ordered_by_score_then_id(per_trainee, rnd) -> None:
    trainees = [TraineeReviews(n * 3 + 1, tuple(s)) for n, s in enumerate(per_trainee)]
    ranking = rank_cohort(trainees)
    ids = [e.trainee_id for e in ranking.ranked]
    assert sorted(ids + list(ranking.unreviewed)) == sorted(t.trainee_id for t in trainees)
    assert [e.rank for e in ranking.ranked] == list(range(1, len(ids) + 1))
    assert [(-e.score, e.trainee_id) for e in ranking.ranked] == sorted(
        (-e.score, e.trainee_id) for e in ranking.ranked
    )
    assert list(ranking.unreviewed) == sorted(t.trainee_id for t in trainees if not t.scores)
    for entry in ranking.ranked:
        scores = next(t.scores for t in trainees if t.trainee_id == entry.trainee_id)
        assert entry.score == aggregate_marks(scores)
        assert entry.reviews == len(scores)
    # The order rows arrive in changes nothing.
    shuffled = list(trainees)
    rnd.shuffle(shuffled)
    assert rank_cohort(shuffled) == ranking


bands_schemes = st.lists(decimals(1, 100), min_size=1, max_size=5, unique=True).flatmap(
    lambda minimums: st.builds(
        lambda pick: BandScheme(
            tuple(Band(f"b{n}", m) for n, m in enumerate(minimums)),
            recommend_from=f"b{pick}",
        ),
        st.integers(0, len(minimums) - 1),
    )
)


@SETTINGS
@given(bands_schemes, decimals(), decimals())
def test_band_and_recommendation_are_monotone_in_score(scheme, low, high) -> None:
    low, high = min(low, high), max(low, high)
    assert scheme.order(scheme.band_of(high)) <= scheme.order(scheme.band_of(low))
    assert scheme.recommends(low) <= scheme.recommends(high)


@SETTINGS
@given(bands_schemes, decimals())
def test_a_score_gets_the_highest_band_it_reaches(scheme, score) -> None:
    band = scheme.band_of(score)
    reached = [b for b in scheme.bands if score >= b.minimum]
    assert band == (reached[0].key if reached else FAIL)


def test_the_rounding_oracle_itself() -> None:
    # Guard the oracle the properties rely on: 0.005 → 0.01, 0.004999 → 0.00.
    assert half_up_oracle(Fraction(5, 1000)) == Decimal("0.01")
    assert half_up_oracle(Fraction(4999, 1000000)) == Decimal("0.00")
