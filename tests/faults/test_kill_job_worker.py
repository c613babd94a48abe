"""Kill a job's worker mid-job (SIGKILL: no clean-up, no last words) while it lays out a
final's certificates, then start another worker: it notices the silent job, takes it up again
and finishes it with the serials the dead one issued. Nobody gets a second certificate."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Certificate, Job
from tests.contest.documents.helpers import published_final
from tests.contest.documents.test_certificates import serials
from tests.jobs.support import Queue, start_worker, stop_worker, wait_for
from tests.support.pdf import pdf_text

# Enough finalists that laying them out takes seconds: the kill lands mid-job.
NAMES = (
    tuple(f"甲单位选手{n:02d}" for n in range(20)),
    tuple(f"乙单位选手{n:02d}" for n in range(20)),
)


@pytest.fixture
def queue(tmp_path: Path) -> Queue:
    return Queue(f"sqlite:///{tmp_path / 'queue.sqlite3'}", tmp_path / "files", stale_seconds=3)


@pytest.fixture
def jobs_app(database_url: str, queue: Queue) -> Iterator[Flask]:
    app = queue.app(database_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _serials_in_database(app: Flask, event_id: int) -> list[str]:
    with app.app_context():
        return list(
            db.session.scalars(
                select(Certificate.serial)
                .where(Certificate.event_id == event_id)
                .order_by(Certificate.place)
            )
        )


def test_a_job_whose_worker_is_killed_is_finished_by_another_with_the_same_serials(
    jobs_app, database_url, queue
):
    client = jobs_app.test_client()
    final = published_final(jobs_app, client, names=NAMES)
    count = len(final.ranked)
    job_id = final.org.post(f"/events/{final.event_id}/jobs", {"kind": "certificates"}, status=202)[
        "id"
    ]

    first = start_worker(database_url, queue)
    try:
        # The serials are committed before the layout starts: wait for them, then kill.
        wait_for(
            lambda: len(_serials_in_database(jobs_app, final.event_id)) == count,
            what="the first worker to issue the serials",
        )
    finally:
        stop_worker(first, signal.SIGKILL)
    issued = _serials_in_database(jobs_app, final.event_id)
    killed = final.org.get(f"/jobs/{job_id}")
    assert killed["status"] == "running", "the kill came too late to test anything"
    assert killed["attempts"] == 1 and killed["result_url"] is None

    second = start_worker(database_url, queue)
    try:
        done = wait_for(
            lambda: (j := final.org.get(f"/jobs/{job_id}"))["status"] in ("done", "failed") and j,
            what="the second worker to finish the job",
        )
    finally:
        stop_worker(second)
    assert done["status"] == "done", done
    assert done["attempts"] == 2
    assert done["progress"] == done["total"] == count
    response = final.org.call("GET", f"/jobs/{job_id}/result", status=200)
    printed = serials(pdf_text(response.data))
    response.close()
    assert printed == issued  # the same serials, in rank order
    with jobs_app.app_context():
        assert db.session.scalar(select(func.count(Certificate.id))) == count
        assert db.session.scalar(select(func.count(Job.id))) == 1
    leftovers = [p.name for p in queue.files.iterdir() if p.name.startswith(".")]
    assert not leftovers, "a half-written file was left behind"
