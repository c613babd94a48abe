"""The trainee's file as a PDF, for one trainee or the whole cohort."""

from __future__ import annotations

from flask.wrappers import Response

from competition.contest import policy
from competition.http.api import require_user
from competition.http.blueprints import api as bp
from competition.http.openapi import Operation
from competition.http.responses import pdf_response
from competition.reviews import documents as trainee_files
from competition.reviews import services as service

PDF = {"type": "string", "format": "binary"}


@bp.get("/cohorts/<int:cohort_id>/trainees/<int:trainee_id>/file.pdf")
def trainee_file_pdf(cohort_id: int, trainee_id: int) -> Response:
    """Organisers (with the experts' names) and the trainee's own login (the panel's comments
    without who wrote which); 403 for another trainee, as the JSON file."""
    user = require_user()
    cohort = service.get_cohort(cohort_id)
    trainee = service.get_trainee(cohort, trainee_id)
    policy.require_trainee_file(user, trainee)
    body = trainee_files.trainee_file_pdf(cohort, trainee, with_names=policy.sees_reviewers(user))
    return pdf_response(body, f"trainee-file-{trainee.id}.pdf")


@bp.get("/cohorts/<int:cohort_id>/file.pdf")
def cohort_file_pdf(cohort_id: int) -> Response:
    user = require_user()
    cohort = service.get_cohort(cohort_id)
    policy.require_organiser(user)
    return pdf_response(trainee_files.cohort_file_pdf(cohort), f"cohort-file-{cohort.id}.pdf")


OPERATIONS: tuple[Operation, ...] = (
    Operation(
        "get",
        "/cohorts/{cohort_id}/trainees/{trainee_id}/file.pdf",
        "学员评审档案 PDF (organiser, or the trainee's own login)",
        "cohorts",
        "required",
        None,
        PDF,  # type: ignore[arg-type]
        200,
        (401, 403, 404),
        content_type="application/pdf",
    ),
    Operation(
        "get",
        "/cohorts/{cohort_id}/file.pdf",
        "全班评审档案 PDF (organiser)",
        "cohorts",
        "required",
        None,
        PDF,  # type: ignore[arg-type]
        200,
        (401, 403, 404),
        content_type="application/pdf",
    ),
)
