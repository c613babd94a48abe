"""The result notice (成绩公示): a round's ranking as it is posted, one header per page.

Built from `competition.contest.services.results` (`round_results`, and in the preliminary each
unit's own ranking from `unit_rankings`), so the paper and the results JSON can never disagree;
who may print it is who may read that JSON.

The preliminary is run by each unit's own committee and ranks each unit's people among
themselves (domain.md §1), so its notice has one section per unit, each ranked 1..n; the final
is one ranking. A published notice carries what a posted notice needs to stand on its own: the
notice period, how to object, who issues it with the date and room for the seal, the
corrections made on appeal, and the absent (缺考/弃权) with their reasons instead of a score.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select

from competition import scoring
from competition.contest.documents.letterhead import issuers
from competition.contest.services import publication
from competition.contest.services.absences import status_text
from competition.contest.services.results import AbsentEntry, RoundResults, unit_rankings
from competition.contest.services.teams import team_results
from competition.contest.services.tiers import awards_for
from competition.contest.wording import contest_title
from competition.core.clock import zone_name
from competition.extensions import db
from competition.models import Appeal, AuditEntry, Component, Event, Mark, Round, Unit
from competition.models.contests import FINAL, PRELIMINARY
from competition.models.judging import APPEAL_UPHELD
from competition.models.types import utcnow
from competition.pdf.formatting import iso_date, local_date, measure, place_notes, score
from competition.pdf.render import render_pdf

NOTICE_TEMPLATE = "contest/pdf/results.html"
NOBODY = scoring.Ranking(ranked=(), incomplete=(), unresolved_ties=())
ROUND_NAMES = {"preliminary": "初赛", "final": "决赛"}


@dataclass(frozen=True)
class NoticeRow:
    rank: int
    number: str
    name: str | None
    unit: str | None
    scores: tuple[str, ...]
    total: str
    decided_by: str
    award: str | None


@dataclass(frozen=True)
class AbsentRow:
    """A contestant listed after the ranked ones as 缺考/弃权, with the reason, never a score."""

    number: str
    name: str | None
    unit: str | None
    status: str
    reason: str


@dataclass(frozen=True)
class Ruling:
    numbers: str
    reason: str
    date: str


@dataclass(frozen=True)
class Section:
    """One ranked table: a unit's own ranking in the preliminary (`title` is the unit), the
    whole round in the final (no title)."""

    title: str | None
    rows: tuple[NoticeRow, ...]
    absent: tuple[AbsentRow, ...]
    incomplete: tuple[str, ...]
    unresolved: tuple[str, ...]
    rulings: tuple[Ruling, ...]
    corrections: tuple[str, ...]


@dataclass(frozen=True)
class TeamRow:
    """A unit's line of the team results: place, name, team total, the finalists counted."""

    rank: int
    unit: str
    total: str
    members: str


@dataclass(frozen=True)
class Teams:
    """The final's team results (团体成绩), printed after the individual ranking, and the
    units named for the 优秀组织奖."""

    team_size: int
    rows: tuple[TeamRow, ...]
    unranked: tuple[str, ...]  # "unit：reason"
    awards: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    """Everything the notice prints, as text."""

    contest: str
    event: str
    group: str
    round_name: str
    unit: str | None
    published: bool
    published_on: str | None
    notice_ends_on: str | None
    notice_over: bool
    printed_on: str
    identities: bool
    columns: tuple[str, ...]
    unit_column: bool
    awards: bool
    sections: tuple[Section, ...]
    # The contest's own words on how to object (None: the template's default sentence, which
    # names no contact nobody has given).
    objection: str | None
    issuers: tuple[str, ...]
    issued_on: str
    # The final's team results; None for the preliminary and for whoever sees no units.
    teams: Teams | None = None

    @property
    def rows(self) -> tuple[NoticeRow, ...]:
        """Every ranked row of every section, in print order."""
        return tuple(row for section in self.sections for row in section.rows)


@dataclass(frozen=True)
class _Scope:
    """What one section is built from."""

    title: str | None
    ranking: scoring.Ranking
    members: frozenset[int]


def _scopes(results: RoundResults, identities: bool) -> list[_Scope]:
    """The sections: in the preliminary each unit in the order they were registered (or the
    one unit asked for), else the round as ranked."""
    everyone = frozenset(results.contestants)
    if results.round.kind != PRELIMINARY:
        return [_Scope(None, results.ranking, everyone)]
    units = sorted(results.event.contest.units, key=lambda u: u.id)

    def title(index: int, unit: Unit) -> str:
        # Without identities (a judge before publication) the unit is not named.
        return unit.name if identities else f"第 {index} 个参赛单位"

    if results.unit_id is not None:
        index, unit = next((i, u) for i, u in enumerate(units, 1) if u.id == results.unit_id)
        return [_Scope(title(index, unit), results.ranking, everyone)]
    rankings = unit_rankings(results.event, results.round)
    by_unit: dict[int, set[int]] = defaultdict(set)
    for cid, entrant in results.contestants.items():
        by_unit[entrant.unit_id].add(cid)
    return [
        # NOBODY: every one of the unit's people absent.
        _Scope(title(index, unit), rankings.get(unit.id, NOBODY), frozenset(by_unit[unit.id]))
        for index, unit in enumerate(units, 1)
        if unit.id in by_unit
    ]


def build_notice(results: RoundResults, identities: bool, unit: Unit | None = None) -> Notice:
    """The notice of `results`; without `identities` (a judge before publication) the list
    shows contest numbers only, as the results JSON does."""
    event: Event = results.event
    round_: Round = results.round
    tz = zone_name()
    components = list(event.components)
    names = {c.key: c.name for c in components}
    awards = awards_for(event, results.ranking) if round_.kind == FINAL else None
    contestants = results.contestants
    number = {cid: c.number for cid, c in contestants.items()}
    scopes = _scopes(results, identities)
    sectioned = scopes[0].title is not None

    corrections = _corrections(results, identities) if round_.published else []

    def section(scope: _Scope) -> Section:
        notes = place_notes(event, scope.ranking)
        rows = tuple(
            NoticeRow(
                rank=entry.rank,
                number=entry.number,
                name=contestants[entry.contestant_id].name if identities else None,
                unit=contestants[entry.contestant_id].unit.name if identities else None,
                scores=tuple(measure(entry.scores.get(c.key), c.unit_label) for c in components),
                total=score(entry.total),
                decided_by=notes.get(entry.contestant_id, ""),
                award=awards.tier_of(entry.contestant_id) if awards is not None else None,
            )
            for entry in scope.ranking.ranked
        )
        rulings = tuple(
            Ruling(
                numbers="、".join(number[cid] for cid in r.order if cid in scope.members),
                reason=r.reason,
                date=iso_date(local_date(r.created_at, tz)),
            )
            for r in results.resolutions
            if sum(1 for cid in r.order if cid in scope.members) >= 2
        )
        return Section(
            title=scope.title,
            rows=rows,
            absent=tuple(
                _absent_row(a, identities)
                for a in results.absent
                if a.contestant_id in scope.members
            ),
            incomplete=tuple(
                f"{number[i.contestant_id]}（缺：{'、'.join(names.get(k, k) for k in i.missing)}）"
                for i in scope.ranking.incomplete
            ),
            unresolved=tuple(
                "、".join(number[cid] for cid in group) for group in scope.ranking.unresolved_ties
            ),
            rulings=rulings,
            corrections=tuple(text for cid, text in corrections if cid in scope.members),
        )

    status = publication.notice_status(event, round_)
    published_on = status.published_on
    printed_on = local_date(utcnow(), tz)
    contest = event.contest
    return Notice(
        contest=contest_title(contest),
        event=event.name,
        group=event.group_name,
        round_name=ROUND_NAMES.get(round_.kind, round_.kind),
        unit=unit.name if unit is not None and identities else None,
        published=round_.published,
        published_on=iso_date(published_on) if published_on is not None else None,
        notice_ends_on=iso_date(status.ends_on) if status.ends_on is not None else None,
        notice_over=status.final,
        printed_on=iso_date(printed_on),
        identities=identities,
        columns=tuple(c.name for c in components),
        unit_column=identities and not sectioned,
        awards=awards is not None,
        sections=tuple(section(s) for s in scopes),
        objection=(contest.objection_contact or "").strip() or None,
        issuers=issuers(contest),
        issued_on=iso_date(published_on or printed_on),
        teams=_teams(results) if round_.kind == FINAL and identities and unit is None else None,
    )


def _teams(results: RoundResults) -> Teams:
    """The team results of the final these results are (`services.teams`, the same the API
    and the pages show)."""
    teams = team_results(results.event, results)
    rows = tuple(
        TeamRow(
            rank=team.rank,
            unit=teams.units[team.unit_id],
            total=score(team.total),
            members="、".join(
                f"{person.number} {person.name}（第 {place} 名）"
                for person, place in zip(teams.members(team), team.member_places, strict=True)
            ),
        )
        for team in teams.ranking.ranked
    )
    return Teams(
        team_size=teams.team_size,
        rows=rows,
        unranked=tuple(
            f"{teams.units[team.unit_id]}：{team.reason}" for team in teams.ranking.unranked
        ),
        awards=tuple(teams.award_names),
    )


def _absent_row(absence: AbsentEntry, identities: bool) -> AbsentRow:
    entrant = absence.entrant
    return AbsentRow(
        number=entrant.number,
        name=entrant.name if identities else None,
        unit=entrant.unit.name if identities else None,
        status=status_text(absence.status),
        reason=absence.reason,
    )


# ---------------------------------------------------------------- corrections on appeal
_Marks = dict[tuple[int, int], dict[int, Decimal]]  # (contestant, component) -> judge -> mark


def _corrections(results: RoundResults, identities: bool) -> list[tuple[int, str]]:
    """One note per upheld appeal of the round against someone in the results, oldest first,
    with whom it is about: which scores it changed, from what to what, and when.

    After publication marks change only by an appeal's outcome (`services.appeals`), each
    change audited with the old and new mark and the appeal's id. So the marks before an
    appeal are the marks now with every later appeal's changes, and its own, undone from the
    trail, newest first; the scores are worked out from those marks by the same rules as the
    ranking's."""
    round_ = results.round
    appeals = list(
        db.session.scalars(
            select(Appeal)
            .where(Appeal.round_id == round_.id, Appeal.outcome == APPEAL_UPHELD)
            .order_by(Appeal.decided_at, Appeal.id)
        )
    )
    appeals = [a for a in appeals if a.contestant_id in results.contestants]
    if not appeals:
        return []
    people = sorted({a.contestant_id for a in appeals})
    marks: _Marks = defaultdict(dict)
    for cid, component_id, judge_id, value in db.session.execute(
        select(Mark.contestant_id, Mark.component_id, Mark.judge_id, Mark.value).where(
            Mark.round_id == round_.id, Mark.contestant_id.in_(people)
        )
    ):
        marks[(cid, component_id)][judge_id] = value
    changes: dict[int, list[AuditEntry]] = defaultdict(list)
    for entry in db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.round_id == round_.id,
            AuditEntry.action == "mark.set",
            AuditEntry.contestant_id.in_(people),
        )
        .order_by(AuditEntry.id)
    ):
        appeal_id = (entry.details or {}).get("appeal_id")
        if appeal_id is not None:
            changes[int(appeal_id)].append(entry)

    components = list(results.event.components)
    tz = zone_name()
    notes: list[tuple[int, str]] = []
    for appeal in reversed(appeals):  # newest first: undo each in turn
        cid = appeal.contestant_id
        after = _scores(marks, cid, components)
        for entry in reversed(changes.get(appeal.id, [])):
            assert entry.component_id is not None and entry.judge_id is not None
            judges = marks[(cid, entry.component_id)]
            if entry.old_value is None:
                judges.pop(entry.judge_id, None)
            else:
                judges[entry.judge_id] = entry.old_value
        before = _scores(marks, cid, components)
        notes.insert(0, (cid, _note(appeal, results, identities, components, before, after, tz)))
    return notes


def _scores(marks: _Marks, cid: int, components: Sequence[Component]) -> dict[str, Decimal]:
    """The contestant's component scores from these marks, as the ranking works them out."""
    scores = {}
    for component in components:
        values = list(marks.get((cid, component.id), {}).values())
        if values:
            scores[component.key] = scoring.aggregate_marks(values)
    return scores


def _total(scores: Mapping[str, Decimal], components: Iterable[Component]) -> Decimal | None:
    rules = [
        scoring.Component(key=c.key, weight=c.weight, higher_is_better=c.higher_is_better)
        for c in components
    ]
    try:
        return scoring.weighted_total(scores, rules)
    except KeyError:
        return None


def _note(
    appeal: Appeal,
    results: RoundResults,
    identities: bool,
    components: Sequence[Component],
    before: Mapping[str, Decimal],
    after: Mapping[str, Decimal],
    tz: str,
) -> str:
    entrant = results.contestants[appeal.contestant_id]
    who = f"{entrant.number}号" + (f" {entrant.name}" if identities else "")
    parts = [
        f"{c.name}由 {measure(before.get(c.key), c.unit_label)} "
        f"更正为 {measure(after.get(c.key), c.unit_label)}"
        for c in components
        if before.get(c.key) != after.get(c.key)
    ]
    old_total, new_total = _total(before, components), _total(after, components)
    if parts and old_total != new_total:
        parts.append(f"总成绩由 {score(old_total)} 更正为 {score(new_total)}")
    decided: date | None = (
        local_date(appeal.decided_at, tz) if appeal.decided_at is not None else None
    )
    when = f"（{iso_date(decided)}）" if decided is not None else ""
    if not parts:
        return f"{who}经申诉复核，申诉成立，成绩不变{when}。"
    return f"{who}经申诉复核，{'，'.join(parts)}{when}。"


def results_pdf(results: RoundResults, identities: bool, unit: Unit | None = None) -> bytes:
    """The printable notice of a round's results (A4 portrait, a header on every page)."""
    return render_pdf(NOTICE_TEMPLATE, {"notice": build_notice(results, identities, unit)})
