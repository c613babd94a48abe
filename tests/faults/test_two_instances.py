"""Several machines (issue #22, part 6): two app instances (two gunicorn servers on different
ports) on one PostgreSQL database and one Redis queue, with two job workers, as a deployment
on two machines would run. Jobs posted through both instances are each done exactly once, by
whichever worker is free (both take some); a job started on one instance is read, file
included, on the other (the files live in the shared JOB_FILES_DIR, docs/deployment.md); and
a mark made through one instance shows in the other's results at once (no ranking cached per
process outlives a change)."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Job
from tests.contest.documents.helpers import published_final
from tests.jobs.redisserver import RedisServer, find_redis_server
from tests.jobs.support import Queue, start_worker, stop_worker, wait_for
from tests.pgcluster import free_port
from tests.support.pdf import pdf_text

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_redis_server() is None,
        reason="redis-server is not installed (apt-get install redis-server; make test does)",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
JOBS = 8  # through both instances, alternately
NAMES = (
    tuple(f"甲单位选手{n:02d}" for n in range(12)),
    tuple(f"乙单位选手{n:02d}" for n in range(12)),
)


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


class Instance:
    """One app server (gunicorn, as in production) and a bearer token's calls to it."""

    def __init__(self, database_url: str, queue: Queue, log: Path) -> None:
        self.port = free_port()
        env = dict(
            os.environ,
            DATABASE_URL=database_url,
            SECRET_KEY="two-instances-" + "x" * 32,
            COMPETITION_ENV="production",
            WARM_START="0",
            JOB_QUEUE_URL=queue.url,
            JOB_FILES_DIR=str(queue.files),
        )
        with open(log, "wb") as out:
            self.process = subprocess.Popen(
                [GUNICORN, "--workers", "2", "--threads", "2", "--bind", f"127.0.0.1:{self.port}",
                 "--log-level", "warning", "wsgi:app"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the port opens before a worker is ready
            assert self.process.poll() is None, log.read_text()[-2000:]
            try:
                if self.call("GET", "/healthz", "")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise AssertionError("gunicorn did not start: " + log.read_text()[-2000:])

    def call(self, method: str, path: str, token: str, body: Any = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            headers = {"Authorization": f"Bearer {token}"}
            data = None
            if body is not None:
                data, headers["Content-Type"] = json.dumps(body), "application/json"
            url = path if path == "/healthz" else "/api/v1" + path
            connection.request(method, url, body=data, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def json(self, method: str, path: str, token: str, body: Any = None, status: int = 200) -> Any:
        got, data = self.call(method, path, token, body)
        assert got == status, f"{method} {path} -> {got}: {data[:500]!r}"
        return json.loads(data)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


def _taken_by(log: Path) -> set[int]:
    return {int(n) for n in re.findall(r"job (\d+) taken by worker", log.read_text())}


def test_two_instances_share_the_database_the_queue_and_the_files(
    database, database_url, tmp_path, redis_server
):
    if database[0] != "postgresql":
        pytest.skip("several machines share a PostgreSQL server, not a SQLite file")
    queue = Queue(redis_server.url(), tmp_path / "shared-files")
    app = queue.app(database_url)
    client = app.test_client()
    final = published_final(app, client, names=NAMES, publish=False)
    assert final.org.token and final.judge.token
    instances: list[Instance] = []
    try:
        instances.append(Instance(database_url, queue, tmp_path / "instance-1.log"))
        instances.append(Instance(database_url, queue, tmp_path / "instance-2.log"))
        _exercise(app, database_url, queue, tmp_path, final, *instances)
    finally:
        for instance in instances:
            instance.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def _exercise(
    app: Any,
    database_url: str,
    queue: Queue,
    tmp_path: Path,
    final: Any,
    one: Instance,
    two: Instance,
) -> None:
    org, judge = final.org.token, final.judge.token
    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = [start_worker(database_url, queue, threads=1, log_path=log) for log in logs]
    try:
        # Jobs through both instances, alternately: notices and blank sheets of the final.
        started: list[tuple[Instance, dict[str, Any]]] = []
        for n in range(JOBS):
            instance = (one, two)[n % 2]
            kind = ("results", "score_sheets")[n // 2 % 2]
            path = f"/events/{final.event_id}/jobs"
            body = instance.json("POST", path, org, {"kind": kind}, status=202)
            started.append((instance, body))

        def finished() -> list[dict[str, Any]] | None:
            bodies = [two.json("GET", f"/jobs/{b['id']}", org) for _, b in started]
            return bodies if all(b["status"] in ("done", "failed") for b in bodies) else None

        done = wait_for(finished, timeout=300, what="every job to finish")
        assert [b["status"] for b in done] == ["done"] * JOBS, done
        assert all(b["attempts"] == 1 for b in done), "a job was taken twice"

        # Each job read, file included, from the instance it was not started on.
        for instance, body in started:
            other = two if instance is one else one
            seen = other.json("GET", f"/jobs/{body['id']}", org)
            assert seen["status"] == "done" and seen["result_url"]
            status, pdf = other.call("GET", seen["result_url"].removeprefix("/api/v1"), org)
            assert status == 200 and pdf.startswith(b"%PDF")
            expected = "决赛成绩" if body["kind"] == "results" else "评分表"
            assert expected in pdf_text(pdf)
    finally:
        for worker in workers:
            stop_worker(worker)

    # Exactly once, by whichever worker was free: every job by one worker, both took some.
    taken = [_taken_by(log) for log in logs]
    ids = {b["id"] for _, b in started}
    assert taken[0] | taken[1] == ids and not taken[0] & taken[1], taken
    assert taken[0] and taken[1], f"one worker took every job: {taken}"
    with app.app_context():
        assert db.session.scalar(select(func.count(Job.id))) == JOBS

    # A mark made through one instance shows in the other's results, and back.
    results = f"/events/{final.event_id}/rounds/final/results"
    for instance in (one, two):  # both have worked the ranking out (and may keep it)
        last = instance.json("GET", results, org)["ranking"][-1]
    contestant, before = last["contestant_id"], Decimal(last["total"])
    mark = f"/events/{final.event_id}/rounds/final/marks/{contestant}/theory"
    for writer, reader, value in ((one, two, "99"), (two, one, "10")):
        writer.json("PUT", mark, judge, {"value": value})
        ranking = reader.json("GET", results, org)["ranking"]
        total = Decimal(next(e for e in ranking if e["contestant_id"] == contestant)["total"])
        assert total > before if value == "99" else total < before, (value, before, total)
