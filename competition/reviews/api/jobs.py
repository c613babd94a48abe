"""The cohort's background job from the API (issue #22): start the whole class's review files
as a job, then read it at `GET /jobs/{id}` and fetch its file at `/jobs/{id}/result`, as
events' jobs are read. The synchronous file.pdf stays."""

from __future__ import annotations

from flask import url_for
from flask.wrappers import Response
from marshmallow import validate

from competition.http.api import respond
from competition.http.blueprints import api as bp
from competition.http.fields import BaseSchema, String
from competition.http.jobs import JobOut, job_body
from competition.http.loading import load
from competition.http.openapi import operation
from competition.reviews import jobs as review_jobs
from competition.reviews.api.requests import organiser_cohort


class CohortJobIn(BaseSchema):
    kind = String(
        required=True,
        validate=validate.OneOf(
            review_jobs.KINDS, error="应为 " + "、".join(review_jobs.KINDS) + " 之一"
        ),
        metadata={"enum": list(review_jobs.KINDS)},
    )


@bp.post("/cohorts/<int:cohort_id>/jobs")
@operation(
    "后台任务：全班评审档案 (organiser)",
    tag="jobs",
    auth="required",
    request=CohortJobIn,
    response=JobOut,
    status=202,
    errors=(400, 401, 403, 404, 422),
    response_headers=(("Location", "The job's address: GET it for status and progress."),),
    description="Starts long work on the cohort as a job a worker does (`flask jobs worker`): "
    "`cohort_file` is every trainee's review file in one PDF, as file.pdf gives it in one "
    "request. Answers 202 with the queued job; poll `GET /jobs/{id}` until `status` is done, "
    "then fetch `result_url`.",
)
def start_cohort_job(cohort_id: int) -> Response:
    user, cohort = organiser_cohort(cohort_id)
    load(CohortJobIn())
    job = review_jobs.start_cohort_file(cohort, user)
    response = respond(JobOut(), job_body(job), status=202)
    response.headers["Location"] = url_for("api.get_job", job_id=job.id)
    return response
