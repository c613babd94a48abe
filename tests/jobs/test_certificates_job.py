"""A final's certificates as a job (issue #22): started by the API (202 and a Location),
read while it runs, done by a real Huey worker, and its PDF fetched once done."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from competition.core import jobs
from competition.extensions import db
from competition.models import Certificate, Job
from tests.contest.documents.helpers import published_final
from tests.contest.documents.test_certificates import serials
from tests.jobs.support import Queue, start_worker, stop_worker, wait_for
from tests.support.errors import assert_error
from tests.support.factories import Api
from tests.support.pdf import pdf_text


@pytest.fixture
def queue(tmp_path: Path) -> Queue:
    return Queue(f"sqlite:///{tmp_path / 'queue.sqlite3'}", tmp_path / "files")


@pytest.fixture
def jobs_app(database_url: str, queue: Queue) -> Iterator[Flask]:
    app = queue.app(database_url)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _file(org: Api, url: str) -> bytes:
    """The job's file; the response is closed (it streams from the file on disk)."""
    response = org.call("GET", url.removeprefix("/api/v1"), status=200)
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    data = response.data
    response.close()
    return data


def _start(org: Api, event_id: int) -> dict:
    response = org.call("POST", f"/events/{event_id}/jobs", {"kind": "certificates"}, status=202)
    body = response.get_json()
    assert response.headers["Location"] == f"/api/v1/jobs/{body['id']}"
    return body


def test_the_api_queues_a_job_and_refuses_what_certificates_pdf_refuses(jobs_app):
    client = jobs_app.test_client()
    final = published_final(jobs_app, client, publish=False)
    path = f"/events/{final.event_id}/jobs"
    refusal = assert_error(
        final.org.call("GET", f"/events/{final.event_id}/rounds/final/certificates.pdf"), 409
    )
    assert (
        assert_error(final.org.call("POST", path, {"kind": "certificates"}), 409)["message"]
        == refusal["message"]
    )
    assert_error(final.org.call("POST", path, {"kind": "nonsense"}), 422, "kind")
    assert_error(final.judge.call("POST", path, {"kind": "certificates"}), 403)
    assert_error(Api(client).call("POST", path, {"kind": "certificates"}), 401)
    with jobs_app.app_context():
        assert db.session.scalar(select(func.count(Job.id))) == 0

    final.org.post(f"/events/{final.event_id}/rounds/final/publish", status=200)
    body = _start(final.org, final.event_id)
    assert body["status"] == "queued" and body["result_url"] is None
    assert body["progress"] == 0 and body["kind"] == "certificates"
    assert final.org.get(f"/jobs/{body['id']}")["status"] == "queued"
    assert_error(final.org.call("GET", f"/jobs/{body['id']}/result"), 409)
    assert_error(final.judge.call("GET", f"/jobs/{body['id']}"), 404)
    assert_error(final.org.call("GET", "/jobs/999"), 404)
    assert_error(Api(client).call("GET", f"/jobs/{body['id']}"), 401)
    with jobs_app.app_context():  # nothing issued until a worker runs it
        assert db.session.scalar(select(func.count(Certificate.id))) == 0


def test_running_the_task_prints_the_batch_once_and_a_rerun_reuses_the_serials(jobs_app):
    """The task's own code, in this process: what a worker calls with the job's id."""
    client = jobs_app.test_client()
    final = published_final(jobs_app, client)
    body = _start(final.org, final.event_id)
    jobs.run_job(jobs_app, body["id"])
    done = final.org.get(f"/jobs/{body['id']}")
    assert done["status"] == "done", done
    assert done["progress"] == done["total"] == len(final.ranked)
    assert done["result_url"] == f"/api/v1/jobs/{body['id']}/result"
    first = serials(pdf_text(_file(final.org, done["result_url"])))
    assert len(first) == len(final.ranked)

    # Run again as a worker taking it up after a death would: same serials, no new rows.
    with jobs_app.app_context():
        db.session.get(Job, body["id"]).status = "queued"
        db.session.commit()
    jobs.run_job(jobs_app, body["id"])
    assert serials(pdf_text(_file(final.org, done["result_url"]))) == first
    with jobs_app.app_context():
        assert db.session.scalar(select(func.count(Certificate.id))) == len(final.ranked)
        assert db.session.get(Job, body["id"]).attempts == 2
    # A job not queued (done) is left alone when its message comes twice.
    jobs.run_job(jobs_app, body["id"])
    assert final.org.get(f"/jobs/{body['id']}")["attempts"] == 2


@pytest.mark.slow
def test_a_real_worker_does_the_job(jobs_app, database_url, queue):
    client = jobs_app.test_client()
    final = published_final(jobs_app, client)
    body = _start(final.org, final.event_id)
    worker = start_worker(database_url, queue)
    try:
        done = wait_for(
            lambda: (
                (j := final.org.get(f"/jobs/{body['id']}"))["status"] in ("done", "failed") and j
            ),
            what="the worker to finish the job",
        )
    finally:
        stop_worker(worker)
    assert done["status"] == "done", done
    assert done["progress"] == done["total"] == len(final.ranked)
    text = pdf_text(_file(final.org, done["result_url"]))
    assert len(serials(text)) == len(final.ranked)
    assert "吕𠮷祥 同志" in text and "荣 誉 证 书" in text
    assert "http://localhost/verify/" in text  # the address the job was started from


def test_a_notice_and_score_sheets_as_jobs_give_the_synchronous_files(jobs_app):
    client = jobs_app.test_client()
    final = published_final(jobs_app, client)
    path = f"/events/{final.event_id}/jobs"
    assert_error(
        final.org.call("POST", path, {"kind": "score_sheets", "component": "nope"}),
        422,
        "component",
    )
    assert_error(final.org.call("POST", path, {"kind": "results", "round": "semi"}), 422, "round")
    made = {}
    for asked in (
        {"kind": "results", "round": "final"},
        {"kind": "score_sheets", "round": "preliminary", "component": "theory"},
    ):
        job_id = final.org.call("POST", path, asked, status=202).get_json()["id"]
        jobs.run_job(jobs_app, job_id)
        done = final.org.get(f"/jobs/{job_id}")
        assert done["status"] == "done" and done["progress"] == done["total"] == 1, done
        made[asked["kind"]] = (done, _file(final.org, done["result_url"]))
    tail = f"/events/{final.event_id}/rounds"
    notice = final.org.call("GET", f"{tail}/final/results.pdf", status=200)
    assert made["results"][0]["result_name"] == f"results-event-{final.event_id}-final.pdf"
    assert pdf_text(made["results"][1]) == pdf_text(notice.data)
    sheets = final.org.call(
        "GET", f"{tail}/preliminary/score-sheets.pdf?component=theory", status=200
    )
    assert pdf_text(made["score_sheets"][1]) == pdf_text(sheets.data)


def test_the_per_unit_layout_gives_a_zip_of_one_pdf_per_unit(jobs_app):
    import io
    import zipfile

    client = jobs_app.test_client()
    final = published_final(jobs_app, client)
    path = f"/events/{final.event_id}/jobs"
    assert_error(
        final.org.call("POST", path, {"kind": "certificates", "layout": "pages"}), 422, "layout"
    )
    asked = {"kind": "certificates", "layout": "per_unit"}
    job_id = final.org.call("POST", path, asked, status=202).get_json()["id"]
    jobs.run_job(jobs_app, job_id)
    done = final.org.get(f"/jobs/{job_id}")
    assert done["status"] == "done", done
    assert done["progress"] == done["total"] == len(final.ranked)
    assert done["result_name"] == f"certificates-event-{final.event_id}.zip"
    response = final.org.call("GET", done["result_url"].removeprefix("/api/v1"), status=200)
    assert response.headers["Content-Type"].startswith("application/zip")
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    response.close()
    printed = [serials(pdf_text(archive.read(name))) for name in archive.namelist()]
    assert len(printed) == 2  # two units
    assert sorted(s for unit in printed for s in unit) == sorted(
        serials(
            pdf_text(
                final.org.call(
                    "GET", f"/events/{final.event_id}/rounds/final/certificates.pdf", status=200
                ).data
            )
        )
    )
    assert list(jobs.files_folder(jobs_app).glob(".job-*")) == []  # no scratch file left
