"""The sweep that takes up again a job whose worker died: a running job silent longer than
JOB_STALE_SECONDS goes back on the queue once (however many workers sweep), a live one is left
alone, and one that has killed its worker MAX_ATTEMPTS times is failed."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask

from competition.core import jobs
from competition.extensions import db
from competition.models import Job
from competition.models.types import utcnow
from tests.jobs.support import Queue


@pytest.fixture
def jobs_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    queue = Queue(f"sqlite:///{tmp_path / 'queue.sqlite3'}", tmp_path / "files", stale_seconds=5)
    app = queue.app(database_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _running(started_ago: float, attempts: int) -> int:
    job = Job(
        kind="certificates",
        status="running",
        attempts=attempts,
        started_at=utcnow() - timedelta(seconds=started_ago),
    )
    db.session.add(job)
    db.session.commit()
    return job.id


def test_a_silent_running_job_is_queued_again_once_and_a_live_one_is_not(jobs_app):
    with jobs_app.app_context():
        huey = jobs.queue(jobs_app)
        dead = _running(started_ago=60, attempts=1)
        fresh = _running(started_ago=1, attempts=1)  # just started: no heartbeat yet
        beating = _running(started_ago=60, attempts=1)
        huey.put(f"job-alive:{beating}", time.time())
        hopeless = _running(started_ago=60, attempts=jobs.MAX_ATTEMPTS)

        assert jobs.recover_stalled(jobs_app) == [dead]
        assert jobs.recover_stalled(jobs_app) == []  # a second sweeper finds nothing to do
        assert huey.pending_count() == 1
        db.session.expire_all()
        statuses = {i: db.session.get(Job, i).status for i in (dead, fresh, beating, hopeless)}
        assert statuses == {
            dead: "queued",
            fresh: "running",
            beating: "running",
            hopeless: "failed",
        }
        assert db.session.get(Job, hopeless).error
