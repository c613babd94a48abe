"""Background jobs from the organisers' pages (issue #22): the certificates page starts a
final's batch as a job, and the job's page shows its progress (it reloads itself while the
job runs) and offers the file once done. The same jobs as the API's
(`competition.contest.api.jobs`), with the signed-in session instead of a bearer token."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from competition.contest import jobs as contest_jobs
from competition.contest.api.jobs import job_file
from competition.contest.documents.certificates import public_base_url
from competition.contest.services import publication
from competition.contest.web.console_common import event_or_404
from competition.contest.web.console_documents import EARLY, _ask_first
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.pages import current_organiser, organiser_page
from competition.models import Job
from competition.models.contests import FINAL
from competition.models.jobs import DONE, FAILED

#: Seconds between the job page's reloads while the job is queued or running.
REFRESH_SECONDS = 2


def _job_or_404(job_id: int) -> Job:
    job = db.session.get(Job, job_id)
    if job is None:
        abort(404)
    return job


@bp.post("/console/events/<int:event_id>/jobs/certificates")
@organiser_page
def console_start_certificates_job(event_id: int) -> ResponseReturnValue:
    """Start the final's certificates as a job (the page's "后台生成" button) and show it.
    During the notice period only with the same confirmation as the direct print."""
    event = event_or_404(event_id)
    notice = publication.notice_status(event, event.round(FINAL))
    if notice.in_notice and request.form.get(EARLY) != "yes":
        return _ask_first(event)
    job = contest_jobs.start_certificates(event, current_organiser(), public_base_url())
    return redirect(url_for("web.console_job", job_id=job.id))


@bp.get("/console/jobs/<int:job_id>")
@organiser_page
def console_job(job_id: int) -> ResponseReturnValue:
    """How far the job is: a progress bar, reloaded every few seconds until the job is done
    (then its file to download) or failed (then why)."""
    job = _job_or_404(job_id)
    event = event_or_404(job.event_id) if job.event_id else None
    finished = job.status in (DONE, FAILED)
    return render_template(
        "contest/console/job.html",
        job=job,
        event=event,
        refresh=None if finished else REFRESH_SECONDS,
    )


@bp.get("/console/jobs/<int:job_id>/result")
@organiser_page
def console_job_result(job_id: int) -> ResponseReturnValue:
    """The finished job's file (a 409 page while it is not done)."""
    return job_file(_job_or_404(job_id))
