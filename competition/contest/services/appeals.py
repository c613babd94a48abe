"""Appeals (申诉): recorded as filed, decided with a reason, carried out through the mark service.

An appeal is written and signed with a real name (domain.md §1), so who filed it and when are
kept as given. A score changed by its outcome is changed by `set_mark` with the outcome's reason
(the audit trail keeps who, when, old, new and why), and the sheet it sits on goes back to
unsigned until the chief judge signs it again. This is the one path by which a published round's
marks may change: during the public notice period the results are not yet final.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from competition.contest.services import certificates as certificate_service
from competition.contest.services import judging as judging_service
from competition.contest.services import marks as mark_service
from competition.contest.services import publication
from competition.contest.services import schemes as scheme_service
from competition.core import audit
from competition.core.errors import Conflict, Invalid, NotFound
from competition.core.locking import lock_row
from competition.extensions import db
from competition.models import (
    Appeal,
    AuditEntry,
    Component,
    Contestant,
    Event,
    Finalist,
    Mark,
    Round,
    SecondEntry,
    Sheet,
    User,
)
from competition.models.contests import FINAL
from competition.models.judging import APPEAL_OUTCOMES, APPEAL_REJECTED
from competition.models.types import utcnow
from competition.scoring import schemes as scoring_schemes

MAX_NAME = 100
MAX_TEXT = 2000
# A clock a few minutes fast on the organiser's computer is not a filing from the future.
CLOCK_SLACK = timedelta(minutes=10)


@dataclass(frozen=True)
class MarkChange:
    """One judge's mark of one component, as the appeal's outcome sets it; for a component
    marked from a marking scheme, one item (`item`, its code) of that judge's marks, whose
    mark then follows from the items (`services.schemes`)."""

    judge_id: int
    component_key: str
    value: Decimal
    item: str | None = None


def _text(value: str | None, field: str, what: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise Invalid(f"请填写{what}", {field: [f"{what}不能为空"]})
    if len(value) > limit:
        raise Invalid(f"{what}过长", {field: [f"最多 {limit} 字"]})
    return value


def file_appeal(
    event: Event,
    round_: Round,
    contestant: Contestant,
    filed_by: str | None,
    filed_at: datetime | None,
    subject: str | None,
    actor: User,
    *,
    during_notice: bool = False,
) -> Appeal:
    """Record an appeal as it was handed in: by whom (a real name), when, against what.

    `during_notice` (the API's rule) refuses it (409, after the checks of the values) unless
    the round is published and still in its notice period; the pages also record appeals
    handed in at the contest, before publication."""
    errors: dict[str, list[str]] = {}
    try:
        filed_by = _text(filed_by, "filed_by", "申诉人姓名", MAX_NAME)
    except Invalid as error:
        errors.update(error.fields)
    try:
        subject = _text(subject, "subject", "申诉事项", MAX_TEXT)
    except Invalid as error:
        errors.update(error.fields)
    if filed_at is None:
        errors["filed_at"] = ["请填写申诉时间"]
    elif filed_at > utcnow() + CLOCK_SLACK:
        errors["filed_at"] = ["申诉时间不能晚于现在"]
    if contestant.event_id != event.id:
        errors["contestant_id"] = ["本赛项没有这名选手"]
    elif (
        round_.kind == FINAL
        and db.session.scalar(select(Finalist.id).where(Finalist.contestant_id == contestant.id))
        is None
    ):
        errors["contestant_id"] = ["该选手未进入决赛"]
    if errors:
        raise Invalid("申诉登记有误", errors)
    if during_notice:
        require_open_for_appeals(event, round_)
    assert filed_by is not None and subject is not None and filed_at is not None
    appeal = Appeal(
        event_id=event.id,
        round_id=round_.id,
        contestant_id=contestant.id,
        filed_by=filed_by,
        filed_at=filed_at,
        subject=subject,
        recorded_by_id=actor.id,
    )
    db.session.add(appeal)
    db.session.flush()
    audit.record(
        "appeal.file",
        actor,
        event_id=event.id,
        round_id=round_.id,
        contestant_id=contestant.id,
        reason=subject,
        details={"appeal_id": appeal.id, "filed_by": filed_by, "filed_at": filed_at.isoformat()},
    )
    db.session.flush()
    return appeal


def require_open_for_appeals(event: Event, round_: Round) -> None:
    """An appeal against published results is filed during their notice period: before
    publication there is nothing to appeal against, after it the results are final (409)."""
    status = publication.notice_status(event, round_)
    if not status.published:
        raise Conflict("本轮成绩尚未发布，不能登记申诉")
    if status.final:
        raise Conflict("公示期已满，成绩已确认，不能再登记申诉")


def get_appeal(appeal_id: int) -> Appeal:
    appeal = db.session.get(Appeal, appeal_id)
    if appeal is None:
        raise NotFound("没有这条申诉记录")
    return appeal


def list_appeals(event: Event | None = None) -> list[Appeal]:
    query = (
        select(Appeal)
        .options(selectinload(Appeal.contestant), selectinload(Appeal.round))
        .order_by(Appeal.filed_at.desc(), Appeal.id.desc())
    )
    if event is not None:
        query = query.where(Appeal.event_id == event.id)
    return list(db.session.scalars(query))


def contested_marks(appeal: Appeal) -> list[Mark]:
    """The contestant's marks in the appealed round, which the outcome may change."""
    return list(
        db.session.scalars(
            select(Mark)
            .where(Mark.round_id == appeal.round_id, Mark.contestant_id == appeal.contestant_id)
            .order_by(Mark.component_id, Mark.judge_id)
        )
    )


def changes_made(appeal: Appeal) -> list[AuditEntry]:
    """The audit entries of the marks this appeal changed."""
    entries = db.session.scalars(
        select(AuditEntry)
        .where(
            AuditEntry.contestant_id == appeal.contestant_id,
            AuditEntry.round_id == appeal.round_id,
            AuditEntry.action == "mark.set",
        )
        .order_by(AuditEntry.id)
    )
    return [e for e in entries if (e.details or {}).get("appeal_id") == appeal.id]


def decide_appeal(
    appeal: Appeal,
    outcome: str | None,
    reason: str | None,
    changes: Sequence[MarkChange],
    actor: User,
) -> Appeal:
    """Record the ruling; an upheld appeal may change marks, each through `set_mark`, and each
    changed mark's sheet goes back to unsigned.

    The round is locked first, and the appeal read again under it: two organisers deciding
    the same appeal at once would otherwise both find it undecided and both change its marks,
    and two decisions changing the same marks in opposite orders could deadlock."""
    mark_service.lock_round(appeal.round)
    appeal = lock_row(Appeal, appeal)
    if outcome not in APPEAL_OUTCOMES:
        raise Invalid("请选择处理结果", {"outcome": ["应为 upheld 或 rejected"]})
    reason = _text(reason, "reason", "处理理由", MAX_TEXT)
    event = db.session.get(Event, appeal.event_id)
    round_ = appeal.round
    contestant = appeal.contestant
    assert event is not None
    current = {(m.judge_id, m.component_id): m for m in contested_marks(appeal)}
    components = {c.key: c for c in event.components}
    real: list[tuple[MarkChange, Mark]] = []
    for change in changes:
        component = components.get(change.component_key)
        mark = current.get((change.judge_id, component.id)) if component else None
        if component is None or mark is None:
            raise Invalid("只能更改该选手本轮已有的评分", {"changes": ["没有这位裁判的这项评分"]})
        if _changes_anything(change, component, mark, round_, contestant):
            real.append((change, mark))
    if outcome == APPEAL_REJECTED and real:
        raise Invalid("申诉不成立时不能更改成绩", {"changes": ["驳回的申诉不改分"]})
    # After the checks of the values: a bad request is a 422 even for a decided appeal.
    if appeal.decided:
        raise Conflict("该申诉已有处理结果，不能再次处理")
    if real and publication.notice_status(event, round_).final:
        # After the public notice period the results are final (domain.md "Publication").
        raise Conflict("公示期已满，成绩已确认，不能再因申诉更改成绩")

    note = f"申诉处理（{appeal.filed_by}，第 {appeal.id} 号）：{reason}"
    for change, _mark in real:
        judge = db.session.get(User, change.judge_id)
        assert judge is not None
        ref = judging_service.sheet_ref(event, round_, change.component_key, change.judge_id)
        sheet = judging_service.find_sheet(ref)
        if sheet is not None and sheet.signed:
            judging_service.unsign(ref, sheet, actor, note)
        if change.item is not None:
            target = mark_service.locked_target(
                event.id, round_.kind, contestant.id, change.component_key, change.judge_id
            )
            assert target is not None
            scheme_service.set_item_mark(
                target,
                change.item,
                change.value,
                actor_id=actor.id,
                reason=note,
                by_appeal=True,
                details={"appeal_id": appeal.id},
            )
            continue
        mark_service.set_mark(
            event,
            round_,
            contestant,
            change.component_key,
            change.value,
            judge,
            reason=note,
            actor=actor,
            by_appeal=True,
            details={"appeal_id": appeal.id},
        )
        if sheet is not None:
            _settle_second_entry(sheet, contestant, change.value, actor)

    appeal.outcome = outcome
    appeal.outcome_reason = reason
    appeal.decided_by_id = actor.id
    appeal.decided_at = utcnow()
    audit.record(
        "appeal.decide",
        actor,
        event_id=event.id,
        round_id=round_.id,
        contestant_id=contestant.id,
        reason=reason,
        details={"appeal_id": appeal.id, "outcome": outcome, "changes": len(real)},
    )
    db.session.flush()
    if real and round_.kind == FINAL:
        # Changed marks may move places, totals and tiers: certificates already printed
        # that no longer agree are superseded now, not only at the next print.
        certificate_service.supersede_stale(
            event, actor, f"申诉（{appeal.filed_by}，第 {appeal.id} 号）成立：{reason}"
        )
    return appeal


def _changes_anything(
    change: MarkChange, component: Component, mark: Mark, round_: Round, contestant: Contestant
) -> bool:
    """Whether `change` differs from what stands; a component marked from a marking scheme is
    changed item by item (its mark follows from them), any other as one number."""
    if component.scheme is None:
        if change.item is not None:
            message = f"评分项“{component.name}”没有评分细则，请直接填写新分"
            raise Invalid(message, {"changes": [message]})
        return mark.value != change.value
    if change.item is None:
        message = f"评分项“{component.name}”按评分细则评分，请写明要更改的评分点"
        raise Invalid(message, {"changes": [message]})
    items = {item.code: item for item in scheme_service.item_rules(component.scheme)}
    rule = items.get(change.item)
    if rule is None:
        message = f"评分细则中没有评分点“{change.item}”"
        raise Invalid(message, {"changes": [message]})
    problem = scoring_schemes.item_value_problem(rule, change.value)
    if problem:
        raise Invalid(problem, {"changes": [problem]})
    now = scheme_service.item_values(round_.id, contestant.id, component.id, mark.judge_id)
    return now.get(change.item) != change.value


def _settle_second_entry(sheet: Sheet, contestant: Contestant, value: Decimal, actor: User) -> None:
    """An appeal's ruling is itself the settled value of a re-entered row: the new mark needs no
    third typist."""
    entry = db.session.scalar(
        select(SecondEntry).where(
            SecondEntry.sheet_id == sheet.id, SecondEntry.contestant_id == contestant.id
        )
    )
    if entry is not None:
        entry.settled_value = value
        entry.settled_by_id = actor.id
        entry.settled_at = utcnow()
