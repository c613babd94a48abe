"""Each unit's finalist recommendation, explained: who goes through, who just misses, and why.

The decision itself is `scoring.select_finalists` (and `services.results.set_finalists` stores
it); this module asks the same rule what a given count would do, without storing anything, so
the organiser sees the consequences before recommending: the people in, the first one out and
what separated them, and what blocks the recommendation (someone still unscored, a tie exactly
at the cut, a unit with fewer ranked people than the minimum).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from competition import scoring
from competition.contest.services import results as result_service
from competition.extensions import db
from competition.models import Event, Mark, Unit
from competition.models.contests import FINAL, PRELIMINARY


class Status(StrEnum):
    GOES_THROUGH = "goes_through"  # within the count
    JUST_MISSES = "just_misses"  # the first place below the count
    OUT = "out"  # further down
    TIED_AT_CUT = "tied_at_cut"  # in an unresolved tie that spans the cut
    INCOMPLETE = "incomplete"  # not ranked yet: a score is missing


@dataclass(frozen=True)
class Standing:
    contestant: result_service.Entrant
    status: Status
    entry: scoring.RankedEntry | None = None
    missing: tuple[str, ...] = ()
    stored: bool = False  # among the unit's finalists as recommended so far


@dataclass(frozen=True)
class UnitRecommendation:
    unit: Unit
    count: int  # the count shown: the stored one, or the event's minimum
    stored_count: int  # finalists recommended so far (0: none yet)
    standings: tuple[Standing, ...]
    problem: scoring.FinalistError | None  # why `count` cannot be recommended now
    above_cut: scoring.RankedEntry | None  # the last one in
    below_cut: scoring.RankedEntry | None  # the first one out

    @property
    def ready(self) -> bool:
        return self.problem is None

    @property
    def count_fits(self) -> bool:
        """False when the count itself is impossible (below the minimum, or more than the unit
        has ranked): then nobody "goes through" at it."""
        return not isinstance(self.problem, scoring.CountBelowMinimum | scoring.CountAboveRanked)


def unit_recommendation(event: Event, unit: Unit, count: int | None = None) -> UnitRecommendation:
    round_ = event.round(PRELIMINARY)
    results = result_service.round_results(event, round_, unit.id)
    ranking = results.ranking
    stored = {f.contestant_id for f in result_service.finalists(event) if f.unit_id == unit.id}
    if count is None:
        count = len(stored) or event.min_finalists_per_unit
    problem = None
    try:
        scoring.select_finalists(ranking, count, event.min_finalists_per_unit)
    except scoring.FinalistError as error:
        problem = error
    cut_group = set(scoring.tie_at_cut(ranking, count))
    standings: list[Standing] = []
    for entry in ranking.ranked:
        if entry.contestant_id in cut_group:
            status = Status.TIED_AT_CUT
        elif entry.rank <= count:
            status = Status.GOES_THROUGH
        elif entry.rank == count + 1:
            status = Status.JUST_MISSES
        else:
            status = Status.OUT
        standings.append(
            Standing(
                contestant=results.contestants[entry.contestant_id],
                status=status,
                entry=entry,
                stored=entry.contestant_id in stored,
            )
        )
    for item in ranking.incomplete:
        standings.append(
            Standing(
                contestant=results.contestants[item.contestant_id],
                status=Status.INCOMPLETE,
                missing=item.missing,
                stored=item.contestant_id in stored,
            )
        )
    in_range = 0 < count < len(ranking.ranked)
    return UnitRecommendation(
        unit=unit,
        count=count,
        stored_count=len(stored),
        standings=tuple(standings),
        problem=problem,
        above_cut=ranking.ranked[count - 1] if in_range else None,
        below_cut=ranking.ranked[count] if in_range else None,
    )


def recommendations(event: Event, counts: dict[int, int] | None = None) -> list[UnitRecommendation]:
    """Every unit of the contest that has contestants in the event, in unit order."""
    counts = counts or {}
    unit_ids = {c.unit_id for c in result_service.entrants(event, event.round(PRELIMINARY))}
    units = [u for u in event.contest.units if u.id in unit_ids]
    return [unit_recommendation(event, unit, counts.get(unit.id)) for unit in units]


def final_started(event: Event) -> bool:
    """Once the final has a mark, finalists can no longer change (set_finalists refuses)."""
    final = event.round(FINAL)
    return db.session.scalar(select(Mark.id).where(Mark.round_id == final.id).limit(1)) is not None


def unit_of(event: Event, unit_id: int) -> Unit | None:
    unit = db.session.get(Unit, unit_id)
    return unit if unit is not None and unit.contest_id == event.contest_id else None
