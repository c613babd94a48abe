"""The trainee's file (职工匠师档案) as a PDF from the pages: organisers print one trainee's or
the whole class's; a trainee downloads their own, without the experts' names. The same
downloads as the API's (`competition.reviews.downloads`)."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from competition.http.blueprints import web as bp
from competition.http.pages import role_required, signed_in_user
from competition.http.responses import download_response
from competition.models import Role
from competition.reviews import downloads
from competition.reviews import services as service


@bp.get("/console/cohorts/<int:cohort_id>/file.pdf")
@role_required(Role.ORGANISER)
def cohort_file_pdf_page(cohort_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    assert user is not None
    cohort = service.get_cohort(cohort_id)
    return download_response(downloads.cohort_file_pdf(cohort, user))


@bp.get("/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/file.pdf")
@role_required(Role.ORGANISER, Role.TRAINEE)
def trainee_file_pdf_page(cohort_id: int, trainee_id: int) -> ResponseReturnValue:
    user = signed_in_user()
    assert user is not None
    cohort = service.get_cohort(cohort_id)
    trainee = service.get_trainee(cohort, trainee_id)
    return download_response(downloads.trainee_file_pdf(cohort, trainee, user))
