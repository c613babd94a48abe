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
a second run reuses them (`certificates_to_print` issues only what is not issued yet).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class JobResult:
    """What a handler made: the file's bytes, the name it is downloaded under, its type."""

    body: bytes
    name: str
    content_type: str


Progress = Callable[[int, int], None]
Handler = Callable[[Job, Progress], JobResult]
HANDLERS: dict[str, Handler] = {}


def handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that does a job of `kind`. It must be safe to run again after
    a worker died mid-way (see the module's docstring), and may commit what must survive."""

    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
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


def run_job(app: Flask, job_id: int) -> None:
    """What a worker does with a job's id: claim it, run its handler, keep its file, and
    record done or failed (with the error's message). A job not queued any more is left
    alone."""
    with app.app_context():
        try:
            if not _claim(job_id):
                return
            heartbeat = _Heartbeat(queue(app), job_id)
            heartbeat.start()
            try:
                _run_claimed(job_id)
            finally:
                heartbeat.done.set()
                heartbeat.join(timeout=10)
                queue(app).delete(_alive_key(job_id))
        finally:
            db.session.remove()


def _run_claimed(job_id: int) -> None:
    job = db.session.get(Job, job_id)
    assert job is not None
    try:
        result = HANDLERS[job.kind](job, _progress_writer(job_id))
        path = _store(job_id, result)
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
        return
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(
            status=DONE,
            result_path=str(path),
            result_name=result.name,
            result_type=result.content_type,
            finished_at=utcnow(),
            error=None,
        )
    )
    db.session.commit()


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


def _sweep_forever(app: Flask, stop: threading.Event) -> None:
    interval = max(0.5, float(app.config.get("JOB_STALE_SECONDS", 60)) / 4)
    while not stop.wait(interval):
        with app.app_context():
            try:
                recover_stalled(app)
            except Exception:
                log.exception("sweeping stalled jobs")
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
