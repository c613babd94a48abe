"""What organisers download is never a formula, and what they upload is checked: a file that
is not a table, is empty, or is text in an encoding nobody can tell is refused on the import
page with a reason, and nothing is stored."""

from __future__ import annotations

import io
import zipfile

from openpyxl import load_workbook

from tests.contest.web.console.support import scored_preliminary
from tests.contest.web.console.test_import import count, upload
from tests.support.factories import mark
from tests.support.pages import organiser_pages, text_of
from tests.unit.test_spreadsheet_safety import PNG, workbook_bytes

# What survives the normalisation of names (full-width signs become ASCII ones, an inner tab
# a space): leading signs, and a control character.
NAMES = ["=1+1", "+1", "-1", "@SUM(1,1)", "＝1+1", "＠cmd", "=A\tB", "张\x01三"]
STORED = {"=1+1", "+1", "-1", "@SUM(1,1)", "@cmd", "=A B"}


def _no_formula_anywhere(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                xml = archive.read(name)
                assert b"<f>" not in xml and b"<f " not in xml, name


def test_the_results_export_writes_every_hostile_text_as_text(app, client):
    event = {
        "components": [
            {"key": "score", "name": "=成绩", "weight": "1", "max_score": "100"},
        ],
        "tie_breaks": [],
    }
    world, panel = scored_preliminary(app, client, {0: []}, event=event)
    unit = world.org.post(f"/contests/{world.contest_id}/units", {"name": "@单位"})
    for value, name in enumerate(NAMES, 50):
        person = world.org.post(
            f"/events/{world.event_id}/contestants", {"name": name, "unit_id": unit["id"]}
        )
        mark(panel, world.event_id, "preliminary", person["id"], "score", str(value))
    boss = organiser_pages(app, client)
    assert boss
    response = client.get(f"/console/events/{world.event_id}/rounds/preliminary/results.xlsx")
    assert response.status_code == 200
    _no_formula_anywhere(response.data)
    book = load_workbook(io.BytesIO(response.data))
    ranking = book.worksheets[0]
    assert ranking["E1"].value == "=成绩" and ranking["E1"].quotePrefix
    names = {}
    for row in ranking.iter_rows(min_row=2):
        names[row[2].value] = row[2]
        assert row[3].value == "@单位" and row[3].quotePrefix
    assert set(names) == {*STORED, "张\ufffd三"}
    for name, cell in names.items():
        assert cell.data_type == "s"
        assert bool(cell.quotePrefix) == (name != "张\ufffd三"), name
    assert "@单位" in book.sheetnames  # the unit's own ranking: a sheet title is never run


def test_the_import_template_is_plain_text(app, client):
    world, _panel = scored_preliminary(app, client, {0: []})
    organiser_pages(app, client)
    response = client.get(f"/console/events/{world.event_id}/contestants/template.xlsx")
    assert response.status_code == 200
    _no_formula_anywhere(response.data)


def test_wrong_and_broken_files_are_refused_with_a_reason(app, client):
    world, _panel = scored_preliminary(app, client, {0: []})
    boss = organiser_pages(app, client)
    before = count(app, world.event_id)
    cases = [
        (PNG, "报名表.xlsx", "文件内容是 PNG 图片，不是表格文件"),
        (b"", "报名表.xlsx", "上传的文件是空的"),
        (b"", "报名表.csv", "上传的文件是空的"),
        (workbook_bytes([["姓名", "单位"]])[:200], "报名表.xlsx", "已损坏或不完整"),
        ("姓名,單位\r\n張三,單位1\r\n".encode("big5"), "报名表.csv", "无法识别文件编码"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, "报名表.xlsx", "旧版 Excel"),
    ]
    for data, name, reason in cases:
        response = upload(boss, world.event_id, data, name)
        assert response.status_code == 422, name
        assert reason in text_of(response.get_data(as_text=True)), name
    assert count(app, world.event_id) == before


def test_excels_unicode_text_imports(app, client):
    world, _panel = scored_preliminary(app, client, {0: []})
    boss = organiser_pages(app, client)
    data = "姓名\t单位\r\n李四\t单位1\r\n".encode("utf-16")
    response = upload(boss, world.event_id, data, "报名表.txt")
    assert response.status_code == 200, text_of(response.get_data(as_text=True))[:500]
    assert "共 1 行，全部可以导入" in text_of(response.get_data(as_text=True))


def test_an_api_body_over_the_limit_is_413_in_the_error_shape(app, client):
    world, _panel = scored_preliminary(app, client, {0: []})
    big = b'{"name": "' + b"x" * app.config["MAX_CONTENT_LENGTH"] + b'"}'
    response = world.org.call("POST", f"/contests/{world.contest_id}/units", raw=big)
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
