"""Pure scoring rules: marks to scores, scores to totals, totals to rankings and finalists;
reviews of craftsman-class trial lectures to scores, bands and a cohort ranking.

Deliberately free of Flask, SQLAlchemy and the rest of ``competition``: the rules that decide
published places must be testable (and re-checkable by anyone) from plain values, and must not
change because a web or storage layer did.  Only ``decimal.Decimal`` is used for numbers
(and ``fractions.Fraction`` for the exact means and medians of judge consistency).
"""

from competition.scoring import consistency, defaults, schemes
from competition.scoring.consistency import JudgeConsistency, component_consistency
from competition.scoring.finalists import (
    CountAboveRanked,
    CountBelowMinimum,
    CutInsideTie,
    FinalistError,
    RankingIncomplete,
    select_finalists,
    tie_at_cut,
)
from competition.scoring.live import LiveRanking
from competition.scoring.marks import (
    Component,
    MarkSummary,
    aggregate_hundredths,
    aggregate_marks,
    aggregate_summary,
    aggregate_units,
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
from competition.scoring.teams import (
    RankedTeam,
    TeamEntry,
    TeamRanking,
    UnrankedTeam,
    rank_teams,
)
from competition.scoring.values import (
    MarkValueRule,
    display,
    mark_value_problem,
    places_message,
    weights_problem,
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
    "JudgeConsistency",
    "LiveRanking",
    "MarkSummary",
    "MarkValueRule",
    "Problem",
    "RankedEntry",
    "RankedTeam",
    "RankedTrainee",
    "Ranking",
    "RankingIncomplete",
    "Resolution",
    "Rubric",
    "RubricItem",
    "TeamEntry",
    "TeamRanking",
    "TraineeReviews",
    "UnrankedTeam",
    "aggregate_hundredths",
    "aggregate_marks",
    "aggregate_summary",
    "aggregate_units",
    "band_problems",
    "component_consistency",
    "consistency",
    "defaults",
    "display",
    "item_score_problems",
    "mark_value_problem",
    "max_total",
    "places_message",
    "rank_cohort",
    "rank_entries",
    "rank_teams",
    "round_half_up",
    "rubric_problems",
    "rubric_score",
    "schemes",
    "score_problem",
    "select_finalists",
    "tie_at_cut",
    "weighted_total",
    "weights_problem",
]
