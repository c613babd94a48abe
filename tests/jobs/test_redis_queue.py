"""The Redis queue, for deployments whose web servers and workers are on several machines:
a job queued through RedisHuey by the web app is done by a worker reading the same Redis."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from huey import RedisHuey

from competition.core import jobs
from competition.extensions import db
from tests.contest.documents.helpers import published_final
from tests.contest.documents.test_certificates import serials
from tests.jobs.redisserver import RedisServer, find_redis_server
from tests.jobs.support import Queue, start_worker, stop_worker, wait_for
from tests.support.pdf import pdf_text

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_redis_server() is None,
        reason="redis-server is not installed (apt-get install redis-server; make test does)",
    ),
]


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


def test_a_job_goes_through_redis_to_a_worker(database_url, tmp_path, redis_server):
    queue = Queue(redis_server.url(), tmp_path / "files")
    app = queue.app(database_url)
    with app.app_context():
        assert isinstance(jobs.queue(app), RedisHuey)
    client = app.test_client()
    final = published_final(app, client)
    job_id = final.org.post(f"/events/{final.event_id}/jobs", {"kind": "certificates"}, status=202)[
        "id"
    ]
    with app.app_context():
        assert jobs.queue(app).pending_count() == 1  # in Redis, waiting for a worker
    worker = start_worker(database_url, queue)
    try:
        done = wait_for(
            lambda: (j := final.org.get(f"/jobs/{job_id}"))["status"] in ("done", "failed") and j,
            what="the worker to finish the job",
        )
    finally:
        stop_worker(worker)
    assert done["status"] == "done", done
    response = final.org.call("GET", f"/jobs/{job_id}/result", status=200)
    assert len(serials(pdf_text(response.data))) == len(final.ranked)
    response.close()
    with app.app_context():
        assert jobs.queue(app).pending_count() == 0
        db.session.remove()
        db.engine.dispose()
