"""The trainee's file (职工匠师档案) as a PDF from the pages: organisers print one trainee's or
the whole class's; a trainee downloads their own, without the experts' names."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from competition.contest import policy
from competition.http.blueprints import web as bp
from competition.http.pages import role_required, signed_in_user
from competition.http.responses import pdf_response
from competition.models import Role
from competition.reviews import documents as trainee_files
from competition.reviews import services as service


@bp.get("/console/cohorts/<int:cohort_id>/file.pdf")
@role_required(Role.ORGANISER)
def cohort_file_pdf_page(cohort_id: int) -> ResponseReturnValue:
    cohort = service.get_cohort(cohort_id)
    return pdf_response(trainee_files.cohort_file_pdf(cohort), f"cohort-file-{cohort.id}.pdf")


@bp.get("/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/file.pdf")
@role_required(Role.ORGANISER, Role.TRAINEE)
def trainee_file_pdf_page(cohort_id: int, trainee_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    assert user is not None
    cohort = service.get_cohort(cohort_id)
    trainee = service.get_trainee(cohort, trainee_id)
    policy.require_trainee_file(user, trainee)
    body = trainee_files.trainee_file_pdf(cohort, trainee, with_names=policy.sees_reviewers(user))
    return pdf_response(body, f"trainee-file-{trainee.id}.pdf")
