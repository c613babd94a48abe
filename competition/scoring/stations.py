"""Award programme rules: a station's review result, and each level's selected list.

The comprehensive review (综合评议) of an award programme such as the outdoor workers' service
stations (domain.md §3): each panel expert judges each criterion of each station they may review
(never their own unit's, 回避). Out of those judgements come, per station:

- per points criterion, the experts' points aggregated exactly as judges' marks and craftsman
  reviews are (``aggregate_marks``: with 5 or more experts one highest and one lowest dropped,
  mean rounded half-up to 2 places);
- the station's total: the sum of those criterion scores (exact, so already 2 places);
- per pass/fail criterion, a pass by a strict majority of the experts who judged it. **A tie
  fails**: a criterion such as 有制度 is a condition of the award, and a panel that cannot agree
  that it is met has not found it met;
- eligibility: a station failing any pass/fail criterion is not eligible at any level;
- completeness: a station is reviewable (rankable) only when every expert who may review it has
  judged every criterion; until then it is listed as incomplete, never ranked on part of its
  marks.

Selection (``select_levels``) goes from the highest level down. At each level the pool is the
eligible, complete stations that applied for that level or for a higher one and were not taken
higher up (a station that applied for the city level is never raised to the national one). The
pool is ranked by total, then by the criterion scores in the programme's order (the first
criterion — 有场地 in the 七有 — first: the programme lists the criteria by weight of judgement),
then by a recorded ruling that names the tied stations in order. The level takes its quota with
no shared place at the cut: when the quota ends inside a group the rules cannot separate and no
ruling orders that group, the level's cut is *unresolved*: the selection names those stations,
takes only the stations above the group, and computes no lower level (who is carried down
depends on the ruling still to come), rather than guessing. Ties that do not straddle the cut
keep distinct places too: a ruling orders them if there is one, else the station id (the order
of nomination) does, which changes nobody's selection — until a place falls vacant during the
notice (an upheld objection). ``next_in_line`` then names the best-ranked station on no list,
or, when the rules leave it tied with another such station and no ruling orders them, that tie:
the organiser rules before the place is filled, as at the cut.

Like the rest of ``competition.scoring``: plain Python, ``decimal.Decimal``, frozen
dataclasses in and out, no Flask and no SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType

from competition.scoring.marks import aggregate_marks, to_decimal
from competition.scoring.values import MarkValueRule

__all__ = [
    "PASS_FAIL",
    "POINTS",
    "Criterion",
    "Judgement",
    "LevelQuota",
    "LevelSelection",
    "Placed",
    "Ruling",
    "Selection",
    "StationMarks",
    "StationResult",
    "UnresolvedTie",
    "next_in_line",
    "points_problem",
    "rules_key",
    "select_levels",
    "station_result",
]

POINTS, PASS_FAIL = "points", "pass_fail"


@dataclass(frozen=True)
class Criterion:
    """A criterion of the programme: ``key``, and points up to ``maximum`` or pass/fail."""

    key: str
    kind: str = POINTS
    maximum: Decimal | None = None

    def __post_init__(self) -> None:
        if self.kind not in (POINTS, PASS_FAIL):
            raise ValueError(f"criterion kind {self.kind!r} is neither points nor pass_fail")
        if self.kind == POINTS:
            if self.maximum is None:
                raise ValueError(f"points criterion {self.key!r} needs a maximum")
            maximum = to_decimal(self.maximum, "maximum")
            if maximum <= 0:
                raise ValueError(f"points criterion {self.key!r} needs a positive maximum")
            object.__setattr__(self, "maximum", maximum)


def points_problem(criterion: Criterion, value: Decimal) -> str | None:
    """Why ``value`` cannot be an expert's points on ``criterion`` (0..maximum, 2 places), in
    the mark value rule's one wording; None when it can."""
    assert criterion.maximum is not None
    return MarkValueRule(criterion.maximum).problem(value)


@dataclass(frozen=True)
class Judgement:
    """One expert's judgement of one criterion of a station: ``points`` for a points
    criterion, ``passed`` for a pass/fail one."""

    expert_id: int
    criterion: str
    points: Decimal | None = None
    passed: bool | None = None


@dataclass(frozen=True)
class StationMarks:
    """A station as the rules see it: the position of the level it applied for (0 = the
    highest), the experts who may review it (the panel less its own unit's), and the
    judgements given so far."""

    station_id: int
    applied_position: int
    reviewers: frozenset[int]
    judgements: tuple[Judgement, ...] = ()


@dataclass(frozen=True)
class StationResult:
    """What the review made of one station.

    ``scores`` are the aggregated points per points criterion and ``passes`` the majority
    verdict per pass/fail criterion, both only for complete criteria; ``total`` is None until
    the station is complete. ``missing`` lists (expert, criterion) judgements still owed.
    """

    station_id: int
    applied_position: int
    complete: bool
    missing: tuple[tuple[int, str], ...]
    scores: Mapping[str, Decimal]
    passes: Mapping[str, bool]
    total: Decimal | None
    failed: tuple[str, ...]

    @property
    def eligible(self) -> bool:
        """Complete, and no pass/fail criterion failed."""
        return self.complete and not self.failed


def station_result(
    criteria: Sequence[Criterion], station: StationMarks, trim_from: int = 5
) -> StationResult:
    """Aggregate one station's judgements (see the module's rules).

    Judgements of experts who may not review the station (their own unit's) and of criteria the
    programme does not have are ignored: they can neither make a station complete nor move its
    total. A judgement repeated for the same expert and criterion raises ``ValueError``.
    """
    by_key: dict[str, dict[int, Judgement]] = {c.key: {} for c in criteria}
    for judgement in station.judgements:
        if judgement.expert_id not in station.reviewers or judgement.criterion not in by_key:
            continue
        given = by_key[judgement.criterion]
        if judgement.expert_id in given:
            raise ValueError(
                f"expert {judgement.expert_id} judged {judgement.criterion!r} of station "
                f"{station.station_id} twice"
            )
        given[judgement.expert_id] = judgement
    missing: list[tuple[int, str]] = []
    scores: dict[str, Decimal] = {}
    passes: dict[str, bool] = {}
    for criterion in criteria:
        given = by_key[criterion.key]
        usable = {
            expert: j
            for expert, j in given.items()
            if (j.points is not None if criterion.kind == POINTS else j.passed is not None)
        }
        missing.extend(
            (expert, criterion.key) for expert in sorted(station.reviewers) if expert not in usable
        )
        if not usable or len(usable) < len(station.reviewers):
            continue
        if criterion.kind == POINTS:
            marks = [to_decimal(j.points, "points") for j in usable.values()]
            scores[criterion.key] = aggregate_marks(marks, trim_from)
        else:
            yes = sum(1 for j in usable.values() if j.passed)
            passes[criterion.key] = 2 * yes > len(usable)
    complete = bool(station.reviewers) and not missing
    total = sum(scores.values(), Decimal("0.00")) if complete else None
    failed = tuple(c.key for c in criteria if c.kind == PASS_FAIL and passes.get(c.key) is False)
    return StationResult(
        station_id=station.station_id,
        applied_position=station.applied_position,
        complete=complete,
        missing=tuple(missing),
        scores=MappingProxyType(scores),
        passes=MappingProxyType(passes),
        total=total,
        failed=failed if complete else (),
    )


# ---------------------------------------------------------------- selection
@dataclass(frozen=True)
class LevelQuota:
    """A level: ``position`` 0 is the highest; ``quota`` stations at most are selected."""

    key: str
    position: int
    quota: int

    def __post_init__(self) -> None:
        if self.quota < 0:
            raise ValueError(f"level {self.key!r}: a quota cannot be negative")


@dataclass(frozen=True)
class Ruling:
    """A recorded ruling at a level: the stations it orders, first = better."""

    level: str
    station_ids: tuple[int, ...]

    def rank_of(self, station_id: int) -> int:
        return self.station_ids.index(station_id)


@dataclass(frozen=True)
class Placed:
    """A station in a level's ranking: its place (1..n, never shared), total, whether the
    level selects it, and whether a ruling decided its order."""

    place: int
    station_id: int
    total: Decimal
    selected: bool
    by_ruling: bool = False


@dataclass(frozen=True)
class UnresolvedTie:
    """A tie at a level's cut the rules cannot settle and no ruling covers: the tied stations
    (in id order), the places they share, and how many of them the quota still takes."""

    level: str
    station_ids: tuple[int, ...]
    first_place: int
    seats: int


@dataclass(frozen=True)
class LevelSelection:
    """One level's ranking (every station considered there), its cut, and what blocks it.

    ``blocked`` is True when a higher level's cut is unresolved: nothing here is computed.
    """

    level: str
    quota: int
    ranking: tuple[Placed, ...] = ()
    unresolved: UnresolvedTie | None = None
    blocked: bool = False

    @property
    def selected(self) -> tuple[Placed, ...]:
        return tuple(p for p in self.ranking if p.selected)


@dataclass(frozen=True)
class Selection:
    """Every level's selection, highest first, and the stations not ranked anywhere:
    ``incomplete`` (judgements still owed) and ``ineligible`` (a pass/fail criterion failed)."""

    levels: tuple[LevelSelection, ...]
    incomplete: tuple[int, ...] = ()
    ineligible: tuple[int, ...] = ()
    results: Mapping[int, StationResult] = field(default_factory=lambda: MappingProxyType({}))

    @property
    def resolved(self) -> bool:
        return not any(level.unresolved or level.blocked for level in self.levels)

    @property
    def unresolved(self) -> tuple[UnresolvedTie, ...]:
        return tuple(level.unresolved for level in self.levels if level.unresolved)

    def level(self, key: str) -> LevelSelection:
        return next(level for level in self.levels if level.level == key)


def rules_key(criteria: Sequence[Criterion], result: StationResult) -> tuple[Decimal, ...]:
    """What the rules rank by, larger first: the total, then each points criterion's score in
    the programme's order."""
    assert result.total is not None
    return (result.total, *(result.scores[c.key] for c in criteria if c.kind == POINTS))


def _covering(rulings: Iterable[Ruling], level: str, group: Sequence[int]) -> Ruling | None:
    """The latest ruling at this level naming every station of the group, if any."""
    found = None
    for ruling in rulings:
        if ruling.level == level and set(group) <= set(ruling.station_ids):
            found = ruling
    return found


def _rank_level(
    level: LevelQuota,
    criteria: Sequence[Criterion],
    pool: Sequence[StationResult],
    rulings: Sequence[Ruling],
) -> LevelSelection:
    ordered = sorted(pool, key=lambda r: tuple(-v for v in rules_key(criteria, r)))
    groups: list[list[StationResult]] = []
    for result in ordered:
        if groups and rules_key(criteria, groups[-1][0]) == rules_key(criteria, result):
            groups[-1].append(result)
        else:
            groups.append([result])
    ranking: list[Placed] = []
    unresolved: UnresolvedTie | None = None
    for group in groups:
        ids = sorted(r.station_id for r in group)
        ruling = _covering(rulings, level.key, ids) if len(group) > 1 else None
        first = len(ranking) + 1
        seats = max(0, min(len(group), level.quota - len(ranking)))
        straddles = 0 < seats < len(group)
        if ruling is not None:
            group = sorted(group, key=lambda r: ruling.rank_of(r.station_id))
        else:
            group = sorted(group, key=lambda r: r.station_id)
            if straddles and unresolved is None:
                unresolved = UnresolvedTie(level.key, tuple(ids), first, seats)
        for result in group:
            place = len(ranking) + 1
            assert result.total is not None
            selected = place <= level.quota and (
                unresolved is None or first < unresolved.first_place
            )
            ranking.append(
                Placed(place, result.station_id, result.total, selected, ruling is not None)
            )
    return LevelSelection(level.key, level.quota, tuple(ranking), unresolved)


def select_levels(
    levels: Sequence[LevelQuota],
    criteria: Sequence[Criterion],
    stations: Sequence[StationMarks],
    rulings: Sequence[Ruling] = (),
    trim_from: int = 5,
) -> Selection:
    """Each level's selected list, highest level first (see the module's rules).

    Raises ``ValueError`` for a station listed twice or two levels at the same position.
    """
    if len({level.position for level in levels}) != len(levels):
        raise ValueError("two levels share a position")
    if len({s.station_id for s in stations}) != len(stations):
        raise ValueError("a station is listed twice")
    results = {s.station_id: station_result(criteria, s, trim_from) for s in stations}
    incomplete = tuple(sorted(i for i, r in results.items() if not r.complete))
    ineligible = tuple(sorted(i for i, r in results.items() if r.complete and r.failed))
    taken: set[int] = set()
    out: list[LevelSelection] = []
    blocked = False
    for level in sorted(levels, key=lambda lv: lv.position):
        if blocked:
            out.append(LevelSelection(level.key, level.quota, blocked=True))
            continue
        pool = [
            r
            for r in results.values()
            if r.eligible and r.applied_position <= level.position and r.station_id not in taken
        ]
        chosen = _rank_level(level, criteria, pool, rulings)
        taken.update(p.station_id for p in chosen.selected)
        blocked = chosen.unresolved is not None
        out.append(chosen)
    return Selection(tuple(out), incomplete, ineligible, MappingProxyType(results))


def next_in_line(
    selection: Selection,
    criteria: Sequence[Criterion],
    rulings: Sequence[Ruling],
    level: str,
    listed: Iterable[int],
) -> Placed | UnresolvedTie | None:
    """Who takes a place left vacant at ``level``: the best-ranked station of that level's
    ranking that is on no list (``listed``), or None when there is none.

    When the rules leave that station tied with other stations on no list, the station-id order
    of the ranking would decide an honour: the tie (the tied stations, the place, one seat) is
    returned instead, unless the latest ruling at the level naming all of them orders them.
    """
    taken = set(listed)
    candidates = [p for p in selection.level(level).ranking if p.station_id not in taken]
    if not candidates:
        return None
    first = candidates[0]
    key = rules_key(criteria, selection.results[first.station_id])
    tied = [
        p.station_id
        for p in candidates
        if rules_key(criteria, selection.results[p.station_id]) == key
    ]
    if len(tied) == 1:
        return first
    ruling = _covering(rulings, level, tied)
    if ruling is None:
        return UnresolvedTie(level, tuple(sorted(tied)), first.place, 1)
    best = min(tied, key=ruling.rank_of)
    return next(p for p in candidates if p.station_id == best)
