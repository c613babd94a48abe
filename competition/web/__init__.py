"""HTML pages for organisers, judges, contestants and the public.

Pages use the same services and the same access rules (competition.policy) as the API; only
the way a refusal is shown differs (a readable page instead of the JSON error shape).
"""

from flask import Blueprint

bp = Blueprint("web", __name__)

import competition.web.console_judging  # noqa: E402  (judging: organisers' pages)
import competition.web.judging  # noqa: E402,F401  (judging: judges' pages)
from competition.web import auth, pages  # noqa: E402,F401
