"""Rankings, tie rulings, finalists and publication: rows in, `competition.scoring` decides."""

from __future__ import annotations

from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from threading import Lock
from types import MappingProxyType
from typing import Any, TypeVar

from flask import current_app
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Integer,
    Numeric,
    cast,
    delete,
    func,
    select,
    type_coerce,
)

from competition import scoring
from competition.contest.services import draw as draw_service
from competition.contest.services import live_ranking
from competition.contest.services import schemes as scheme_service
from competition.contest.services.entrants import AbsentEntry, Entrant, UnitName
from competition.contest.services.marks import lock_round
from competition.core import audit
from competition.core.errors import Conflict, Invalid
from competition.extensions import db
from competition.models import (
    Absence,
    Component,
    Contestant,
    Event,
    Finalist,
    ItemMark,
    Mark,
    ResultStamp,
    Round,
    TieResolution,
    Unit,
    User,
)
from competition.models.contests import FINAL, PRELIMINARY
from competition.models.types import utcnow


@dataclass(frozen=True)
class RoundResults:
    """A round's ranking with what the API, pages and documents need to show it.

    `contestants` holds everyone the round shows, the absent included; `absent` lists those
    recorded 缺考/弃权, by ascending contestant id, who are in neither the ranking nor its
    incomplete list."""

    event: Event
    round: Round
    unit_id: int | None
    ranking: scoring.Ranking
    contestants: Mapping[int, Entrant]
    resolutions: tuple[TieResolution, ...]
    absent: tuple[AbsentEntry, ...] = ()


def scoring_components(event: Event) -> list[scoring.Component]:
    return [
        scoring.Component(key=c.key, weight=c.weight, higher_is_better=c.higher_is_better)
        for c in event.components
    ]


def tie_break_keys(event: Event) -> list[str]:
    return [c.key for c in event.tie_breaks]


def entrants(event: Event, round_: Round, unit_id: int | None = None) -> list[Entrant]:
    """Everyone registered sits the preliminary; only finalists sit the final, shown by their
    drawn numbers once drawn (`draw.number_column`)."""
    number = draw_service.number_column(round_)
    query = (
        select(Contestant.id, number, Contestant.name, Unit.id, Unit.name)
        .join(Unit, Unit.id == Contestant.unit_id)
        .where(Contestant.event_id == event.id)
        .order_by(number)
    )
    if round_.kind == FINAL:
        query = query.join(Finalist, Finalist.contestant_id == Contestant.id)
    if unit_id is not None:
        query = query.where(Contestant.unit_id == unit_id)
    units: dict[int, UnitName] = {}
    result = []
    for contestant_id, number, name, unit_key, unit_name in db.session.execute(query):
        unit = units.get(unit_key)
        if unit is None:
            unit = units[unit_key] = UnitName(unit_key, unit_name)
        result.append(Entrant(contestant_id, number, name, unit_key, unit))
    return result


def _absences(round_: Round) -> dict[int, tuple[str, str]]:
    """Who is recorded absent or withdrawn from the round: id → (status, reason)."""
    rows = db.session.execute(
        select(Absence.contestant_id, Absence.status, Absence.reason).where(
            Absence.round_id == round_.id
        )
    )
    return {contestant_id: (status, reason) for contestant_id, status, reason in rows}


def _split_absent(
    contestants: Sequence[Entrant], absences: Mapping[int, tuple[str, str]]
) -> tuple[list[Entrant], tuple[AbsentEntry, ...]]:
    """The contestants to rank, and the absent ones as the results list them."""
    if not absences:
        return list(contestants), ()
    present = [c for c in contestants if c.id not in absences]
    absent = tuple(
        AbsentEntry(c.id, *absences[c.id], entrant=c)
        for c in sorted(contestants, key=lambda c: c.id)
        if c.id in absences
    )
    return present, absent


#: A typed mark's hundredths in the units of a mark derived from a marking scheme.
_PER_HUNDREDTH = scoring.schemes.UNITS_PER_POINT // 100


def _units() -> ColumnElement[int]:
    """A mark as a whole number of 1/300ths of a point, exact on both databases: the exact
    units of a mark derived from a marking scheme (`Mark.exact_units`), else the typed mark's
    hundredths × 3 (marks have 2 places; on SQLite they are stored as decimal text, whose MIN
    would otherwise compare as text)."""
    if db.session.get_bind().dialect.name == "sqlite":
        hundredths = cast(func.round(cast(Mark.value, Float) * 100), Integer)
    else:
        hundredths = cast(type_coerce(Mark.value, Numeric(10, 2)) * 100, BigInteger)
    return func.coalesce(Mark.exact_units, hundredths * _PER_HUNDREDTH)


def component_scores(
    round_: Round, contestant_ids: Iterable[int] | None = None
) -> dict[int, dict[str, Decimal]]:
    """Each contestant's aggregated, rounded score per component (of everyone, or of the
    contestants given: the live ranking reads again only those whose marks changed).

    The database summarises each contestant's marks of a component (count, sum, lowest,
    highest, in whole 1/300ths of a point) in one grouped query, which is all the aggregation
    rule needs; the rule itself is `scoring.aggregate_units`. 150,000 marks come back as
    30,000 summaries. Marks derived from a marking scheme count exactly (10/3, not 3.33): the
    mean of the exact marks is rounded once.
    """
    keys: dict[int, str] = {
        component_id: key
        for component_id, key in db.session.execute(
            select(Component.id, Component.key).where(Component.event_id == round_.event_id)
        )
    }
    chosen = select(Mark.contestant_id, Mark.component_id, _units().label("units")).where(
        Mark.round_id == round_.id
    )
    if contestant_ids is not None:
        chosen = chosen.where(Mark.contestant_id.in_(list(contestant_ids)))
    marks = chosen.subquery()
    units = marks.c.units
    rows = db.session.execute(
        select(
            marks.c.contestant_id,
            marks.c.component_id,
            func.count(),
            func.sum(units),
            func.min(units),
            func.max(units),
        ).group_by(marks.c.contestant_id, marks.c.component_id)
    )
    scores: dict[int, dict[str, Decimal]] = defaultdict(dict)
    aggregate = scoring.aggregate_units
    for contestant_id, component_id, count, total, lowest, highest in rows:
        scores[contestant_id][keys[component_id]] = aggregate(
            count, int(total), int(lowest), int(highest), _PER_HUNDREDTH
        )
    return scores


def _resolutions(round_: Round) -> tuple[TieResolution, ...]:
    return tuple(
        db.session.scalars(
            select(TieResolution)
            .where(TieResolution.round_id == round_.id)
            .order_by(TieResolution.id)
        )
    )


def _scoped(
    resolutions: Iterable[TieResolution], members: set[int] | None
) -> list[scoring.Resolution]:
    """Rulings as the scoring rules take them; for a unit's ranking, each ruling narrowed to the
    unit's people, since a ruling on a wider tie also orders every part of it."""
    result = []
    for resolution in resolutions:
        order = tuple(i for i in resolution.order if members is None or i in members)
        if len(order) >= 2:
            result.append(scoring.Resolution(order=order))
    return result


def rank(
    event: Event,
    round_: Round,
    contestants: Sequence[Entrant],
    scores: dict[int, dict[str, Decimal]],
    resolutions: Sequence[TieResolution],
    unit_id: int | None,
) -> scoring.Ranking:
    members = {c.id for c in contestants} if unit_id is not None else None
    entries = [
        scoring.Entry(contestant_id=c.id, number=c.number, scores=scores.get(c.id, {}))
        for c in contestants
    ]
    return scoring.rank_entries(
        entries, scoring_components(event), tie_break_keys(event), _scoped(resolutions, members)
    )


def _live(
    event: Event,
    contestants: Sequence[Entrant],
    scores: dict[int, dict[str, Decimal]],
    resolutions: Sequence[TieResolution],
    unit_id: int | None,
) -> scoring.LiveRanking:
    """`rank`, kept so that later marks can move it on (`scoring.LiveRanking`): the same
    entries, rules and rulings, and the same places (property-tested against `rank_entries`)."""
    members = {c.id for c in contestants} if unit_id is not None else None
    entries = [
        scoring.Entry(contestant_id=c.id, number=c.number, scores=scores.get(c.id, {}))
        for c in contestants
    ]
    return scoring.LiveRanking.build(
        entries, scoring_components(event), tie_break_keys(event), _scoped(resolutions, members)
    )


T = TypeVar("T")


class _RecentResults:
    """The last few rankings a worker computed, each under the stamp it was computed after.

    Why this is safe: the key holds the event's result stamp, read *before* the ranking's
    inputs, and the database renews the stamp on every change to those inputs (triggers of
    migration 0008), in whatever process the change is made. So an entry is never older than
    its stamp, and a changed event has a new stamp that no entry carries yet. Stamps are random,
    so a rolled-back change's stamp never comes back. Entries are immutable and shared.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[tuple[Any, ...], Any] = OrderedDict()
        self._lock = Lock()

    def get_or_compute(self, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]  # type: ignore[no-any-return]
        value = compute()  # outside the lock: this worker's other threads need not wait
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return value


def result_stamp(event: Event) -> int | None:
    """The event's current result stamp (None for an event no change has been seen to yet)."""
    return db.session.scalar(select(ResultStamp.stamp).where(ResultStamp.event_id == event.id))


def _cache(size: int) -> _RecentResults:
    cache = current_app.extensions.get("results_cache")
    if cache is None:
        cache = current_app.extensions.setdefault("results_cache", _RecentResults(size))
    return cache  # type: ignore[no-any-return]


def _remembered(event: Event, key: tuple[Any, ...], compute: Callable[[], T]) -> T:
    size = current_app.config.get("RESULTS_CACHE_ENTRIES", 0)
    stamp = result_stamp(event) if size else None
    if stamp is None:
        return compute()
    return _cache(size).get_or_compute((event.id, stamp, *key), compute)


def round_results(event: Event, round_: Round, unit_id: int | None = None) -> RoundResults:
    """The round's ranking (of everyone, or of one unit in the preliminary).

    A ranking of 10,000 people takes a few hundred milliseconds to work out, and hundreds of
    people ask for the same one while results are awaited, so a worker keeps the few it
    computed last, under the event's result stamp (see `_RecentResults`). After a change, a
    ranking that only marks have changed since is moved on from the one kept rather than
    worked out afresh (`live_ranking`).
    """

    # The rulings are ORM rows of this session, so they are read for every answer, not kept;
    # a ranking worked out afresh has just read them.
    read: list[tuple[TieResolution, ...]] = []

    def inputs() -> tuple[list[Entrant], list[Entrant], tuple[AbsentEntry, ...]]:
        contestants = entrants(event, round_, unit_id)
        present, absent = _split_absent(contestants, _absences(round_))
        read.append(_resolutions(round_))
        return contestants, present, absent

    def compute() -> tuple[scoring.Ranking, Mapping[int, Entrant], tuple[AbsentEntry, ...]]:
        contestants, present, absent = inputs()
        ranking = rank(event, round_, present, component_scores(round_), read[0], unit_id)
        return ranking, MappingProxyType({c.id: c for c in contestants}), absent

    def afresh(now: live_ranking.Head) -> live_ranking.LiveState:
        contestants, present, absent = inputs()
        live = _live(event, present, component_scores(round_), read[0], unit_id)
        return live_ranking.LiveState(
            head=now,
            live=live,
            contestants=MappingProxyType({c.id: c for c in contestants}),
            absent=absent,
        )

    size = current_app.config.get("RESULTS_CACHE_ENTRIES", 0)
    now = live_ranking.head(event.id) if size else None
    if now is None:
        ranking, contestants, absent = compute()
    else:

        def moved_on() -> tuple[scoring.Ranking, Mapping[int, Entrant], tuple[AbsentEntry, ...]]:
            state = live_ranking.ranking_state(round_, unit_id, now, afresh, component_scores)
            return state.ranking, state.contestants, state.absent

        ranking, contestants, absent = _cache(size).get_or_compute(
            (event.id, now.stamp, "round", round_.id, unit_id), moved_on
        )
    return RoundResults(
        event=event,
        round=round_,
        unit_id=unit_id,
        ranking=ranking,
        contestants=contestants,
        resolutions=read[0] if read else _resolutions(round_),
        absent=absent,
    )


def unit_rankings(event: Event, round_: Round) -> Mapping[int, scoring.Ranking]:
    """Every unit's own ranking of the round, from one read of the marks."""

    def compute() -> Mapping[int, scoring.Ranking]:
        contestants, _ = _split_absent(entrants(event, round_), _absences(round_))
        scores = component_scores(round_)
        resolutions = _resolutions(round_)
        by_unit: dict[int, list[Entrant]] = defaultdict(list)
        for contestant in contestants:
            by_unit[contestant.unit_id].append(contestant)
        return MappingProxyType(
            {
                unit_id: rank(event, round_, members, scores, resolutions, unit_id)
                for unit_id, members in by_unit.items()
            }
        )

    return _remembered(event, ("units", round_.id), compute)


def _contradiction(order: Sequence[int], earlier: Iterable[TieResolution]) -> TieResolution | None:
    position = {cid: i for i, cid in enumerate(order)}
    for resolution in earlier:
        shared = [cid for cid in resolution.order if cid in position]
        if [position[c] for c in shared] != sorted(position[c] for c in shared):
            return resolution
    return None


def resolve_tie(
    event: Event, round_: Round, order: Sequence[int], reason: str, actor: User
) -> TieResolution:
    """Record a ruling on one unresolved tie group (of the round, or of one unit's preliminary).

    The round is locked before the ties are worked out: of two organisers ruling on the same
    tie at once, the later sees the earlier's ruling and is refused, rather than both being
    recorded (possibly in opposite orders)."""
    if len(set(order)) != len(order):
        raise Invalid("名次裁定中有重复的选手", {"order": ["选手重复"]})
    reason = reason.strip()
    if not reason:
        raise Invalid("请填写裁定理由", {"reason": ["裁定理由不能为空"]})
    round_ = lock_round(round_)
    target = sorted(order)
    # A unit's own tie first: a preliminary ruling is usually its committee's, on its own people.
    groups: list[tuple[int | None, tuple[int, ...]]] = []
    if round_.kind == PRELIMINARY:
        for unit_id, ranking in unit_rankings(event, round_).items():
            groups.extend((unit_id, group) for group in ranking.unresolved_ties)
    groups.extend((None, group) for group in round_results(event, round_).ranking.unresolved_ties)
    match = next((g for g in groups if list(g[1]) == target), None)
    earlier = _resolutions(round_)
    if match is None:
        if any(sorted(r.order) == target for r in earlier):
            raise Invalid("这组同分已有裁定，不能重复裁定", {"order": ["这组同分已有裁定"]})
        raise Invalid(
            "裁定的选手必须恰好是一组未决的同分选手",
            {"order": ["不是一组未决的同分选手"]},
        )
    conflicting = _contradiction(order, earlier)
    if conflicting is not None:
        raise Invalid(
            "此裁定与已有的裁定顺序矛盾",
            {"order": [f"与 {conflicting.created_at:%Y-%m-%d %H:%M} 的裁定矛盾"]},
        )
    if round_.published:
        raise Conflict("本轮成绩已发布，不能再裁定")
    resolution = TieResolution(
        round_id=round_.id,
        unit_id=match[0],
        order=list(order),
        reason=reason,
        created_by_id=actor.id,
    )
    db.session.add(resolution)
    audit.record(
        "tie.resolve",
        actor,
        event_id=event.id,
        round_id=round_.id,
        reason=reason,
        details={"order": list(order), "unit_id": match[0]},
    )
    db.session.flush()
    return resolution


def _blockers(results: RoundResults, label: str) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    numbers = {cid: c.number for cid, c in results.contestants.items()}
    if results.ranking.incomplete:
        fields["incomplete"] = [
            f"{label}{numbers[i.contestant_id]} 缺少：{'、'.join(i.missing)}"
            for i in results.ranking.incomplete
        ]
    if results.ranking.unresolved_ties:
        fields["unresolved_ties"] = [
            f"{label}同分未决：" + "、".join(numbers[cid] for cid in group)
            for group in results.ranking.unresolved_ties
        ]
    return fields


def publish_round(event: Event, round_: Round, actor: User) -> Round:
    """Publish and lock a complete, tie-free round; anything else is refused with the reasons."""
    round_ = lock_round(round_)
    if round_.published:
        raise Conflict("本轮成绩已经发布")
    results = round_results(event, round_)
    if not results.ranking.ranked and not results.ranking.incomplete:
        raise Conflict("本轮还没有可发布的选手")
    fields = _blockers(results, "")
    if round_.kind == PRELIMINARY:
        for ranking in unit_rankings(event, round_).values():
            for group in ranking.unresolved_ties:
                fields.setdefault("unresolved_ties", []).append(
                    "单位内同分未决：" + "、".join(results.contestants[cid].number for cid in group)
                )
    found = scheme_service.disputes(round_)
    if found:
        numbers = {cid: c.number for cid, c in results.contestants.items()}
        fields["disputes"] = [
            f"评价分差超过允许范围：{numbers.get(d.contestant_id, d.contestant_id)} · "
            f"{d.component} · {d.item}"
            for d in found
        ]
    if "disputes" in fields:
        raise Conflict("还有评价分差超过允许范围的评分点，须由裁判重新评定后才能发布", fields)
    if fields:
        raise Conflict("还有选手成绩不全或同分未决，不能发布", fields)
    # Judging hook: every sheet signed (where the event requires it) and second-entered where
    # asked. Imported here because competition.contest.services.judging builds on this module's
    # peers.
    from competition.contest.services.judging import check_publishable

    check_publishable(event, round_)
    round_.published_at = utcnow()
    round_.published_by_id = actor.id
    audit.record("round.publish", actor, event_id=event.id, round_id=round_.id)
    db.session.flush()
    return round_


def set_finalists(event: Event, unit_id: int, count: int, actor: User) -> list[int]:
    """A unit's top `count` of its preliminary ranking go through; a repeat replaces them."""
    unit = db.session.get(Unit, unit_id)
    if unit is None or unit.contest_id != event.contest_id:
        raise Invalid("该单位未在本竞赛登记", {"unit_id": ["该单位未在本竞赛登记"]})
    preliminary = event.round(PRELIMINARY)
    ranking = round_results(event, preliminary, unit_id).ranking
    try:
        chosen = scoring.select_finalists(ranking, count, event.min_finalists_per_unit)
    except (scoring.CountBelowMinimum, scoring.CountAboveRanked) as error:
        raise Invalid(str(error), {"count": [str(error)]}) from error
    except scoring.FinalistError as error:
        raise Conflict(str(error)) from error
    final = lock_round(event.round(FINAL))
    marked = select(Mark.id).where(Mark.round_id == final.id).limit(1)
    by_item = select(ItemMark.id).where(ItemMark.round_id == final.id).limit(1)
    if db.session.scalar(marked) is not None or db.session.scalar(by_item) is not None:
        raise Conflict("决赛已开始评分，不能再更改决赛名单")
    # The final's drawn numbers stand for the same people, and are void for any change.
    kept = draw_service.keep_numbers(event, final, unit_id, list(chosen), actor)
    db.session.execute(
        delete(Finalist).where(Finalist.event_id == event.id, Finalist.unit_id == unit_id)
    )
    for contestant_id in chosen:
        db.session.add(
            Finalist(
                event_id=event.id,
                unit_id=unit_id,
                contestant_id=contestant_id,
                final_number=kept.get(contestant_id),
            )
        )
    audit.record(
        "finalists.set",
        actor,
        event_id=event.id,
        details={"unit_id": unit_id, "count": count, "finalists": list(chosen)},
    )
    db.session.flush()
    return list(chosen)


def finalists(event: Event) -> list[Finalist]:
    return list(
        db.session.scalars(
            select(Finalist)
            .where(Finalist.event_id == event.id)
            .order_by(Finalist.unit_id, Finalist.id)
        )
    )


def finalist_ids(event: Event) -> set[int]:
    """Who is through to the final, as ids: all a ranking page needs to mark them."""
    return set(
        db.session.scalars(select(Finalist.contestant_id).where(Finalist.event_id == event.id))
    )
