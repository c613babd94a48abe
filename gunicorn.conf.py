"""gunicorn settings of the service: each worker warms up before it takes a request.

gunicorn reads this file by itself when started from the project folder (`gunicorn
'wsgi:app'`); from elsewhere, pass `-c /path/to/gunicorn.conf.py`. Workers, threads and the
address stay on the command line (docs/deployment.md).

Why a hook: a worker imports the app (wsgi.py) and then runs `post_worker_init` before its
accept loop, so whatever is done here is done before the worker's first request, and requests
arriving meanwhile go to the workers already warm (or wait in the listen queue). The app's
`WARM_START` setting (on in production, `WARM_START=0` turns it off) says whether to warm.
"""

from __future__ import annotations

import gc
from typing import Any


def post_worker_init(worker: Any) -> None:
    """Render a throwaway certificate in this worker (competition.contest.documents.warm), then
    freeze what it made, as wsgi.py freezes what start-up made, so the collector stops walking
    it.

    A failed warm-up is logged and the worker serves anyway: marks and results must not wait
    on a font; the first certificate then fails or costs what it would have cost.
    """
    from flask import Flask

    app = getattr(worker, "wsgi", None)
    if not isinstance(app, Flask) or not app.config.get("WARM_START"):
        return
    from competition.contest.documents.warm import warm_up

    try:
        done = warm_up(app)
    except Exception:
        worker.log.exception("warm-up failed; the worker serves without it")
        return
    gc.collect()
    gc.freeze()
    worker.log.info(
        "worker %s warmed up in %.2f s (%d templates)",
        worker.pid,
        done.seconds,
        len(done.templates),
    )
