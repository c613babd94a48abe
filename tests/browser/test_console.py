"""An organiser runs a contest's set-up and publication in a real browser.

Marks come in through the API here: the judges' pages are another part of the product. Browser
tests run on the first test database only (SQLite by default); the pages' database work is
covered on both by tests/web/console.
"""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import Page, expect

from tests.browser.conftest import screenshot, sign_in
from tests.conftest import BACKENDS
from tests.support.factories import PASSWORD, Api, judge, login, make_user, mark


@pytest.fixture(autouse=True)
def _first_database_only(database):
    if database[0] != BACKENDS[0]:
        pytest.skip(f"browser tests run on {BACKENDS[0]} only")


@pytest.fixture(autouse=True)
def _import_folder(app, tmp_path):
    app.config["IMPORT_FOLDER"] = str(tmp_path / "imports")


def _workbook(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _upload(page: Page, data: bytes, name: str, create_units: bool = False) -> None:
    page.click("nav.tabs >> text=导入")
    page.set_input_files(
        "input[type=file]",
        files=[{"name": name, "mimeType": "application/octet-stream", "buffer": data}],
    )
    if create_units:
        page.check("input[name=create_units]")
    page.click("button:has-text('上传并预览')")


def _create_event(page: Page) -> None:
    page.click("text=新建赛项")
    page.fill("input[name=name]", "数控铣工")
    # The reference rules are filled in; add time used as the second tie-break, lower first.
    page.fill("input[name='components-2-key']", "time_used")
    page.fill("input[name='components-2-name']", "操作用时(分钟)")
    page.fill("input[name='components-2-weight']", "0")
    page.fill("input[name='components-2-max_score']", "600")
    page.select_option("select[name='components-2-direction']", "lower")
    page.select_option("select[name='components-2-tie_break']", "2")
    # A typo first: the weights no longer add up to 1.
    page.fill("input[name='components-1-weight']", "0.75")
    page.click("button:has-text('创建赛项')")
    expect(page.locator(".problems")).to_contain_text("各评分项权重之和须为 1，现为 1.05")
    screenshot(page, "console-event-setup-refused")
    page.fill("input[name='components-1-weight']", "0.70")
    screenshot(page, "console-event-setup")
    page.click("button:has-text('创建赛项')")
    expect(page.locator(".flash")).to_contain_text("赛项已创建")


def _mark_everyone(app, client, event_id: int) -> None:
    org = login(client, "organiser")
    _uid, panel = judge(app, client, org, event_id, "panel1")
    contestants = org.get(f"/events/{event_id}/contestants")["contestants"]
    by_name = {c["name"]: c["id"] for c in contestants}
    # (theory, practical, time used): 李四 and 王五 tie on total and practical and are
    # separated by time; 赵六 and 钱七 are equal on everything.
    scores = {
        "张三": (92, 90, 150),
        "李四": (80, 85, 160),
        "王五": (80, 85, 170),
        "<script>alert(1)</script>": (70, 75, 150),
        "赵六": (60, 70, 180),
        "钱七": (60, 70, 180),
        "孙八": (50, 60, 200),
    }
    for name, (theory, practical, time_used) in scores.items():
        cid = by_name[name]
        mark(panel, event_id, "preliminary", cid, "theory", theory)
        mark(panel, event_id, "preliminary", cid, "practical", practical)
        mark(panel, event_id, "preliminary", cid, "time_used", time_used)
    assert isinstance(panel, Api)


def test_an_organiser_sets_up_imports_rules_on_a_tie_and_publishes(app, client, live_server, page):
    make_user(app, "organiser", "organiser")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "organiser", PASSWORD)

    page.goto(f"{live_server}/console")
    page.fill("input[name=name]", "职工职业技能竞赛")
    page.fill("input[name=edition]", "第六届")
    page.fill("input[name=host]", "开发区总工会")
    screenshot(page, "console-home")
    page.click("button:has-text('创建竞赛')")
    expect(page.locator(".flash")).to_contain_text("竞赛已创建")
    page.fill("textarea[name='units-names']", "精工数控\n航宇精密")
    page.click("button:has-text('登记单位')")
    expect(page.locator("#units + ol")).to_contain_text("航宇精密")
    screenshot(page, "console-contest")

    _create_event(page)
    event_id = int(re.search(r"/console/events/(\d+)", page.url).group(1))

    # A file with a bad row: nothing is stored, the row says why.
    bad = _workbook(
        [
            ["姓名", "单位", "身份证号"],
            ["张三", "精工数控", "11010519491231002X"],
            ["李四", "精工数控", "110105194912310021"],
        ]
    )
    _upload(page, bad, "报名表.xlsx")
    expect(page.locator(".problems")).to_contain_text("第 3 行（李四）：身份证号校验位不正确")
    expect(page.locator("button:has-text('确认导入')")).to_have_count(0)
    screenshot(page, "console-import-refused")

    good = _workbook(
        [
            ["姓名", "单位", "身份证号"],
            ["张三", "精工数控", "11010519491231002X"],
            ["李四", "精工数控", ""],
            ["王五", "精工数控", ""],
            ["<script>alert(1)</script>", "精工数控", ""],
            ["赵六", "航宇精密", ""],
            ["钱七", "航宇精密", ""],
            ["孙八", "凯晟光电", ""],
        ]
    )
    _upload(page, good, "报名表.xlsx")
    expect(page.locator(".problems")).to_contain_text("单位“凯晟光电”未在本竞赛登记")
    page.click("button:has-text('登记这些单位并重新检查')")
    expect(page.locator(".ok-box")).to_contain_text("共 7 行，全部可以导入")
    screenshot(page, "console-import-preview")
    page.click("button:has-text('确认导入 7 名选手')")
    expect(page.locator(".flash")).to_contain_text("已导入 7 名选手")
    expect(page.locator("table")).to_contain_text("<script>alert(1)</script>")
    expect(page.locator("table")).to_contain_text("110***********002X")
    screenshot(page, "console-contestants")

    page.click("nav.tabs >> text=准考证")
    expect(page.locator(".slip")).to_have_count(7)
    screenshot(page, "console-slips")

    _mark_everyone(app, client, event_id)

    page.click("nav.tabs >> text=初赛排名")
    expect(page.locator(".publish")).to_contain_text("1 组同分未裁定")
    expect(page.locator("table.ranking")).to_contain_text("操作用时较少")
    expect(page.locator("table.ranking")).to_contain_text("操作用时较多")
    expect(page.locator("table.ranking")).to_contain_text("待裁定")
    tie = page.locator("form.tie")
    tie.locator("select[name=order]").nth(0).select_option(label="006 钱七")
    tie.locator("select[name=order]").nth(1).select_option(label="005 赵六")
    tie.locator("textarea[name=reason]").fill("经裁判长裁定，按现场抽签结果排序")
    screenshot(page, "console-ranking-tie")
    tie.locator("button").click()
    expect(page.locator(".flash")).to_contain_text("裁定已记录")
    expect(page.locator(".rulings")).to_contain_text("006 钱七 › 005 赵六")

    page.check("input[name=confirm]")
    page.click("button:has-text('发布初赛成绩')")
    expect(page.locator(".flash")).to_contain_text("初赛成绩已发布，公示期至")
    expect(page.locator("h1 .badge")).to_contain_text("公示期至")
    screenshot(page, "console-published")

    page.click("nav.tabs >> text=推荐决赛")
    unit = page.locator("section.unit-rec").first
    expect(unit).to_contain_text("差一名")
    unit.locator("button:has-text('确认推荐')").click()
    expect(page.locator(".flash")).to_contain_text("精工数控：已推荐 3 名决赛选手")
    screenshot(page, "console-finalists")
    assert dialogs == []  # the <script> name never ran
