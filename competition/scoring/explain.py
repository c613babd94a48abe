"""What each place says about its neighbours on the same total, read from both rows.

`RankedEntry.decided_by` (the API's field) names what separated a contestant from the one
just above, so it sits on the lower row only; read alone, a notice seemed to say the 8th won
on practical. People read a ranking row by row, so each of two places that share a total is
told what separated them and in which direction: the 7th "与第8名总分相同，技能操作成绩较高",
the 8th "与第7名总分相同，技能操作成绩较低". A tie still awaiting a ruling is said to be one.
Pure: the wording is the pages' and documents' (`web.presenting.place_note_text`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from types import MappingProxyType

from competition.scoring.ranking import RankedEntry, Ranking

__all__ = ["Neighbour", "neighbours"]


@dataclass(frozen=True)
class Neighbour:
    """An adjacent place with the same total.

    ``above`` is True when this contestant is placed above the other. ``by`` is the key of the
    tie-break component that separated them, ``"resolution"`` for an organiser's ruling, and
    None while they are still tied on everything (a ruling is awaited: the order is only
    provisional)."""

    rank: int
    above: bool
    by: str | None


def neighbours(
    rankings: Ranking | Iterable[Ranking], only: Collection[int] | None = None
) -> Mapping[int, tuple[Neighbour, ...]]:
    """Contestant id → their neighbours on the same total (the one above first), for every
    contestant who shares a total with an adjacent place; one ranking or several (each unit's
    own), whose contestants are distinct. With `only`, for those contestants alone (a page
    of 50 rows out of 10,000 needs their notes, not everyone's)."""
    notes: dict[int, list[Neighbour]] = {}
    for ranking in [rankings] if isinstance(rankings, Ranking) else rankings:
        group_of = {
            cid: index for index, group in enumerate(ranking.unresolved_ties) for cid in group
        }
        for upper, lower in pairwise(ranking.ranked):
            if upper.total != lower.total:
                continue
            pair = (upper.contestant_id, lower.contestant_id)
            if only is not None and pair[0] not in only and pair[1] not in only:
                continue
            by = _separated_by(upper, lower, group_of)
            notes.setdefault(upper.contestant_id, []).append(Neighbour(lower.rank, True, by))
            notes.setdefault(lower.contestant_id, []).append(Neighbour(upper.rank, False, by))
    return MappingProxyType(
        {cid: tuple(found) for cid, found in notes.items() if only is None or cid in only}
    )


def _separated_by(upper: RankedEntry, lower: RankedEntry, group_of: dict[int, int]) -> str | None:
    """The lower row's `decided_by` is what put it below the upper one (api-v1 "Results"); on
    equal totals it is None only inside one unresolved tie group."""
    group = group_of.get(upper.contestant_id)
    if group is not None and group_of.get(lower.contestant_id) == group:
        return None
    return lower.decided_by
