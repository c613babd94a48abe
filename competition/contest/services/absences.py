"""Absence and withdrawal (缺考, 弃权): recorded per contestant and round, with a reason.

A contestant who did not sit a round, or withdrew from it, is not ranked and is listed as
such, never with a score of 0 (domain.md §1): a 0 would place them, print "0.00" on the
notice, and a time of 0 would even win a lower-is-better tie-break. Until the round is
published an absence can be recorded, changed and undone; each step is in the audit trail.
Results read absences through `absences_of` (services/results), so an absent contestant is
in neither the ranking nor the incomplete list and does not block publication.
"""

from __future__ import annotations

from sqlalchemy import select

from competition.contest.services.marks import lock_round
from competition.core import audit
from competition.core.errors import Conflict, Invalid, NotFound
from competition.extensions import db
from competition.models import Absence, Contestant, Event, Finalist, Round, User
from competition.models.contests import FINAL
from competition.models.marks import ABSENCE_STATUSES, ABSENT
from competition.models.types import utcnow

#: How the statuses read on pages, notices and exports.
STATUS_TEXT = {"absent": "缺考", "withdrawn": "弃权"}
MAX_REASON = 500


def status_text(status: str) -> str:
    return STATUS_TEXT.get(status, status)


def _in_round(event: Event, round_: Round, contestant: Contestant) -> None:
    """404 for someone who does not sit this round: of another event, or not a finalist."""
    if contestant.event_id != event.id:
        raise NotFound("本赛项没有这名选手")
    if round_.kind == FINAL and (
        db.session.scalar(select(Finalist.id).where(Finalist.contestant_id == contestant.id))
        is None
    ):
        raise NotFound("该选手未进入决赛")


def _checked(status: str, reason: str | None) -> tuple[str, str]:
    errors: dict[str, list[str]] = {}
    if status not in ABSENCE_STATUSES:
        errors["status"] = ["应为 absent（缺考）或 withdrawn（弃权）"]
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = ["请填写原因"]
    elif len(reason) > MAX_REASON:
        errors["reason"] = [f"最多 {MAX_REASON} 字"]
    if errors:
        raise Invalid("缺考/弃权登记有误", errors)
    return status, reason


def get_absence(round_: Round, contestant_id: int) -> Absence | None:
    return db.session.scalar(
        select(Absence).where(Absence.round_id == round_.id, Absence.contestant_id == contestant_id)
    )


def absences_of(round_: Round) -> list[Absence]:
    """The round's absences by ascending contestant id (the order of the results' list)."""
    return list(
        db.session.scalars(
            select(Absence).where(Absence.round_id == round_.id).order_by(Absence.contestant_id)
        )
    )


def record_absence(
    event: Event,
    round_: Round,
    contestant: Contestant,
    status: str = ABSENT,
    reason: str | None = None,
    actor: User | None = None,
) -> Absence:
    """Record (or change) a contestant's absence from a round; 409 once it is published.

    The round is locked first, so an absence and a publication cannot interleave: a round is
    never published with someone half-recorded as absent."""
    _in_round(event, round_, contestant)
    status, reason = _checked(status, reason)
    round_ = lock_round(round_)
    if round_.published:
        raise Conflict("本轮成绩已发布，不能再登记缺考或弃权；如有错误请走申诉")
    absence = get_absence(round_, contestant.id)
    before = None if absence is None else {"status": absence.status, "reason": absence.reason}
    if absence is None:
        absence = Absence(round_id=round_.id, contestant_id=contestant.id)
        db.session.add(absence)
    absence.status, absence.reason = status, reason
    absence.recorded_by_id = actor.id if actor else None
    absence.recorded_at = utcnow()
    audit.record(
        "absence.record",
        actor,
        event_id=event.id,
        round_id=round_.id,
        contestant_id=contestant.id,
        reason=reason,
        details={"status": status, "before": before},
    )
    db.session.flush()
    return absence


def undo_absence(
    event: Event,
    round_: Round,
    contestant: Contestant,
    actor: User | None = None,
    reason: str | None = None,
) -> None:
    """Undo a recorded absence (the contestant is ranked again on their marks); 409 once the
    round is published, 404 when none is recorded."""
    _in_round(event, round_, contestant)
    round_ = lock_round(round_)
    absence = get_absence(round_, contestant.id)
    if absence is None:
        raise NotFound("该选手没有缺考或弃权登记")
    if round_.published:
        raise Conflict("本轮成绩已发布，不能再撤销缺考或弃权")
    audit.record(
        "absence.undo",
        actor,
        event_id=event.id,
        round_id=round_.id,
        contestant_id=contestant.id,
        reason=(reason or "").strip() or None,
        details={"status": absence.status, "reason": absence.reason},
    )
    db.session.delete(absence)
    db.session.flush()
