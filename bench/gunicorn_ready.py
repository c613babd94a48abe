"""gunicorn settings for bench/load.py: each worker says when it is ready to serve.

gunicorn's master listens before its workers have imported the app, so a benchmark that starts
once the port answers times the workers' start-up too (about a second each for the real app,
far less for the bare baseline): the load starts only when every worker has said so here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


def post_worker_init(worker: Any) -> None:
    folder = os.environ.get("BENCH_READY_DIR")
    if folder:
        (Path(folder) / str(worker.pid)).touch()
