"""A background job as both faces show it (issue #22): the JSON body the API and the job page's
poll read, and the finished job's file. Here, below the slices, because every slice that
starts jobs (the contest's documents and imports, the craftsman class's review files) answers
with the same job, and pages and API must not import each other."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask.wrappers import Response
from marshmallow import fields

from competition.core import jobs, roles
from competition.core.downloads import PDF, Download
from competition.core.errors import Conflict, Gone, NotFound
from competition.extensions import db
from competition.http.api import require_user
from competition.http.fields import BaseSchema
from competition.http.responses import download_response
from competition.models import Job
from competition.models.jobs import DONE, JOB_STATUSES

NOT_DONE = "任务尚未完成，文件还不能下载"
NO_JOB = "没有这个任务"
EXPIRED = "任务的文件已过保留期限（%s 天），已删除；请重新生成"
MISSING = "任务的文件已不存在，请重新生成"


class JobOut(BaseSchema):
    id = fields.Integer()
    kind = fields.String()
    event_id = fields.Integer(allow_none=True)
    cohort_id = fields.Integer(allow_none=True)
    status = fields.String(metadata={"enum": list(JOB_STATUSES)})
    progress = fields.Integer()
    total = fields.Integer()
    attempts = fields.Integer()
    error = fields.String(allow_none=True)
    result_url = fields.String(
        allow_none=True,
        metadata={"description": "set once done, until the file expires"},
    )
    result_name = fields.String(allow_none=True)
    expires_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "when the file will be deleted (JOB_RESULT_DAYS after done)"},
    )
    expired_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "when the file was deleted; start the job again for a new one"},
    )
    created_at = fields.DateTime()
    started_at = fields.DateTime(allow_none=True)
    finished_at = fields.DateTime(allow_none=True)


def job_body(job: Job) -> dict[str, Any]:
    """What the API and the job page's poll read of a job: its file's address once done and
    while it is kept."""
    available = job.status == DONE and job.expired_at is None and job.result_path is not None
    progress, total = jobs.progress_of(job)
    return {
        "id": job.id,
        "kind": job.kind,
        "event_id": job.event_id,
        "cohort_id": (job.params or {}).get("cohort_id"),
        "status": job.status,
        "progress": progress,
        "total": total,
        "attempts": job.attempts,
        "error": job.error,
        "result_url": url_for("api.job_result", job_id=job.id) if available else None,
        "result_name": job.result_name if job.status == DONE else None,
        "expires_at": jobs.expires_at(job) if available else None,
        "expired_at": job.expired_at,
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
    """The finished job's file: 409 while it is not done, 410 once the retention sweep has
    deleted it; as the synchronous downloads give theirs (`download_response`: a PDF inline,
    never kept by a shared cache)."""
    if job.expired_at is not None:
        raise Gone(EXPIRED % jobs.result_days())
    path = jobs.result_file(job)
    if job.status != DONE or path is None:
        raise Conflict(NOT_DONE)
    if not path.is_file():  # deleted by hand, or JOB_FILES_DIR not shared between machines
        raise Gone(MISSING)
    name = job.result_name or path.name
    return download_response(
        Download(path.read_bytes(), name, job.result_type or PDF, private=True)
    )
