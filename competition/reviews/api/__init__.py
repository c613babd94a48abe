"""The reviews' face to programs: JSON only, calling the same services as the pages."""

from competition.reviews.api import cohorts, documents, jobs  # noqa: F401
