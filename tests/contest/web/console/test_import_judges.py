"""Importing judges: accounts created and assigned, passwords shown once, all rows or none."""

from __future__ import annotations

import io
import re
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select

from competition.core import users as user_service
from competition.extensions import db
from competition.models import AuditEntry, JudgeAssignment, User
from tests.contest.web.console.test_import import token_of
from tests.support.factories import build_world, make_user
from tests.support.pages import organiser_pages, sign_in, text_of


def judges_sheet(rows: list[list[Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["数控铣工赛项裁判名单"])
    sheet.append(["序号", "姓 名", "工作单位", "职务", "裁判组"])
    for index, row in enumerate(rows, 1):
        sheet.append([index, *row])
    sheet.append(["联系人：赵老师"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(pages, event_id: int, data: bytes) -> Any:
    return pages.post(
        f"/console/events/{event_id}/judges/import",
        {"file": (io.BytesIO(data), "裁判.xlsx")},
        content_type="multipart/form-data",
    )


def assignments(app, event_id: int) -> dict[str, tuple[str, int | None, bool]]:
    with app.app_context():
        rows = db.session.execute(
            select(
                User.display_name, User.username, JudgeAssignment.unit_id, JudgeAssignment.is_chief
            )
            .join(JudgeAssignment, JudgeAssignment.user_id == User.id)
            .where(JudgeAssignment.event_id == event_id)
        ).all()
        return {name: (username, unit, chief) for name, username, unit, chief in rows}


def test_judges_are_created_assigned_and_their_passwords_shown_once(app, client):
    world = build_world(app, client, per_unit=(0,))
    make_user(app, "old.judge", "judge")
    boss = organiser_pages(app, client)
    data = judges_sheet(
        [
            ["张　伟", None, "裁判长", "决赛"],
            ["李娜", None, "裁判", None],
            ["王强", "单位1", "裁判员", "初赛"],
            ["赵敏", "单位1", None, None],  # a unit and no panel: its preliminary committee
        ]
    )
    response = upload(boss, world.event_id, data)
    page = response.get_data(as_text=True)
    text = text_of(page)
    assert response.status_code == 200, text[:2000]
    assert "共 4 行，全部可以导入" in text and "将新建 4 个裁判账号" in text
    assert f"judge{world.event_id}-01" in text and "单位1 初赛组委会" in text
    assert assignments(app, world.event_id) == {}  # the preview stores nothing

    done = boss.post(
        f"/console/events/{world.event_id}/judges/import/confirm",
        {"token": token_of(page)},
        status=200,
    )
    assert done.headers["Cache-Control"] == "no-store"
    shown = done.get_data(as_text=True)
    assert "已导入 4 名裁判" in text_of(shown)
    passwords = re.findall(r'<code class="password">([^<]+)</code>', shown)
    assert len(passwords) == 4 and len(set(passwords)) == 4

    event, unit1 = world.event_id, world.units[0]
    assert assignments(app, event) == {
        "张伟": (f"judge{event}-01", None, True),
        "李娜": (f"judge{event}-02", None, False),
        "王强": (f"judge{event}-03", unit1, False),
        "赵敏": (f"judge{event}-04", unit1, False),
    }
    with app.app_context():
        # the password on the page opens the account; only its hash is stored
        assert user_service.authenticate(f"judge{event}-01", passwords[0]) is not None
        assert all(
            p not in (u.password_hash or "")
            for u in db.session.scalars(select(User))
            for p in passwords
        )
        actions = list(db.session.scalars(select(AuditEntry.action)))
        assert actions.count("judge.assign") == 4 and "judges.import" in actions
    sign_in(app.test_client(), f"judge{event}-02", passwords[1])

    # The same file again: every judge is already there, nothing is created twice.
    again = upload(boss, world.event_id, data)
    assert again.status_code == 422
    assert "本赛项已有同名裁判" in text_of(again.get_data(as_text=True))


def test_bad_rows_are_named_and_nothing_is_created(app, client):
    world = build_world(app, client, per_unit=(0,))
    make_user(app, "boss2", "organiser")
    boss = organiser_pages(app, client)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "单位", "职务", "裁判组", "用户名"])
    sheet.append(["甲", None, "记分员", None, None])  # 2: an unknown role
    sheet.append(["乙", "无此单位", None, "初赛", None])  # 3: an unregistered unit
    sheet.append(["丙", None, None, "初赛", None])  # 4: a committee without a unit
    sheet.append(["丁", None, None, None, "boss2"])  # 5: an organiser's account
    sheet.append(["戊", None, None, None, None])  # 6
    sheet.append(["戊", None, None, None, None])  # 7: the same judge twice
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(boss, world.event_id, buffer.getvalue())
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert "共 6 行，其中 6 行有误" in text
    for reason in (
        "职务应为“裁判”或“裁判长”",
        "单位“无此单位”未在本竞赛登记",
        "初赛组委会的裁判须填写单位",
        "用户名 boss2 已被非裁判账号使用",
        "与第 7 行是同一名裁判",
    ):
        assert reason in text, reason
    with app.app_context():
        assert db.session.scalars(select(JudgeAssignment)).all() == []


def test_an_existing_judge_account_is_assigned_without_a_new_password(app, client):
    world = build_world(app, client, per_unit=(0,))
    make_user(app, "old.judge", "judge")
    boss = organiser_pages(app, client)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "账号"])
    sheet.append(["老裁判", "old.judge"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    page = upload(boss, world.event_id, buffer.getvalue()).get_data(as_text=True)
    assert "使用已有账号 old.judge" in text_of(page)
    done = boss.post(
        f"/console/events/{world.event_id}/judges/import/confirm",
        {"token": token_of(page)},
        status=200,
    )
    assert "已有账号，密码不变" in text_of(done.get_data(as_text=True))
    assert assignments(app, world.event_id)["old.judge"][0] == "old.judge"


def test_the_judges_template_downloads(app, client):
    world = build_world(app, client, per_unit=(0,))
    organiser_pages(app, client)
    response = client.get(f"/console/events/{world.event_id}/judges/template.xlsx")
    assert response.status_code == 200
