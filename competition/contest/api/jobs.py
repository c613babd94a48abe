"""API routes of the background jobs (issue #22): start a final's certificates as a job,
read how far it is, and fetch its file once done. The synchronous certificates.pdf stays:
this is for batches too big to wait for in one request."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import url_for
from flask.wrappers import Response
from marshmallow import fields, validate

from competition.contest import jobs as contest_jobs
from competition.contest.api.requests import organiser_event
from competition.contest.documents.certificates import public_base_url
from competition.core import roles
from competition.core.downloads import PDF, Download
from competition.core.errors import Conflict, NotFound
from competition.extensions import db
from competition.http.api import require_user, respond
from competition.http.blueprints import api as bp
from competition.http.fields import BaseSchema, String
from competition.http.loading import load
from competition.http.openapi import operation
from competition.http.responses import download_response
from competition.models import Job
from competition.models.contests import FINAL, ROUND_KINDS
from competition.models.jobs import DONE, JOB_STATUSES

NOT_DONE = "任务尚未完成，文件还不能下载"
NO_JOB = "没有这个任务"


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


class JobOut(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    event_id = fields.Integer(allow_none=True)
    status = fields.String(metadata={"enum": list(JOB_STATUSES)})
    progress = fields.Integer()
    total = fields.Integer()
    attempts = fields.Integer()
    error = fields.String(allow_none=True)
    result_url = fields.String(allow_none=True)
    result_name = fields.String(allow_none=True)
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


def job_body(job: Job) -> dict[str, Any]:
    """What the API and the job page's poll read of a job: its file's address once done."""
    done = job.status == DONE
    return {
        "id": job.id,
        "kind": job.kind,
        "event_id": job.event_id,
        "status": job.status,
        "progress": job.progress,
        "total": job.total,
        "attempts": job.attempts,
        "error": job.error,
        "result_url": url_for("api.job_result", job_id=job.id) if done else None,
        "result_name": job.result_name if done else None,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


def organiser_job(job_id: int) -> Job:
    """The job, for an organiser (401 without a token); 404 for anyone else, who may not
    know what jobs there are."""
    user = require_user()
    job = db.session.get(Job, job_id)
    if job is None or not roles.is_organiser(user):
        raise NotFound(NO_JOB)
    return job


def job_file(job: Job) -> Response:
    """The finished job's file (409 while it is not done), as the synchronous downloads give
    theirs (`download_response`: a PDF inline, never kept by a shared cache)."""
    if job.status != DONE or not job.result_path or not Path(job.result_path).is_file():
        raise Conflict(NOT_DONE)
    body = Path(job.result_path).read_bytes()
    name = job.result_name or Path(job.result_path).name
    return download_response(Download(body, name, job.result_type or PDF, private=True))


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
    "the same serials.",
)
def start_job(event_id: int) -> Response:
    user, event = organiser_event(event_id)
    asked = load(JobIn())
    if asked["kind"] == contest_jobs.CERTIFICATES:
        job = contest_jobs.start_certificates(event, user, public_base_url())
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
    "progress of total counts the pieces done (certificates laid out). `result_url` is set "
    "once done. 404 for anyone but an organiser.",
)
def get_job(job_id: int) -> Response:
    return respond(JobOut(), job_body(organiser_job(job_id)))


@bp.get("/jobs/<int:job_id>/result")
@operation(
    "后台任务的文件 (organiser)",
    tag="jobs",
    auth="required",
    response={"type": "string", "format": "binary"},
    errors=(401, 404, 409),
    description="The finished job's file (a PDF for certificates). 409 while the job is not "
    "done; 404 for anyone but an organiser.",
    content_type="application/pdf",
)
def job_result(job_id: int) -> Response:
    return job_file(organiser_job(job_id))
