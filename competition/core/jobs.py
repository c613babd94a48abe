"""The job queue (issue #22): long work (a final's certificates, …) done by a worker process
instead of inside a web request.

The queue is Huey, configured from `JOB_QUEUE_URL`: empty (the default, what `make run` uses)
is a SQLite file beside the database, so a trial needs no server; `redis://…` is a Redis
server, for deployments whose web servers and workers run on several machines. The queue
carries only a job's id: the `Job` row is the truth a page or a program reads.

Huey takes a message off the queue before running it, so a worker killed mid-job loses the
message. What brings such a job back is the row: a running worker writes a heartbeat (in the
queue's own key-value store, which every worker shares) every few seconds, and every worker
sweeps (`recover_stalled`) for running jobs whose heartbeat is older than `JOB_STALE_SECONDS`,
puts them back to queued and enqueues them again. Handlers are therefore written to run twice
safely: the certificates handler commits the serials it issues before it lays the PDF out, and
a second run reuses them (`certificates_to_print` issues only what is not issued yet). A
`transactional` handler (a large import) commits nothing itself: its work is committed with
the job's status, so a killed worker leaves nothing half-stored.

A finished job's file is kept `JOB_RESULT_DAYS` days in the files' folder (`JOB_FILES_DIR`,
which every web server and worker shares), then deleted by the workers' sweep
(`expire_results`); the row stays, marked expired.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import RedisHuey, SqliteHuey
from huey.api import Huey
from sqlalchemy import select, update

from competition.core.errors import AppError
from competition.extensions import db
from competition.models.jobs import DONE, FAILED, QUEUED, RUNNING, Job
from competition.models.types import utcnow

log = logging.getLogger(__name__)

#: How often a running job's worker says it is alive, in seconds.
HEARTBEAT_SECONDS = 2.0
#: A job whose worker died this many times is failed instead of being taken up again.
MAX_ATTEMPTS = 3
#: Progress is written at most this often (each write is a commit), and at the end.
PROGRESS_EVERY = 0.5
#: How often a worker's sweeper looks for files past their keeping days, in seconds.
EXPIRY_EVERY = 600.0


@dataclass(frozen=True)
class JobResult:
    """What a handler made: the file's bytes, the name it is downloaded under, its type."""

    body: bytes
    name: str
    content_type: str


Progress = Callable[[int, int], None]
#: A handler makes a file, or (an import) stores rows and makes none.
Handler = Callable[[Job, Progress], JobResult | None]
HANDLERS: dict[str, Handler] = {}
#: Kinds whose handler writes in one transaction, committed with the job's status: all or
#: nothing. Their progress cannot be committed to the job's row meanwhile (a commit would
#: commit the half-done work, and on SQLite another connection cannot write while the
#: transaction holds the database), so it goes to the queue's key-value store instead.
TRANSACTIONAL: set[str] = set()


def handler(kind: str, transactional: bool = False) -> Callable[[Handler], Handler]:
    """Register the function that does a job of `kind`. It must be safe to run again after
    a worker died mid-way (see the module's docstring), and may commit what must survive;
    a `transactional` one must not commit: what it flushed is committed with its status."""

    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        if transactional:
            TRANSACTIONAL.add(kind)
        return function

    return register


# ---------------------------------------------------------------- the queue
def _base_folder(app: Flask) -> Path:
    """Beside the SQLite database file when there is one, else the instance folder."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url.startswith("sqlite:///") and not url.endswith(":memory:"):
        return Path(url.removeprefix("sqlite:///")).parent
    return Path(app.instance_path)


def files_folder(app: Flask | None = None) -> Path:
    """Where finished jobs' files are kept (`JOB_FILES_DIR`, else `jobs/` beside the
    database): every web server that offers them must see the same folder."""
    app = app or current_app
    given = app.config.get("JOB_FILES_DIR")
    folder = Path(given) if given else _base_folder(app) / "jobs"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def result_file(job: Job) -> Path | None:
    """Where the job's file is on this machine: its name is kept relative to the files'
    folder, so web servers and workers that mount the shared folder at different places
    all find it (an absolute path, as first versions kept, is taken as it is)."""
    if not job.result_path:
        return None
    path = Path(job.result_path)
    return path if path.is_absolute() else files_folder() / path


def result_days(app: Flask | None = None) -> int:
    """How many days a finished job's file is kept (`JOB_RESULT_DAYS`)."""
    return int((app or current_app).config.get("JOB_RESULT_DAYS", 7))


def expires_at(job: Job) -> datetime | None:
    """When the retention sweep will delete the job's file (None before it is done)."""
    if job.finished_at is None or job.status != DONE:
        return None
    return job.finished_at + timedelta(days=result_days())


def _make_queue(app: Flask) -> Huey:
    url = (app.config.get("JOB_QUEUE_URL") or "").strip()
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey: Huey = RedisHuey("competition", url=url)
    elif url.startswith("sqlite:///") or not url:
        path = Path(url.removeprefix("sqlite:///")) if url else _base_folder(app)
        if not url:
            path.mkdir(parents=True, exist_ok=True)
            path = path / "jobs.sqlite3"
        huey = SqliteHuey("competition", filename=str(path))
    else:
        raise ValueError(f"JOB_QUEUE_URL must be empty, sqlite:///FILE or redis://…, not {url!r}")

    @huey.task(name="run_job")
    def run_job_task(job_id: int) -> None:
        run_job(app, job_id)

    app.extensions["job_task"] = run_job_task
    return huey


def queue(app: Flask | None = None) -> Huey:
    """The app's queue, made on first use (a web process that never starts a job never
    opens it)."""
    app = app or current_app
    if "job_queue" not in app.extensions:
        app.extensions["job_queue"] = _make_queue(app)
    return app.extensions["job_queue"]


def enqueue(job: Job) -> None:
    """Hand the (committed) job to a worker."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    queue(app)
    app.extensions["job_task"](job.id)


def create_job(kind: str, params: dict[str, Any], actor: Any, event_id: int | None = None) -> Job:
    """A queued job of a registered kind, committed and handed to a worker."""
    if kind not in HANDLERS:
        raise ValueError(f"no handler for jobs of kind {kind!r}")
    job = Job(
        kind=kind,
        status=QUEUED,
        params=params,
        event_id=event_id,
        created_by_id=actor.id if actor is not None else None,
        created_at=utcnow(),
    )
    db.session.add(job)
    db.session.commit()
    enqueue(job)
    return job


# ---------------------------------------------------------------- running a job
def _alive_key(job_id: int) -> str:
    return f"job-alive:{job_id}"


def _progress_key(job_id: int) -> str:
    return f"job-progress:{job_id}"


def progress_of(job: Job) -> tuple[int, int]:
    """How far the job is, as pages and the API show it: the row's count, or for a running
    transactional job (an import) what its worker last put in the queue's store."""
    if job.status == RUNNING and job.kind in TRANSACTIONAL:
        try:
            live = queue().get(_progress_key(job.id), peek=True)
        except Exception:  # the store unreachable: the row's count, however old
            log.exception("reading the progress of job %s", job.id)
            live = None
        if live:
            return int(live[0]), int(live[1])
    return job.progress, job.total


def _claim(job_id: int) -> bool:
    """queued → running, once: a message delivered twice (a sweep and a slow worker) runs the
    job once."""
    result = db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == QUEUED)
        .values(status=RUNNING, attempts=Job.attempts + 1, started_at=utcnow(), error=None)
    )
    db.session.commit()
    return result.rowcount == 1  # type: ignore[attr-defined]


class _Heartbeat(threading.Thread):
    """Says, every HEARTBEAT_SECONDS, that the job's worker is alive; stops with the job."""

    def __init__(self, huey: Huey, job_id: int) -> None:
        super().__init__(daemon=True, name=f"job-{job_id}-heartbeat")
        self.huey, self.key, self.done = huey, _alive_key(job_id), threading.Event()

    def run(self) -> None:
        while True:
            try:
                self.huey.put(self.key, time.time())
            except Exception:  # a blip of the queue's store must not kill the job
                log.exception("heartbeat of %s", self.key)
            if self.done.wait(HEARTBEAT_SECONDS):
                return


def _progress_writer(job_id: int) -> Progress:
    last = [0.0]

    def write(done: int, total: int) -> None:
        now = time.monotonic()
        if done < total and now - last[0] < PROGRESS_EVERY:
            return
        last[0] = now
        db.session.execute(update(Job).where(Job.id == job_id).values(progress=done, total=total))
        db.session.commit()

    return write


def _live_progress_writer(huey: Huey, job_id: int, counts: list[int]) -> Progress:
    """A transactional job's progress: to the queue's store (see TRANSACTIONAL), and kept in
    `counts` for the row once the job is done."""
    last = [0.0]

    def write(done: int, total: int) -> None:
        counts[:] = [done, total]
        now = time.monotonic()
        if done < total and now - last[0] < PROGRESS_EVERY:
            return
        last[0] = now
        try:
            huey.put(_progress_key(job_id), (done, total))
        except Exception:  # progress is for people; the import goes on
            log.exception("progress of job %s", job_id)

    return write


def _store(job_id: int, result: JobResult) -> Path:
    """Write the file whole or not at all: a temporary file renamed into place."""
    folder = files_folder()
    suffix = Path(result.name).suffix or ".bin"
    final = folder / f"job-{job_id}{suffix}"
    temporary = folder / f".job-{job_id}-{os.getpid()}-{threading.get_ident()}.tmp"
    with open(temporary, "wb") as out:
        out.write(result.body)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, final)
    return final


# ---------------------------------------------------------------- a job's input file
#: `params[INPUT_FILE]` names a file in the jobs' folder that the job reads (an uploaded
#: import). It is deleted once the job's outcome, done or failed, is committed, and never
#: before: a worker killed before that commit leaves it for the job taken up again.
INPUT_FILE = "file"


def keep_input(data: bytes) -> str:
    """Keep a job's input in the shared jobs' folder, under a name nobody guesses; the name
    goes into the job's params as `INPUT_FILE`."""
    name = f"input-{secrets.token_urlsafe(18)}.upload"
    (files_folder() / name).write_bytes(data)
    return name


def input_path(job: Job) -> Path | None:
    name = (job.params or {}).get(INPUT_FILE)
    return files_folder() / Path(name).name if name else None


def _drop_input(path: Path | None) -> None:
    if path is not None:
        path.unlink(missing_ok=True)


def run_job(app: Flask, job_id: int) -> None:
    """What a worker does with a job's id: claim it, run its handler, keep its file, and
    record done or failed (with the error's message). A job not queued any more is left
    alone."""
    with app.app_context():
        try:
            if not _claim(job_id):
                return
            log.info("job %s taken by worker %s", job_id, os.getpid())
            heartbeat = _Heartbeat(queue(app), job_id)
            heartbeat.start()
            try:
                _run_claimed(job_id)
            finally:
                heartbeat.done.set()
                heartbeat.join(timeout=10)
                queue(app).delete(_alive_key(job_id))
                queue(app).delete(_progress_key(job_id))
        finally:
            db.session.remove()


def _run_claimed(job_id: int) -> None:
    job = db.session.get(Job, job_id)
    assert job is not None
    given = input_path(job)
    counts: list[int] = []
    transactional = job.kind in TRANSACTIONAL
    progress = (
        _live_progress_writer(queue(), job_id, counts)
        if transactional
        else _progress_writer(job_id)
    )
    try:
        result = HANDLERS[job.kind](job, progress)
        path = _store(job_id, result) if result is not None else None
    except Exception as error:
        db.session.rollback()
        message = error.message if isinstance(error, AppError) else f"{type(error).__name__}"
        if not isinstance(error, AppError):
            log.exception("job %s failed", job_id)
        db.session.execute(
            update(Job)
            .where(Job.id == job_id)
            .values(status=FAILED, error=message, finished_at=utcnow())
        )
        db.session.commit()
        _drop_input(given)
        return
    file: dict[str, Any] = (
        {"result_path": path.name, "result_name": result.name, "result_type": result.content_type}
        if path is not None and result is not None
        else {}
    )
    if counts:
        file.update(progress=counts[0], total=counts[1])
    # A transactional job's work is committed here, with its status: all or nothing.
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(status=DONE, finished_at=utcnow(), error=None, **file)
    )
    db.session.commit()
    _drop_input(given)


# ---------------------------------------------------------------- files past their days
def expire_results(app: Flask, now: datetime | None = None) -> list[int]:
    """Delete the files of jobs done more than `JOB_RESULT_DAYS` ago and mark those jobs
    expired (the rows stay: their pages say so and offer to make the file again). Run by
    every worker's sweeper; two sweeping at once delete each file once. Returns the ids."""
    cutoff = (now or utcnow()) - timedelta(days=result_days(app))
    expired: list[int] = []
    due = select(Job).where(
        Job.status == DONE,
        Job.expired_at.is_(None),
        Job.result_path.is_not(None),  # an import keeps no file
        Job.finished_at < cutoff,
    )
    for job in db.session.scalars(due).all():
        path = result_file(job)
        changed = db.session.execute(
            update(Job)
            .where(Job.id == job.id, Job.expired_at.is_(None))
            .values(expired_at=utcnow())
        )
        db.session.commit()  # marked first: nobody is offered a file about to go
        if changed.rowcount != 1:  # type: ignore[attr-defined]
            continue
        if path is not None:
            path.unlink(missing_ok=True)
        expired.append(job.id)
        log.info("job %s: its file is past %s days; deleted", job.id, result_days(app))
    return expired


# ---------------------------------------------------------------- workers that died
def recover_stalled(app: Flask) -> list[int]:
    """Put back on the queue every running job whose worker has not said it is alive for
    `JOB_STALE_SECONDS` (it was killed, or its machine went away); fail one that died
    MAX_ATTEMPTS times, which is a job that kills its worker. Returns the ids re-queued."""
    stale_after = float(app.config.get("JOB_STALE_SECONDS", 60))
    huey = queue(app)
    now = time.time()
    requeued: list[int] = []
    for job in db.session.scalars(select(Job).where(Job.status == RUNNING)).all():
        beat = huey.get(_alive_key(job.id), peek=True)
        started = job.started_at.timestamp() if job.started_at else 0.0
        if now - max(beat or 0.0, started) < stale_after:
            continue
        giving_up = job.attempts >= MAX_ATTEMPTS
        values: dict[str, Any] = (
            {"status": FAILED, "error": "工作进程多次中断", "finished_at": utcnow()}
            if giving_up
            else {"status": QUEUED}
        )
        # Conditional on what was read, so two sweeping workers re-queue it once.
        changed = db.session.execute(
            update(Job)
            .where(Job.id == job.id, Job.status == RUNNING, Job.attempts == job.attempts)
            .values(**values)
        )
        db.session.commit()
        if changed.rowcount == 1 and not giving_up:  # type: ignore[attr-defined]
            app.extensions["job_task"](job.id)
            requeued.append(job.id)
            log.warning("job %s: its worker died; queued again", job.id)
    return requeued


#: Housekeeping the features ask the sweeper to run every EXPIRY_EVERY seconds, beside the
#: expiry of files (e.g. pruning the rankings' change log): each takes the app and commits.
_HOUSEKEEPING: list[Callable[[Flask], Any]] = []


def housekeeping(step: Callable[[Flask], Any]) -> Callable[[Flask], Any]:
    """Register a periodic step of the workers' sweeper (a decorator)."""
    _HOUSEKEEPING.append(step)
    return step


def run_housekeeping(app: Flask) -> None:
    """Expired files, then every registered step; one that fails is logged, the rest run."""
    expire_results(app)
    for step in _HOUSEKEEPING:
        try:
            step(app)
        except Exception:
            db.session.rollback()
            log.exception("housekeeping step %s", step.__qualname__)


def _sweep_forever(app: Flask, stop: threading.Event) -> None:
    interval = max(0.5, float(app.config.get("JOB_STALE_SECONDS", 60)) / 4)
    next_expiry = [0.0]
    while not stop.wait(interval):
        with app.app_context():
            try:
                recover_stalled(app)
                if time.monotonic() >= next_expiry[0]:
                    next_expiry[0] = time.monotonic() + EXPIRY_EVERY
                    run_housekeeping(app)
            except Exception:
                log.exception("sweeping stalled jobs and expired files")
            finally:
                db.session.remove()


def run_worker(app: Flask, threads: int) -> None:
    """The consumer: `threads` jobs at a time, plus a sweeper for jobs whose worker died.
    Blocks until SIGINT/SIGTERM."""
    huey = queue(app)
    with app.app_context():
        recover_stalled(app)
        db.session.remove()
    stop = threading.Event()
    sweeper = threading.Thread(target=_sweep_forever, args=(app, stop), daemon=True)
    sweeper.start()
    consumer = huey.create_consumer(workers=threads, worker_type="thread", periodic=False)
    try:
        consumer.run()
    finally:
        stop.set()
