"""Pure scoring rules: marks to scores, scores to totals, totals to rankings and finalists;
reviews of craftsman-class trial lectures to scores, bands and a cohort ranking.

Deliberately free of Flask, SQLAlchemy and the rest of ``competition``: the rules that decide
published places must be testable (and re-checkable by anyone) from plain values, and must not
change because a web or storage layer did.  Only ``decimal.Decimal`` is used for numbers.
"""

from competition.scoring import defaults
from competition.scoring.finalists import (
    CountAboveRanked,
    CountBelowMinimum,
    CutInsideTie,
    FinalistError,
    RankingIncomplete,
    select_finalists,
    tie_at_cut,
)
from competition.scoring.marks import (
    Component,
    MarkSummary,
    aggregate_hundredths,
    aggregate_marks,
    aggregate_summary,
    max_total,
    round_half_up,
    weighted_total,
)
from competition.scoring.ranking import (
    Entry,
    Incomplete,
    RankedEntry,
    Ranking,
    Resolution,
    rank_entries,
)
from competition.scoring.review import (
    BAND_LABELS,
    DEFAULT_BANDS,
    FAIL,
    Band,
    BandScheme,
    CohortRanking,
    InvalidBands,
    InvalidItemScores,
    InvalidRubric,
    Problem,
    RankedTrainee,
    Rubric,
    RubricItem,
    TraineeReviews,
    band_problems,
    item_score_problems,
    rank_cohort,
    rubric_problems,
    rubric_score,
    score_problem,
)
from competition.scoring.values import (
    MarkValueRule,
    display,
    mark_value_problem,
    places_message,
)

__all__ = [
    "BAND_LABELS",
    "DEFAULT_BANDS",
    "FAIL",
    "Band",
    "BandScheme",
    "CohortRanking",
    "Component",
    "CountAboveRanked",
    "CountBelowMinimum",
    "CutInsideTie",
    "Entry",
    "FinalistError",
    "Incomplete",
    "InvalidBands",
    "InvalidItemScores",
    "InvalidRubric",
    "MarkSummary",
    "MarkValueRule",
    "Problem",
    "RankedEntry",
    "RankedTrainee",
    "Ranking",
    "RankingIncomplete",
    "Resolution",
    "Rubric",
    "RubricItem",
    "TraineeReviews",
    "aggregate_hundredths",
    "aggregate_marks",
    "aggregate_summary",
    "band_problems",
    "defaults",
    "display",
    "item_score_problems",
    "mark_value_problem",
    "max_total",
    "places_message",
    "rank_cohort",
    "rank_entries",
    "round_half_up",
    "rubric_problems",
    "rubric_score",
    "score_problem",
    "select_finalists",
    "tie_at_cut",
    "weighted_total",
]
