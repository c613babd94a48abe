"""The trainee's file as a PDF, for one trainee or the whole cohort: the same downloads as the
pages' (`competition.reviews.downloads`)."""

from __future__ import annotations

from flask.wrappers import Response

from competition.http.api import require_user
from competition.http.blueprints import api as bp
from competition.http.openapi import operation
from competition.http.responses import download_response
from competition.reviews import downloads
from competition.reviews import services as service

PDF = {"type": "string", "format": "binary"}


@bp.get("/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/file.pdf")
@operation(
    "学员评审档案 PDF (organiser, or the trainee's own login)",
    tag="cohorts",
    auth="required",
    response=PDF,
    errors=(401, 403, 404),
    content_type="application/pdf",
)
def trainee_file_pdf(cohort_id: int, trainee_id: int) -> Response:
    """Organisers (with the experts' names) and the trainee's own login (the panel's comments
    without who wrote which); 403 for another trainee, as the JSON file."""
    user = require_user()
    cohort = service.get_cohort(cohort_id)
    trainee = service.get_trainee(cohort, trainee_id)
    return download_response(downloads.trainee_file_pdf(cohort, trainee, user))


@bp.get("/cohorts/<int:cohort_id>/file.pdf")
@operation(
    "全班评审档案 PDF (organiser)",
    tag="cohorts",
    auth="required",
    response=PDF,
    errors=(401, 403, 404),
    content_type="application/pdf",
)
def cohort_file_pdf(cohort_id: int) -> Response:
    user = require_user()
    cohort = service.get_cohort(cohort_id)
    return download_response(downloads.cohort_file_pdf(cohort, user))
