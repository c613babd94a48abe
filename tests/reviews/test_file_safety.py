"""The cohort's export never holds a formula, whatever the names and comments say, and never
fails on them; an import that is not a workbook is refused with a reason (422, field `file`)."""

from __future__ import annotations

import io
import zipfile

import pytest
from openpyxl import load_workbook

from tests.reviews.helpers import LECTURE_RUBRIC, build_cohort
from tests.reviews.test_excel import exported, names, upload, xlsx
from tests.support.errors import assert_error
from tests.support.pages import sign_in
from tests.unit.test_spreadsheet_safety import PNG, workbook_bytes


def test_every_text_of_the_export_is_text(app, client):
    rubric = [dict(item) for item in LECTURE_RUBRIC]
    rubric[0]["name"] = "=教学目标"
    cohort = build_cohort(app, client, trainees=0, experts=1, rubric=rubric)
    trainee = cohort.org.post(
        cohort.path("/trainees"), {"name": "＝1+1", "unit": "＋单位", "title": "张\x01三"}
    )
    items = {item["key"]: 80 for item in LECTURE_RUBRIC}
    cohort.review(
        0, trainee["id"], items=items, shortcomings="－不足\n第二行", suggestions="＠建议"
    )
    data = exported(cohort)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name), name
    book = load_workbook(io.BytesIO(data))
    results, details = book["评审结果"], book["专家评审明细"]
    assert [results["B5"].value, results["C5"].value, results["D5"].value] == [
        "＝1+1",
        "＋单位",
        "张\ufffd三",
    ]
    assert results["B5"].quotePrefix and results["C5"].quotePrefix
    assert not results["D5"].quotePrefix
    assert details["D1"].value.startswith("=教学目标") and details["D1"].quotePrefix
    comments = [cell for cell in details[2] if cell.value in ("－不足\n第二行", "＠建议")]
    assert len(comments) == 2 and all(cell.quotePrefix for cell in comments)


def test_a_cohort_name_with_a_line_break_still_downloads(app, client):
    """Found while hardening: the name went into the file name, and a header cannot hold a
    line break (500)."""
    cohort = build_cohort(app, client, trainees=1, experts=1, name="2021年\r\n工匠研修班/甲")
    response = cohort.org.call("GET", cohort.path("/results.xlsx"))
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "\n" not in disposition and "%2F" not in disposition
    assert "%E5%B7%A5%E5%8C%A0" in disposition  # 工匠


def test_the_page_downloads_it_under_the_apis_name(app, client):
    """Found with issue #19: the page put the cohort's name into the file name unchecked, and
    its line break failed the download there (500) after the API had been fixed."""
    cohort = build_cohort(app, client, trainees=1, experts=1, name="2021年\r\n工匠研修班/甲")
    api = cohort.org.call("GET", cohort.path("/results.xlsx"), status=200)
    page = sign_in(app.test_client(), "org").client.get(
        f"/console/cohorts/{cohort.id}/results.xlsx"
    )
    assert page.status_code == 200
    assert page.headers["Content-Disposition"] == api.headers["Content-Disposition"]
    assert (
        "2021%E5%B9%B4%E5%B7%A5%E5%8C%A0%E7%A0%94%E4%BF%AE%E7%8F%AD%E7%94%B2-"
        in (page.headers["Content-Disposition"])
    )  # 2021年工匠研修班甲-
    assert page.headers["Cache-Control"] == api.headers["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (PNG, "PNG 图片"),
        (b"", "上传的文件是空的"),
        (b"%PDF-1.7\n", "PDF 文档"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "旧版 Excel"),
        (workbook_bytes([["姓名", "工作单位"]])[:200], "已损坏或不完整"),
    ],
)
def test_an_import_that_is_not_a_workbook_says_what_it_is(app, client, data, reason):
    cohort = build_cohort(app, client, trainees=0, experts=0)
    for dry_run in (True, False):
        error = assert_error(upload(cohort, data, dry_run=dry_run), 422, "file")
        assert reason in error["message"]
    assert names(cohort) == []
    assert upload(cohort, xlsx([("张三", "单位")])).status_code == 201
