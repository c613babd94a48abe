"""The contest's pages: HTML only, calling the same services and the same access rules
(`competition.contest.policy`) as the API; only the way a refusal is shown differs (a readable
page instead of the JSON error shape)."""

from competition.contest.web import (  # noqa: F401
    board,
    console,
    console_awards,
    console_consistency,
    console_corrections,
    console_documents,
    console_draw,
    console_import,
    console_import_finalists,
    console_import_judges,
    console_import_marks,
    console_import_schemes,
    console_jobs,
    console_judging,
    console_results,
    console_scheme_documents,
    console_schemes,
    console_teams,
    judging,
    judging_absences,
    public,
)
