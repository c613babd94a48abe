"""Two organisers edit one event's set-up in two browsers: the later save is refused with a
readable message, and the form shows what the other saved. SQLite only (the pages' database
work runs on both databases in tests/contest/web/console/test_concurrent_edits.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import screenshot, sign_in
from tests.support.factories import PASSWORD, build_world, make_user

pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def test_the_later_of_two_event_edits_is_refused(app, client, live_server, browser: Browser):
    world = build_world(app, client, per_unit=(1,))
    make_user(app, "boss1", "organiser")
    make_user(app, "boss2", "organiser")
    url = f"{live_server}/console/events/{world.event_id}/edit"
    pages = []
    for username in ("boss1", "boss2"):
        context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(10_000)
        sign_in(page, live_server, username, PASSWORD)
        page.goto(url)  # both read the set-up as it is now
        pages.append(page)
    first, second = pages

    first.fill("input[name=notice_working_days]", "7")
    first.click("button:has-text('保存设置')")
    expect(first.locator("body")).to_contain_text("赛项设置已保存")

    second.fill("input[name=name]", "数控车工")
    second.click("button:has-text('保存设置')")
    expect(second.locator("body")).to_contain_text("赛项设置已被他人修改，您这次的修改没有保存")
    expect(second.locator("input[name=name]")).to_have_value("数控铣工")
    expect(second.locator("input[name=notice_working_days]")).to_have_value("7")
    screenshot(second, "console-event-edited-meanwhile")

    # Made again on the page as it is now, the change is saved.
    second.fill("input[name=name]", "数控车工")
    second.click("button:has-text('保存设置')")
    expect(second.locator("body")).to_contain_text("赛项设置已保存")
    for page in pages:
        page.context.close()
