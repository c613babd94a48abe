"""The public JSON API, version 1 (see shared/api-v1.md): JSON only, one error shape."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from competition.api import (  # noqa: E402,F401
    appeals,
    cohort_documents,
    cohorts,
    corrections,
    documents,
    views,
)
