"""Large imports as background jobs (issue #22): a contestants list or a results sheet of
more rows than `IMPORT_JOB_ROWS` (2,000 by default) is stored by a worker instead of inside
the confirming request, with its progress on the job's page.

The preview stays as it is: the organiser sees every row and confirms. The confirmation then
checks the file once more (as a small import's does), keeps it in the jobs' folder (which
every web server and worker shares) and queues the job; the worker checks it again from
scratch (someone may have registered people in between) and stores every row in one
transaction, committed with the job's status: all rows or none, as a small import. A worker
killed mid-way leaves nothing stored, and the job taken up again starts from the file, which
is deleted only once the job's outcome is committed (`jobs.INPUT_FILE`).

These two are the imports people run big: a city's registration list, and a written
exam's results sheet for thousands. Judges, finalists and schemes stay small.
"""

from __future__ import annotations

from typing import Any

from flask import current_app

from competition.contest.services import contests as contest_service
from competition.contest.services import imports as contestants_import
from competition.contest.services import imports_marks as marks_import
from competition.core import jobs
from competition.core.errors import AppError, Forbidden
from competition.extensions import db
from competition.models import Event, Job, User

IMPORT_CONTESTANTS, IMPORT_MARKS = "import_contestants", "import_marks"
MISSING_FILE = "导入文件已不存在，请重新上传"


def threshold() -> int:
    """Rows above which a confirmed import is a job (`IMPORT_JOB_ROWS`)."""
    return int(current_app.config.get("IMPORT_JOB_ROWS", 2000))


def _start(kind: str, event: Event, actor: User, data: bytes, params: dict[str, Any]) -> Job:
    params = {**params, jobs.INPUT_FILE: jobs.keep_input(data)}
    return jobs.create_job(kind, params, actor, event_id=event.id)


def start_contestants(
    event: Event,
    checked: contestants_import.ImportPreview,
    actor: User,
    data: bytes,
    filename: str,
) -> Job | None:
    """A contestants import of more than `threshold()` rows as a job; None for a smaller one
    (stored at once by the page)."""
    if len(checked.rows) <= threshold():
        return None
    db.session.rollback()  # nothing of the check is kept: the worker checks again
    params = {"filename": filename, "create_units": checked.create_units}
    return _start(IMPORT_CONTESTANTS, event, actor, data, params)


def start_marks(
    event: Event, checked: marks_import.MarksPreview, actor: User, data: bytes, filename: str
) -> Job | None:
    """A results sheet of more than `threshold()` rows as a job; None for a smaller one."""
    if len(checked.rows) <= threshold():
        return None
    db.session.rollback()
    params = {
        "filename": filename,
        "round": checked.round_kind,
        "component": checked.component_key,
        "judge_id": checked.judge_id,
    }
    return _start(IMPORT_MARKS, event, actor, data, params)


def _inputs(job: Job) -> tuple[Event, User, bytes, dict[str, Any]]:
    params: dict[str, Any] = job.params or {}
    event = contest_service.get_event(job.event_id or 0)
    actor = db.session.get(User, job.created_by_id) if job.created_by_id else None
    if actor is None:
        raise Forbidden("发起任务的账号已不存在")
    path = jobs.input_path(job)
    if path is None or not path.is_file():
        raise AppError(MISSING_FILE)
    return event, actor, path.read_bytes(), params


#: How many bad rows the failed job's message names (the page shows the message).
ROWS_NAMED = 5


def _refused(job: Job, error: AppError) -> None:
    """The job's error names the first bad rows, since nobody sees a preview of the worker's
    check (the file goes once the failure is committed, as it would be refused again)."""
    rows = [str(row) for row in error.fields.get("rows") or []]
    if rows:
        named = "；".join(rows[:ROWS_NAMED]) + ("……" if len(rows) > ROWS_NAMED else "")
        raise type(error)(f"{error.message}：{named}", error.fields, error.code) from error
    raise error


@jobs.handler(IMPORT_CONTESTANTS, transactional=True)
def import_contestants_job(job: Job, progress: jobs.Progress) -> None:
    event, actor, data, params = _inputs(job)
    try:
        checked = contestants_import.preview(
            event, data, params.get("filename", ""), bool(params.get("create_units"))
        )
        progress(0, len(checked.rows))
        contestants_import.store(event, checked, actor, progress)
    except AppError as error:
        _refused(job, error)


@jobs.handler(IMPORT_MARKS, transactional=True)
def import_marks_job(job: Job, progress: jobs.Progress) -> None:
    event, actor, data, params = _inputs(job)
    filename = params.get("filename", "")
    try:
        checked = marks_import.preview(
            event,
            params.get("round", ""),
            params.get("component", ""),
            int(params.get("judge_id") or 0),
            data,
            filename,
        )
        progress(0, len(checked.rows))
        marks_import.store(event, checked, actor, filename, progress)
    except AppError as error:
        _refused(job, error)
