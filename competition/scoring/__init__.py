"""Pure scoring rules: marks to scores, scores to totals, totals to rankings and finalists.

Deliberately free of Flask, SQLAlchemy and the rest of ``competition``: the rules that decide
published places must be testable (and re-checkable by anyone) from plain values, and must not
change because a web or storage layer did.  Only ``decimal.Decimal`` is used for numbers.
"""

from competition.scoring.finalists import (
    CountAboveRanked,
    CountBelowMinimum,
    CutInsideTie,
    FinalistError,
    RankingIncomplete,
    select_finalists,
)
from competition.scoring.marks import (
    Component,
    MarkSummary,
    aggregate_marks,
    aggregate_summary,
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

__all__ = [
    "Component",
    "CountAboveRanked",
    "CountBelowMinimum",
    "CutInsideTie",
    "Entry",
    "FinalistError",
    "Incomplete",
    "MarkSummary",
    "RankedEntry",
    "Ranking",
    "RankingIncomplete",
    "Resolution",
    "aggregate_marks",
    "aggregate_summary",
    "rank_entries",
    "round_half_up",
    "select_finalists",
    "weighted_total",
]
