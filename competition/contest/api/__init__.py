"""The contest's face to programs: JSON only, calling the same services as the pages."""

from competition.contest.api import appeals, corrections, documents, views  # noqa: F401
