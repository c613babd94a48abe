"""For reference beside the baseline: the baseline's one-row insert (`baseline_app.put_row`)
served by the app itself, through everything the app does around every request (request
log, security headers, the sign-in and rate-limit hooks). bench/load.py prints it without a
target, so that the gap to the bare baseline can be read as two parts: what every request of
the app costs, and what a mark's own work (token, rules, lock, audit) costs on top.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import baseline_app

from competition.app import create_app
from competition.extensions import csrf

app = create_app()
app.add_url_rule("/row", "row", baseline_app.put_row, methods=["PUT"])
csrf.exempt(baseline_app.put_row)  # as the API is: no session, no CSRF token
