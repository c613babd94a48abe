"""The workbooks union offices really send: title rows, a hidden first sheet, heading variants,
merged unit cells, footers, full-width text and digits, padded names, a 编号 counter, contest
numbers Excel turned into numbers; and a GBK CSV whose identity numbers Excel mangled.

Each is imported through the pages, and what is STORED is checked."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import Contestant, Unit
from tests.contest.web.console.test_import import GOOD_ID, OTHER_ID, THIRD_ID, token_of, upload
from tests.support.factories import build_world
from tests.support.pages import organiser_pages, text_of

FULL_WIDTH = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
UNIT = "北京精雕科技集团有限公司（北京）"


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def messy_workbook() -> bytes:
    """A summary sheet as an office sends it, behind a hidden sheet holding an old list."""
    workbook = Workbook()
    old = workbook.active
    old.title = "旧名单"
    old.append(["姓名", "单位"])
    old.append(["不该导入", "旧公司"])
    old.sheet_state = "hidden"
    sheet = workbook.create_sheet("报名汇总")
    sheet.append(["2026年第五届职工职业技能竞赛（数控铣工）报名汇总表"])
    sheet.merge_cells("A1:F1")
    sheet.append(["填报单位：市总工会", None, None, None, "2026年3月1日"])
    sheet.append(["序号", "姓 名", "单位名称（盖章）", "身份证号码（18位）", "参赛号", "备注"])
    rows: list[list[Any]] = [
        [1, "王  伟", "北京精雕科技集团有限公司(北京)", GOOD_ID.translate(FULL_WIDTH), 1, None],
        [2, "孙　丽", None, OTHER_ID, 2, "女"],
        [3, "买买提 · 艾力", None, None, "003", None],
        [4, "John  Smith", "北京精雕科技集团有限公司 ( 北京 )", THIRD_ID.lower(), None, None],
        [5, "李　四", "精工(天津)有限公司", None, "０２０", None],
        [6, "赵六", "精工（天津）有限公司", None, None, None],
    ]
    for row in rows:
        sheet.append(row)
    sheet["E4"].number_format = "000"  # 001 typed as a number, shown with its zeros
    sheet.merge_cells("C4:C6")  # the unit written once for its block
    sheet.append([None, "填表人：张三", None, "联系电话：13800000000"])
    sheet.append(["合计", "6 人"])
    sheet.append([None, "审核人：", None, "日期：2026年3月2日"])
    sheet.append(["注：身份证号请填写 18 位，参赛号由组委会统一编排"])
    sheet.merge_cells(f"A{sheet.max_row}:F{sheet.max_row}")
    return _save(workbook)


def stored(app, event_id: int) -> dict[str, tuple[str, str | None, str]]:
    with app.app_context():
        rows = db.session.execute(
            select(Contestant.name, Contestant.number, Contestant.id_number, Unit.name)
            .join(Unit, Unit.id == Contestant.unit_id)
            .where(Contestant.event_id == event_id)
        ).all()
        return {name: (number, id_number, unit) for name, number, id_number, unit in rows}


def unit_count(app, contest_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(Unit.id)).where(Unit.contest_id == contest_id))


def test_a_messy_summary_sheet_is_read_as_the_office_meant_it(app, client):
    world = build_world(app, client, per_unit=(0,))
    world.org.post(f"/contests/{world.contest_id}/units", {"name": UNIT})
    boss = organiser_pages(app, client)
    url = f"/console/events/{world.event_id}/contestants/import/confirm"

    first = upload(boss, world.event_id, messy_workbook(), "汇总.xlsx")
    page = first.get_data(as_text=True)
    text = text_of(page)
    assert "找不到表头" not in text and "不该导入" not in text  # the hidden sheet is not read
    assert "共 6 行，全部可以导入" not in text  # the Tianjin unit is not registered yet
    # one unit offered, not two spellings of it, and no footer text taken for a unit
    assert "以下单位尚未在本竞赛登记： 精工（天津）有限公司 登记这些单位" in text
    assert "填表人" not in text.split("已跳过")[0]  # footers are no rows and no units
    assert "已跳过 4 行表尾或说明" in text
    for footer in ("填表人：张三", "合计 6 人", "审核人：", "注：身份证号请填写"):
        assert footer in text, footer

    rechecked = boss.post(
        url, {"token": token_of(page), "create_units": "yes", "recheck": "yes"}, status=200
    )
    assert "共 6 行，全部可以导入" in text_of(rechecked.get_data(as_text=True))
    boss.post(url, {"token": token_of(page), "create_units": "yes"}, status=200)

    people = stored(app, world.event_id)
    assert people == {
        "王伟": ("001", GOOD_ID, UNIT),  # merged unit; full-width ID in ASCII; "000" format
        "孙丽": ("002", OTHER_ID, UNIT),  # 2 typed as a number: padded like its column
        "买买提·艾力": ("003", None, UNIT),
        "John Smith": ("021", THIRD_ID, UNIT),  # Latin name keeps one space; numbered after 020
        "李四": ("020", None, "精工（天津）有限公司"),
        "赵六": ("022", None, "精工（天津）有限公司"),
    }
    # 单位1 of the world, the one registered above, and the Tianjin one: no "(北京)" twin
    assert unit_count(app, world.contest_id) == 3


def test_a_counter_column_headed_bianhao_is_not_taken_for_contest_numbers(app, client):
    world = build_world(app, client, per_unit=(0,))
    boss = organiser_pages(app, client)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["编号", "姓名", "所属单位"])
    for index, name in enumerate(["甲一", "乙二", "丙三"], 1):
        sheet.append([index, name, "单位1"])
    page = upload(boss, world.event_id, _save(workbook), "a.xlsx").get_data(as_text=True)
    assert "“编号”列只是行的序号" in text_of(page)
    boss.post(
        f"/console/events/{world.event_id}/contestants/import/confirm",
        {"token": token_of(page)},
        status=200,
    )
    numbers = {name: row[0] for name, row in stored(app, world.event_id).items()}
    assert numbers == {"甲一": "001", "乙二": "002", "丙三": "003"}  # given, not read

    # A 编号 column that holds real contest numbers is read as such, zeros and all.
    other = world.org.post(f"/contests/{world.contest_id}/events", {"name": "车工"})
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["编号", "姓名", "单位（全称）"])
    sheet.append(["A07", "丁四", "单位1"])
    sheet.append(["A03", "戊五", "单位1"])
    page = upload(boss, other["id"], _save(workbook), "b.xlsx").get_data(as_text=True)
    boss.post(
        f"/console/events/{other['id']}/contestants/import/confirm",
        {"token": token_of(page)},
        status=200,
    )
    assert {n: r[0] for n, r in stored(app, other["id"]).items()} == {
        "丁四": "A07",
        "戊五": "A03",
    }


def test_a_contest_number_typed_as_a_number_keeps_the_width_of_the_event(app, client):
    world = build_world(app, client, per_unit=(1,))  # 选手1-1 holds 001
    boss = organiser_pages(app, client)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["参赛编号", "姓名", "单位"])
    sheet.append([7, "己六", "单位1"])  # no number format, no other cell to go by
    page = upload(boss, world.event_id, _save(workbook), "c.xlsx").get_data(as_text=True)
    assert "007" in text_of(page)
    boss.post(
        f"/console/events/{world.event_id}/contestants/import/confirm",
        {"token": token_of(page)},
        status=200,
    )
    assert stored(app, world.event_id)["己六"][0] == "007"


def test_a_file_without_the_headings_says_which_it_found(app, client):
    world = build_world(app, client, per_unit=(0,))
    boss = organiser_pages(app, client)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["报名表"])
    sheet.append(["序号", "职工", "部门", "联系电话"])
    sheet.append([1, "张三", "车间"])
    response = upload(boss, world.event_id, _save(workbook), "d.xlsx")
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert "找不到表头" in text
    assert "第 2 行的内容：序号、职工、部门、联系电话" in text


def test_identity_numbers_excel_mangled_in_a_gbk_csv_are_named_not_duplicates(app, client):
    world = build_world(app, client, per_unit=(0,))
    boss = organiser_pages(app, client)
    csv = (
        "姓名,单位,身份证号码\r\n"
        "张三,单位1,3.70102E+17\r\n"
        "李四,单位1,3.70102E+17\r\n"
        "王五,单位1,１１０１０１１９９００３０７４５１４\r\n"
        "合计,3人,\r\n"
    ).encode("gbk")
    response = upload(boss, world.event_id, csv, "名单.csv")
    assert response.status_code == 422
    text = text_of(response.get_data(as_text=True))
    assert "共 3 行，其中 2 行有误" in text
    assert text.count("身份证号被 Excel 存成了数字") >= 2
    assert "重复" not in text
    with app.app_context():
        assert db.session.scalar(select(func.count(Contestant.id))) == 0


def test_an_xlsx_with_numeric_identity_numbers_gets_the_same_message(app, client):
    world = build_world(app, client, per_unit=(0,))
    boss = organiser_pages(app, client)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "单位", "身份证号"])
    sheet.append(["张三", "单位1", 370102199001011234])
    sheet.append(["李四", "单位1", 370102199001011234])
    text = text_of(upload(boss, world.event_id, _save(workbook), "e.xlsx").get_data(as_text=True))
    assert text.count("身份证号被 Excel 存成了数字") >= 2 and "重复" not in text


def test_a_full_width_identity_number_is_checked_by_its_check_digit(app, client):
    world = build_world(app, client, per_unit=(0,))
    boss = organiser_pages(app, client)
    wrong = "110105194912310021".translate(FULL_WIDTH)  # check digit should be X
    csv = f"姓名,单位,身份证号\n张三,单位1,{wrong}\n".encode()
    text = text_of(upload(boss, world.event_id, csv, "f.csv").get_data(as_text=True))
    assert "身份证号校验位不正确" in text


def test_a_registered_contestant_is_found_whatever_the_width_of_the_digits(app, client):
    world = build_world(app, client, per_unit=(0,))
    world.org.post(
        f"/events/{world.event_id}/contestants",
        {"name": "王伟", "unit_id": world.units[0], "id_number": GOOD_ID},
    )
    boss = organiser_pages(app, client)
    csv = f"姓名,单位,身份证号\n王　伟,单位1,{GOOD_ID.translate(FULL_WIDTH)}\n".encode()
    text = text_of(upload(boss, world.event_id, csv, "g.csv").get_data(as_text=True))
    assert "该身份证号已在本赛项登记" in text
