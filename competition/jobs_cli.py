"""`flask --app wsgi jobs worker` and `flask --app wsgi jobs list`: the worker that does the
queued jobs (`competition.core.jobs`), and what the queue holds. Beside `cli.py`, above the
features, since the worker loads the kinds of job each feature registers."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from competition.core import jobs
from competition.extensions import db
from competition.models import Job

jobs_cli = AppGroup("jobs", help="Background jobs: certificates and other long work.")


@jobs_cli.command("worker")
@click.option(
    "--threads",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Jobs done at the same time by this worker.",
)
def worker(threads: int) -> None:
    """Do queued jobs until stopped (Ctrl-C or SIGTERM finishes the jobs in hand first).

    Run one per machine, or several: they share the queue (JOB_QUEUE_URL) and the database."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    # Each feature registers its kinds: the contest's documents, its large imports, and the
    # craftsman class's review files.
    import competition.contest.jobs
    import competition.contest.jobs_imports
    import competition.reviews.jobs  # noqa: F401

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    click.echo(f"Worker: {threads} threads on {app.config.get('JOB_QUEUE_URL') or 'SQLite'}")
    jobs.run_worker(app, threads)


@jobs_cli.command("list")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def list_jobs(limit: int) -> None:
    """The latest jobs: id, kind, event, status, progress, attempts."""
    rows = db.session.scalars(select(Job).order_by(Job.id.desc()).limit(limit)).all()
    if not rows:
        click.echo("No jobs.")
        return
    for job in rows:
        click.echo(
            f"{job.id:>6}  {job.kind:<14} event {job.event_id or '-':<5} {job.status:<8} "
            f"{job.progress}/{job.total}  attempts {job.attempts}"
            + (f"  {job.error}" if job.error else "")
            + ("  file expired" if job.expired_at else "")
        )
