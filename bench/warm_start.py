"""Warm start, measured: `.venv/bin/python bench/warm_start.py` (part of `make bench`).

Target (#22): the first certificate after a worker starts costs ≤ 0.3 s. A real gunicorn
worker, started with the project's `gunicorn.conf.py` from the project folder exactly as
docs/deployment.md says, serves a contest in a throwaway SQLite database (the contest of
bench/documents.py, made smaller: 200 contestants, 100 finalists). The bench waits until the
worker answers `GET /healthz` (what a load balancer does before sending it traffic; the worker
answers only once its warm-up is done), then times the first certificate it is asked for,
through the API with an organiser's token, and the next one for comparison. Each start is done
with the warm-up (`WARM_START=1`, production's default) and without it (`WARM_START=0`), in
turns, and the medians are printed beside the target. The certificate was issued when the
contest was built, so every request only prints it.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import documents  # noqa: E402  (bench/documents.py: its contest, made smaller below)

from tests.pgcluster import free_port  # noqa: E402

TARGET_S = 0.3
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
SECRET = "bench-" + "x" * 32


def build(database: Path) -> tuple[str, int, int]:
    """bench/documents.py's contest with 10 units of 20 (10 finalists each), one certificate
    issued; an organiser's API token. Returns (token, event id, contestant id)."""
    from competition.contest.services import certificates as certificate_service
    from competition.core import users
    from competition.extensions import db
    from competition.models import User

    documents.UNITS, documents.PER_UNIT, documents.FINALISTS_PER_UNIT = 10, 20, 10
    ids = documents.build(database)
    app = documents._app(database)
    with app.app_context():
        organiser = db.session.execute(
            db.select(User).where(User.username == "bench-org")
        ).scalar_one()
        certificate_service.certificate_to_print(ids["contestant_id"], organiser)
        token = users.issue_token(organiser, timedelta(hours=2)).token
        db.session.commit()
        db.engine.dispose()
    return token, ids["event_id"], ids["contestant_id"]


def serve(database: Path, port: int, warm: bool) -> subprocess.Popen[bytes]:
    """One gunicorn worker on `port`, configured as a deployment is: by `gunicorn.conf.py`,
    which gunicorn reads from the folder it starts in."""
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{database}",
        SECRET_KEY=SECRET,
        COMPETITION_ENV="production",
        PUBLIC_BASE_URL=documents.BASE_URL,
        WARM_START="1" if warm else "0",
    )
    return subprocess.Popen(
        [GUNICORN, "--workers", "1", "--threads", "1", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


def get(port: int, path: str, token: str | None = None) -> tuple[int, bytes, float]:
    """One request on a new connection: status, body, seconds until the whole body is in."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        return response.status, body, time.perf_counter() - started
    finally:
        connection.close()


def wait_ready(port: int, process: subprocess.Popen[bytes]) -> None:
    """Until the worker answers /healthz with 200 (it accepts nothing before its warm-up)."""
    deadline = time.time() + 60
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited while starting")
        try:
            if get(port, "/healthz")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def one_start(database: Path, token: str, path: str, warm: bool) -> dict[str, float]:
    port = free_port()
    started = time.perf_counter()
    process = serve(database, port, warm)
    try:
        wait_ready(port, process)
        ready = time.perf_counter() - started
        status, body, first = get(port, path, token)
        if status != 200 or not body.startswith(b"%PDF"):
            raise RuntimeError(f"the certificate answered {status}: {body[:200]!r}")
        status, body, second = get(port, path, token)
        if status != 200 or not body.startswith(b"%PDF"):
            raise RuntimeError(f"the certificate answered {status}: {body[:200]!r}")
    finally:
        stop(process)
    return {"ready": ready, "first": first, "second": second}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--starts", type=int, default=3, help="worker starts of each kind")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="competition-warm-") as folder:
        database = Path(folder) / "bench.sqlite3"
        token, event_id, contestant_id = build(database)
        path = f"/api/v1/events/{event_id}/contestants/{contestant_id}/certificate.pdf"
        runs: dict[bool, list[dict[str, float]]] = {True: [], False: []}
        for _ in range(options.starts):
            for warm in (True, False):  # in turns: the machine's speed drifts
                runs[warm].append(one_start(database, token, path, warm))

    def median(warm: bool, key: str) -> float:
        return statistics.median(run[key] for run in runs[warm])

    n = options.starts
    print(f"  {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; 1 gunicorn worker")
    for warm, label in ((True, "with warm-up (WARM_START=1)"), (False, "without (WARM_START=0)")):
        first = median(warm, "first")
        verdict = ("ok" if first <= TARGET_S else "OVER") if warm else "(for reference)"
        print(
            f"  first certificate after a worker start, {label:<28} {first:5.2f} s "
            f"(median of {n})  target ≤ {TARGET_S} s  {verdict}"
        )
        print(
            f"      next certificate {median(warm, 'second'):5.2f} s; start to ready "
            f"(/healthz answered) {median(warm, 'ready'):5.2f} s"
        )


if __name__ == "__main__":
    main()
