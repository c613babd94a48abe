"""The organiser's side of a certificates job: the button on the certificates page, the job's
page that reloads itself while the job runs, and its file once done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from competition.core import jobs
from competition.extensions import db
from competition.models import Job
from tests.contest.documents.helpers import published_final
from tests.contest.documents.test_certificates import serials
from tests.jobs.support import Queue
from tests.support.pages import sign_in, text_of
from tests.support.pdf import pdf_text

REFRESH = '<meta http-equiv="refresh"'


@pytest.fixture
def jobs_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    app = Queue(f"sqlite:///{tmp_path / 'queue.sqlite3'}", tmp_path / "files").app(database_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _job_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Job.id))) or 0


def test_the_certificates_page_starts_a_job_and_its_page_offers_the_file(jobs_app):
    client = jobs_app.test_client()
    final = published_final(jobs_app, client)
    pages = sign_in(client, "org")
    certificates = f"/console/events/{final.event_id}/certificates"
    start = f"/console/events/{final.event_id}/jobs/certificates"
    assert "后台生成（大批量）" in pages.get(certificates)

    # In the notice period, as the direct print: only after the explicit confirmation.
    asked = pages.post(start, {}, token_from=certificates, follow=False, status=302)
    assert asked.headers["Location"].endswith(certificates)
    assert _job_count(jobs_app) == 0
    started = pages.post(start, {"early": "yes"}, token_from=certificates, follow=False)
    assert started.status_code == 302
    with jobs_app.app_context():
        job_id = db.session.scalar(select(Job.id))
    assert started.headers["Location"].endswith(f"/console/jobs/{job_id}")

    waiting = pages.get(f"/console/jobs/{job_id}")
    assert REFRESH in waiting and "排队中" in text_of(waiting)
    assert f"/console/jobs/{job_id}/result" not in waiting
    assert client.get(f"/console/jobs/{job_id}/result").status_code == 409

    assert f"/console/jobs/{job_id}" in pages.get(certificates)  # found again from there
    jobs.run_job(jobs_app, job_id)  # what a worker does with it
    done = pages.get(f"/console/jobs/{job_id}")
    assert REFRESH not in done and "已完成" in text_of(done)
    assert f"{len(final.ranked)} / {len(final.ranked)}" in text_of(done)
    assert f"/console/jobs/{job_id}/result" in done
    response = client.get(f"/console/jobs/{job_id}/result")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert len(serials(pdf_text(response.data))) == len(final.ranked)
    response.close()

    assert client.get("/console/jobs/999").status_code == 404
    sign_in(client, "chief")
    assert client.get(f"/console/jobs/{job_id}").status_code == 403
