"""Importing contestants: the preview names every bad row and why, and the confirmation stores
all rows or none."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Contestant, Unit
from tests.support.factories import build_world
from tests.support.pages import Pages, organiser_pages, sign_in, text_of

GOOD_ID = "11010519491231002X"
OTHER_ID = "110101199003074514"
THIRD_ID = "440524188001010014"


def xlsx(rows: list[list[Any]], title_rows: int = 0) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for _ in range(title_rows):
        sheet.append(["2026年职工技能竞赛报名表"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(pages: Pages, event_id: int, data: bytes, filename: str, **extra: str) -> Any:
    return pages.post(
        f"/console/events/{event_id}/contestants/import",
        {"file": (io.BytesIO(data), filename), **extra},
        content_type="multipart/form-data",
    )


def count(app, event_id: int) -> int:
    with app.app_context():
        return db.session.scalar(
            select(func.count(Contestant.id)).where(Contestant.event_id == event_id)
        )


def token_of(page: str) -> str:
    import re

    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_preview_lists_every_bad_row_and_stores_nothing(app, client):
    world = build_world(app, client, per_unit=(1,))  # 选手1-1 of 单位1, number 001
    world.org.post(
        f"/events/{world.event_id}/contestants",
        {"name": "已登记", "unit_id": world.units[0], "id_number": THIRD_ID},
    )
    boss = organiser_pages(app, client)
    rows = [
        ["姓名", "单位", "身份证号", "参赛号"],
        ["张三", "单位1", GOOD_ID, ""],  # 3: fine
        ["李四", "未知公司", "", ""],  # 4: unknown unit
        ["王五", "单位1", "110105194912310021", ""],  # 5: bad checksum
        ["赵六", "单位1", GOOD_ID, ""],  # 6: same ID as row 3
        ["", "单位1", "", ""],  # 7: no name
        ["钱七", "单位1", THIRD_ID, ""],  # 8: ID already registered
        ["孙八", "单位1", "", "001"],  # 9: number already used
        ["周九", "单位1", 110105194912310020, ""],  # 10: Excel turned the ID into a number
        [],  # a blank line is no row
        ["吴十", "单位1", "", "A/1"],  # 12: a number the API would refuse
    ]
    response = upload(boss, world.event_id, xlsx(rows, title_rows=1), "报名表.xlsx")
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert "共 9 行，其中 9 行有误" in text
    expected = {
        4: "单位“未知公司”未在本竞赛登记",
        5: "身份证号校验位不正确",
        6: "身份证号与第 3 行重复",
        7: "缺少姓名",
        8: "该身份证号已在本赛项登记（参赛号 002）",
        9: "参赛号 001 已被使用",
        10: "身份证号被 Excel 存成了数字",
        12: "参赛号：参赛号应为 1-16 位字母、数字或连字符",
    }
    for line, reason in expected.items():
        assert f"第 {line} 行" in text and reason in text, (line, reason)
    assert "身份证号与第 6 行重复" in text  # row 3 is told about row 6 too
    assert "确认导入" not in text
    assert count(app, world.event_id) == 2


def test_a_clean_file_is_stored_whole_after_confirmation(app, client):
    world = build_world(app, client, per_unit=(0,))
    boss = organiser_pages(app, client)
    rows = [
        ["参赛号", "姓名", "单位", "身份证号"],
        ["", "<script>alert(1)</script>", "单位1", GOOD_ID],
        ["050", "李四", "单位1", ""],
        ["", "王五", "单位1", OTHER_ID],
    ]
    response = upload(boss, world.event_id, xlsx(rows), "list.xlsx")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "共 3 行，全部可以导入" in text_of(page)
    assert "&lt;script&gt;" in page and "<script>alert" not in page
    assert GOOD_ID not in page  # the preview masks identity numbers as every list does
    assert count(app, world.event_id) == 0

    done = boss.post(
        f"/console/events/{world.event_id}/contestants/import/confirm",
        {"token": token_of(page)},
        status=200,
    )
    assert "已导入 3 名选手" in text_of(done.get_data(as_text=True))
    from pathlib import Path

    assert list(Path(app.config["IMPORT_FOLDER"]).iterdir()) == []  # the upload is gone
    with app.app_context():
        stored = db.session.scalars(
            select(Contestant).where(Contestant.event_id == world.event_id)
        ).all()
        numbers = {c.name: c.number for c in stored}
    # the given number first; automatic numbers continue after it
    assert numbers == {"李四": "050", "<script>alert(1)</script>": "051", "王五": "052"}
    # the stashed upload is gone: confirming twice does not import twice
    again = boss.post(
        f"/console/events/{world.event_id}/contestants/import/confirm",
        {"token": token_of(page)},
        status=200,
    )
    assert "预览已过期" in text_of(again.get_data(as_text=True))
    assert count(app, world.event_id) == 3


def test_confirmation_checks_again_and_stores_nothing_when_something_changed(app, client):
    world = build_world(app, client, per_unit=(0,))
    boss = organiser_pages(app, client)
    rows = [["姓名", "单位", "身份证号"], ["张三", "单位1", GOOD_ID], ["李四", "单位1", ""]]
    page = upload(boss, world.event_id, xlsx(rows), "a.xlsx").get_data(as_text=True)
    # someone registers 张三 by hand between the preview and the confirmation
    world.org.post(
        f"/events/{world.event_id}/contestants",
        {"name": "张三", "unit_id": world.units[0], "id_number": GOOD_ID},
    )
    response = boss.post(
        f"/console/events/{world.event_id}/contestants/import/confirm", {"token": token_of(page)}
    )
    assert response.status_code == 422
    assert "该身份证号已在本赛项登记" in text_of(response.get_data(as_text=True))
    assert count(app, world.event_id) == 1  # only the one registered by hand


def test_unknown_units_can_be_registered_with_the_import(app, client):
    world = build_world(app, client, per_unit=(0,))
    boss = organiser_pages(app, client)
    rows = [["姓名", "单位"], ["张三", "新公司"], ["李四", "新公司"], ["王五", "单位1"]]
    first = upload(boss, world.event_id, xlsx(rows), "a.xlsx").get_data(as_text=True)
    assert "以下单位尚未在本竞赛登记" in text_of(first)
    url = f"/console/events/{world.event_id}/contestants/import/confirm"
    rechecked = boss.post(
        url, {"token": token_of(first), "create_units": "yes", "recheck": "yes"}, status=200
    )
    text = text_of(rechecked.get_data(as_text=True))
    assert "共 3 行，全部可以导入" in text and "导入时将同时登记以下单位： 新公司" in text
    with app.app_context():  # nothing stored by the re-check
        assert db.session.scalar(select(Unit.id).where(Unit.name == "新公司")) is None
    boss.post(url, {"token": token_of(first), "create_units": "yes"}, status=200)
    with app.app_context():
        unit = db.session.scalars(select(Unit).where(Unit.name == "新公司")).one()
        assert (
            db.session.scalar(
                select(func.count(Contestant.id)).where(Contestant.unit_id == unit.id)
            )
            == 2
        )


def test_csv_in_gbk_and_in_utf8_with_bom(app, client):
    world = build_world(app, client, per_unit=(0,))
    boss = organiser_pages(app, client)
    gbk = "姓名,单位,身份证号\r\n张三,单位1,11010519491231002X\r\n".encode("gbk")
    page = upload(boss, world.event_id, gbk, "excel.csv").get_data(as_text=True)
    assert "张三" in text_of(page) and "全部可以导入" in text_of(page)
    bom = "\ufeff姓名,单位\n李四,单位1\n𠮷祥,单位1\n".encode()
    page = upload(boss, world.event_id, bom, "utf8.CSV").get_data(as_text=True)
    assert "李四" in text_of(page) and "𠮷祥" in text_of(page)
    assert "共 2 行，全部可以导入" in text_of(page)


def test_unreadable_files_are_refused_with_a_reason(app, client):
    world = build_world(app, client, per_unit=(0,))
    boss = organiser_pages(app, client)
    cases = [
        (b"\xd0\xcf\x11\xe0 old excel", "old.xls", "不支持旧版 Excel"),
        (b"not a zip", "broken.xlsx", "不是有效的 Excel"),
        ("名字,公司\n张三,单位1\n".encode(), "wrong.csv", "找不到表头"),
        ("姓名,单位\n".encode(), "empty.csv", "只有表头"),
        (b"\xff\xfe\x00\x00garbage\x81", "binary.csv", "无法识别文件编码"),
        (b"", "nothing.pdf", "只能上传"),
    ]
    for data, name, reason in cases:
        response = upload(boss, world.event_id, data, name)
        assert response.status_code == 422, name
        assert reason in text_of(response.get_data(as_text=True)), name
    missing = boss.post(f"/console/events/{world.event_id}/contestants/import", {}, status=422)
    assert "请选择要上传的文件" in text_of(missing.get_data(as_text=True))


def test_a_file_over_the_limit_gets_a_readable_answer(app, client):
    world = build_world(app, client, per_unit=(0,))
    boss = organiser_pages(app, client)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    big = b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1)
    response = upload(boss, world.event_id, big, "big.csv")
    assert response.status_code == 413
    text = text_of(response.get_data(as_text=True))
    assert "文件过大" in text and "从 Excel 或 CSV 导入选手" in text


def test_a_preview_belongs_to_its_own_session(app, client):
    world = build_world(app, client, per_unit=(0,))
    boss = organiser_pages(app, client)
    page = upload(boss, world.event_id, xlsx([["姓名", "单位"], ["张三", "单位1"]]), "a.xlsx")
    token = token_of(page.get_data(as_text=True))
    other_client = app.test_client()
    from tests.support.factories import make_user

    make_user(app, "boss2", "organiser")
    other = sign_in(other_client, "boss2")
    response = other.post(
        f"/console/events/{world.event_id}/contestants/import/confirm", {"token": token}
    )
    assert "预览已过期" in text_of(response.get_data(as_text=True))
    assert count(app, world.event_id) == 0


def test_the_template_downloads_as_a_workbook(app, client):
    world = build_world(app, client, per_unit=(0,))
    organiser_pages(app, client)
    response = client.get(f"/console/events/{world.event_id}/contestants/template.xlsx")
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == ["姓名", "单位", "身份证号", "参赛号"]
