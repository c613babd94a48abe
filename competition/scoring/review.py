"""Craftsman-class review rules: rubrics, rubric scores, bands, recommendation, cohort ranking.

The graduation review of a craftsman training class (domain.md §2): each expert of the panel
scores a trainee's trial lecture out of 100, either directly or through a weighted rubric
(objectives, content, organisation, delivery, teaching aids); the trainee's score is the panel's
scores aggregated exactly as judges' marks are (``aggregate_marks``: with 5 or more reviews one
highest and one lowest are dropped); a band (excellent ≥ 85, pass ≥ 60, below → fail) and a
recommendation for appointment as a worker craftsman-teacher follow from that score.

Like the rest of ``competition.scoring`` this is plain Python and ``decimal.Decimal``: no Flask,
no SQLAlchemy, frozen dataclasses in and out.  Validation reports *every* problem as a
``Problem`` with a stable ``code`` (and where it lies) instead of raising at the first one, so
the service layer can tell an organiser everything wrong with a rubric in one answer, in Chinese;
the ``detail`` texts here are English and meant for logs and tests.

Rounding: a rubric score is Σ item score × weight / 100 computed exactly, then rounded half-up
(四舍五入) to 2 places, the same rounding as every other published score.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from types import MappingProxyType

from competition.scoring.marks import _exact_context, aggregate_marks, round_half_up, to_decimal
from competition.scoring.values import PLACES, RANGE, MarkValueRule, has_places

__all__ = [
    "BAND_LABELS",
    "DEFAULT_BANDS",
    "FAIL",
    "MAX_RUBRIC_ITEMS",
    "MAX_SCORE",
    "SCORE_RULE",
    "Band",
    "BandScheme",
    "CohortRanking",
    "InvalidBands",
    "InvalidItemScores",
    "InvalidRubric",
    "Problem",
    "RankedTrainee",
    "Rubric",
    "RubricItem",
    "TraineeReviews",
    "band_problems",
    "item_score_problems",
    "rank_cohort",
    "rubric_problems",
    "rubric_score",
    "score_problem",
]

#: Every review score and every rubric item score is out of 100.
MAX_SCORE = Decimal(100)
#: Rubric weights are percentages of the score and must add up to exactly this.
WEIGHT_TOTAL = Decimal(100)
#: A rubric longer than this is a mistake (a pasted list), not a way to review a lecture.
MAX_RUBRIC_ITEMS = 20
#: The band of a score below every configured band's minimum.
FAIL = "fail"
#: What people call the usual bands (a configured band may carry a label of its own).
BAND_LABELS = MappingProxyType(
    {"excellent": "优秀", "good": "良好", "pass": "合格", FAIL: "不合格"}
)

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
#: A review score and a rubric item score follow the mark value rule, out of 100.
SCORE_RULE = MarkValueRule(MAX_SCORE)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rubric, a band scheme or a set of item scores.

    ``code`` is a stable word the service layer maps to a message for a person; ``where`` is the
    position of the offending item in the given list (an ``int``), the item or band key it is
    about (a ``str``), or ``None`` for the whole set.
    """

    code: str
    where: int | str | None
    detail: str


def _has_two_places(value: Decimal) -> bool:
    return has_places(value, SCORE_RULE.places)


def score_problem(value: object, where: int | str | None = None) -> Problem | None:
    """Why ``value`` cannot be a review score or a rubric item score, or ``None``.

    A score is a ``Decimal`` (or ``int``) that passes the mark value rule out of 100
    (``SCORE_RULE``: 0 to 100 with at most 2 decimal places): the published scores have 2
    places, and allowing more would let a rubric score rounded half-up fall outside the item
    scores it came from.
    """
    try:
        number = to_decimal(value, "score")
    except (TypeError, ValueError) as error:
        return Problem("score_invalid", where, str(error))
    fault = SCORE_RULE.fault(number)
    if fault == PLACES:
        return Problem("score_places", where, f"score {number} has more than 2 decimal places")
    if fault == RANGE:
        return Problem("score_range", where, f"score {number} is not within 0..100")
    return None


# ---------------------------------------------------------------- rubrics
@dataclass(frozen=True)
class RubricItem:
    """One criterion of a rubric; ``weight`` is its share of the score in percent (20 = 20 %)."""

    key: str
    name: str
    weight: Decimal


def rubric_problems(items: Sequence[RubricItem]) -> tuple[Problem, ...]:
    """Everything wrong with a rubric: empty or overlong, bad or repeated keys, empty names,
    weights not in (0, 100] with at most 2 places, weights not adding up to exactly 100.

    Why exactly 100 and not "about 100": the weighted sum is published as the expert's score; a
    rubric whose weights add up to 99 silently scores every lecture out of 99.
    """
    if isinstance(items, str | bytes) or not isinstance(items, Sequence):
        return (Problem("rubric_invalid", None, "a rubric is a sequence of RubricItem"),)
    if not items:
        return (Problem("rubric_empty", None, "a rubric needs at least one item"),)
    problems: list[Problem] = []
    if len(items) > MAX_RUBRIC_ITEMS:
        problems.append(
            Problem("rubric_too_long", None, f"a rubric has at most {MAX_RUBRIC_ITEMS} items")
        )
    seen: set[str] = set()
    total = Decimal(0)
    weights_known = True
    for index, item in enumerate(items):
        if not isinstance(item, RubricItem):
            problems.append(Problem("item_invalid", index, "not a RubricItem"))
            weights_known = False
            continue
        if not isinstance(item.key, str) or not _KEY.match(item.key):
            problems.append(
                Problem("key_invalid", index, f"key {item.key!r} is not a lower-case identifier")
            )
        elif item.key in seen:
            problems.append(Problem("key_duplicate", index, f"key {item.key!r} is repeated"))
        else:
            seen.add(item.key)
        if not isinstance(item.name, str) or not item.name.strip():
            problems.append(Problem("name_empty", index, "an item needs a name"))
        try:
            weight = to_decimal(item.weight, "weight")
        except (TypeError, ValueError) as error:
            problems.append(Problem("weight_invalid", index, str(error)))
            weights_known = False
            continue
        if not 0 < weight <= WEIGHT_TOTAL or not _has_two_places(weight):
            problems.append(
                Problem("weight_invalid", index, f"weight {weight} is not within (0, 100]")
            )
            weights_known = False
            continue
        total += weight
    if weights_known and total != WEIGHT_TOTAL:
        problems.append(Problem("weights_sum", None, f"weights add up to {total}, not 100"))
    return tuple(problems)


class InvalidRubric(ValueError):
    """A rubric that breaks the rules; ``problems`` says every way it does."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.detail for p in self.problems))


class InvalidItemScores(ValueError):
    """Item scores that do not fit a rubric; ``problems`` says every way they do not."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.detail for p in self.problems))


@dataclass(frozen=True)
class Rubric:
    """A valid rubric: its items in the order they are shown, weights adding up to 100.

    The constructor refuses an invalid rubric (``InvalidRubric``), so a ``Rubric`` that exists
    can always score a complete set of item scores.
    """

    items: tuple[RubricItem, ...]

    def __post_init__(self) -> None:
        items = tuple(self.items) if isinstance(self.items, Sequence) else self.items
        problems = rubric_problems(items)
        if problems:
            raise InvalidRubric(problems)
        object.__setattr__(
            self,
            "items",
            tuple(RubricItem(i.key, i.name, to_decimal(i.weight)) for i in items),
        )

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


def item_score_problems(rubric: Rubric, item_scores: Mapping[str, object]) -> tuple[Problem, ...]:
    """Everything that stops ``item_scores`` from being scored by ``rubric``: a missing item,
    an item the rubric does not have, a score outside 0..100 or with more than 2 places.

    Why every item is required: a blank item would either count as 0 (a silent fail) or be left
    out (a silent re-weighting); neither is what the expert meant.
    """
    if not isinstance(item_scores, Mapping):
        return (Problem("items_invalid", None, "item scores are a mapping of key to score"),)
    problems: list[Problem] = []
    for key in rubric.keys:
        if key not in item_scores:
            problems.append(Problem("item_missing", key, f"no score for item {key!r}"))
        else:
            problem = score_problem(item_scores[key], key)
            if problem is not None:
                problems.append(problem)
    known = set(rubric.keys)
    for key in item_scores:
        if key not in known:
            problems.append(Problem("item_unknown", str(key), f"the rubric has no item {key!r}"))
    return tuple(problems)


def rubric_score(rubric: Rubric, item_scores: Mapping[str, Decimal]) -> Decimal:
    """An expert's score from their item scores: Σ item score × weight / 100, rounded half-up
    to 2 places.

    Each item score is out of 100 and each weight a percentage, so the result is a weighted
    mean of the item scores, out of 100, and never outside the lowest and highest item score.
    The sum is exact (``decimal.Inexact`` is trapped); dividing by 100 only moves the decimal
    point.  Raises ``InvalidItemScores`` when the scores do not fit the rubric.
    """
    problems = item_score_problems(rubric, item_scores)
    if problems:
        raise InvalidItemScores(problems)
    terms = [v for item in rubric.items for v in (item.weight, to_decimal(item_scores[item.key]))]
    with localcontext(_exact_context(*terms)):
        total = sum(
            (weight * score for weight, score in zip(terms[::2], terms[1::2], strict=True)),
            Decimal(0),
        )
    return round_half_up(total.scaleb(-2), 2)


# ---------------------------------------------------------------- bands and recommendation
@dataclass(frozen=True)
class Band:
    """A band a score reaches from ``minimum`` (inclusive) upwards, e.g. excellent ≥ 85."""

    key: str
    minimum: Decimal


def band_problems(bands: Sequence[Band], recommend_from: str) -> tuple[Problem, ...]:
    """Everything wrong with a band scheme: no band, bad or repeated keys (``fail`` is taken by
    the scores below every band), minimums not in (0, 100] with at most 2 places or repeated,
    and a recommendation threshold that names no band.

    Why ``recommend_from`` must name a band: recommending from ``fail`` would recommend
    everybody, which is no recommendation at all.
    """
    if isinstance(bands, str | bytes) or not isinstance(bands, Sequence):
        return (Problem("bands_invalid", None, "bands are a sequence of Band"),)
    if not bands:
        return (Problem("bands_empty", None, "at least one band is needed"),)
    problems: list[Problem] = []
    keys: set[str] = set()
    minimums: set[Decimal] = set()
    for index, band in enumerate(bands):
        if not isinstance(band, Band):
            problems.append(Problem("band_invalid", index, "not a Band"))
            continue
        if not isinstance(band.key, str) or not _KEY.match(band.key) or band.key == FAIL:
            problems.append(
                Problem("band_key_invalid", index, f"band key {band.key!r} cannot be used")
            )
        elif band.key in keys:
            problems.append(Problem("band_key_duplicate", index, f"band {band.key!r} repeated"))
        else:
            keys.add(band.key)
        try:
            minimum = to_decimal(band.minimum, "minimum")
        except (TypeError, ValueError) as error:
            problems.append(Problem("band_minimum_invalid", index, str(error)))
            continue
        if not 0 < minimum <= MAX_SCORE or not _has_two_places(minimum):
            problems.append(
                Problem("band_minimum_invalid", index, f"minimum {minimum} not within (0, 100]")
            )
        elif minimum in minimums:
            problems.append(
                Problem("band_minimum_duplicate", index, f"two bands start at {minimum}")
            )
        else:
            minimums.add(minimum)
    if not problems and recommend_from not in keys:
        problems.append(
            Problem("recommend_unknown", None, f"recommend_from {recommend_from!r} is no band")
        )
    return tuple(problems)


class InvalidBands(ValueError):
    """A band scheme that breaks the rules; ``problems`` says every way it does."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(p.detail for p in self.problems))


@dataclass(frozen=True)
class BandScheme:
    """Bands (kept highest minimum first) and the lowest band recommended for appointment.

    A score gets the first band whose minimum it reaches, and ``FAIL`` below all of them.  A
    trainee is recommended for appointment when their band is ``recommend_from`` or better.
    """

    bands: tuple[Band, ...]
    recommend_from: str

    def __post_init__(self) -> None:
        bands = tuple(self.bands) if isinstance(self.bands, Sequence) else self.bands
        problems = band_problems(bands, self.recommend_from)
        if problems:
            raise InvalidBands(problems)
        ordered = sorted(
            (Band(b.key, to_decimal(b.minimum)) for b in bands), key=lambda b: -b.minimum
        )
        object.__setattr__(self, "bands", tuple(ordered))

    @property
    def keys(self) -> tuple[str, ...]:
        """Every band a score can get, best first, ``FAIL`` last."""
        return (*(b.key for b in self.bands), FAIL)

    def band_of(self, score: Decimal) -> str:
        value = to_decimal(score, "score")
        return next((b.key for b in self.bands if value >= b.minimum), FAIL)

    def order(self, band: str) -> int:
        """0 for the best band, higher for worse ones; ``ValueError`` for an unknown band."""
        return self.keys.index(band)

    def recommends(self, score: Decimal) -> bool:
        return self.order(self.band_of(score)) <= self.order(self.recommend_from)


#: The usual bands: excellent (优秀) ≥ 85, pass (合格) ≥ 60, recommended from pass.
DEFAULT_BANDS = BandScheme(
    (Band("excellent", Decimal(85)), Band("pass", Decimal(60))), recommend_from="pass"
)


# ---------------------------------------------------------------- the cohort's ranking
@dataclass(frozen=True)
class TraineeReviews:
    """A trainee and the scores their reviews gave (one per expert; none yet is allowed)."""

    trainee_id: int
    scores: tuple[Decimal, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "scores", tuple(to_decimal(s, "score") for s in self.scores))


@dataclass(frozen=True)
class RankedTrainee:
    """A place in the cohort's ranking with the score, how many reviews made it, the band and
    whether it recommends the trainee for appointment."""

    rank: int
    trainee_id: int
    score: Decimal
    reviews: int
    band: str
    recommended: bool


@dataclass(frozen=True)
class CohortRanking:
    """Ranked trainees (ranks 1..n) and, apart, the ids of trainees nobody has reviewed yet."""

    ranked: tuple[RankedTrainee, ...]
    unreviewed: tuple[int, ...]

    @property
    def by_trainee(self) -> Mapping[int, RankedTrainee]:
        return MappingProxyType({entry.trainee_id: entry for entry in self.ranked})


def rank_cohort(
    trainees: Iterable[TraineeReviews],
    scheme: BandScheme = DEFAULT_BANDS,
    trim_from: int = 5,
) -> CohortRanking:
    """Rank a cohort by the panel's aggregated scores.

    Each reviewed trainee's score is ``aggregate_marks`` of their reviews (the contest's rule
    for judges' marks: with ``trim_from`` or more, one highest and one lowest are dropped).
    Ranks are 1..n, each used once; equal scores are ordered by trainee id (api-v1.md: the
    review settles no ties, and the order must not depend on the order rows came in).  Trainees
    without a review are not ranked at all (a score of nothing is not 0); they are listed in
    ``unreviewed`` in id order.  A trainee id given twice raises ``ValueError``.
    """
    scored: list[tuple[Decimal, int, int]] = []
    unreviewed: list[int] = []
    seen: set[int] = set()
    for trainee in trainees:
        if trainee.trainee_id in seen:
            raise ValueError(f"trainee {trainee.trainee_id} is listed twice")
        seen.add(trainee.trainee_id)
        if not trainee.scores:
            unreviewed.append(trainee.trainee_id)
            continue
        score = aggregate_marks(trainee.scores, trim_from)
        scored.append((score, trainee.trainee_id, len(trainee.scores)))
    scored.sort(key=lambda row: (-row[0], row[1]))
    ranked = tuple(
        RankedTrainee(
            rank=rank,
            trainee_id=trainee_id,
            score=score,
            reviews=reviews,
            band=scheme.band_of(score),
            recommended=scheme.recommends(score),
        )
        for rank, (score, trainee_id, reviews) in enumerate(scored, 1)
    )
    return CohortRanking(ranked=ranked, unreviewed=tuple(sorted(unreviewed)))
