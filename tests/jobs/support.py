"""Real workers for the job tests: `flask --app wsgi jobs worker` as a process of its own, on
the test's database and queue, started in its own session so it can be killed outright."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask

from tests.conftest import make_app

ROOT = Path(__file__).resolve().parents[2]
FLASK = str(Path(sys.executable).parent / "flask")


@dataclass(frozen=True)
class Queue:
    """Where the test's jobs go: the queue's URL, the files' folder, how soon a silent worker
    is given up on."""

    url: str
    files: Path
    stale_seconds: float = 60.0

    def settings(self) -> dict[str, Any]:
        return {
            "JOB_QUEUE_URL": self.url,
            "JOB_FILES_DIR": str(self.files),
            "JOB_STALE_SECONDS": self.stale_seconds,
        }

    def app(self, database_url: str, **overrides: Any) -> Flask:
        return make_app(database_url, **self.settings(), **overrides)


def start_worker(
    database_url: str, queue: Queue, threads: int = 2, log_path: Path | None = None
) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        DATABASE_URL=database_url,
        COMPETITION_ENV="testing",
        JOB_QUEUE_URL=queue.url,
        JOB_FILES_DIR=str(queue.files),
        JOB_STALE_SECONDS=str(queue.stale_seconds),
    )
    # The worker's log, beside the queue, for reading when a test fails.
    log_path = log_path or queue.files.parent / f"worker-{time.monotonic_ns()}.log"
    with open(log_path, "wb") as log:
        return subprocess.Popen(
            [FLASK, "--app", "wsgi", "jobs", "worker", "--threads", str(threads)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def stop_worker(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def wait_for(condition: Callable[[], Any], timeout: float = 120, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what or condition}")
