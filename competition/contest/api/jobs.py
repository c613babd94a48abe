"""API routes of the background jobs (issue #22): start a final's certificates as a job,
read how far it is, and fetch its file once done. The synchronous certificates.pdf stays:
this is for batches too big to wait for in one request."""

from __future__ import annotations

from flask import url_for
from flask.wrappers import Response
from marshmallow import validate

from competition.contest import jobs as contest_jobs
from competition.contest.api.requests import organiser_event
from competition.contest.documents.certificates import public_base_url
from competition.http.api import respond
from competition.http.blueprints import api as bp
from competition.http.fields import BaseSchema, String
from competition.http.jobs import JobOut, job_body, job_file, organiser_job
from competition.http.loading import load
from competition.http.openapi import operation
from competition.models.contests import FINAL, ROUND_KINDS


class JobIn(BaseSchema):
    kind = String(
        required=True,
        validate=validate.OneOf(
            contest_jobs.KINDS, error="应为 " + "、".join(contest_jobs.KINDS) + " 之一"
        ),
        metadata={"enum": list(contest_jobs.KINDS)},
    )
    round = String(
        load_default=FINAL,
        validate=validate.OneOf(ROUND_KINDS, error="应为 preliminary 或 final"),
        metadata={"description": "results and score_sheets: the round (default final)"},
    )
    component = String(
        load_default=None,
        allow_none=True,
        metadata={"description": "score_sheets: one component's sheets (default: every one)"},
    )
    layout = String(
        load_default="single",
        validate=validate.OneOf(("single", "per_unit"), error="应为 single 或 per_unit"),
        metadata={
            "enum": ["single", "per_unit"],
            "description": "certificates: `single` (default) one PDF of the whole batch in "
            "rank order; `per_unit` a ZIP of one PDF per unit (named after the unit, that "
            "unit's certificates in rank order)",
        },
    )


@bp.post("/events/<int:event_id>/jobs")
@operation(
    "后台任务：开始 (organiser)",
    tag="jobs",
    auth="required",
    request=JobIn,
    response=JobOut,
    status=202,
    errors=(400, 401, 403, 404, 409, 422),
    response_headers=(("Location", "The job's address: GET it for status and progress."),),
    description="Starts long work as a job a worker does (`flask jobs worker`): `certificates` "
    "is the final's whole certificates batch, as certificates.pdf gives it in one request; "
    "`results` the round's result notice (results.pdf) and `score_sheets` its blank score "
    "sheets (score-sheets.pdf, `component` for one component's), for `round` (default final). "
    "Answers 202 with the queued job; poll `GET /jobs/{id}` until `status` is done, then "
    "fetch `result_url`. 409 before the final is published or when it ranks nobody, as "
    "certificates.pdf does. A job whose worker dies is taken up again by another and prints "
    "the same serials. Certificates are laid out by `PDF_PROCESSES` processes (one per "
    "core by default) and written to disk; `layout` chooses one PDF or a ZIP per unit.",
)
def start_job(event_id: int) -> Response:
    user, event = organiser_event(event_id)
    asked = load(JobIn())
    if asked["kind"] == contest_jobs.CERTIFICATES:
        job = contest_jobs.start_certificates(event, user, public_base_url(), asked["layout"])
    else:
        job = contest_jobs.start_document(
            asked["kind"], event, user, asked["round"], asked["component"]
        )
    response = respond(JobOut(), job_body(job), status=202)
    response.headers["Location"] = url_for("api.get_job", job_id=job.id)
    return response


@bp.get("/jobs/<int:job_id>")
@operation(
    "后台任务的状态与进度 (organiser)",
    tag="jobs",
    auth="required",
    response=JobOut,
    errors=(401, 404),
    description="status is queued, running, done or failed (then `error` says why); "
    "progress of total counts the pieces done (certificates laid out, rows imported). "
    "`result_url` is set once done, until the file expires (`expires_at`, then `expired_at`). "
    "Any kind of job: the events' and the cohorts' alike. 404 for anyone but an organiser.",
)
def get_job(job_id: int) -> Response:
    return respond(JobOut(), job_body(organiser_job(job_id)))


@bp.get("/jobs/<int:job_id>/result")
@operation(
    "后台任务的文件 (organiser)",
    tag="jobs",
    auth="required",
    response={"type": "string", "format": "binary"},
    errors=(401, 404, 409, 410),
    description="The finished job's file (a PDF for certificates). 409 while the job is not "
    "done; 410 once the file is past its keeping days (`JOB_RESULT_DAYS`, 7 by default: the "
    "job stays, with `expired_at`; start it again for a new file); 404 for anyone but an "
    "organiser.",
    content_type="application/pdf",
)
def job_result(job_id: int) -> Response:
    return job_file(organiser_job(job_id))
