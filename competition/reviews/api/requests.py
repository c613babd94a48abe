"""The checks the reviews' API routes share, in the contract's order (401, 404, 403)."""

from __future__ import annotations

from competition.core import roles
from competition.http.api import require_user
from competition.models import Cohort, User
from competition.reviews import services as service


def organiser_cohort(cohort_id: int) -> tuple[User, Cohort]:
    """The caller (401) and the cohort (404), which they must organise (403)."""
    user = require_user()
    cohort = service.get_cohort(cohort_id)
    roles.require_organiser(user)
    return user, cohort
