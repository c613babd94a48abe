"""Large imports as jobs (issue #22): a contestants list or a results sheet of more rows than
IMPORT_JOB_ROWS is previewed as before, then stored by a worker, all rows or none, its
progress on the job's page; a smaller one is still stored at once."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import func, select

from competition.core import jobs
from competition.extensions import db
from competition.models import Contestant, Job, Mark
from tests.contest.web.console.test_import import (
    GOOD_ID,
    OTHER_ID,
    THIRD_ID,
    token_of,
    upload,
    xlsx,
)
from tests.contest.web.console.test_import_marks import results_sheet
from tests.contest.web.console.test_import_marks import upload as upload_marks
from tests.jobs.support import Queue
from tests.support.factories import build_world, judge
from tests.support.pages import organiser_pages, text_of

FOURTH_ID = "110101199003070011"


@pytest.fixture
def jobs_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    queue = Queue(f"sqlite:///{tmp_path / 'queue.sqlite3'}", tmp_path / "files")
    app = queue.app(database_url, IMPORT_JOB_ROWS=3, IMPORT_FOLDER=str(tmp_path / "imports"))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _count(app: Flask, event_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(Contestant.id)).where(Contestant.event_id == event_id)
        )


def _job(app: Flask) -> Job:
    with app.app_context():
        job = db.session.scalars(select(Job).order_by(Job.id.desc())).first()
        assert job is not None
        db.session.expunge(job)
        return job


def _inputs(app: Flask) -> list[str]:
    with app.app_context():
        return [p.name for p in jobs.files_folder().glob("input-*")]


ROWS = [
    ["姓名", "单位", "身份证号"],
    ["张三", "单位1", GOOD_ID],
    ["李四", "单位1", ""],
    ["王五", "单位1", OTHER_ID],
    ["赵六", "单位1", THIRD_ID],
]


def _confirm(app: Flask, boss, event_id: int, data: bytes):
    preview = upload(boss, event_id, data, "报名表.xlsx")
    assert preview.status_code == 200, text_of(preview.get_data(as_text=True))[:800]
    return boss.post(
        f"/console/events/{event_id}/contestants/import/confirm",
        {"token": token_of(preview.get_data(as_text=True))},
        follow=False,
    )


def test_a_large_contestants_list_is_stored_by_a_worker_and_a_small_one_at_once(jobs_app):
    client = jobs_app.test_client()
    world = build_world(jobs_app, client, per_unit=(0,))
    boss = organiser_pages(jobs_app, client)

    started = _confirm(jobs_app, boss, world.event_id, xlsx(ROWS))
    job = _job(jobs_app)
    assert started.status_code == 302
    assert started.headers["Location"].endswith(f"/console/jobs/{job.id}")
    assert (job.kind, job.status, job.event_id) == ("import_contestants", "queued", world.event_id)
    assert _count(jobs_app, world.event_id) == 0  # nothing stored by the page
    waiting = text_of(boss.get(f"/console/jobs/{job.id}"))
    assert "导入选手名单" in waiting and "排队中" in waiting
    assert len(_inputs(jobs_app)) == 1  # the file waits for the worker in the shared folder

    jobs.run_job(jobs_app, job.id)
    assert _count(jobs_app, world.event_id) == 4
    done = _job(jobs_app)
    assert (done.status, done.progress, done.total) == ("done", 4, 4)
    page = boss.get(f"/console/jobs/{job.id}")
    assert "已导入 4 行" in text_of(page) and f"/console/jobs/{job.id}/result" not in page
    assert f"/console/events/{world.event_id}/contestants" in page
    assert _inputs(jobs_app) == []

    # Three rows (the threshold) are stored by the confirming request, as before.
    small = [
        ["姓名", "单位", "身份证号"],
        ["甲", "单位1", ""],
        ["乙", "单位1", ""],
        ["丙", "单位1", ""],
    ]
    stored = _confirm(jobs_app, boss, world.event_id, xlsx(small))
    assert stored.headers["Location"].endswith(f"/console/events/{world.event_id}/contestants")
    assert _count(jobs_app, world.event_id) == 7 and _job(jobs_app).id == job.id


def test_a_worker_killed_before_the_commit_leaves_the_file_for_the_retry(jobs_app, monkeypatch):
    client = jobs_app.test_client()
    world = build_world(jobs_app, client, per_unit=(0,))
    boss = organiser_pages(jobs_app, client)
    _confirm(jobs_app, boss, world.event_id, xlsx(ROWS))
    job = _job(jobs_app)

    class Killed(BaseException):
        """The worker's process ends here: no handler of ours runs after it."""

    handled = []
    handler = jobs.HANDLERS[job.kind]

    def handle(*args):
        handler(*args)
        handled.append(True)

    with jobs_app.app_context():
        commit = db.session.commit

        def killed_after_the_handler() -> None:
            if handled:  # the job's rows and status were about to be committed
                raise Killed
            commit()

        monkeypatch.setitem(jobs.HANDLERS, job.kind, handle)
        monkeypatch.setattr(db.session, "commit", killed_after_the_handler)
        with pytest.raises(Killed):
            jobs.run_job(jobs_app, job.id)
        monkeypatch.undo()
    assert handled  # the handler did all its work
    assert _count(jobs_app, world.event_id) == 0  # its rows died with it
    assert len(_inputs(jobs_app)) == 1  # and the file is still there for the retry
    with jobs_app.app_context():  # the sweep puts it back on the queue, as after a kill
        db.session.execute(db.update(Job).where(Job.id == job.id).values(status="queued"))
        db.session.commit()
    jobs.run_job(jobs_app, job.id)
    assert (_job(jobs_app).status, _count(jobs_app, world.event_id)) == ("done", 4)
    assert _inputs(jobs_app) == []


def test_the_worker_checks_again_and_stores_nothing_when_a_row_went_wrong(jobs_app):
    client = jobs_app.test_client()
    world = build_world(jobs_app, client, per_unit=(0,))
    boss = organiser_pages(jobs_app, client)
    _confirm(jobs_app, boss, world.event_id, xlsx(ROWS))
    job = _job(jobs_app)
    # Between the confirmation and the worker, someone registers row 5's person by hand.
    world.org.post(
        f"/events/{world.event_id}/contestants",
        {"name": "赵六", "unit_id": world.units[0], "id_number": THIRD_ID},
    )
    jobs.run_job(jobs_app, job.id)
    failed = _job(jobs_app)
    assert failed.status == "failed" and "第 5 行" in (failed.error or "")
    assert _count(jobs_app, world.event_id) == 1  # none of the file's rows: all or nothing
    assert "任务失败" in text_of(boss.get(f"/console/jobs/{job.id}"))
    assert _inputs(jobs_app) == []  # a refused file is not kept for a retry


def test_a_large_results_sheet_is_stored_by_a_worker(jobs_app):
    client = jobs_app.test_client()
    world = build_world(jobs_app, client, per_unit=(4,))
    chief_id, _api = judge(jobs_app, client, world.org, world.event_id, "chief", chief=True)
    boss = organiser_pages(jobs_app, client)
    rows = [[f"00{n}", f"选手1-{n}", None, str(80 + n)] for n in range(1, 5)]
    preview = upload_marks(boss, world.event_id, results_sheet(rows), chief_id)
    assert preview.status_code == 200, text_of(preview.get_data(as_text=True))[:800]
    started = boss.post(
        f"/console/events/{world.event_id}/marks/import/confirm",
        {
            "token": token_of(preview.get_data(as_text=True)),
            "round_kind": "preliminary",
            "component": "theory",
            "judge": str(chief_id),
        },
        follow=False,
    )
    job = _job(jobs_app)
    assert started.headers["Location"].endswith(f"/console/jobs/{job.id}")
    assert job.params["judge_id"] == chief_id and job.params["component"] == "theory"
    with jobs_app.app_context():
        assert db.session.scalars(select(Mark)).all() == []
    jobs.run_job(jobs_app, job.id)
    done = _job(jobs_app)
    assert (done.status, done.progress, done.total) == ("done", 4, 4)
    with jobs_app.app_context():
        values = sorted(db.session.scalars(select(Mark.value)))
    assert values == [Decimal(81), Decimal(82), Decimal(83), Decimal(84)]
    page = boss.get(f"/console/jobs/{job.id}")
    assert "导入成绩单" in text_of(page)
    assert f"/console/events/{world.event_id}/rounds/preliminary" in page
