"""The craftsman class's background job (issue #22): the whole cohort's review files (全班评审
档案) made by a worker instead of inside a web request, for classes whose files run to hundreds
of pages. It writes nothing, so a worker killed mid-way leaves nothing behind and the next run
makes the same file; the file is the synchronous download's own (`downloads.cohort_file_pdf`).

Jobs belong to events by a column; a cohort's job names its cohort in `params` (a handful of
classes a year, a handful of jobs each: read back by filtering the latest jobs)."""

from __future__ import annotations

from sqlalchemy import select

from competition.core import jobs
from competition.core.errors import Forbidden
from competition.core.roles import require_organiser
from competition.extensions import db
from competition.models import Cohort, Job, User
from competition.reviews import downloads
from competition.reviews import services as service

COHORT_FILE = "cohort_file"
KINDS = (COHORT_FILE,)


def start_cohort_file(cohort: Cohort, actor: User) -> Job:
    """Queue the cohort's review files for an organiser (403 for anyone else, now rather
    than in the worker)."""
    require_organiser(actor)
    return jobs.create_job(COHORT_FILE, {"cohort_id": cohort.id}, actor)


def recent_jobs(cohort: Cohort, limit: int = 5) -> list[Job]:
    """The cohort's latest jobs, newest first, for its page to link to."""
    latest = db.session.scalars(
        select(Job).where(Job.kind.in_(KINDS), Job.event_id.is_(None)).order_by(Job.id.desc())
    )
    return [job for job in latest if (job.params or {}).get("cohort_id") == cohort.id][:limit]


@jobs.handler(COHORT_FILE)
def cohort_file_job(job: Job, progress: jobs.Progress) -> jobs.JobResult:
    cohort = service.get_cohort(int((job.params or {}).get("cohort_id", 0)))
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    if actor is None:
        raise Forbidden("发起任务的账号已不存在")
    total = len(service.trainees(cohort))
    progress(0, total)
    download = downloads.cohort_file_pdf(cohort, actor)
    progress(total, total)
    return jobs.JobResult(download.body, download.filename, download.mimetype)
