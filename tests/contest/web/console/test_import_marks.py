"""Importing a theory results sheet as a judge's marks: 缺考 recorded as an absence, a blank
not imported, every value checked as a mark is, and a published round refused."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select

from competition.contest.services import results as result_service
from competition.extensions import db
from competition.models import Absence, AuditEntry, Event, Mark, Round
from competition.models.types import utcnow
from tests.contest.web.console.test_import import token_of
from tests.support.factories import build_world, judge, mark
from tests.support.pages import organiser_pages, text_of


def results_sheet(rows: list[list[Any]], heading: str = "理论考试成绩") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["数控铣工理论考试成绩单"])
    sheet.append(["考试时间：2026年5月10日"])
    sheet.append(["序号", "准考证号", "姓 名", "身份证号", heading])
    for index, row in enumerate(rows, 1):
        sheet.append([index, *row])
    sheet.append(["合计", None, f"{len(rows)} 人"])
    sheet.append(["监考人：", None, "审核人："])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(pages, event_id: int, data: bytes, judge_id: int, **extra: str) -> Any:
    return pages.post(
        f"/console/events/{event_id}/marks/import",
        {
            "round_kind": extra.pop("round_kind", "preliminary"),
            "component": extra.pop("component", "theory"),
            "judge": str(judge_id),
            "file": (io.BytesIO(data), extra.pop("filename", "成绩.xlsx")),
            **extra,
        },
        content_type="multipart/form-data",
    )


def _setup(app, client):
    world = build_world(app, client, per_unit=(3,))  # 选手1-1..1-3, numbers 001..003
    chief_id, chief_api = judge(app, client, world.org, world.event_id, "chief", chief=True)
    boss = organiser_pages(app, client)
    return world, chief_id, chief_api, boss


def test_a_results_sheet_becomes_the_judges_marks_and_absences(app, client):
    world, chief_id, chief_api, boss = _setup(app, client)
    first, second, third = world.contestants[world.units[0]]
    page = boss.get(f"/console/events/{world.event_id}/marks/import")
    assert "chief" in text_of(page)  # the chief judge is offered (and chosen first)
    data = results_sheet(
        [
            [1, "选手1-1", None, "８６．５"],  # 001 typed as a number; full-width score
            ["002", "选手1-2", None, "缺考"],
            ["003", "选手1-3", None, None],  # blank: not imported
        ]
    )
    response = upload(boss, world.event_id, data, chief_id)
    assert response.status_code == 200, text_of(response.get_data(as_text=True))[:1500]
    page = response.get_data(as_text=True)
    text = text_of(page)
    assert "共 3 行，全部可以导入" in text
    assert "将导入 1 个成绩，登记 1 名缺考或弃权；1 行没有成绩，不导入" in text
    assert "已跳过 2 行表尾或说明" in text
    with app.app_context():
        assert db.session.scalars(select(Mark)).all() == []  # the preview stores nothing

    done = boss.post(
        f"/console/events/{world.event_id}/marks/import/confirm",
        {
            "token": token_of(page),
            "round_kind": "preliminary",
            "component": "theory",
            "judge": str(chief_id),
        },
        status=200,
    )
    assert "已导入 1 个成绩、1 名缺考或弃权；1 行无成绩" in text_of(done.get_data(as_text=True))
    with app.app_context():
        marks = db.session.execute(select(Mark.contestant_id, Mark.judge_id, Mark.value)).all()
        assert marks == [(first, chief_id, Decimal("86.5"))]
        absence = db.session.scalars(select(Absence)).one()
        assert (absence.contestant_id, absence.status) == (second, "absent")
        assert absence.reason == "理论知识缺考（成绩单导入）"
        entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "mark.set")).one()
        boss_id = entry.actor_id
        assert entry.judge_id == chief_id and boss_id != chief_id  # imported by the organiser
        actions = set(db.session.scalars(select(AuditEntry.action)))
        assert {"marks.import", "absence.record"} <= actions

    # The results: 选手1-1 ranked once the practical is marked, 选手1-2 listed as absent,
    # 选手1-3 still missing the theory.
    for contestant_id in (first, third):
        mark(chief_api, world.event_id, "preliminary", contestant_id, "practical", "80")
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        results = result_service.round_results(event, event.round("preliminary"))
        assert [e.contestant_id for e in results.ranking.ranked] == [first]
        assert [i.contestant_id for i in results.ranking.incomplete] == [third]
        assert [a.contestant_id for a in results.absent] == [second]


def test_bad_rows_are_named_and_nothing_is_stored(app, client):
    world, chief_id, _api, boss = _setup(app, client)
    data = results_sheet(
        [
            ["001", "王五", None, "90"],  # the name is not 001's
            ["002", "选手1-2", None, "120"],  # above the maximum
            ["003", "选手1-3", None, "八十"],  # not a number
            ["099", "选手9", None, "60"],  # no such number
            ["001", "选手1-1", None, "70"],  # 001 twice
            [None, "选手1-3", "110105194912310021", "70"],  # bad identity number
        ]
    )
    response = upload(boss, world.event_id, data, chief_id)
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert "共 6 行，其中 6 行有误" in text
    for reason in (
        "姓名“王五”与参赛号 001 的选手（选手1-1）不符",
        "理论知识的分数应在 0 到 100 之间",
        "成绩“八十”不是数字",
        "本赛项没有参赛号为 099 的选手",
        "与第 8 行是同一名选手",
        "身份证号校验位不正确",
    ):
        assert reason in text, reason
    assert "确认导入" not in text
    with app.app_context():
        assert db.session.scalars(select(Mark)).all() == []


def test_rows_are_matched_by_identity_number_too(app, client):
    world, chief_id, _api, boss = _setup(app, client)
    third = world.contestants[world.units[0]][2]
    world.org.post(
        f"/events/{world.event_id}/contestants",
        {"name": "孙丽", "unit_id": world.units[0], "id_number": "11010519491231002X"},
    )
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["身份证号码（18位）", "姓名", "分数"])
    sheet.append(["１１０１０５１９４９１２３１００２ｘ", "孙 丽", 77])
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(boss, world.event_id, buffer.getvalue(), chief_id)
    page = response.get_data(as_text=True)
    assert "全部可以导入" in text_of(page)
    boss.post(
        f"/console/events/{world.event_id}/marks/import/confirm",
        {
            "token": token_of(page),
            "round_kind": "preliminary",
            "component": "theory",
            "judge": str(chief_id),
        },
        status=200,
    )
    with app.app_context():
        ((contestant_id, value),) = db.session.execute(select(Mark.contestant_id, Mark.value))
        assert value == Decimal("77") and contestant_id > third


def test_a_unit_committee_judge_marks_only_its_own_people(app, client):
    world = build_world(app, client, per_unit=(1, 1))
    committee_id, _api = judge(app, client, world.org, world.event_id, "u1", world.units[0])
    boss = organiser_pages(app, client)
    data = results_sheet([["001", "选手1-1", None, "80"], ["002", "选手2-1", None, "70"]])
    text = text_of(upload(boss, world.event_id, data, committee_id).get_data(as_text=True))
    assert "共 2 行，其中 1 行有误" in text and "只能为本单位的选手评分" in text
    final = upload(boss, world.event_id, data, committee_id, round_kind="final")
    assert final.status_code == 422
    # In the final a judge of unit 1 may not mark unit 1's people (回避).
    assert "回避：决赛中裁判不能为本单位的选手评分" in text_of(final.get_data(as_text=True))


def test_a_published_round_is_refused(app, client):
    world, chief_id, _api, boss = _setup(app, client)
    with app.app_context():
        round_ = db.session.scalars(
            select(Round).where(Round.event_id == world.event_id, Round.kind == "preliminary")
        ).one()
        round_.published_at = utcnow()
        db.session.commit()
    data = results_sheet([["001", "选手1-1", None, "80"]])
    response = upload(boss, world.event_id, data, chief_id)
    assert response.status_code == 409
    assert "本轮成绩已发布并锁定，不能再导入成绩" in text_of(response.get_data(as_text=True))


def test_the_marks_template_downloads(app, client):
    world, _chief, _api, _boss = _setup(app, client)
    response = client.get(f"/console/events/{world.event_id}/marks/template.xlsx")
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == ["准考证号", "身份证号", "姓名", "理论成绩"]
