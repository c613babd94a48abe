"""Judging in a real browser: a judge fills a sheet by keyboard on a phone, a refused value is
shown on its row, and a second-entry mismatch is settled, signed and appealed at a desk.

These run on SQLite only (the `database` fixture is narrowed below): what they add over the
client-level tests in tests/web/judging is the page's script and layout, which do not depend
on the database; the rules themselves run on both databases there.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from competition.contest.services import judging as judging_service
from competition.extensions import db
from competition.models import Event, User
from tests.browser.conftest import screenshot, sign_in
from tests.support.factories import PASSWORD, build_world, judge, mark

pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)

UNIT_NAMES = ("北京亦庄精工数控机床有限公司", "北京经开航宇精密制造有限公司")
NAMES = ("张伟东", "王建军", "李志强", "刘晓燕", "<script>alert(1)</script>", "王堃", "吕𠮷祥")


def _contest(app, client):
    """Two units with a committee judge each, a chief judge, and real-looking contestants."""
    world = build_world(app, client, per_unit=())
    org = world.org
    for name in UNIT_NAMES:
        world.units.append(org.post(f"/contests/{world.contest_id}/units", {"name": name})["id"])
    for n, name in enumerate(NAMES):
        unit_id = world.units[0] if n < 4 else world.units[1]
        created = org.post(
            f"/events/{world.event_id}/contestants",
            {"name": name, "unit_id": unit_id, "number": f"{n * 3 + 101:03d}"},
        )
        world.contestants.setdefault(unit_id, []).append(created["id"])
    judges = {
        "chief": judge(app, client, org, world.event_id, "chief", chief=True)[1],
        "panel2": judge(app, client, org, world.event_id, "panel2")[1],
        "unit1": judge(app, client, org, world.event_id, "unit1", unit_id=world.units[0])[1],
        "unit2": judge(app, client, org, world.event_id, "unit2", unit_id=world.units[1])[1],
    }
    return world, judges


def _row(page: Page, number: str):
    return page.locator("table.sheet tbody tr", has=page.locator(f"th:text-is('{number}')"))


def _type_and_enter(page: Page, value: str) -> None:
    page.keyboard.type(value)
    page.keyboard.press("Enter")


def test_a_judge_fills_a_sheet_by_keyboard_on_a_phone(app, client, live_server, phone):
    world, _judges = _contest(app, client)
    sign_in(phone, live_server, "unit1", PASSWORD)
    phone.goto(f"{live_server}/judging")
    expect(phone.locator("h1")).to_have_text("我的评分")
    screenshot(phone, "judging-index")
    phone.click("text=理论知识")
    expect(phone.locator("#empty-count")).to_have_text("4")
    for name in (*NAMES, *UNIT_NAMES):
        assert name not in phone.content()  # contest numbers only before publication

    phone.locator("input.mark").first.focus()
    _type_and_enter(phone, "86.5")
    expect(_row(phone, "101").locator(".state")).to_have_text("已保存")
    expect(phone.locator("input.mark").nth(1)).to_be_focused()
    expect(phone.locator("#empty-count")).to_have_text("3")

    _type_and_enter(phone, "105")  # impossible: refused by the server, shown on the row
    refused = _row(phone, "104")
    expect(refused.locator(".state")).to_have_text("理论知识的分数应在 0 到 100 之间")
    expect(refused).to_have_class(re.compile(r"\bfailed\b"))
    expect(refused.locator("input")).to_be_focused()  # the judge stays on the refused row
    expect(phone.locator("#empty-count")).to_have_text("3")
    screenshot(phone, "judging-sheet-refused")

    _type_and_enter(phone, "95")  # the refused text is selected: typing replaces it
    expect(refused.locator(".state")).to_have_text("已保存")
    expect(refused.locator("input")).to_have_value("95.00")
    _type_and_enter(phone, "7a")
    expect(_row(phone, "107").locator(".state")).to_have_text("应为数字")
    phone.keyboard.press("Control+A")
    _type_and_enter(phone, "缺考")  # an absence is recorded apart, in the field's own words
    expect(_row(phone, "107").locator(".state")).to_have_text(
        "缺考、弃权不作为分数录入：请由裁判长或组委会登记缺考/弃权，此处留空"
    )
    phone.keyboard.press("Control+A")
    _type_and_enter(phone, "78")
    _type_and_enter(phone, "90.25")
    expect(_row(phone, "110").locator(".state")).to_have_text("已保存")
    expect(phone.locator("#empty-count")).to_have_text("0")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the sheet is {width}px wide on a 390px screen"
    screenshot(phone, "judging-sheet")

    phone.reload()
    expect(phone.locator("input.mark")).to_have_count(4)
    values = [phone.locator("input.mark").nth(n).input_value() for n in range(4)]
    assert values == ["86.50", "95.00", "78.00", "90.25"]
    marks = world.org.get(f"/events/{world.event_id}/rounds/preliminary/marks")["marks"]
    assert sorted(m["value"] for m in marks) == ["78.00", "86.50", "90.25", "95.00"]

    # Meanwhile the chief judge signs the sheet: the server refuses the next change, on its row.
    with app.app_context():
        event = db.session.get(Event, world.event_id)
        ref = judging_service.sheet_ref(
            event, event.round("preliminary"), "theory", _user_id(app, "unit1")
        )
        judging_service.sign_sheet(ref, db.session.get(User, _user_id(app, "chief")))
        db.session.commit()
    phone.locator("input.mark").first.focus()
    phone.keyboard.press("Control+A")
    _type_and_enter(phone, "87")
    expect(_row(phone, "101").locator(".state")).to_have_text(
        "该评分表已由裁判长签字锁定；如需更改，须由组委会注明理由重新开放"
    )
    expect(_row(phone, "101")).to_have_class(re.compile(r"\bfailed\b"))


def test_a_second_entry_mismatch_is_settled_signed_and_appealed(app, client, live_server, page):
    world, judges = _contest(app, client)
    event_id = world.event_id
    unit1_ids = world.contestants[world.units[0]]
    for n, contestant_id in enumerate(unit1_ids):
        for component, base in (("theory", 80), ("practical", 70)):
            mark(judges["unit1"], event_id, "preliminary", contestant_id, component, base + n)
    for n, contestant_id in enumerate(world.contestants[world.units[1]]):
        for component, base in (("theory", 75), ("practical", 65)):
            mark(judges["unit2"], event_id, "preliminary", contestant_id, component, base + n)
    review = f"{live_server}/judging/events/{event_id}/preliminary/theory/sheets"

    # The organiser asks for a second entry of unit 1's theory sheet.
    sign_in(page, live_server, "org", PASSWORD)
    page.goto(f"{live_server}/console/progress")
    page.click("a:text-is('unit1') >> nth=0")
    page.click("button:has-text('要求二次录入')")
    expect(page.locator(".flash.success")).to_have_text("已要求二次录入。")
    page.click("header button:has-text('退出')")

    # The chief judge re-enters it from the paper, blind, with one typing slip.
    sign_in(page, live_server, "chief", PASSWORD)
    page.goto(f"{live_server}/judging")
    page.click("a:has-text('初赛 · 理论知识 · unit1')")
    expect(page.locator("h1")).to_contain_text("二次录入")
    assert "80.00" not in page.content()
    page.locator("input.mark").first.focus()
    for value in ("80", "18", "82", "83"):
        _type_and_enter(page, value)
    expect(page.locator("#empty-count")).to_have_text("0")
    expect(page.locator("table.sheet tr.saved")).to_have_count(4)
    screenshot(page, "judging-second-entry")
    page.goto(f"{review}/{_user_id(app, 'unit1')}")
    mismatch = page.locator("tr.mismatch")
    expect(mismatch).to_have_count(1)
    expect(mismatch.locator("td.num").nth(0)).to_have_text("81.00")  # the judge's entry
    expect(mismatch.locator("td.num").nth(1)).to_have_text("18.00")  # the second entry
    expect(page.locator("button:has-text('签字确认')")).to_be_disabled()
    screenshot(page, "judging-second-entry-mismatch")

    # The paper says 81: the judge's entry stands; then the chief judge signs.
    page.click("button:has-text('以裁判录入 81.00 为准')")
    expect(page.locator(".flash.success")).to_contain_text("已核定为 81.00")
    expect(page.locator("tr.mismatch")).to_have_count(0)
    page.click("button:has-text('签字确认')")
    expect(page.locator(".flash.success")).to_contain_text("已签字确认")
    screenshot(page, "judging-review-signed")
    page.click("header button:has-text('退出')")

    # The organiser publishes, and an appeal changes a published mark.
    org = world.org
    org.post(f"/events/{event_id}/rounds/preliminary/publish", status=200)
    sign_in(page, live_server, "org", PASSWORD)
    page.goto(f"{live_server}/console/progress")
    expect(page.locator("tr.summary").first).to_contain_text("1 / 1 张已核对")
    screenshot(page, "judging-progress")
    page.goto(f"{live_server}/console/appeals")
    page.click("a.button:has-text('数控铣工')")
    page.select_option("select[name=contestant_id]", label=f"104 · 王建军 · {UNIT_NAMES[0]}")
    page.fill("input[name=filed_by]", "王建军")
    page.fill("textarea[name=subject]", "理论考试第 3 题判分有误，请复核")
    page.click("button:has-text('登记')")
    expect(page.locator(".flash.success")).to_have_text("申诉已登记。")
    page.check("input[value=upheld]")
    page.fill("textarea[name=reason]", "复核答卷，第 3 题应得分，理论加 2 分")
    page.fill("input[aria-label='新分：理论知识，unit1']", "83")
    page.click("button:has-text('记录处理结果')")
    expect(page.locator(".flash.success")).to_have_text("申诉处理结果已记录。")
    expect(page.locator("h1 .badge")).to_have_text("申诉成立")
    screenshot(page, "judging-appeal")
    page.click("a:has-text('104 · 王建军')")
    expect(page.locator("table.audit")).to_contain_text("复核答卷，第 3 题应得分")
    screenshot(page, "judging-audit")

    # Published: the judge now sees names, as text; the sheet went back to sign-off.
    page.click("header button:has-text('退出')")
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    sign_in(page, live_server, "unit2", PASSWORD)
    page.goto(f"{live_server}/judging/events/{event_id}/preliminary/theory")
    expect(page.locator("th.number .who").first).to_have_text(
        f"<script>alert(1)</script> · {UNIT_NAMES[1]}"
    )
    expect(page.locator(".flash.error")).to_contain_text("本轮成绩已发布")
    assert dialogs == []
    page.click("header button:has-text('退出')")
    sign_in(page, live_server, "chief", PASSWORD)
    page.goto(f"{review}/{_user_id(app, 'unit1')}")
    expect(page.locator("dl.facts")).to_contain_text("未签字")


def _user_id(app, username: str) -> int:
    with app.app_context():
        return db.session.scalar(select(User.id).where(User.username == username))


def test_a_sheet_never_overwrites_a_mark_it_did_not_show(app, client, live_server, phone):
    """The judge's phone shows the sheet; meanwhile the same judge's tablet changes one mark
    and makes another. The phone's next save of either row is refused on its row with the
    value as it is now; Enter again replaces it, on purpose."""
    world, judges = _contest(app, client)
    first, second = world.contestants[world.units[0]][:2]
    mark(judges["unit1"], world.event_id, "preliminary", first, "theory", "80")
    sign_in(phone, live_server, "unit1", PASSWORD)
    phone.goto(f"{live_server}/judging")
    phone.click("text=理论知识")
    expect(_row(phone, "101").locator("input")).to_have_value("80.00")

    tablet = judges["unit1"]  # the same judge, signed in on another device
    mark(tablet, world.event_id, "preliminary", first, "theory", "82")
    mark(tablet, world.event_id, "preliminary", second, "theory", "70")

    phone.locator("input.mark").first.focus()
    phone.keyboard.press("Control+A")
    _type_and_enter(phone, "85")
    changed = _row(phone, "101")
    expect(changed.locator(".state")).to_contain_text("他人已改为 82.00；您输入的是 85")
    expect(changed.locator(".state")).to_contain_text("或再按回车，以您输入的分数替换")
    expect(changed).to_have_class(re.compile(r"\bconflict\b"))
    expect(changed.locator("button.keep-theirs")).to_have_text("保留 82.00")
    expect(changed.locator("button.use-mine")).to_have_text("改为 85")
    _type_and_enter(phone, "90")  # the empty row on the phone: the tablet made it meanwhile
    expect(_row(phone, "104").locator(".state")).to_contain_text("他人已改为 70.00")
    screenshot(phone, "judging-sheet-changed-elsewhere")

    phone.locator("input.mark").first.focus()
    phone.keyboard.press("Control+A")
    _type_and_enter(phone, "85")  # now knowingly over 82
    expect(changed.locator(".state")).to_have_text("已保存")
    _type_and_enter(phone, "90")
    expect(_row(phone, "104").locator(".state")).to_have_text("已保存")
    marks = world.org.get(f"/events/{world.event_id}/rounds/preliminary/marks")["marks"]
    assert {m["contestant_id"]: m["value"] for m in marks} == {first: "85.00", second: "90.00"}
