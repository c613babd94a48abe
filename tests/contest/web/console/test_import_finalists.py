"""Importing the units' finalist lists: a list that is the unit's top N is recommended as the
finalists page would; any other is refused with the row and the rank that do not fit."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select

from competition.extensions import db
from competition.models import Finalist
from tests.contest.web.console.support import scored_preliminary
from tests.contest.web.console.test_import import token_of
from tests.support.factories import mark
from tests.support.pages import organiser_pages, text_of

# Unit 1 (numbers 001-004) ranks 001, 002, 003, 004; unit 2 (005-008): 005, then 006 and 007
# tied on everything, then 008.
MARKS = {
    0: [(90, 90), (70, 80), (77, 77), (50, 50)],
    1: [(80, 80), (60, 60), (60, 60), (40, 40)],
}


def workbook(rows: list[list[Any]], *merges: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(["各单位推荐决赛选手名单"])
    sheet.append(["序号", "所属单位", "参赛编号", "姓名"])
    for row in rows:
        sheet.append(row)
    for merge in merges:  # a unit written once over its block of rows
        sheet.merge_cells(merge)
    sheet.append(["填表人：王五"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(pages, event_id: int, data: bytes) -> Any:
    return pages.post(
        f"/console/events/{event_id}/finalists/import",
        {"file": (io.BytesIO(data), "决赛名单.xlsx")},
        content_type="multipart/form-data",
    )


def finalists(app) -> set[int]:
    with app.app_context():
        return set(db.session.scalars(select(Finalist.contestant_id)))


def test_a_list_that_is_each_units_top_n_is_recommended(app, client):
    world, _panel = scored_preliminary(app, client, MARKS)
    boss = organiser_pages(app, client)
    data = workbook(
        [
            [1, "单位1", 2, "选手1-2"],  # 002 typed as a number
            [2, None, "001", "选手1-1"],
            [3, None, "003", "选手1-3"],
            [4, "单位2", "005", "选手2-1"],
            [5, None, "007", "选手2-3"],
            [6, None, "006", "选手2-2"],
        ],
        "B3:B5",
        "B6:B8",
    )
    response = upload(boss, world.event_id, data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, text_of(page)[:2000]
    assert "共 6 行，全部可以导入" in text_of(page)
    assert finalists(app) == set()
    done = boss.post(
        f"/console/events/{world.event_id}/finalists/import/confirm",
        {"token": token_of(page)},
        status=200,
    )
    assert "已为 2 个单位推荐 6 名决赛选手" in text_of(done.get_data(as_text=True))
    unit1, unit2 = (world.contestants[u] for u in world.units)
    assert finalists(app) == {*unit1[:3], *unit2[:3]}


def test_a_list_that_is_not_the_top_n_says_which_row_and_rank(app, client):
    world, _panel = scored_preliminary(app, client, MARKS)
    boss = organiser_pages(app, client)
    data = workbook(
        [
            [1, "单位1", "001", "选手1-1"],
            [2, "单位1", "002", "选手1-2"],
            [3, "单位1", "004", "选手1-4"],  # 4th in the unit
        ],
        "B3:B5",
    )
    response = upload(boss, world.event_id, data)
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert "第 5 行" in text and "该选手在本单位初赛排名第4，推荐3人时不在前3名" in text
    assert "本单位初赛第 3 名 选手1-3（参赛号 003）不在名单中" in text
    assert "确认推荐" not in text
    assert finalists(app) == set()


def test_too_few_a_wrong_unit_and_a_wrong_name_are_refused(app, client):
    world, _panel = scored_preliminary(app, client, MARKS)
    boss = organiser_pages(app, client)
    data = workbook(
        [
            [1, "单位1", "001", "选手1-1"],
            [2, "单位2", "002", "选手1-2"],  # 002 is of 单位1
            [3, "单位2", "005", "张三"],  # 005 is 选手2-1
        ]
    )
    response = upload(boss, world.event_id, data)
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert "决赛人数不得少于 3 名，现为 2 名" in text
    assert "该选手的单位是“单位1”，不是“单位2”" in text
    assert "姓名“张三”与参赛号 005 的选手（选手2-1）不符" in text


def test_the_list_cannot_change_once_the_final_is_marked(app, client):
    world, panel = scored_preliminary(app, client, MARKS)
    boss = organiser_pages(app, client)
    rows = [
        [1, "单位1", "001", "选手1-1"],
        [2, None, "002", "选手1-2"],
        [3, None, "003", "选手1-3"],
    ]
    page = upload(boss, world.event_id, workbook(rows)).get_data(as_text=True)
    boss.post(
        f"/console/events/{world.event_id}/finalists/import/confirm",
        {"token": token_of(page)},
        status=200,
    )
    first = world.contestants[world.units[0]][0]
    mark(panel, world.event_id, "final", first, "theory", "80")
    again = upload(boss, world.event_id, workbook(rows))
    assert again.status_code == 409
    assert "决赛已开始评分，不能再更改决赛名单" in text_of(again.get_data(as_text=True))


def test_the_finalists_template_downloads(app, client):
    world, _panel = scored_preliminary(app, client, {0: [(90, 90)]})
    organiser_pages(app, client)
    response = client.get(f"/console/events/{world.event_id}/finalists/template.xlsx")
    assert response.status_code == 200
