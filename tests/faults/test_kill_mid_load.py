"""Kill the server mid-load: SIGKILL to gunicorn's master and every worker while judges are
submitting marks, then start it again. Every mark whose request was acknowledged is there with
the acknowledged value, and nothing is half-written: every stored mark has the audit entry
that recorded it.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from competition.contest.services import contests
from competition.core import users
from competition.extensions import db
from competition.models import AuditEntry, Component, Mark
from tests.pgcluster import free_port

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
JUDGES = 8
CONTESTANTS = 40


def _prepare(app):
    with app.app_context():
        contest = contests.create_contest("断电测试", "总工会")
        event = contests.create_event(contest, "数控铣工")
        unit = contests.create_unit(contest, "单位")
        organiser = users.create_user("organiser", "organiser-pass", "organiser")
        ids = [
            contests.register_contestant(event, f"选手{n}", unit.id).id for n in range(CONTESTANTS)
        ]
        tokens = []
        for n in range(JUDGES):
            judge = users.create_user(f"judge{n}", "judge-password", "judge")
            contests.assign_judge(event, judge.id, organiser)
            tokens.append((judge.id, users.issue_token(judge, timedelta(hours=1)).token))
        db.session.commit()
        return event.id, ids, tokens


def _serve(url: str, port: int) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        DATABASE_URL=url,
        SECRET_KEY="faults-" + "x" * 32,
        COMPETITION_ENV="production",
    )
    process = subprocess.Popen(
        [
            GUNICORN,
            "--workers",
            "3",
            "--threads",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return process
        time.sleep(0.1)
    raise AssertionError("gunicorn did not start")


def _kill_everything(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the master and its workers at once: no graceful shutdown, no flush."""
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=10)


def test_acknowledged_marks_survive_sigkill_of_every_worker(app, database_url):
    event_id, ids, tokens = _prepare(app)
    port = free_port()
    server = _serve(database_url, port)
    acknowledged: dict[tuple[int, int, str], Decimal] = {}
    lock = threading.Lock()
    stop = threading.Event()
    statuses: list[int] = []

    def judge_loop(judge_id: int, token: str) -> None:
        n = 0
        while not stop.is_set():
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                n = submit(connection, judge_id, token, n)
            finally:
                connection.close()
            time.sleep(0.05)  # the server is gone or still starting: like a tablet, retry

    def submit(connection: http.client.HTTPConnection, judge_id: int, token: str, n: int) -> int:
        while not stop.is_set():
            contestant = ids[n % CONTESTANTS]
            key = ("theory", "practical")[n // CONTESTANTS % 2]
            value = Decimal(50 + (n * 7 + judge_id) % 50) + Decimal("0.25")
            path = f"/api/v1/events/{event_id}/rounds/preliminary/marks/{contestant}/{key}"
            try:
                connection.request(
                    "PUT",
                    path,
                    body=json.dumps({"value": str(value)}),
                    headers={
                        "Authorization": f"Bearer {token}",
                        "Content-Type": "application/json",
                    },
                )
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                return n  # not acknowledged: this mark may or may not have been stored
            statuses.append(response.status)
            if response.status == 200:
                with lock:
                    acknowledged[(judge_id, contestant, key)] = value
            n += 1
        return n

    threads = [threading.Thread(target=judge_loop, args=t) for t in tokens]
    for thread in threads:
        thread.start()
    deadline = time.time() + 90
    while len(acknowledged) < 150 and time.time() < deadline:
        time.sleep(0.05)
    _kill_everything(server)
    stop.set()
    for thread in threads:
        thread.join(timeout=10)
    assert len(acknowledged) >= 150, f"the load never got going: {statuses[:20]}"

    port = free_port()
    restarted = _serve(database_url, port)
    try:
        # The workers warm up (fonts, a certificate) before they answer: seconds on a busy
        # machine, which is not what this test is about.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", "/healthz")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        _kill_everything(restarted)

    with app.app_context():
        stored = {
            (judge_id, contestant_id, key): value
            for judge_id, contestant_id, key, value in db.session.execute(
                select(Mark.judge_id, Mark.contestant_id, Component.key, Mark.value).join(
                    Component, Component.id == Mark.component_id
                )
            )
        }
        for mark_key in acknowledged:
            # A later, unacknowledged write may have replaced an acknowledged value; then it
            # was committed too, so the mark is there: what may never happen is its absence.
            assert mark_key in stored, f"acknowledged mark {mark_key} is missing"
        latest_audit = {}
        for entry in db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "mark.set").order_by(AuditEntry.id)
        ):
            latest_audit[(entry.judge_id, entry.contestant_id, entry.component_id)] = entry
        marks = db.session.scalars(select(Mark)).all()
        assert len(marks) == len(stored)
        for mark in marks:
            entry = latest_audit.get((mark.judge_id, mark.contestant_id, mark.component_id))
            assert entry is not None and entry.new_value == mark.value, "half-written mark"
