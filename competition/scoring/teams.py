"""Team results (团体成绩): units ranked by their best finalists' final totals (issue #21).

Many contests rank the units as well as the people (domain.md "Team results"): a unit's team
total is the sum of the final totals of its best ``team_size`` finalists (3 by default), and a
unit with fewer ranked finalists than that has no team total and is listed, unranked, with the
reason, rather than ranked on a shorter sum that could never be compared fairly.

No shared places here either (不设并列名次): equal team totals are ordered by the unit's best
individual place, the better place first. Individual places are unique, so that always
separates two units and nothing is ever left for a ruling.

Only the individual ranking's own values come in (unit, contestant, total, place), so this rule
is checked from plain values like the others; totals are summed exactly in ``Decimal``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

__all__ = [
    "RankedTeam",
    "TeamEntry",
    "TeamRanking",
    "UnrankedTeam",
    "rank_teams",
]


def N_(message: str) -> str:
    """Marks a message for the translation catalog (``pybabel extract -k N_``) and returns it
    unchanged, so that a page can show ``_(team.template, **team.params)`` in the reader's
    language while the rule stays free of any translation machinery."""
    return message


@dataclass(frozen=True)
class TeamEntry:
    """One ranked finalist as the team rule sees them: their unit, who, the final total, the
    individual place (unique in the final's ranking)."""

    unit_id: int
    contestant_id: int
    total: Decimal
    rank: int


@dataclass(frozen=True)
class RankedTeam:
    """A ranked unit: its place, the exact sum of its best finalists' totals, and those
    finalists (``members``) in their individual order, the best first, with their individual
    places (``member_places``)."""

    rank: int
    unit_id: int
    total: Decimal
    members: tuple[int, ...]
    member_places: tuple[int, ...]

    @property
    def best_place(self) -> int:
        """The unit's best individual place, which orders equal team totals."""
        return self.member_places[0]


@dataclass(frozen=True)
class UnrankedTeam:
    """A unit with a finalist but too few ranked ones for a team total (the absent and those
    still missing a score are not ranked, so they do not count)."""

    unit_id: int
    ranked: int
    needed: int

    template = N_("决赛排名的选手 %(ranked)d 名，少于团体成绩计入的 %(needed)d 名")

    @property
    def params(self) -> dict[str, int]:
        return {"ranked": self.ranked, "needed": self.needed}

    @property
    def reason(self) -> str:
        """Why the unit has no team place, in Chinese (``template % params``)."""
        return self.template % self.params


@dataclass(frozen=True)
class TeamRanking:
    """Units ranked 1..n by team total, and the units without one (by ascending unit id)."""

    team_size: int
    ranked: tuple[RankedTeam, ...]
    unranked: tuple[UnrankedTeam, ...]


def _checked(entries: Iterable[TeamEntry]) -> list[TeamEntry]:
    """The entries in individual order, after the checks that keep the rule honest.

    Why check: equal team totals are decided by the best individual place, which only works
    if places are unique; and "the best finalists" are the best placed ones only if a better
    place never has a lower total, as in any ranking by total.
    """
    ordered: list[TeamEntry] = []
    contestants: set[int] = set()
    places: set[int] = set()
    for entry in entries:
        if not isinstance(entry, TeamEntry):
            raise TypeError(f"entries must be TeamEntry, not {type(entry).__name__}")
        if type(entry.total) is not Decimal or not entry.total.is_finite():
            raise TypeError(f"the total of contestant {entry.contestant_id} must be a Decimal")
        if entry.contestant_id in contestants:
            raise ValueError(f"contestant {entry.contestant_id} is entered twice")
        if entry.rank in places:
            raise ValueError(f"place {entry.rank} is given twice: places must be unique")
        if entry.rank < 1:
            raise ValueError(f"place {entry.rank} is not a place")
        contestants.add(entry.contestant_id)
        places.add(entry.rank)
        ordered.append(entry)
    ordered.sort(key=lambda e: e.rank)
    for better, worse in pairwise(ordered):
        if better.total < worse.total:
            raise ValueError(
                f"place {better.rank} has a lower total than place {worse.rank}: "
                "places must follow the totals"
            )
    return ordered


def rank_teams(
    entries: Sequence[TeamEntry], team_size: int, units: Iterable[int] = ()
) -> TeamRanking:
    """Rank the units of ``entries`` (and of ``units``) by team total.

    - A unit's team total is the exact sum of the totals of its ``team_size`` best placed
      entries; ``members`` are those contestants, best first.
    - A unit with fewer than ``team_size`` entries is unranked, with how many it has.
      ``units`` names units that have finalists but possibly no ranked entry at all (all
      absent, say): they are unranked with 0 rather than forgotten.
    - Order: team total descending, then the unit's best individual place ascending. Places
      are unique, so this is a total order; ranks are 1..n, each used once.

    ``team_size`` below 1 raises ``ValueError``, as do repeated contestants or places and places
    that do not follow the totals.
    """
    if isinstance(team_size, bool) or not isinstance(team_size, int):
        raise TypeError(f"team_size must be an int, not {type(team_size).__name__}")
    if team_size < 1:
        raise ValueError(f"team_size must be at least 1, not {team_size}")
    by_unit: dict[int, list[TeamEntry]] = defaultdict(list)
    for entry in _checked(entries):
        by_unit[entry.unit_id].append(entry)  # in individual order
    everyone = set(by_unit) | set(units)

    teams: list[tuple[Decimal, int, int, tuple[TeamEntry, ...]]] = []
    unranked: list[UnrankedTeam] = []
    for unit_id in sorted(everyone):
        members = by_unit.get(unit_id, [])
        if len(members) < team_size:
            unranked.append(UnrankedTeam(unit_id, len(members), team_size))
            continue
        best = tuple(members[:team_size])
        total = sum((e.total for e in best), Decimal(0))
        teams.append((total, best[0].rank, unit_id, best))
    teams.sort(key=lambda team: (-team[0], team[1]))
    ranked = tuple(
        RankedTeam(
            rank=place,
            unit_id=unit_id,
            total=total,
            members=tuple(e.contestant_id for e in best),
            member_places=tuple(e.rank for e in best),
        )
        for place, (total, _best_place, unit_id, best) in enumerate(teams, 1)
    )
    return TeamRanking(team_size=team_size, ranked=ranked, unranked=tuple(unranked))
