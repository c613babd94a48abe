"""Every download of a craftsman class, once: a trainee's file, the whole cohort's file, the
results workbook.

The pages and the API both call these with the rows they resolved from the URL (a 404 there)
and the caller. Each refuses the same callers with the same words and names the file once; the
face answers with `competition.http.responses.download_response`.
"""

from __future__ import annotations

from competition.core.downloads import PDF, XLSX, Download, file_name_part
from competition.core.roles import require_organiser
from competition.models import Cohort, Trainee, User
from competition.reviews import documents as trainee_files
from competition.reviews import excel, policy


def trainee_file_pdf(cohort: Cohort, trainee: Trainee, user: User) -> Download:
    """One trainee's file, for an organiser (with the experts' names) or the trainee's own
    login (the panel's comments without who wrote which); 403 for anyone else."""
    policy.require_trainee_file(user, trainee)
    body = trainee_files.trainee_file_pdf(cohort, trainee, with_names=policy.sees_reviewers(user))
    return Download(body, f"trainee-file-{trainee.id}.pdf", PDF)


def cohort_file_pdf(cohort: Cohort, user: User) -> Download:
    """Every trainee's file in one PDF, in rank order, for organisers (403 for anyone else)."""
    require_organiser(user)
    return Download(trainee_files.cohort_file_pdf(cohort), f"cohort-file-{cohort.id}.pdf", PDF)


def results_xlsx(cohort: Cohort, user: User) -> Download:
    """The ranking and every review as .xlsx, for organisers and the panel lead (403 for
    anyone else), under the cohort's name."""
    policy.require_cohort_results(user, cohort)
    name = file_name_part(cohort.name, "cohort")
    return Download(excel.export_results(cohort), f"{name}-评审结果.xlsx", XLSX)
