"""The contest's face to programs: JSON only, calling the same services as the pages.

The modules are imported in reading order (the contest's set-up first), which is also the order
of the paths in the OpenAPI document and on /api/docs; signing in and the accounts, which no
feature owns, are `competition.site.api`'s."""

# isort: off
from competition.contest.api import views  # noqa: F401
from competition.contest.api import imports  # noqa: F401  (the set-up's office lists)
from competition.contest.api import appeals, corrections, documents, judging  # noqa: F401
from competition.contest.api import schemes, draw, consistency, teams  # noqa: F401
from competition.contest.api import jobs  # noqa: F401  (background jobs, issue #22)
# isort: on
