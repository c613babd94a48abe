"""The cohort page's "后台生成" button (issue #22): the whole class's review files as a job,
then the job's page (`web.console_job`, shared by every kind of job) with its progress bar
and the file once done."""

from __future__ import annotations

from flask import redirect, url_for
from flask.typing import ResponseReturnValue

from competition.http.blueprints import web as bp
from competition.http.pages import current_organiser, organiser_page
from competition.reviews import jobs as review_jobs
from competition.reviews import services as service


@bp.post("/console/cohorts/<int:cohort_id>/jobs/file")
@organiser_page
def console_start_cohort_file_job(cohort_id: int) -> ResponseReturnValue:
    cohort = service.get_cohort(cohort_id)
    job = review_jobs.start_cohort_file(cohort, current_organiser())
    return redirect(url_for("web.console_job", job_id=job.id))
