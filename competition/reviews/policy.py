"""Who may do what in a craftsman class: one place for these rules, used by the API and the
pages alike. The organiser rule both features share is `competition.core.roles`."""

from __future__ import annotations

from sqlalchemy import select

from competition.core.errors import Forbidden
from competition.core.roles import is_organiser
from competition.extensions import db
from competition.models import Cohort, CohortExpert, Role, Trainee, User


def cohort_expert(user: User | None, cohort: Cohort) -> CohortExpert | None:
    """The user's seat on the cohort's panel, if they are an expert on it."""
    if user is None or user.role != Role.EXPERT:
        return None
    return db.session.scalar(
        select(CohortExpert).where(
            CohortExpert.cohort_id == cohort.id, CohortExpert.user_id == user.id
        )
    )


def is_cohort_trainee(user: User | None, cohort: Cohort) -> bool:
    if user is None or user.role != Role.TRAINEE:
        return False
    found = db.session.scalar(
        select(Trainee.id).where(Trainee.cohort_id == cohort.id, Trainee.user_id == user.id)
    )
    return found is not None


def require_reviewing(user: User, cohort: Cohort) -> CohortExpert:
    """Only an expert on a cohort's panel reviews its trainees: an expert sees and scores only
    their own cohort."""
    seat = cohort_expert(user, cohort)
    if seat is None:
        raise Forbidden("您不是该研修班的评审专家，不能评审")
    return seat


def require_panel_lead(user: User, cohort: Cohort) -> CohortExpert:
    """The panel lead signs the cohort's results; nobody else, not even an organiser, since the
    signature is the panel's word on the result."""
    seat = cohort_expert(user, cohort)
    if seat is None or not seat.is_lead:
        raise Forbidden("只有评审专家组组长可以签署评审结果")
    return seat


def require_cohort_member(user: User, cohort: Cohort) -> None:
    """Organisers, the cohort's experts and its trainees may see the cohort itself."""
    if is_organiser(user) or cohort_expert(user, cohort) is not None:
        return
    if is_cohort_trainee(user, cohort):
        return
    raise Forbidden("您无权查看该研修班")


def require_cohort_staff(user: User, cohort: Cohort) -> None:
    """The trainee list (the expert's worklist) is for organisers and the cohort's experts."""
    if not is_organiser(user) and cohort_expert(user, cohort) is None:
        raise Forbidden("只有组委会和本研修班的评审专家可以查看学员名单")


def require_cohort_results(user: User, cohort: Cohort) -> None:
    """Organisers, and the panel lead who signs them, read the whole cohort's results; other
    experts do not, so each scores independently of the others."""
    if is_organiser(user):
        return
    seat = cohort_expert(user, cohort)
    if seat is None or not seat.is_lead:
        raise Forbidden("只有组委会和评审专家组组长可以查看全班评审结果")


def require_trainee_file(user: User, trainee: Trainee) -> None:
    """A trainee's file: organisers, and the trainee's own login; another trainee gets 403."""
    if is_organiser(user):
        return
    if user.role == Role.TRAINEE and trainee.user_id == user.id:
        return
    raise Forbidden("只能查看本人的评审档案")


def sees_reviewers(user: User | None) -> bool:
    """Who wrote which review is for organisers; the trainee reads the panel's comments."""
    return is_organiser(user)
