"""10,000 certificates as one job, measured: `.venv/bin/python bench/big_batch.py`.

Target (#22): a final of 10,000 finalists printed as one certificates job in ≤ 150 s, with
the server's peak memory (the job worker and the processes it starts, summed) ≤ 800 MB, and
progress visible while it runs. Builds the contest of bench/documents.py at 200 units of 50,
all finalists, in a throwaway SQLite database; queues the job as the API does; starts a real
worker (`flask jobs worker`, `PDF_PROCESSES`=2 by default) and samples the job's progress and
the worker's process tree (resident memory, summed) every half second. The time is from the
job's start to its file, serials included (they are issued by the job). `--units N` makes a
smaller contest (50 finalists a unit) for a quicker look. Part of `make bench`: about two
and a half minutes on two quiet cores (31 s building the contest, 102 s the job).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import documents  # noqa: E402  (bench/documents.py: its contest, made bigger below)

TARGET_S = 150.0
TARGET_MB = 800.0
FLASK = str(Path(sys.executable).parent / "flask")


def tree_rss_mb(pid: int) -> float:
    """Resident memory of `pid` and all its descendants, in MB (from /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        total += rss.get(current, 0)
        stack.extend(children.get(current, []))
    return total / 1024 / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--units", type=int, default=200, help="units of 50 finalists")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--layout", default="single", choices=("single", "per_unit"))
    options = parser.parse_args()
    documents.UNITS, documents.PER_UNIT, documents.FINALISTS_PER_UNIT = options.units, 50, 50

    from competition.contest import jobs as contest_jobs
    from competition.extensions import db
    from competition.models import Event, Job, User

    with tempfile.TemporaryDirectory(prefix="competition-big-") as folder:
        database = Path(folder) / "big.sqlite3"
        started = time.perf_counter()
        ids = documents.build(database)
        print(
            f"contest built in {time.perf_counter() - started:.0f} s "
            f"({options.units * 50} finalists); {os.cpu_count()} CPUs, load average "
            f"{os.getloadavg()[0]:.2f}"
        )
        app = documents._app(database)
        env = dict(
            os.environ,
            DATABASE_URL=f"sqlite:///{database}",
            COMPETITION_ENV="testing",
            PDF_PROCESSES=str(options.processes),
            PUBLIC_BASE_URL=documents.BASE_URL,
        )
        worker = subprocess.Popen(
            [FLASK, "--app", "wsgi", "jobs", "worker", "--threads", "1"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(Path(folder) / "worker.log", "wb"),  # noqa: SIM115
            start_new_session=True,
        )
        try:
            time.sleep(3)  # the worker up and waiting, as in production
            with app.app_context():
                event = db.session.get(Event, ids["event_id"])
                organiser = db.session.scalars(
                    db.select(User).where(User.username == "bench-org")
                ).one()
                job_id = contest_jobs.start_certificates(
                    event, organiser, documents.BASE_URL, options.layout
                ).id
                db.session.commit()
            begun = time.perf_counter()
            peak, samples, status = 0.0, [], "queued"
            with app.app_context():
                while status not in ("done", "failed"):
                    time.sleep(0.5)
                    peak = max(peak, tree_rss_mb(worker.pid))
                    db.session.expire_all()
                    job = db.session.get(Job, job_id)
                    status = job.status
                    samples.append((time.perf_counter() - begun, job.progress, job.total))
                    if time.perf_counter() - begun > 900:
                        raise SystemExit("gave up after 15 minutes")
                elapsed = time.perf_counter() - begun
                error = job.error
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=60)
        if status != "done":
            print((Path(folder) / "worker.log").read_text()[-3000:])
            raise SystemExit(f"the job {status}: {error}")
        moving = sorted({done for _t, done, _total in samples})
        first_progress = next((t for t, done, _ in samples if done > 0), elapsed)
        total = options.units * 50
        verdict = "ok" if elapsed <= TARGET_S else "OVER"
        print(
            f"  {total:,} certificates as one job ({options.processes} processes, "
            f"{options.layout})   {elapsed:7.1f} s  target ≤ {TARGET_S:g} s  {verdict}"
        )
        verdict = "ok" if peak <= TARGET_MB else "OVER"
        print(
            f"  peak memory of the worker and its processes      {peak:7.0f} MB target ≤ "
            f"{TARGET_MB:g} MB {verdict}"
        )
        print(
            f"  progress: {len(moving)} distinct values seen in {len(samples)} samples, first "
            f"movement after {first_progress:.1f} s; "
            + ", ".join(f"{t:.0f}s:{d}" for t, d, _ in samples[:: max(1, len(samples) // 8)])
        )


if __name__ == "__main__":
    main()
