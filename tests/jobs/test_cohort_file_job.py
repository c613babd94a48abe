"""The craftsman class's review files as a job (issue #22): the API's 202 under the cohort,
the cohort page's button, the shared job page and `/jobs/{id}`, and the same PDF as the
synchronous file.pdf."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from competition.core import jobs
from competition.extensions import db
from competition.models import Cohort, Job
from competition.reviews.demo import TRAINEE_PASSWORD, load_demo_cohort
from tests.jobs.support import Queue
from tests.support.errors import assert_error
from tests.support.factories import login
from tests.support.pages import sign_in, text_of
from tests.support.pdf import pdf_text


@pytest.fixture
def jobs_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = Queue(f"sqlite:///{tmp_path / 'queue.sqlite3'}", tmp_path / "files").app(database_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _cohort(app: Flask) -> int:
    with app.app_context():
        load_demo_cohort()
        db.session.commit()
        return db.session.scalars(select(Cohort.id)).one()


def test_the_api_makes_the_cohort_file_as_a_job(jobs_app):
    cohort_id = _cohort(jobs_app)
    client = jobs_app.test_client()
    organiser = login(client, "organiser", "demo-organiser")
    path = f"/cohorts/{cohort_id}/jobs"
    assert_error(organiser.call("POST", path, {"kind": "nothing"}), 422, "kind")
    assert_error(organiser.call("POST", "/cohorts/999999/jobs", {"kind": "cohort_file"}), 404)
    response = organiser.call("POST", path, {"kind": "cohort_file"})
    assert response.status_code == 202, response.get_data(as_text=True)
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/jobs/{body['id']}"
    assert (body["kind"], body["status"], body["cohort_id"]) == ("cohort_file", "queued", cohort_id)
    assert body["event_id"] is None and body["result_url"] is None

    jobs.run_job(jobs_app, body["id"])
    done = organiser.get(f"/jobs/{body['id']}")
    assert done["status"] == "done" and done["progress"] == done["total"] == 32
    assert done["expires_at"] is not None
    made = organiser.call("GET", done["result_url"].removeprefix("/api/v1"))
    assert made.status_code == 200 and made.mimetype == "application/pdf"
    text = pdf_text(made.data)
    made.close()
    direct = organiser.call("GET", f"/cohorts/{cohort_id}/file.pdf")
    assert text.count("职工工匠研修班结业评审档案") == 32
    assert text == pdf_text(direct.data)

    trainee = login(jobs_app.test_client(), "trainee1", TRAINEE_PASSWORD)
    assert_error(trainee.call("POST", path, {"kind": "cohort_file"}), 403)
    assert_error(trainee.call("GET", f"/jobs/{body['id']}"), 404)


def test_the_cohort_page_starts_the_job_and_lists_it(jobs_app):
    cohort_id = _cohort(jobs_app)
    client = jobs_app.test_client()
    pages = sign_in(client, "organiser", "demo-organiser")
    page = f"/console/cohorts/{cohort_id}"
    start = f"/console/cohorts/{cohort_id}/jobs/file"
    assert start in pages.get(page)
    started = pages.post(start, {}, token_from=page, follow=False, status=302)
    with jobs_app.app_context():
        job_id = db.session.scalars(select(Job.id)).one()
    assert started.headers["Location"].endswith(f"/console/jobs/{job_id}")
    assert f"/console/jobs/{job_id}" in pages.get(page)
    jobs.run_job(jobs_app, job_id)
    done = pages.get(f"/console/jobs/{job_id}")
    assert "全班评审档案" in text_of(done) and "已完成" in text_of(done)
    assert page in done  # back to the cohort
    response = client.get(f"/console/jobs/{job_id}/result")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    response.close()
