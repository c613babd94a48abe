"""A judge marks a practical item by item on a tablet, by keyboard only: Enter saves and moves
on, full-width digits from a Chinese input method are taken as typed, the judge's mark of the
component appears once every measured and judged item is in, and a refusal shows on its row."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import Mark
from tests.browser.conftest import screenshot, sign_in
from tests.support.factories import PASSWORD, build_world, judge

pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)

EVENT = {
    "components": [
        {"key": "theory", "name": "理论知识", "weight": "0.30", "max_score": "100"},
        {"key": "practical", "name": "技能操作", "weight": "0.70", "max_score": "10"},
    ],
    "tie_breaks": ["practical"],
}
SCHEME = {
    "max_judgement_spread": 1,
    "items": [
        {"code": "M1", "kind": "measurement", "name": "外径", "points": "4",
         "nominal": "40.000", "lower": "-0.020", "upper": "0.020"},
        {"code": "J1", "kind": "judgement", "name": "表面质量", "points": "6"},
        {"code": "D1", "kind": "deduction", "name": "安全文明生产", "points": "5"},
    ],
}  # fmt: skip


def test_a_judge_marks_items_by_keyboard(app, client, live_server, tablet):
    world = build_world(app, client, per_unit=(2,), event=EVENT)
    world.org.put(f"/events/{world.event_id}/components/practical/scheme", SCHEME)
    judge(app, client, world.org, world.event_id, "panel")
    sign_in(tablet, live_server, "panel", PASSWORD)
    tablet.goto(f"{live_server}/judging")
    tablet.click("text=技能操作")
    expect(tablet.locator("h1")).to_contain_text("技能操作")
    inputs = tablet.locator("input.item-value")
    expect(inputs).to_have_count(6)
    inputs.first.focus()
    # Full width, as typed with the input method in full-width mode; on the limit: 4 points.
    tablet.keyboard.type("４０．０２")
    tablet.keyboard.press("Enter")
    first = tablet.locator("section.item-block").first
    row = first.locator("tr", has=tablet.locator("th", has_text="M1"))
    expect(row.locator(".state")).to_have_text("已保存")
    expect(row.locator(".points")).to_have_text("4.00")
    expect(row.locator("input")).to_have_value("40.02")
    expect(inputs.nth(1)).to_be_focused()
    tablet.keyboard.type("5")  # not 0-3: refused on its row, and the judge can type again
    tablet.keyboard.press("Enter")
    judged = first.locator("tr", has=tablet.locator("th", has_text="J1"))
    expect(judged.locator(".state")).to_have_text(re.compile("0、1、2 或 3"))
    inputs.nth(1).fill("")
    inputs.nth(1).focus()
    tablet.keyboard.type("２")
    tablet.keyboard.press("Enter")
    expect(judged.locator(".points")).to_have_text("4.00")
    expect(first.locator(".judge-mark")).to_have_text("8.00")
    expect(inputs.nth(2)).to_be_focused()
    tablet.keyboard.type("1.5")
    tablet.keyboard.press("Enter")
    expect(first.locator(".judge-mark")).to_have_text("6.50")
    expect(inputs.nth(3)).to_be_focused()  # the next contestant's first item
    screenshot(tablet, "judging-item-sheet")
    with app.app_context():
        marks = db.session.scalars(select(Mark.exact_units)).all()
        assert marks == [1950]  # 6.5 points in 1/300ths


def test_items_typed_during_an_outage_are_sent_when_the_network_returns(
    app, client, live_server, tablet
):
    from tests.browser.test_offline_sheet import Outage

    world = build_world(app, client, per_unit=(1,), event=EVENT)
    world.org.put(f"/events/{world.event_id}/components/practical/scheme", SCHEME)
    judge(app, client, world.org, world.event_id, "panel")
    outage = Outage(app, tablet.context)
    sign_in(tablet, live_server, "panel", PASSWORD)
    tablet.goto(f"{live_server}/judging/events/{world.event_id}/preliminary/practical")
    inputs = tablet.locator("input.item-value")
    outage.begin()
    inputs.first.focus()
    tablet.keyboard.type("40")
    tablet.keyboard.press("Enter")
    tablet.keyboard.type("3")
    tablet.keyboard.press("Enter")
    first = tablet.locator("section.item-block").first
    expect(first.locator("tr.queued")).to_have_count(2)
    expect(first.locator("tr.queued .state").first).to_contain_text("待发送")
    # Reopened while still offline would need the worker; reloaded once online, nothing is lost.
    outage.end()
    tablet.evaluate("window.dispatchEvent(new Event('online'))")
    expect(first.locator(".judge-mark")).to_have_text("10.00", timeout=5000)
    expect(first.locator("tr.queued")).to_have_count(0)
    tablet.reload()
    expect(inputs.nth(1)).to_have_value("3")
    with app.app_context():
        assert db.session.scalars(select(Mark.exact_units)).all() == [3000]


def test_items_left_unsent_are_sent_when_the_sheet_is_opened_again(
    app, client, live_server, tablet
):
    from tests.browser.test_offline_sheet import Outage

    world = build_world(app, client, per_unit=(1,), event=EVENT)
    world.org.put(f"/events/{world.event_id}/components/practical/scheme", SCHEME)
    judge(app, client, world.org, world.event_id, "panel")
    outage = Outage(app, tablet.context)
    sign_in(tablet, live_server, "panel", PASSWORD)
    url = f"{live_server}/judging/events/{world.event_id}/preliminary/practical"
    tablet.goto(url)
    outage.begin()
    tablet.locator("input.item-value").first.focus()
    tablet.keyboard.type("４０")
    tablet.keyboard.press("Enter")
    expect(tablet.locator("tr.queued")).to_have_count(1)
    tablet.close(run_before_unload=False)  # the tablet's battery runs out
    outage.end()
    again = tablet.context.new_page()
    again.goto(url)
    row = again.locator("tr", has=again.locator("th", has_text="M1"))
    expect(row.locator(".state")).to_have_text("已保存")
    expect(row.locator(".points")).to_have_text("4.00")
    expect(again.locator("tr.queued")).to_have_count(0)
