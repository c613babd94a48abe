"""The reviews' pages: organisers' (cohorts), experts' and trainees' (reviews), and the
trainee's file as PDF."""

from competition.reviews.web import cohorts, documents, jobs, reviews  # noqa: F401
