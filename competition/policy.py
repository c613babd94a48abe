"""Who may do what: one place for these rules, used by the API and the pages alike."""

from __future__ import annotations

from sqlalchemy import select

from competition.errors import Forbidden
from competition.extensions import db
from competition.models import Contestant, Event, JudgeAssignment, Role, Round, User
from competition.models.contests import PRELIMINARY


def is_organiser(user: User | None) -> bool:
    return user is not None and user.role == Role.ORGANISER


def require_organiser(user: User) -> None:
    if not is_organiser(user):
        raise Forbidden("只有组委会可以进行此操作")


def judge_assignment(user: User | None, event: Event) -> JudgeAssignment | None:
    if user is None or user.role != Role.JUDGE:
        return None
    return db.session.scalar(
        select(JudgeAssignment).where(
            JudgeAssignment.event_id == event.id, JudgeAssignment.user_id == user.id
        )
    )


def require_marking(user: User, event: Event, round_: Round, contestant: Contestant) -> None:
    """Only a judge assigned to the event marks it; a unit's committee marks only its own people
    in the preliminary, since the final is run by the contest's organising committee."""
    assignment = judge_assignment(user, event)
    if assignment is None:
        raise Forbidden("您不是该赛项的裁判，不能评分")
    if assignment.unit_id is not None:
        if round_.kind != PRELIMINARY:
            raise Forbidden("单位初赛组委会的裁判只能为本单位的初赛评分")
        if contestant.unit_id != assignment.unit_id:
            raise Forbidden("只能为本单位的选手评分")


def may_read_results(user: User | None, event: Event, round_: Round) -> bool:
    if round_.published:
        return True
    return is_organiser(user) or judge_assignment(user, event) is not None


def sees_identities(user: User | None, round_: Round) -> bool:
    """Judges mark contest numbers; names and units stay hidden from them until publication."""
    return round_.published or is_organiser(user)
