"""HTML pages for organisers, judges, contestants and the public.

Pages use the same services and the same access rules (competition.policy) as the API; only
the way a refusal is shown differs (a readable page instead of the JSON error shape).
"""

from flask import Blueprint

bp = Blueprint("web", __name__)

import competition.web.cohort_documents  # noqa: E402
import competition.web.cohorts  # noqa: E402  (craftsman class: organisers' pages)
import competition.web.console  # noqa: E402
import competition.web.console_awards  # noqa: E402
import competition.web.console_corrections  # noqa: E402
import competition.web.console_documents  # noqa: E402
import competition.web.console_import  # noqa: E402
import competition.web.console_import_finalists  # noqa: E402  (imports: units' finalist lists)
import competition.web.console_import_judges  # noqa: E402  (imports: judges and their accounts)
import competition.web.console_import_marks  # noqa: E402  (imports: results sheets as marks)
import competition.web.console_judging  # noqa: E402  (judging: organisers' pages)
import competition.web.console_results  # noqa: E402
import competition.web.judging  # noqa: E402  (judging: judges' pages)
import competition.web.judging_absences  # noqa: E402  (judging: the chief judge's absences)
import competition.web.public  # noqa: E402
import competition.web.reviews  # noqa: E402,F401  (craftsman class: experts' and trainees' pages)
from competition.web import auth, pages  # noqa: E402,F401
