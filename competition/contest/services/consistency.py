"""Judge consistency of a round (api-v1 "Judging in depth"), and the chief judge's notes on the
marks it flags.

The rules are `competition.scoring.consistency`'s; this module reads a round's marks in one
query, hands them over, and keeps the notes (`FlagNote`). Per judge and component, over the
contestants that judge marked who also have another judge's mark:

- `marks`: how many;
- `mean_difference`: the mean of (judge's mark − the panel's score), the panel's score being
  the component score as the results aggregate and round it, 2 places half-up;
- `rank_correlation`: Spearman's rho between the judge's marks and the panel's scores (average
  ranks for ties), 2 places; None below 3 contestants or without variance on either side;
- `flagged`: the contestants whose mark from this judge lies more than the event's
  `outlier_percent` % of the component's maximum from the median of the other judges' marks
  (exactly at the distance is not flagged), ascending.

A judge with no mark the check can compare is not listed.

Why flags need a note before sign-off (`services.judging.sign_sheet`): an unusual mark may be
right (a defect only one judge saw) or a slip (83 typed as 38); the chief judge looks at each
one and writes down why it stands. A note acknowledges the mark as it stood: if the judge
changes that mark afterwards, the note no longer covers it and a flagged mark needs a new one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import select

from competition import scoring
from competition.contest import policy
from competition.contest.services import draw as draw_service
from competition.contest.services import marks as mark_service
from competition.core import audit, roles
from competition.core.errors import Conflict, Forbidden, Invalid, NotFound
from competition.extensions import db
from competition.models import (
    Component,
    Contestant,
    Event,
    Finalist,
    FlagNote,
    JudgeAssignment,
    Mark,
    Round,
    User,
)
from competition.models.types import utcnow
from competition.scoring.consistency import fraction_half_up
from competition.scoring.schemes import UNITS_PER_POINT

MAX_NOTE = 2000
NOTE_REQUIRED = "请填写说明"
NOTE_TOO_LONG = f"说明最多 {MAX_NOTE} 字"
NOT_FLAGGED = "该评分未被标记为异常，无需说明"
MAY_NOT_NOTE = "只有裁判长或组委会可以对被标记的评分作出说明"
MAY_NOT_READ = "只有组委会或裁判长可以查看评分一致性"


@dataclass(frozen=True)
class FlaggedMark:
    """A flagged mark as the pages show it: the contestant's number (never a name), the
    judge's exact mark and the other judges' median, and the chief judge's note if it still
    covers the mark."""

    contestant_id: int
    number: str
    mark: Fraction
    others_median: Fraction
    note: FlagNote | None

    @property
    def mark_shown(self) -> Decimal:
        return fraction_half_up(self.mark)

    @property
    def median_shown(self) -> Decimal:
        return fraction_half_up(self.others_median)


@dataclass(frozen=True)
class JudgeLine:
    """One judge's consistency on one component, with what the API and the pages show."""

    component: Component
    judge: User
    result: scoring.JudgeConsistency
    flags: tuple[FlaggedMark, ...]
    notes: dict[int, str]  # contestant id -> the current note, for every noted mark

    @property
    def judge_id(self) -> int:
        return self.result.judge_id

    @property
    def marks(self) -> int:
        return self.result.marks

    @property
    def mean_difference(self) -> Decimal:
        return self.result.mean_difference

    @property
    def rank_correlation(self) -> Decimal | None:
        return self.result.rank_correlation

    @property
    def flagged(self) -> tuple[int, ...]:
        return self.result.flagged

    @property
    def unacknowledged(self) -> tuple[FlaggedMark, ...]:
        return tuple(flag for flag in self.flags if flag.note is None)


@dataclass(frozen=True)
class ComponentConsistency:
    component: Component
    lines: list[JudgeLine]

    @property
    def flags(self) -> list[tuple[JudgeLine, FlaggedMark]]:
        return [(line, flag) for line in self.lines for flag in line.flags]


@dataclass(frozen=True)
class _Mark:
    value: Fraction
    updated_at: datetime


def _exact(value: Decimal, exact_units: int | None) -> Fraction:
    """A mark exactly: derived from a marking scheme it is `exact_units` 1/300ths of a point
    (`Mark.value` is only its rounding); typed, `value` is exact."""
    if exact_units is not None:
        return Fraction(exact_units, UNITS_PER_POINT)
    return Fraction(value)


def _read_marks(
    round_: Round, component_ids: Sequence[int]
) -> dict[int, dict[int, dict[int, _Mark]]]:
    """component id -> contestant id -> judge id -> mark: the round's marks in one query."""
    rows = db.session.execute(
        select(
            Mark.component_id,
            Mark.contestant_id,
            Mark.judge_id,
            Mark.value,
            Mark.exact_units,
            Mark.updated_at,
        ).where(Mark.round_id == round_.id, Mark.component_id.in_(component_ids))
    )
    found: dict[int, dict[int, dict[int, _Mark]]] = defaultdict(lambda: defaultdict(dict))
    for component_id, contestant_id, judge_id, value, exact_units, updated_at in rows:
        found[component_id][contestant_id][judge_id] = _Mark(_exact(value, exact_units), updated_at)
    return found


def _numbers(round_: Round, contestant_ids: Iterable[int]) -> dict[int, str]:
    """The numbers judges know contestants by, as `services.draw.number_column` says: the
    final's drawn number once drawn, else the contest number."""
    ids = sorted(set(contestant_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Contestant.id, draw_service.number_column(round_))
        .outerjoin(Finalist, Finalist.contestant_id == Contestant.id)
        .where(Contestant.id.in_(ids))
    )
    return {cid: number for cid, number in rows}


def _current(note: FlagNote | None, mark: _Mark | None) -> bool:
    """A note covers the mark it was written on: not one the judge has changed since."""
    return note is not None and mark is not None and mark.updated_at <= note.noted_at


def round_consistency(
    event: Event,
    round_: Round,
    components: Sequence[Component] | None = None,
    judge_ids: Iterable[int] | None = None,
) -> list[ComponentConsistency]:
    """The consistency of every judge on every component of the round (or of `components`,
    of `judge_ids`), by component position then judge id: four queries however many marks."""
    chosen = list(components if components is not None else event.components)
    wanted = set(judge_ids) if judge_ids is not None else None
    marks = _read_marks(round_, [c.id for c in chosen])
    notes: dict[tuple[int, int, int], FlagNote] = {
        (n.component_id, n.contestant_id, n.judge_id): n
        for n in db.session.scalars(
            select(FlagNote).where(
                FlagNote.round_id == round_.id,
                FlagNote.component_id.in_([c.id for c in chosen]),
            )
        )
    }
    computed: list[tuple[Component, list[scoring.JudgeConsistency]]] = []
    for component in chosen:
        by_contestant = marks.get(component.id, {})
        values = {
            contestant: {judge: mark.value for judge, mark in judges.items()}
            for contestant, judges in by_contestant.items()
        }
        results = scoring.component_consistency(values, component.max_score, event.outlier_percent)
        computed.append((component, [r for r in results if wanted is None or r.judge_id in wanted]))
    judge_ids_seen = {r.judge_id for _c, results in computed for r in results}
    users = (
        {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(judge_ids_seen)))}
        if judge_ids_seen
        else {}
    )
    numbers = _numbers(
        round_,
        {flag.contestant_id for _c, results in computed for r in results for flag in r.flags},
    )
    answer = []
    for component, results in computed:
        by_contestant = marks.get(component.id, {})
        # (contestant id, judge id) -> the note that still covers that judge's mark
        covering = {
            (contestant_id, judge_id): note
            for (component_id, contestant_id, judge_id), note in sorted(notes.items())
            if component_id == component.id
            and _current(note, by_contestant.get(contestant_id, {}).get(judge_id))
        }
        lines = []
        for result in results:
            flags = tuple(
                FlaggedMark(
                    contestant_id=flag.contestant_id,
                    number=numbers.get(flag.contestant_id, str(flag.contestant_id)),
                    mark=flag.mark,
                    others_median=flag.others_median,
                    note=covering.get((flag.contestant_id, result.judge_id)),
                )
                for flag in result.flags
            )
            current = {
                contestant_id: note.note
                for (contestant_id, judge_id), note in covering.items()
                if judge_id == result.judge_id
            }
            lines.append(JudgeLine(component, users[result.judge_id], result, flags, notes=current))
        answer.append(ComponentConsistency(component, lines))
    return answer


def judge_lines(event: Event, round_: Round) -> list[JudgeLine]:
    """Every line of the round, as the API lists them."""
    return [line for part in round_consistency(event, round_) for line in part.lines]


def unacknowledged(
    event: Event, round_: Round, component: Component, judge_id: int
) -> list[FlaggedMark]:
    """The judge's flagged marks of the component that no current note covers, ascending by
    contestant id: what keeps their sheet from being signed."""
    parts = round_consistency(event, round_, [component], [judge_id])
    return [flag for line in parts[0].lines for flag in line.unacknowledged]


# ---------------------------------------------------------------- who sees, who notes
def may_read(user: User | None, event: Event) -> bool:
    """The organisers and the event's chief judge (not a unit committee's) see the whole round."""
    if roles.is_organiser(user):
        return True
    assignment = policy.judge_assignment(user, event)
    return assignment is not None and assignment.is_chief and assignment.unit_id is None


def require_reading(user: User, event: Event) -> None:
    if not may_read(user, event):
        raise Forbidden(MAY_NOT_READ)


def may_note(user: User | None, event: Event, round_: Round, sheet_of: JudgeAssignment) -> bool:
    """Who may acknowledge a judge's flagged mark: the organisers, and whoever signs that
    judge's sheet (the event's chief judge; a unit committee's chief for its preliminary), so
    that a flag can never block a sheet its signer cannot clear."""
    return roles.is_organiser(user) or policy.may_sign(user, event, round_, sheet_of)


def visible(
    user: User | None, event: Event, round_: Round, parts: list[ComponentConsistency]
) -> list[ComponentConsistency]:
    """`parts` narrowed to the judges whose sheets `user` may review: a unit committee's chief
    sees their own committee's judges, not the other units'."""
    if may_read(user, event):
        return parts
    assignments: dict[int, JudgeAssignment | None] = {}
    narrowed = []
    for part in parts:
        kept = []
        for line in part.lines:
            if line.judge_id not in assignments:
                assignments[line.judge_id] = policy.sheet_assignment(event, line.judge_id)
            assignment = assignments[line.judge_id]
            if assignment is not None and policy.may_review_sheet(user, event, round_, assignment):
                kept.append(line)
        narrowed.append(ComponentConsistency(part.component, kept))
    return narrowed


# ---------------------------------------------------------------- notes
def _note_text(note: str | None) -> str:
    text = (note or "").strip()
    if not text:
        raise Invalid(NOTE_REQUIRED, {"note": [NOTE_REQUIRED]})
    if len(text) > MAX_NOTE:
        raise Invalid(NOTE_TOO_LONG, {"note": [NOTE_TOO_LONG]})
    return text


@dataclass(frozen=True)
class Acknowledgement:
    """A stored note, with the mark it covers, as the API answers it."""

    stored: FlagNote
    component: Component
    flag: FlaggedMark

    @property
    def contestant_id(self) -> int:
        return self.stored.contestant_id

    @property
    def judge_id(self) -> int:
        return self.stored.judge_id

    @property
    def mark(self) -> Decimal:
        return self.flag.mark_shown

    @property
    def others_median(self) -> Decimal:
        return self.flag.median_shown

    @property
    def note(self) -> str:
        return self.stored.note

    @property
    def noted_by_id(self) -> int:
        return self.stored.noted_by_id

    @property
    def noted_at(self) -> datetime:
        return self.stored.noted_at


def require_noting(
    event: Event,
    round_: Round,
    contestant: Contestant,
    component_key: str,
    judge_id: int,
    actor: User,
) -> Component:
    """What a note names, in the contract's order: 404 for a component, contestant or judge
    that is not the event's, then 403 for anyone who may not sign that judge's sheet."""
    component = event.component(component_key)
    if component is None:
        raise NotFound("本赛项没有这个评分项")
    if contestant.event_id != event.id:
        raise NotFound("本赛项没有这名选手")
    assignment = policy.sheet_assignment(event, judge_id)
    if assignment is None:
        raise NotFound("该裁判未分配到本赛项")
    if not may_note(actor, event, round_, assignment):
        raise Forbidden(MAY_NOT_NOTE)
    return component


def acknowledge(
    event: Event,
    round_: Round,
    contestant: Contestant,
    component_key: str,
    judge_id: int,
    note: str | None,
    actor: User,
) -> Acknowledgement:
    """The chief judge (or an organiser) acknowledges a flagged mark with a note; a second
    note on the same mark replaces the first (both stay in the audit trail). 404 and 403 as
    `require_noting`, 422 without a note, 409 for a mark that is not flagged."""
    component = require_noting(event, round_, contestant, component_key, judge_id, actor)
    text = _note_text(note)
    mark_service.lock_round(round_)  # the marks the flag is read from cannot change meanwhile
    flag = next(
        (
            f
            for f in _flags_of(event, round_, component, judge_id)
            if f.contestant_id == contestant.id
        ),
        None,
    )
    if flag is None:
        raise Conflict(NOT_FLAGGED)
    stored = db.session.scalar(
        select(FlagNote).where(
            FlagNote.round_id == round_.id,
            FlagNote.contestant_id == contestant.id,
            FlagNote.component_id == component.id,
            FlagNote.judge_id == judge_id,
        )
    )
    previous = stored.note if stored is not None else None
    if stored is None:
        stored = FlagNote(
            round_id=round_.id,
            contestant_id=contestant.id,
            component_id=component.id,
            judge_id=judge_id,
        )
        db.session.add(stored)
    stored.note = text
    stored.noted_by_id = actor.id
    stored.noted_at = utcnow()
    audit.record(
        "flag_note.set",
        actor,
        event_id=event.id,
        round_id=round_.id,
        contestant_id=contestant.id,
        component_id=component.id,
        judge_id=judge_id,
        reason=text,
        details={
            "mark": str(flag.mark_shown),
            "others_median": str(flag.median_shown),
            "previous_note": previous,
        },
    )
    db.session.flush()
    return Acknowledgement(stored, component, flag)


def _flags_of(
    event: Event, round_: Round, component: Component, judge_id: int
) -> tuple[FlaggedMark, ...]:
    parts = round_consistency(event, round_, [component], [judge_id])
    return tuple(flag for line in parts[0].lines for flag in line.flags)
