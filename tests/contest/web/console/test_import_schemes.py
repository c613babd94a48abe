"""Importing a marking scheme from the 评分表 workbook: a preview of every line that stores
nothing, the whole scheme or nothing on confirmation, and a readable refusal once marked."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry
from tests.contest.web.console.test_import import token_of
from tests.support.factories import build_world, judge, mark
from tests.support.pages import Session, text_of

EVENT = {
    "components": [
        {"key": "theory", "name": "理论知识", "weight": "0.30", "max_score": "100"},
        {"key": "practical", "name": "技能操作", "weight": "0.70", "max_score": "100"},
    ]
}
HEADER = ["编号", "类型", "评分内容", "配分", "基本尺寸", "上偏差", "下偏差"]
ROWS = [
    ["M1", "测量", "外径", 20, 40, 0, -0.025],
    ["M2", "测量", "长度", 20, 60, 0.05, -0.05],
    ["J1", "评价", "表面质量", 30, None, None, None],
    ["J2", "评价", "工艺规范", 30, None, None, None],
    ["D1", "扣分", "安全文明生产", 10, None, None, None],
]


def workbook(rows: list[list[Any]], merges: tuple[str, ...] = ()) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def scheme_world(app, client):
    world = build_world(app, client, per_unit=(2,), event=EVENT)
    return world, Session(app, "org")


def import_url(world, key: str = "practical") -> str:
    return f"/console/events/{world.event_id}/components/{key}/scheme/import"


def upload(session: Session, world, data: bytes, spread: str = "", key: str = "practical"):
    return session.client.post(
        import_url(world, key),
        data={
            "csrf_token": session.token,
            "max_judgement_spread": spread,
            "file": (io.BytesIO(data), "评分表.xlsx"),
        },
        content_type="multipart/form-data",
    )


def confirm(session: Session, world, page: str, spread: str = "", key: str = "practical"):
    return session.client.post(
        f"{import_url(world, key)}/confirm",
        data={"csrf_token": session.token, "token": token_of(page), "max_judgement_spread": spread},
    )


def stored(world, key: str = "practical") -> dict[str, Any] | None:
    response = world.org.call("GET", f"/events/{world.event_id}/components/{key}/scheme")
    return response.get_json() if response.status_code == 200 else None


def items_of(scheme: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (i["code"], i["kind"], i["name"], i["points"], i["nominal"], i["lower"], i["upper"])
        for i in scheme["items"]
    ]


def test_a_workbook_is_previewed_then_stored_whole(app, scheme_world):
    world, boss = scheme_world
    page = boss.client.get(import_url(world)).get_data(as_text=True)
    assert "从 Excel 导入评分细则：技能操作（满分 100）" in text_of(page)
    response = upload(boss, world, workbook([HEADER, *ROWS]), spread="1")
    preview = response.get_data(as_text=True)
    text = text_of(preview)
    assert response.status_code == 200, text[:2000]
    assert "共 5 个评分点，全部可以导入" in text
    assert "测量项 2 个、评价项 2 个，配分合计 100（满分 100）；扣分项 1 个" in text
    assert "允许评价分差：1" in text
    assert stored(world) is None  # the preview stores nothing

    done = confirm(boss, world, preview, spread="1")
    assert done.status_code == 302
    assert done.headers["Location"].endswith(
        f"/events/{world.event_id}/components/practical/scheme"
    )
    scheme = stored(world)
    assert scheme is not None and scheme["max_judgement_spread"] == 1
    assert items_of(scheme) == [
        ("M1", "measurement", "外径", "20.00", "40.000", "-0.025", "0.000"),
        ("M2", "measurement", "长度", "20.00", "60.000", "-0.050", "0.050"),
        ("J1", "judgement", "表面质量", "30.00", None, None, None),
        ("J2", "judgement", "工艺规范", "30.00", None, None, None),
        ("D1", "deduction", "安全文明生产", "10.00", None, None, None),
    ]
    assert "已导入评分细则：5 个评分点" in text_of(
        boss.client.get(done.headers["Location"]).get_data(as_text=True)
    )
    with app.app_context():
        assert "scheme.set" in db.session.scalars(select(AuditEntry.action)).all()


def test_a_messy_workbook_is_read_as_the_expert_group_wrote_it(scheme_world):
    """Title rows, the spread on a line of its own, a header over two rows with merged cells,
    section rows giving the kind, full-width numbers and signs, a blank row, a total."""
    world, boss = scheme_world
    rows: list[list[Any]] = [
        ["数控铣工（四级）技能操作评分表"],
        ["允许评价分差：", "１"],
        ["编号", "类型", "评分内容", "配分", "尺寸要求", None, None, "备注"],
        [None, None, None, None, "基本尺寸", "上偏差", "下偏差", None],
        ["一、尺寸精度（40分）"],
        ["M1", None, "外径", "２０", "Φ４０", "０", "－０．０２５"],
        ["M2", None, "长度", "20分", "６０", "＋0.05", "−0.05"],
        [None] * 8,
        ["二、外观与工艺（评价）"],
        ["J1", None, "表面质量", 30.0, None, None, None, None],
        ["J2", "评价", "工艺规范", "３０", None, None, None, "按工艺卡"],
        ["三、安全文明生产（扣分项）"],
        ["D1", None, "违规操作", "10", None, None, None, None],
        ["合计", None, None, 100],
        ["评分人：", None, None, "日期："],
    ]
    merges = ("A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:G3", "H3:H4", "A5:H5", "A9:H9", "A12:H12")
    response = upload(boss, world, workbook(rows, merges))
    preview = response.get_data(as_text=True)
    text = text_of(preview)
    assert response.status_code == 200, text[:3000]
    assert "允许评价分差取自文件：1" in text
    assert "一、尺寸精度（40分）" in text  # the skipped section rows are shown
    confirm(boss, world, preview)
    scheme = stored(world)
    assert scheme is not None and scheme["max_judgement_spread"] == 1
    assert items_of(scheme) == [
        ("M1", "measurement", "外径", "20.00", "40.000", "-0.025", "0.000"),
        ("M2", "measurement", "长度", "20.00", "60.000", "-0.050", "0.050"),
        ("J1", "judgement", "表面质量", "30.00", None, None, None),
        ("J2", "judgement", "工艺规范", "30.00", None, None, None),
        ("D1", "deduction", "违规操作", "10.00", None, None, None),
    ]


def test_without_codes_and_kinds_sizes_come_from_the_name_or_a_tolerance(scheme_world):
    world, boss = scheme_world
    rows = [
        ["序号说明：本表由专家组编制"],
        ["检测项目", "分值", "公差"],
        ["外圆 Φ40±0.02", 25, None],
        ["孔深 20", 25, "+0.1/0"],
        ["表面粗糙度", 50, None],
        ["安全文明生产", 5, None],
    ]
    response = upload(boss, world, workbook(rows), spread="2")
    preview = response.get_data(as_text=True)
    assert response.status_code == 200, text_of(preview)[:2000]
    assert "文件没有“类型”列" in text_of(preview)
    confirm(boss, world, preview, spread="2")
    scheme = stored(world)
    assert scheme is not None and scheme["max_judgement_spread"] == 2
    assert items_of(scheme) == [
        ("M1", "measurement", "外圆 Φ40±0.02", "25.00", "40.000", "-0.020", "0.020"),
        ("M2", "measurement", "孔深 20", "25.00", "20.000", "0.000", "0.100"),
        ("J1", "judgement", "表面粗糙度", "50.00", None, None, None),
        ("D1", "deduction", "安全文明生产", "5.00", None, None, None),
    ]


def test_a_requirement_column_gives_the_size_where_it_is_one(scheme_world):
    """序号 as the codes; 技术要求 holds the drawing's size for a measurement and words for
    a judgement; 评分标准 is for the judges and not read."""
    world, boss = scheme_world
    rows = [
        ["序号", "考核内容", "技术要求", "配分", "评分标准"],
        [1, "外圆", "Φ40±0.02", 30, "超差不得分"],
        [2, "表面", "无划伤、毛刺", 70, "酌情扣分"],
    ]
    response = upload(boss, world, workbook(rows))
    preview = response.get_data(as_text=True)
    assert response.status_code == 200, text_of(preview)[:2000]
    confirm(boss, world, preview)
    scheme = stored(world)
    assert scheme is not None and scheme["max_judgement_spread"] is None
    assert items_of(scheme) == [
        ("1", "measurement", "外圆", "30.00", "40.000", "-0.020", "0.020"),
        ("2", "judgement", "表面", "70.00", None, None, None),
    ]


def test_points_that_do_not_add_up_are_refused_as_a_whole(scheme_world):
    world, boss = scheme_world
    rows = [HEADER, *ROWS]
    rows[3] = ["J1", "评价", "表面质量", 20, None, None, None]
    response = upload(boss, world, workbook(rows))
    page = response.get_data(as_text=True)
    text = text_of(page)
    assert response.status_code == 422
    assert "评分细则不符合规则" in text
    assert "分值之和须等于该评分项的满分 100，现为 90" in text
    assert 'name="token"' not in page  # nothing to confirm
    assert stored(world) is None


def test_every_bad_line_is_named_and_nothing_is_stored(scheme_world):
    world, boss = scheme_world
    rows = [
        HEADER,
        ["M1", "测量", "外径", "二十", 40, 0, -0.025],  # 2: points not a number
        ["M2", "测量", "长度", 20, 60, None, None],  # 3: no deviations
        ["J1", "附加", "表面质量", 30, None, None, None],  # 4: an unknown kind
        ["J1", "评价", "工艺规范", 30, None, None, None],  # 5: the code again
        ["J3", "评价", None, 20, None, None, None],  # 6: no name
        ["J4", "评价", "清洁", 20, 5, None, None],  # 7: a size on a judgement
    ]
    response = upload(boss, world, workbook(rows))
    text = text_of(response.get_data(as_text=True))
    assert response.status_code == 422
    assert "共 6 行，其中 6 行有误" in text
    for words in (
        "第 2 行（外径）：配分“二十”不是数字",
        "第 3 行（长度）：测量项缺少偏差",
        "类型“附加”应为 测量、评价 或 扣分",
        "编号与第 5 行重复",
        "编号与第 4 行重复",
        "第 6 行：缺少评分内容",
        "只有测量项有尺寸和偏差",
    ):
        assert words in text, words
    assert stored(world) is None


def test_the_form_spread_wins_and_a_bad_or_contradicting_one_is_a_problem(scheme_world):
    world, boss = scheme_world
    rows = [["允许评价分差", 1], HEADER, *ROWS]
    response = upload(boss, world, workbook(rows), spread="０")
    assert response.status_code == 200
    assert "允许评价分差：0" in text_of(response.get_data(as_text=True))

    response = upload(boss, world, workbook(rows), spread="5")
    assert response.status_code == 422
    assert "允许评价分差“5”应为 0 到 3 的整数" in text_of(response.get_data(as_text=True))

    twice = [["允许评价分差：1"], HEADER, *ROWS, ["评价分差：2"]]
    response = upload(boss, world, workbook(twice))
    assert response.status_code == 422
    assert "文件中的允许评价分差不一致：1、2" in text_of(response.get_data(as_text=True))


def test_once_marked_the_import_says_so_readably(app, client, scheme_world):
    world, boss = scheme_world
    response = upload(boss, world, workbook([HEADER, *ROWS]))
    preview = response.get_data(as_text=True)
    assert response.status_code == 200
    _id, panel = judge(app, client, world.org, world.event_id, "panel1")
    mark(panel, world.event_id, "preliminary", world.all_contestants()[0], "practical", "80")

    refused = confirm(boss, world, preview)
    assert refused.status_code == 409
    assert "该评分项已有评分，评分细则不能再修改" in text_of(refused.get_data(as_text=True))
    assert stored(world) is None
    again = upload(boss, world, workbook([HEADER, *ROWS]))
    assert again.status_code == 409
    assert "该评分项已有评分" in text_of(again.get_data(as_text=True))
    page = text_of(boss.client.get(import_url(world)).get_data(as_text=True))
    assert "评分细则已锁定" in page


def test_an_expired_preview_goes_back_to_this_components_upload(scheme_world):
    world, boss = scheme_world
    response = boss.client.post(
        f"{import_url(world)}/confirm", data={"csrf_token": boss.token, "token": "x" * 24}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(import_url(world))


def test_an_unknown_component_is_404(scheme_world):
    world, boss = scheme_world
    assert boss.client.get(import_url(world, "welding")).status_code == 404


def test_the_template_imports_as_it_is(scheme_world):
    world, boss = scheme_world
    response = boss.client.get(
        f"/console/events/{world.event_id}/components/practical/scheme/template.xlsx"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [c.value for c in sheet[1]] == HEADER
    preview = upload(boss, world, response.data)
    assert preview.status_code == 200, text_of(preview.get_data(as_text=True))[:2000]
