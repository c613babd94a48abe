"""Who may do what in a contest: one place for these rules, used by the API and the pages
alike. The organiser rule both features share is `competition.core.roles`."""

from __future__ import annotations

from sqlalchemy import select

from competition.core.errors import Forbidden
from competition.core.roles import is_organiser
from competition.extensions import db
from competition.models import Contestant, Event, JudgeAssignment, Role, Round, User
from competition.models.contests import PRELIMINARY


def judge_assignment(user: User | None, event: Event) -> JudgeAssignment | None:
    if user is None or user.role != Role.JUDGE:
        return None
    return db.session.scalar(
        select(JudgeAssignment).where(
            JudgeAssignment.event_id == event.id, JudgeAssignment.user_id == user.id
        )
    )


#: `marking_refusal`'s `assigned_unit` for a user with no judge's assignment to the event.
NOT_ASSIGNED: object = object()
_UNASKED: object = object()


#: The refusal of a final's mark for a contestant of the judge's own unit (回避): a 403 with
#: the error code `CONFLICT_OF_INTEREST` (api-v1 "Judging in depth").
CONFLICT_OF_INTEREST = "conflict_of_interest"
OWN_UNIT_IN_FINAL = "回避：决赛中裁判不能为本单位的选手评分"


def marking_refusal(
    assigned_unit: int | object | None,
    round_kind: str,
    contestant_unit: int | object | None = _UNASKED,
) -> str | None:
    """Why a judge may not mark (a 403's message), or None: the rule itself, on plain values,
    so the API's mark entry can apply it to the one row it reads
    (`services.marks.locked_target_for_token`).

    `assigned_unit` is the unit the judge belongs to (None for a judge of no unit), or
    `NOT_ASSIGNED`. Only a judge assigned to the event marks it. In the preliminary, run by
    each unit's own committee by design, a judge of a unit marks only its own people; in the
    final never its own people (回避, `OWN_UNIT_IN_FINAL`). Without `contestant_unit` only
    the assignment is asked (may this judge keep a sheet of the round at all)."""
    if assigned_unit is NOT_ASSIGNED:
        return "您不是该赛项的裁判，不能评分"
    if assigned_unit is None or contestant_unit is _UNASKED:
        return None
    if round_kind == PRELIMINARY:
        return None if assigned_unit == contestant_unit else "只能为本单位的选手评分"
    return OWN_UNIT_IN_FINAL if assigned_unit == contestant_unit else None


def marking_forbidden(refusal: str) -> Forbidden:
    """The 403 of a `marking_refusal`, with the contract's code for a conflict of interest."""
    if refusal == OWN_UNIT_IN_FINAL:
        return Forbidden(refusal, code=CONFLICT_OF_INTEREST)
    return Forbidden(refusal)


def marking_assignment(user: User, event: Event, round_: Round) -> JudgeAssignment:
    """The judge's assignment that lets them mark this round (their score sheets), or 403."""
    assignment = judge_assignment(user, event)
    refusal = marking_refusal(
        NOT_ASSIGNED if assignment is None else assignment.unit_id, round_.kind
    )
    if refusal:
        raise Forbidden(refusal)
    assert assignment is not None
    return assignment


def require_marking(user: User, event: Event, round_: Round, contestant: Contestant) -> None:
    """A judge marks a contestant of the round they may mark; a unit's committee marks only its
    own people."""
    assignment = marking_assignment(user, event, round_)
    refusal = marking_refusal(assignment.unit_id, round_.kind, contestant.unit_id)
    if refusal:
        raise marking_forbidden(refusal)


def absence_unit(user: User | None, event: Event, round_: Round) -> int | object | None:
    """Whose absences (缺考/弃权) this user records on the pages: `NOT_ASSIGNED` for nobody;
    None for everyone of the round (an organiser, the event's chief judge); a unit's id for a
    unit committee's chief, in that unit's preliminary. The pages and the API alike."""
    if is_organiser(user):
        return None
    assignment = judge_assignment(user, event)
    if assignment is None or not assignment.is_chief:
        return NOT_ASSIGNED
    if assignment.unit_id is not None and round_.kind != PRELIMINARY:
        return NOT_ASSIGNED
    return assignment.unit_id


def require_absence_recording(
    user: User, event: Event, round_: Round, contestant: Contestant
) -> None:
    unit = absence_unit(user, event, round_)
    if unit is NOT_ASSIGNED:
        raise Forbidden("只有裁判长或组委会可以登记缺考、弃权")
    if unit is not None and contestant.unit_id != unit:
        raise Forbidden("只能登记本单位选手的缺考、弃权")


def records_scope(user: User | None, event: Event, round_: Round) -> int | object | None:
    """Whose item sheets and marking records (评分记录表) of a round this user prints: those
    the chief judge keeps, so the same scope as the absences (`absence_unit`). None for the
    whole round (an organiser, the event's chief judge), a unit's id for a unit committee's
    chief in that unit's preliminary, `NOT_ASSIGNED` for anyone else."""
    return absence_unit(user, event, round_)


def may_read_results(user: User | None, event: Event, round_: Round) -> bool:
    if round_.published:
        return True
    return is_organiser(user) or judge_assignment(user, event) is not None


def sees_identities(user: User | None, round_: Round) -> bool:
    """Judges mark contest numbers; names and units stay hidden from them until publication."""
    return round_.published or is_organiser(user)


# ---------------------------------------------------------------- score sheets (judging)
def sheet_assignment(event: Event, judge_id: int) -> JudgeAssignment | None:
    """The assignment of the judge whose sheet it is (None: not a judge of this event)."""
    return db.session.scalar(
        select(JudgeAssignment).where(
            JudgeAssignment.event_id == event.id, JudgeAssignment.user_id == judge_id
        )
    )


def assignment_may_sign(
    signer: JudgeAssignment | None, round_: Round, sheet_of: JudgeAssignment
) -> bool:
    """The event's chief judge signs any judge's sheet of the event; a unit committee's chief
    (a chief assignment with a unit) signs that committee's preliminary sheets."""
    if signer is None or not signer.is_chief:
        return False
    if signer.unit_id is None:
        return True
    return round_.kind == PRELIMINARY and sheet_of.unit_id == signer.unit_id


def may_sign(user: User | None, event: Event, round_: Round, sheet_of: JudgeAssignment) -> bool:
    return assignment_may_sign(judge_assignment(user, event), round_, sheet_of)


def require_signing(user: User, event: Event, round_: Round, sheet_of: JudgeAssignment) -> None:
    if not may_sign(user, event, round_, sheet_of):
        raise Forbidden("只有裁判长可以签字确认评分表")


def may_review_sheet(
    user: User | None, event: Event, round_: Round, sheet_of: JudgeAssignment
) -> bool:
    """Who sees a whole sheet with both entries side by side and settles differences: the
    organisers and whoever may sign it; never the second-entry typist as such."""
    return is_organiser(user) or may_sign(user, event, round_, sheet_of)


def require_sheet_review(
    user: User, event: Event, round_: Round, sheet_of: JudgeAssignment
) -> None:
    if not may_review_sheet(user, event, round_, sheet_of):
        raise Forbidden("只有组委会或裁判长可以查看和核定整张评分表")


def second_entry_refusal(
    user: User | None, event: Event, round_: Round, sheet_of: JudgeAssignment
) -> str | None:
    """Why `user` may not re-enter this sheet, or None."""
    own = None if is_organiser(user) else judge_assignment(user, event)
    return assignment_second_entry_refusal(user, own, round_, sheet_of)


def assignment_second_entry_refusal(
    user: User | None, own: JudgeAssignment | None, round_: Round, sheet_of: JudgeAssignment
) -> str | None:
    """Second entry is done by someone other than the sheet's judge (entered by ≠ verified
    by): an organiser (the committee's recorder) or another judge of the event (`own` is their
    assignment) who could mark the same rows."""
    if user is None:
        return "请先登录"
    if user.id == sheet_of.user_id:
        return "二次录入须由评分裁判以外的人完成"
    if is_organiser(user):
        return None
    assignment = own
    if assignment is None:
        return "您不是该赛项的裁判"
    if assignment.unit_id is not None and (
        round_.kind != PRELIMINARY or assignment.unit_id != sheet_of.unit_id
    ):
        return "只能二次录入本单位初赛组委会的评分表"
    return None


def require_second_entry(
    user: User, event: Event, round_: Round, sheet_of: JudgeAssignment
) -> None:
    refusal = second_entry_refusal(user, event, round_, sheet_of)
    if refusal:
        raise Forbidden(refusal)
