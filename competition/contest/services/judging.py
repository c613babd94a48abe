"""Score sheets: who marks what, second entry, the chief judge's sign-off, and progress.

A sheet is (round, component, judge): the judge's marks of that component for the contestants
they mark in the round (a unit committee's own people in the preliminary; everyone, or every
finalist, otherwise). Marks themselves are written only by
`competition.contest.services.marks.set_mark`,
which also refuses to change a signed sheet; this module records everything about a sheet as a
whole, and `competition.scoring.sheets` decides when a sheet counts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import contains_eager, selectinload

from competition.contest import policy
from competition.contest.services import consistency as consistency_service
from competition.contest.services import draw as draw_service
from competition.contest.services import marks as mark_service
from competition.contest.services import schemes as scheme_service
from competition.core import audit
from competition.core.errors import Conflict, Invalid, NotFound
from competition.extensions import db
from competition.models import (
    Component,
    Contest,
    Contestant,
    Event,
    Finalist,
    JudgeAssignment,
    Mark,
    Round,
    SecondEntry,
    Sheet,
    User,
)
from competition.models.contests import FINAL
from competition.models.types import utcnow
from competition.scoring import sheets as rules

FIRST = "first"
SECOND = "second"
MAX_REASON = 2000


@dataclass(frozen=True)
class SheetRef:
    """One judge's sheet, resolved: the event, round, component and the judge's assignment."""

    event: Event
    round: Round
    component: Component
    assignment: JudgeAssignment

    @property
    def judge(self) -> User:
        return self.assignment.user

    @property
    def unit_id(self) -> int | None:
        """The committee's unit for a unit judge's (preliminary) sheet; None for everyone."""
        return self.assignment.unit_id


@dataclass(frozen=True)
class SheetRow:
    contestant: Contestant
    number: str  # as the round shows it: in the final, the drawn number once drawn
    mark: Decimal | None
    second: Decimal | None
    settled: Decimal | None
    updated_at: datetime | None
    etag: str | None = None  # the judge's mark's, for a conditional change from the sheet

    @property
    def state(self) -> str:
        return rules.second_entry_state(self.mark, self.second, self.settled)


@dataclass(frozen=True)
class SheetView:
    """A sheet with its rows, its stored state and its counts, for a page to show."""

    ref: SheetRef
    sheet: Sheet | None
    rows: list[SheetRow]
    counts: rules.SheetCounts


@dataclass(frozen=True)
class SheetProgress:
    """One line of the progress dashboard."""

    round: Round
    component: Component
    assignment: JudgeAssignment
    counts: rules.SheetCounts
    signed_at: datetime | None
    signed_by_id: int | None

    @property
    def judge(self) -> User:
        return self.assignment.user

    @property
    def unit_id(self) -> int | None:
        return self.assignment.unit_id


def judge_name(user: User) -> str:
    return user.display_name or user.username


# ---------------------------------------------------------------- finding sheets and rows
def sheet_ref(event: Event, round_: Round, component_key: str, judge_id: int) -> SheetRef:
    """Resolve a sheet named in a URL; 404 for anything that is not a sheet of this event."""
    component = event.component(component_key)
    if component is None:
        raise NotFound("本赛项没有这个评分项")
    assignment = policy.sheet_assignment(event, judge_id)
    if assignment is None:
        raise NotFound("该裁判未分配到本赛项")
    return SheetRef(event=event, round=round_, component=component, assignment=assignment)


def contestants_of(event: Event, round_: Round, unit_id: int | None) -> list[Contestant]:
    """The rows of a sheet: everyone in the preliminary (a unit's own people for its committee),
    the finalists in the final but those of the judge's own unit (回避); by the number the round
    shows (`draw.shown_number`: the final's drawn number once drawn)."""
    query = (
        select(Contestant)
        .where(Contestant.event_id == event.id)
        .options(selectinload(Contestant.unit))
        .order_by(draw_service.number_column(round_))
    )
    if round_.kind == FINAL:
        query = query.join(Finalist, Finalist.contestant_id == Contestant.id).options(
            contains_eager(Contestant.finalist)
        )
        if unit_id is not None:
            query = query.where(Contestant.unit_id != unit_id)
    elif unit_id is not None:
        query = query.where(Contestant.unit_id == unit_id)
    return list(db.session.scalars(query))


def shown_numbers(event: Event, round_: Round) -> dict[int, str]:
    """Contestant id → the number judges know them by in this round (the final's drawn
    number once drawn, `draw.shown_number`)."""
    return {c.id: draw_service.shown_number(c, round_) for c in contestants_of(event, round_, None)}


def find_sheet(ref: SheetRef) -> Sheet | None:
    return db.session.scalar(
        select(Sheet).where(
            Sheet.round_id == ref.round.id,
            Sheet.component_id == ref.component.id,
            Sheet.judge_id == ref.assignment.user_id,
        )
    )


def _ensure_sheet(ref: SheetRef) -> Sheet:
    sheet = find_sheet(ref)
    if sheet is None:
        sheet = Sheet(
            round_id=ref.round.id,
            component_id=ref.component.id,
            judge_id=ref.assignment.user_id,
            second_entry_required=False,
        )
        db.session.add(sheet)
        db.session.flush()
    return sheet


def counts_of(rows: Sequence[SheetRow], sheet: Sheet | None) -> rules.SheetCounts:
    states = [row.state for row in rows]
    return rules.SheetCounts(
        expected=len(rows),
        entered=sum(1 for row in rows if row.mark is not None),
        second_entry_required=bool(sheet and sheet.second_entry_required),
        checked=sum(1 for state in states if rules.is_checked(state)),
        mismatched=states.count(rules.ROW_MISMATCH),
        signed=bool(sheet and sheet.signed),
    )


def load_sheet(ref: SheetRef) -> SheetView:
    """The sheet's rows with the judge's marks and any second entry: three queries."""
    contestants = contestants_of(ref.event, ref.round, ref.unit_id)
    marks = {
        mark.contestant_id: mark
        for mark in db.session.scalars(
            select(Mark).where(
                Mark.round_id == ref.round.id,
                Mark.component_id == ref.component.id,
                Mark.judge_id == ref.assignment.user_id,
            )
        )
    }
    sheet = find_sheet(ref)
    seconds: dict[int, SecondEntry] = {}
    if sheet is not None:
        seconds = {
            entry.contestant_id: entry
            for entry in db.session.scalars(
                select(SecondEntry).where(SecondEntry.sheet_id == sheet.id)
            )
        }
    rows = []
    for contestant in contestants:
        mark = marks.get(contestant.id)
        second = seconds.get(contestant.id)
        rows.append(
            SheetRow(
                contestant=contestant,
                number=draw_service.shown_number(contestant, ref.round),
                mark=mark.value if mark else None,
                second=second.value if second else None,
                settled=second.settled_value if second else None,
                updated_at=mark.updated_at if mark else None,
                etag=mark.etag if mark else None,
            )
        )
    return SheetView(ref=ref, sheet=sheet, rows=rows, counts=counts_of(rows, sheet))


def second_entries_by(ref: SheetRef) -> dict[int, Decimal]:
    """What the second-entry typist has entered so far (they never see the judge's marks)."""
    sheet = find_sheet(ref)
    if sheet is None:
        return {}
    return {
        entry.contestant_id: entry.value
        for entry in db.session.scalars(select(SecondEntry).where(SecondEntry.sheet_id == sheet.id))
    }


def _row_contestant(ref: SheetRef, contestant: Contestant) -> None:
    """A contestant who is not a row of this sheet cannot be entered on it."""
    if contestant.event_id != ref.event.id:
        raise NotFound("本赛项没有这名选手")
    if ref.unit_id is not None and contestant.unit_id != ref.unit_id:
        raise NotFound("这张评分表上没有这名选手")
    if (
        ref.round.kind == FINAL
        and db.session.scalar(select(Finalist.id).where(Finalist.contestant_id == contestant.id))
        is None
    ):
        raise Invalid(
            f"选手 {contestant.number} 未进入决赛，不能评决赛分", {"contestant": ["未进入决赛"]}
        )


def _audit_sheet(action: str, ref: SheetRef, actor: User, **kwargs: Any) -> None:
    audit.record(
        action,
        actor,
        event_id=ref.event.id,
        round_id=ref.round.id,
        component_id=ref.component.id,
        judge_id=ref.assignment.user_id,
        **kwargs,
    )


def _reason(reason: str | None, what: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(f"请填写{what}", {"reason": [f"请填写{what}"]})
    if len(reason) > MAX_REASON:
        raise Invalid(f"{what}过长", {"reason": [f"最多 {MAX_REASON} 字"]})
    return reason


# ---------------------------------------------------------------- sign-off
def sign_sheet(ref: SheetRef, actor: User) -> Sheet:
    """The chief judge confirms a complete (and, where required, second-entered) sheet; from
    then on its marks are locked."""
    mark_service.lock_round(ref.round)  # no mark may slip in while the sheet is read
    view = load_sheet(ref)
    refusal = view.counts.sign_refusal()
    if refusal:
        raise Conflict(refusal)
    _refuse_disputes(ref)
    _refuse_unacknowledged_flags(ref)
    sheet = _ensure_sheet(ref)
    sheet.signed_at = utcnow()
    sheet.signed_by_id = actor.id
    _audit_sheet("sheet.sign", ref, actor)
    db.session.flush()
    return sheet


def _refuse_disputes(ref: SheetRef) -> None:
    """No sheet of a component is signed while the panel's judgements of one of its items
    differ by more than the marking scheme allows: the judges re-mark it first."""
    found = scheme_service.disputes(ref.round, [ref.component])
    if found:
        numbers = shown_numbers(ref.event, ref.round)
        where = "、".join(
            f"{numbers.get(d.contestant_id, d.contestant_id)}·{d.item}" for d in found
        )
        raise Conflict(
            f"评价分差超过允许范围，须由裁判重新评定后才能签字：{where}",
            {"disputes": [where]},
        )


def _refuse_unacknowledged_flags(ref: SheetRef) -> None:
    """No sheet is signed while a mark of its judge lies unusually far from the other judges'
    (`services.consistency`) and the chief judge has not yet written down why it stands."""
    flags = consistency_service.unacknowledged(
        ref.event, ref.round, ref.component, ref.assignment.user_id
    )
    if flags:
        numbers = "、".join(flag.number for flag in flags)
        raise Conflict(
            f"以下选手的评分与其他裁判相差过大，须由裁判长逐一说明后才能签字：{numbers}",
            {"flagged": [numbers]},
        )


def unsign(ref: SheetRef, sheet: Sheet, actor: User, reason: str) -> None:
    """Back to unsigned, audited; for `reopen_sheet` and the appeals service."""
    sheet.signed_at = None
    sheet.signed_by_id = None
    _audit_sheet("sheet.reopen", ref, actor, reason=reason)
    db.session.flush()


def reopen_sheet(ref: SheetRef, actor: User, reason: str | None) -> Sheet:
    """An organiser reopens a signed sheet so the judge can correct it; the reason is kept."""
    reason = _reason(reason, "重新开放的理由")
    round_ = mark_service.lock_round(ref.round)
    if round_.published:
        raise Conflict("本轮成绩已发布；更改成绩须通过申诉处理")
    sheet = find_sheet(ref)
    if sheet is None or not sheet.signed:
        raise Conflict("该评分表尚未签字，无需重新开放")
    unsign(ref, sheet, actor, reason)
    return sheet


# ---------------------------------------------------------------- second entry
def require_second_entry(ref: SheetRef, required: bool, actor: User) -> Sheet:
    """An organiser asks (or stops asking) for this sheet to be re-entered by another person."""
    round_ = mark_service.lock_round(ref.round)
    if round_.published:
        raise Conflict("本轮成绩已发布，不能再更改二次录入要求")
    sheet = _ensure_sheet(ref)
    if sheet.signed:
        raise Conflict("该评分表已签字；须先重新开放才能更改二次录入要求")
    if sheet.second_entry_required != required:
        sheet.second_entry_required = required
        _audit_sheet("sheet.second_entry", ref, actor, details={"required": required})
        db.session.flush()
    return sheet


def set_second_entry(ref: SheetRef, contestant: Contestant, value: Decimal, actor: User) -> None:
    """Store one re-entered value. A changed value drops an earlier ruling on that row: the
    ruling was about two values that no longer both exist."""
    _row_contestant(ref, contestant)
    problem = mark_service.check_value(ref.component, value)
    if problem:
        raise Invalid(problem, {"value": [problem]})
    round_ = mark_service.lock_round(ref.round)
    if round_.published:
        raise Conflict("本轮成绩已发布并锁定，不能再修改")
    sheet = find_sheet(ref)
    if sheet is None or not sheet.second_entry_required:
        raise Conflict("该评分表不需要二次录入")
    if sheet.signed:
        raise Conflict("该评分表已由裁判长签字锁定")
    entry = db.session.scalar(
        select(SecondEntry).where(
            SecondEntry.sheet_id == sheet.id, SecondEntry.contestant_id == contestant.id
        )
    )
    old_value = entry.value if entry else None
    if entry is None:
        entry = SecondEntry(
            sheet_id=sheet.id, contestant_id=contestant.id, value=value, entered_by_id=actor.id
        )
        db.session.add(entry)
    elif entry.value != value:
        entry.value = value
        entry.entered_by_id = actor.id
        entry.entered_at = utcnow()
        entry.settled_value = None
        entry.settled_by_id = None
        entry.settled_at = None
    if old_value != value:
        _audit_sheet(
            "second_entry.set",
            ref,
            actor,
            contestant_id=contestant.id,
            old_value=old_value,
            new_value=value,
        )
    db.session.flush()


def settle(
    ref: SheetRef,
    contestant: Contestant,
    stands: str,
    actor: User,
    seen: tuple[Decimal, Decimal] | None = None,
) -> Decimal:
    """Rule which of two differing entries stands. If it is the second, the judge's mark becomes
    that value through the mark service (audited as changed by `actor`).

    The row is read under the round's lock, so two rulings (or a ruling and the judge's
    correction) take turns. `seen` is the pair of values the ruling was made on (the review
    page sends what it showed): if either has changed since, the ruling is refused (409,
    `stale`) rather than settling a row its maker never saw."""
    if stands not in (FIRST, SECOND):
        raise Invalid("请选择以哪一次录入为准", {"stands": ["应为 first 或 second"]})
    _row_contestant(ref, contestant)
    mark_service.lock_round(ref.round)
    sheet = find_sheet(ref)
    entry = (
        db.session.scalar(
            select(SecondEntry).where(
                SecondEntry.sheet_id == sheet.id, SecondEntry.contestant_id == contestant.id
            )
        )
        if sheet is not None
        else None
    )
    mark = db.session.scalar(
        select(Mark).where(
            Mark.round_id == ref.round.id,
            Mark.component_id == ref.component.id,
            Mark.judge_id == ref.assignment.user_id,
            Mark.contestant_id == contestant.id,
        )
    )
    state = rules.second_entry_state(
        mark.value if mark else None,
        entry.value if entry else None,
        entry.settled_value if entry else None,
    )
    number = draw_service.shown_number(contestant, ref.round)
    if state != rules.ROW_MISMATCH or entry is None or mark is None:
        raise Conflict(f"选手 {number} 这一行没有待核定的不一致")
    first_value, second_value = mark.value, entry.value
    if seen is not None and seen != (first_value, second_value):
        message = (
            f"选手 {number} 这一行在核定前已被修改（现为裁判录入 {first_value}、"
            f"二次录入 {second_value}），请查看后重新核定"
        )
        raise Conflict(message, {"value": [message]}, code="stale")
    standing = first_value if stands == FIRST else second_value
    if stands == SECOND:
        mark_service.set_mark(
            ref.event,
            ref.round,
            contestant,
            ref.component.key,
            second_value,
            ref.judge,
            reason="二次录入核定：以第二次录入为准",
            actor=actor,
        )
    entry.settled_value = standing
    entry.settled_by_id = actor.id
    entry.settled_at = utcnow()
    _audit_sheet(
        "second_entry.settle",
        ref,
        actor,
        contestant_id=contestant.id,
        old_value=first_value,
        new_value=standing,
        details={"first": str(first_value), "second": str(second_value), "stands": stands},
    )
    db.session.flush()
    return standing


# ---------------------------------------------------------------- the event's rule
def set_require_sign_off(event: Event, required: bool, actor: User) -> None:
    """Turn on (or off) the rule that a round is published only with every sheet signed."""
    if event.require_sign_off != required:
        event.require_sign_off = required
        audit.record(
            "event.require_sign_off", actor, event_id=event.id, details={"required": required}
        )
        db.session.flush()


# ---------------------------------------------------------------- progress
def _sheet_owners(assignments: Sequence[JudgeAssignment], round_: Round) -> list[JudgeAssignment]:
    """The judges expected to keep sheets in a round: the unit committees in a preliminary that
    has them (else the event's judges), the event's own judges in the final. A judge of a
    unit who marks in the final anyway (other units' people only) keeps a sheet from their
    first mark on (`progress_of_events`)."""
    event_judges = [a for a in assignments if a.unit_id is None]
    if round_.kind == FINAL:
        return event_judges
    committees = [a for a in assignments if a.unit_id is not None]
    return committees or event_judges


def progress(event: Event, rounds: Iterable[Round] | None = None) -> list[SheetProgress]:
    """Every sheet of the event's rounds with its counts, in a fixed number of queries however
    many contestants, judges and marks there are."""
    chosen = list(rounds if rounds is not None else event.rounds)
    return progress_of_events([event], chosen).get(event.id, [])


def events_for_progress(newest_first: bool = False) -> list[Event]:
    """Every event with its contest, components and rounds loaded, ordered by contest (the
    newest first for the organiser's home, in creation order for the progress page): what
    `progress_of_events` and the pages around it read, in one query."""
    contests = Contest.id.desc() if newest_first else Contest.id
    return list(
        db.session.scalars(
            select(Event)
            .join(Contest, Contest.id == Event.contest_id)
            .options(
                selectinload(Event.contest),
                selectinload(Event.components),
                selectinload(Event.rounds),
            )
            .order_by(contests, Event.id)
        )
    )


def progress_of_events(
    events: Sequence[Event], rounds: Iterable[Round] | None = None
) -> dict[int, list[SheetProgress]]:
    """`progress` of many events at once, by event id: the same fixed number of queries
    however many events there are (the organiser's home shows every event's)."""
    event_ids = [e.id for e in events]
    chosen = list(rounds) if rounds is not None else [r for e in events for r in e.rounds]
    round_ids = [r.id for r in chosen]
    if not event_ids or not round_ids:
        return {}
    assignments = list(
        db.session.scalars(
            select(JudgeAssignment)
            .where(JudgeAssignment.event_id.in_(event_ids))
            .options(selectinload(JudgeAssignment.user))
            .order_by(JudgeAssignment.id)
        )
    )
    per_unit: dict[int, dict[int, int]] = defaultdict(dict)
    for event_id, unit_id, count in db.session.execute(
        select(Contestant.event_id, Contestant.unit_id, func.count(Contestant.id))
        .where(Contestant.event_id.in_(event_ids))
        .group_by(Contestant.event_id, Contestant.unit_id)
    ):
        per_unit[event_id][unit_id] = count
    finalists_per_unit: dict[int, dict[int, int]] = defaultdict(dict)
    for event_id, unit_id, count in db.session.execute(
        select(Finalist.event_id, Finalist.unit_id, func.count(Finalist.id))
        .where(Finalist.event_id.in_(event_ids))
        .group_by(Finalist.event_id, Finalist.unit_id)
    ):
        finalists_per_unit[event_id][unit_id] = count
    entered = {
        (round_id, component_id, judge_id): count
        for round_id, component_id, judge_id, count in db.session.execute(
            select(Mark.round_id, Mark.component_id, Mark.judge_id, func.count(Mark.id))
            .where(Mark.round_id.in_(round_ids))
            .group_by(Mark.round_id, Mark.component_id, Mark.judge_id)
        )
    }
    sheets = {
        (s.round_id, s.component_id, s.judge_id): s
        for s in db.session.scalars(select(Sheet).where(Sheet.round_id.in_(round_ids)))
    }
    checked: dict[int, int] = defaultdict(int)
    mismatched: dict[int, int] = defaultdict(int)
    for sheet_id, second, settled, first in db.session.execute(
        select(SecondEntry.sheet_id, SecondEntry.value, SecondEntry.settled_value, Mark.value)
        .join(Sheet, Sheet.id == SecondEntry.sheet_id)
        .outerjoin(
            Mark,
            and_(
                Mark.round_id == Sheet.round_id,
                Mark.component_id == Sheet.component_id,
                Mark.judge_id == Sheet.judge_id,
                Mark.contestant_id == SecondEntry.contestant_id,
            ),
        )
        .where(Sheet.round_id.in_(round_ids))
    ):
        state = rules.second_entry_state(first, second, settled)
        if rules.is_checked(state):
            checked[sheet_id] += 1
        elif state == rules.ROW_MISMATCH:
            mismatched[sheet_id] += 1

    of_event: dict[int, list[JudgeAssignment]] = defaultdict(list)
    for assignment in assignments:
        of_event[assignment.event_id].append(assignment)
    by_event = {e.id: e for e in events}
    result: dict[int, list[SheetProgress]] = {e.id: [] for e in events}
    for round_ in chosen:
        event = by_event[round_.event_id]
        event_assignments = of_event[event.id]
        by_user = {a.user_id: a for a in event_assignments}
        order = {a.user_id: n for n, a in enumerate(event_assignments)}
        units = per_unit[event.id]
        counted = finalists_per_unit[event.id] if round_.kind == FINAL else units
        expected_all = sum(counted.values())
        owners = {a.user_id for a in _sheet_owners(event_assignments, round_)}
        owners |= {judge_id for (r, _c, judge_id) in (*entered, *sheets) if r == round_.id}
        for user_id in sorted(owners, key=lambda uid: order.get(uid, len(order))):
            assignment = by_user.get(user_id)
            if assignment is None:  # marks of a judge since unassigned: still a sheet
                continue
            if assignment.unit_id is None:
                expected = expected_all
            elif round_.kind == FINAL:  # everyone but their own unit's people (回避)
                expected = expected_all - counted.get(assignment.unit_id, 0)
            else:
                expected = units.get(assignment.unit_id, 0)
            for component in event.components:
                key = (round_.id, component.id, user_id)
                sheet = sheets.get(key)
                counts = rules.SheetCounts(
                    expected=expected,
                    entered=entered.get(key, 0),
                    second_entry_required=bool(sheet and sheet.second_entry_required),
                    checked=checked.get(sheet.id, 0) if sheet else 0,
                    mismatched=mismatched.get(sheet.id, 0) if sheet else 0,
                    signed=bool(sheet and sheet.signed),
                )
                result[event.id].append(
                    SheetProgress(
                        round=round_,
                        component=component,
                        assignment=assignment,
                        counts=counts,
                        signed_at=sheet.signed_at if sheet else None,
                        signed_by_id=sheet.signed_by_id if sheet else None,
                    )
                )
    return result


# ---------------------------------------------------------------- publication
def publication_blockers(event: Event, round_: Round) -> dict[str, list[str]]:
    """What keeps the round's sheets from counting: unsigned sheets (where the event requires
    sign-off) and second entries not yet agreed."""
    fields: dict[str, list[str]] = {}
    for line in progress(event, [round_]):
        label = f"{line.component.name} · {judge_name(line.judge)}"
        counts = line.counts
        if event.require_sign_off and counts.started and not counts.signed:
            fields.setdefault("unsigned_sheets", []).append(f"未签字：{label}")
        if not counts.verified:
            fields.setdefault("second_entry", []).append(
                f"二次录入未核对完毕：{label}（{counts.checked}/{counts.expected}）"
            )
    return fields


def check_publishable(event: Event, round_: Round) -> None:
    """Called by `results.publish_round`: the sheets of the round must all count."""
    fields = publication_blockers(event, round_)
    if fields:
        raise Conflict("还有评分表未签字或二次录入未核对完毕，不能发布", fields)
