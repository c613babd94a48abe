"""The organisers' progress dashboard and a contestant's audit trail."""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event as sa_event
from sqlalchemy import select

from competition.contest.demo import load_demo_contest
from competition.contest.services import judging as judging_service
from competition.extensions import db
from competition.models import Event
from tests.support.factories import mark


@contextmanager
def counted_queries(app):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
        sa_event.listen(engine, "before_cursor_execute", count)
        try:
            yield statements
        finally:
            sa_event.remove(engine, "before_cursor_execute", count)


def _progress_queries(app, event_id) -> int:
    with counted_queries(app) as statements:
        event = db.session.get(Event, event_id)
        judging_service.progress(event)
        db.session.remove()
    return len(statements)


def test_the_dashboard_counts_marks_checks_and_signatures_by_component(judging, app):
    ids = judging.world.contestants[judging.world.units[0]]
    judging.fill("unit1", {ids[0]: 80, ids[1]: 81, ids[2]: 82})
    judging.fill("unit2", {judging.world.contestants[judging.world.units[1]][0]: 70})
    org = judging.session("org")
    org.post(judging.review_url("unit1") + "/second-entry/required", {"value": "1"})
    chief = judging.session("chief")
    for contestant_id in ids:
        chief.put_json(
            judging.review_url("unit1") + f"/second-entry/{contestant_id}", {"value": 80}
        )

    page = org.get("/console/progress")
    rows = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip()
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, re.S)
    ]
    assert "理论知识 4 / 5 0 / 1 张已核对 0 / 2 张已签字" in rows
    assert "unit1 单位1 3 / 3 2 行不一致 待签字" in rows
    assert "unit2 单位2 1 / 2 — 录入中" in rows
    assert "技能操作 0 / 5 — 0 / 0 张已签字" in rows
    # the final: the event's own judges, nobody's finalist yet
    assert "chief 裁判长 0 / 0 — 未开始" in rows
    judging.session("chief").get("/console/progress", status=403)


def test_the_dashboard_needs_the_same_queries_for_any_number_of_contestants(judging, app):
    judging.complete_preliminary()
    few = _progress_queries(app, judging.event_id)
    world = judging.world
    for n in range(6):
        contestant = world.org.post(
            f"/events/{judging.event_id}/contestants",
            {"name": f"加{n}", "unit_id": world.units[n % 2]},
        )["id"]
        judge = "unit1" if n % 2 == 0 else "unit2"
        mark(judging.apis[judge], judging.event_id, "preliminary", contestant, "theory", 50 + n)
    judging.session("org").post(
        judging.review_url("unit1") + "/second-entry/required", {"value": "1"}
    )
    assert _progress_queries(app, judging.event_id) == few


def test_a_contestants_audit_trail_shows_every_mark_and_change_safely(judging, app):
    world = judging.world
    evil = world.org.post(
        f"/events/{judging.event_id}/contestants",
        {"name": "<img src=x onerror=alert(1)>", "unit_id": world.units[0]},
    )["id"]
    judging.fill("unit1", {evil: 70})
    judging.fill("unit1", {evil: 75})
    page = judging.session("org").get(f"/console/contestants/{evil}/audit")
    assert "&lt;img src=x onerror=alert(1)&gt;" in page and "<img src=x" not in page
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert re.search(r"评分 初赛 · 理论知识 unit1 — 70\.00 unit1", text)
    assert re.search(r"评分 初赛 · 理论知识 unit1 70\.00 75\.00 unit1", text)
    judging.session("chief").get(f"/console/contestants/{evil}/audit", status=403)
    judging.session("org").get("/console/contestants/999999/audit", status=404)


def test_the_demo_contest_is_signed_off_sheet_by_sheet(app):
    with app.app_context():
        load_demo_contest()
        db.session.commit()
        milling, turning = db.session.scalars(select(Event).order_by(Event.id)).all()
        lines = judging_service.progress(milling)
        assert milling.require_sign_off
        assert len(lines) == (7 + 5) * 3  # unit committees' and the panel's sheets
        assert all(line.counts.signed and line.counts.complete for line in lines)
        # The second event is left open for a newcomer to try marking: nothing signed yet.
        assert not any(line.counts.signed for line in judging_service.progress(turning))
