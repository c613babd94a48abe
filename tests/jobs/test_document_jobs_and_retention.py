"""The ranking page's notice and blank score sheets as jobs, and a job's file past its keeping
days (issue #22): deleted by the sweep, the job kept and marked expired, 410 in the JSON error
shape from the API, and its page saying so and offering to make the file again."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from competition.core import jobs
from competition.extensions import db
from competition.models import Job
from competition.models.types import utcnow
from tests.contest.documents.helpers import published_final
from tests.jobs.support import Queue
from tests.support.errors import assert_error
from tests.support.pages import sign_in, text_of
from tests.support.pdf import pdf_text


@pytest.fixture
def jobs_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    queue = Queue(f"sqlite:///{tmp_path / 'queue.sqlite3'}", tmp_path / "files")
    app = queue.app(database_url)
    app.config["JOB_RESULT_DAYS"] = 7
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _latest_job(app: Flask) -> Job:
    with app.app_context():
        job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
        assert job is not None
        db.session.expunge(job)
        return job


def test_the_ranking_page_starts_the_notice_and_the_score_sheets_as_jobs(jobs_app):
    client = jobs_app.test_client()
    final = published_final(jobs_app, client)
    pages = sign_in(client, "org")
    ranking = f"/console/events/{final.event_id}/rounds/final"
    page = pages.get(ranking)
    for document, kind, words in (
        ("results", "results", "成绩公示"),
        ("score-sheets", "score_sheets", "评分表"),
    ):
        start = f"/console/events/{final.event_id}/rounds/final/jobs/{document}"
        assert start in page
        started = pages.post(start, {}, token_from=ranking, follow=False, status=302)
        job = _latest_job(jobs_app)
        assert (job.kind, job.params["round"]) == (kind, "final")
        assert started.headers["Location"].endswith(f"/console/jobs/{job.id}")
        assert "排队中" in text_of(pages.get(f"/console/jobs/{job.id}"))
        jobs.run_job(jobs_app, job.id)
        done = pages.get(f"/console/jobs/{job.id}")
        assert "已完成" in text_of(done) and f"/console/jobs/{job.id}/result" in done
        assert ranking in done  # back to where it was started
        response = client.get(f"/console/jobs/{job.id}/result")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        assert words in pdf_text(response.data)
        response.close()
    assert pages.get(f"/console/events/{final.event_id}/rounds/final/jobs/nothing", 405)
    unknown = pages.post(
        f"/console/events/{final.event_id}/rounds/final/jobs/nothing", {}, token_from=ranking
    )
    assert unknown.status_code == 404


def test_a_file_past_its_days_is_deleted_the_job_kept_and_made_again(jobs_app):
    client = jobs_app.test_client()
    final = published_final(jobs_app, client)
    body = final.org.post(f"/events/{final.event_id}/jobs", {"kind": "results"}, status=202)
    jobs.run_job(jobs_app, body["id"])
    done = final.org.get(f"/jobs/{body['id']}")
    assert done["result_url"] and done["expired_at"] is None
    with jobs_app.app_context():
        job = db.session.get(Job, body["id"])
        path = jobs.result_file(job)
        assert path is not None and path.is_file()
        # Kept by name, found in this machine's (shared) folder.
        assert job.result_path == path.name and path.parent == jobs.files_folder()
        # Not yet: a day short of its keeping days.
        assert jobs.expire_results(jobs_app, now=utcnow() + timedelta(days=6)) == []
        assert path.is_file()
        assert jobs.expire_results(jobs_app, now=utcnow() + timedelta(days=8)) == [body["id"]]
        assert not path.exists()
        assert jobs.expire_results(jobs_app, now=utcnow() + timedelta(days=9)) == []  # once
        db.session.remove()

    expired = final.org.get(f"/jobs/{body['id']}")
    assert expired["status"] == "done" and expired["expired_at"] is not None
    assert expired["result_url"] is None
    gone = assert_error(final.org.call("GET", f"/jobs/{body['id']}/result"), 410)
    assert gone["code"] == "gone" and "7" in gone["message"]

    pages = sign_in(client, "org")
    page = pages.get(f"/console/jobs/{body['id']}")
    assert "已过保留期限" in text_of(page) and f"/console/jobs/{body['id']}/result" not in page
    assert client.get(f"/console/jobs/{body['id']}/result").status_code == 410
    again = pages.post(
        f"/console/jobs/{body['id']}/again",
        {},
        token_from=f"/console/jobs/{body['id']}",
        follow=False,
        status=302,
    )
    fresh = _latest_job(jobs_app)
    assert fresh.id != body["id"] and (fresh.kind, fresh.params) == (
        "results",
        expired_params(jobs_app, body["id"]),
    )
    assert again.headers["Location"].endswith(f"/console/jobs/{fresh.id}")
    jobs.run_job(jobs_app, fresh.id)
    assert final.org.get(f"/jobs/{fresh.id}")["result_url"]


def expired_params(app: Flask, job_id: int) -> dict:
    with app.app_context():
        job = db.session.get(Job, job_id)
        assert job is not None
        return dict(job.params)
