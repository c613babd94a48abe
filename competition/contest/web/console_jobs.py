"""Background jobs from the organisers' pages (issue #22): the certificates page starts a
final's batch as a job, the ranking page a round's notice or blank score sheets, and the
job's page shows its progress (it reloads itself while the job runs) and offers the file once
done, or says it has expired and offers to make it again. The same jobs as the API's
(`competition.contest.api.jobs`), with the signed-in session instead of a bearer token; the
page serves every kind of job, the craftsman class's too (it links back by the job's kind)."""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from competition.contest import jobs as contest_jobs
from competition.contest.documents.certificates import public_base_url
from competition.contest.services import publication
from competition.contest.web.console_common import event_or_404, round_or_404
from competition.contest.web.console_documents import EARLY, _ask_first
from competition.core import jobs
from competition.core.i18n import _
from competition.extensions import db
from competition.http.blueprints import web as bp
from competition.http.jobs import job_file
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
    layout = request.form.get("layout") or "single"
    job = contest_jobs.start_certificates(event, current_organiser(), public_base_url(), layout)
    return redirect(url_for("web.console_job", job_id=job.id))


#: The round's documents the ranking page offers as a job, by the URL's word.
DOCUMENT_JOBS = {"results": contest_jobs.RESULTS, "score-sheets": contest_jobs.SCORE_SHEETS}


@bp.post("/console/events/<int:event_id>/rounds/<kind>/jobs/<document>")
@organiser_page
def console_start_document_job(event_id: int, kind: str, document: str) -> ResponseReturnValue:
    """Start the round's result notice or blank score sheets as a job (the ranking page's
    "后台生成" buttons, for rounds of thousands) and show it."""
    event = event_or_404(event_id)
    round_ = round_or_404(event, kind)
    if document not in DOCUMENT_JOBS:
        abort(404)
    job = contest_jobs.start_document(
        DOCUMENT_JOBS[document], event, current_organiser(), round_.kind, None
    )
    return redirect(url_for("web.console_job", job_id=job.id))


@bp.post("/console/jobs/<int:job_id>/again")
@organiser_page
def console_job_again(job_id: int) -> ResponseReturnValue:
    """Make an expired (or failed) notice or score sheets job's file again: a new job with
    the same round and component. Certificates go back to their page, whose button asks for
    the notice-period confirmation again; review files to the cohort's page."""
    job = _job_or_404(job_id)
    if job.kind not in (contest_jobs.RESULTS, contest_jobs.SCORE_SHEETS) or not job.event_id:
        abort(404)
    params = job.params or {}
    again = contest_jobs.start_document(
        job.kind,
        event_or_404(job.event_id),
        current_organiser(),
        params.get("round", FINAL),
        params.get("component"),
    )
    return redirect(url_for("web.console_job", job_id=again.id))


@bp.get("/console/jobs/<int:job_id>")
@organiser_page
def console_job(job_id: int) -> ResponseReturnValue:
    """How far the job is: a progress bar, reloaded every few seconds until the job is done
    (then its file to download) or failed (then why)."""
    job = _job_or_404(job_id)
    event = event_or_404(job.event_id) if job.event_id else None
    finished = job.status in (DONE, FAILED)
    back, back_label = _back(job)
    progress, total = jobs.progress_of(job)
    return render_template(
        "contest/console/job.html",
        job=job,
        event=event,
        refresh=None if finished else REFRESH_SECONDS,
        back=back,
        back_label=back_label,
        progress=progress,
        total=total,
        expires=jobs.expires_at(job),
        result_days=jobs.result_days(),
    )


def _back(job: Job) -> tuple[str | None, str]:
    """The page the job was started from, by its kind (None for a kind this page does not
    know, whose slice is gone)."""
    params = job.params or {}
    if job.kind == contest_jobs.CERTIFICATES and job.event_id:
        return url_for("web.console_certificates", event_id=job.event_id), _("返回荣誉证书")
    if job.kind == "import_contestants" and job.event_id:
        return url_for("web.console_contestants", event_id=job.event_id), _("返回选手名单")
    if job.event_id:
        kind = params.get("round", FINAL)
        return url_for("web.console_ranking", event_id=job.event_id, kind=kind), _("返回排名")
    if params.get("cohort_id"):
        return url_for("web.console_cohort", cohort_id=params["cohort_id"]), _("返回本班")
    return None, ""


@bp.get("/console/jobs/<int:job_id>/result")
@organiser_page
def console_job_result(job_id: int) -> ResponseReturnValue:
    """The finished job's file (a 409 page while it is not done)."""
    return job_file(_job_or_404(job_id))
