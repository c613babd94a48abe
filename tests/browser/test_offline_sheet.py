"""A score sheet that never loses a typed mark, whatever the venue's Wi-Fi does (issue #24).

A judge on a tablet (820×1180) marks while the browser is taken offline and back through
Playwright (which Chromium applies to the page and its service worker alike), and with two
seconds of latency through the DevTools protocol. The server is the real one: what it holds
is read back through the API.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import func, select

from competition.extensions import db
from competition.models import AuditEntry
from tests.browser.conftest import screenshot, sign_in
from tests.browser.test_judging import _contest, _row, _type_and_enter
from tests.support.factories import PASSWORD, mark

pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)

QUEUED = "待发送：已存在本机，网络恢复后自动保存"


def _open_sheet(page: Page, base: str) -> None:
    sign_in(page, base, "unit1", PASSWORD)
    page.goto(f"{base}/judging")
    page.click("text=理论知识")
    expect(page.locator("table.sheet")).to_be_visible()


class Outage:
    """The venue's Wi-Fi drops: the browser goes offline (Playwright, for the page and its
    service worker), and the server hears no save meanwhile. The second half is needed
    because Chromium still sends a save of a page that the worker served from its copy
    (neither the offline mode nor a route covers it); a real outage does not."""

    def __init__(self, app: Flask, context: BrowserContext) -> None:
        self.context = context
        self.down = False
        wsgi = app.wsgi_app

        def unreachable(environ: dict, start_response: Any) -> Any:
            saving = environ["REQUEST_METHOD"] == "PUT" and environ["PATH_INFO"].startswith(
                "/judging/"
            )
            if self.down and saving:  # the judge's device; another one (the API) still works
                start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
                return [b"unreachable"]
            return wsgi(environ, start_response)

        app.wsgi_app = unreachable  # type: ignore[method-assign]

    def begin(self) -> None:
        self.down = True
        self.context.set_offline(True)

    def end(self) -> None:
        self.context.set_offline(False)
        self.down = False


def _stored(world) -> dict[int, str]:
    marks = world.org.get(f"/events/{world.event_id}/rounds/preliminary/marks")["marks"]
    return {m["contestant_id"]: m["value"] for m in marks}


def _kept_offline(page: Page) -> None:
    """Wait until the service worker has the sheet: from then on it opens without network."""
    page.wait_for_function(
        """() => navigator.serviceWorker.controller !== null || caches.open("score-sheets-v1")
              .then((cache) => cache.match(location.href)).then(Boolean)""",
        timeout=10_000,
    )
    page.wait_for_function(
        """() => caches.open("score-sheets-v1")
              .then((cache) => cache.match(location.href)).then(Boolean)""",
        timeout=10_000,
    )


def test_marks_typed_offline_are_kept_and_sent_on_their_own_when_the_network_returns(
    app, client, live_server, tablet
):
    world, _judges = _contest(app, client)
    first, second, third, fourth = world.contestants[world.units[0]]
    outage = Outage(app, tablet.context)
    _open_sheet(tablet, live_server)
    tablet.locator("input.mark").first.focus()
    _type_and_enter(tablet, "86")
    expect(_row(tablet, "101").locator(".state")).to_have_text("已保存")

    outage.begin()
    for value in ("75", "80.5", "９１"):  # the last typed with the input method in full width
        _type_and_enter(tablet, value)
    for number in ("104", "107", "110"):
        expect(_row(tablet, number).locator(".state")).to_have_text(QUEUED)
        expect(_row(tablet, number)).to_have_class(re.compile(r"\bqueued\b"))
    expect(_row(tablet, "110").locator("input")).to_have_value("91")
    banner = tablet.locator("#sheet-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("网络不通")
    expect(banner).to_contain_text("3 个分数尚未保存到服务器")
    expect(tablet.locator("#saved-count")).to_have_text("1")
    expect(tablet.locator("#queued-count")).to_have_text("3")
    expect(tablet.locator("#empty-count")).to_have_text("0")
    # Enter on the last row went on to the sheet's next step.
    expect(tablet.locator("#sheet-next")).to_be_focused()
    screenshot(tablet, "judging-sheet-offline")
    assert _stored(world) == {first: "86.00"}

    outage.end()  # nothing touched: the page sends them itself
    for number in ("104", "107", "110"):
        expect(_row(tablet, number).locator(".state")).to_have_text("已保存")
    expect(banner).to_be_hidden()
    expect(tablet.locator("#queued-count")).to_have_text("0")
    expect(tablet.locator("#saved-count")).to_have_text("4")
    assert _stored(world) == {first: "86.00", second: "75.00", third: "80.50", fourth: "91.00"}


def test_a_sheet_reopened_offline_restores_its_queued_marks_and_saves_them_later(
    app, client, live_server, tablet
):
    world, _judges = _contest(app, client)
    first, second = world.contestants[world.units[0]][:2]
    outage = Outage(app, tablet.context)
    _open_sheet(tablet, live_server)
    tablet.locator("input.mark").first.focus()
    _type_and_enter(tablet, "70")
    expect(_row(tablet, "101").locator(".state")).to_have_text("已保存")
    _kept_offline(tablet)

    outage.begin()
    _type_and_enter(tablet, "88.5")
    expect(_row(tablet, "104").locator(".state")).to_have_text(QUEUED)
    tablet.once("dialog", lambda dialog: dialog.accept())  # "leave page?": yes
    tablet.reload()
    # Opened from the device's copy: the stored mark as last known, the queued one queued.
    expect(tablet.locator("table.sheet")).to_have_attribute("data-source", "cache")
    expect(_row(tablet, "101").locator("input")).to_have_value("70.00")
    expect(_row(tablet, "104").locator("input")).to_have_value("88.5")
    expect(_row(tablet, "104").locator(".state")).to_have_text(QUEUED)
    expect(tablet.locator("#queued-count")).to_have_text("1")
    screenshot(tablet, "judging-sheet-reopened-offline")
    assert _stored(world) == {first: "70.00"}

    outage.end()
    expect(_row(tablet, "104").locator(".state")).to_have_text("已保存")
    assert _stored(world) == {first: "70.00", second: "88.50"}

    # A reload online shows the server's page, and nothing is left to send.
    tablet.reload()
    expect(tablet.locator("table.sheet")).to_have_attribute("data-source", "network")
    expect(_row(tablet, "104").locator("input")).to_have_value("88.50")
    expect(tablet.locator("#queued-count")).to_have_text("0")


def test_closing_with_unsaved_marks_asks_first_and_the_next_opening_sends_them(
    app, client, live_server, browser
):
    world, _judges = _contest(app, client)
    second = world.contestants[world.units[0]][1]
    context = browser.new_context(locale="zh-CN", viewport={"width": 820, "height": 1180})
    outage = Outage(app, context)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        _open_sheet(page, live_server)
        row = _row(page, "104")
        row.locator("input").click()
        outage.begin()
        _type_and_enter(page, "66")
        expect(row.locator(".state")).to_have_text(QUEUED)
        asked = []

        def leave(dialog) -> None:
            asked.append(dialog.type)
            dialog.dismiss()  # stay

        page.on("dialog", leave)
        page.close(run_before_unload=True)
        page.wait_for_timeout(300)
        assert asked == ["beforeunload"]
        assert not page.is_closed()  # the judge stayed
        page.remove_listener("dialog", leave)
        page.once("dialog", lambda dialog: dialog.accept())
        page.close(run_before_unload=True)
        page.wait_for_event("close")

        # The tab is gone with the mark unsent; the next opening, online, sends it.
        outage.end()
        again = context.new_page()
        again.set_default_timeout(10_000)
        again.goto(f"{live_server}/judging")
        again.click("text=理论知识")
        expect(_row(again, "104").locator(".state")).to_have_text("已保存")
        assert _stored(world) == {second: "66.00"}
    finally:
        context.close()


def test_a_mark_changed_meanwhile_gives_the_judge_the_choice_not_an_overwrite(
    app, client, live_server, tablet
):
    world, judges = _contest(app, client)
    first, second = world.contestants[world.units[0]][:2]
    for contestant in (first, second):
        mark(judges["unit1"], world.event_id, "preliminary", contestant, "theory", "80")
    outage = Outage(app, tablet.context)
    _open_sheet(tablet, live_server)
    outage.begin()
    for number, value in (("101", "85"), ("104", "90")):
        _row(tablet, number).locator("input").click()
        tablet.keyboard.press("Control+A")
        _type_and_enter(tablet, value)
        expect(_row(tablet, number).locator(".state")).to_have_text(QUEUED)

    # Meanwhile an appeal's outcome (or the judge's other device) changes both marks.
    for contestant in (first, second):
        mark(judges["unit1"], world.event_id, "preliminary", contestant, "theory", "82")
    with app.app_context():
        entries = db.session.scalar(select(func.count()).select_from(AuditEntry))

    outage.end()
    for number, mine in (("101", "85"), ("104", "90")):
        row = _row(tablet, number)
        expect(row).to_have_class(re.compile(r"\bconflict\b"))
        expect(row.locator(".state")).to_contain_text(f"他人已改为 82.00；您输入的是 {mine}")
    screenshot(tablet, "judging-sheet-conflict")
    assert _stored(world) == {first: "82.00", second: "82.00"}  # nothing overwritten

    _row(tablet, "101").locator("button.use-mine").click()
    expect(_row(tablet, "101").locator(".state")).to_have_text("已保存")
    _row(tablet, "104").locator("button.keep-theirs").click()
    expect(_row(tablet, "104").locator("input")).to_have_value("82.00")
    expect(_row(tablet, "104").locator(".state")).to_have_text("已保存")
    assert _stored(world) == {first: "85.00", second: "82.00"}
    with app.app_context():
        after = db.session.scalar(select(func.count()).select_from(AuditEntry))
    assert after == entries + 1  # the one chosen change, once
    expect(tablet.locator("#queued-count")).to_have_text("0")


def test_a_value_cleared_while_its_save_is_slow_shows_what_the_server_keeps(
    app, client, live_server, tablet
):
    world, _judges = _contest(app, client)
    first = world.contestants[world.units[0]][0]
    _open_sheet(tablet, live_server)
    cdp = tablet.context.new_cdp_session(tablet)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 2000, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    row = _row(tablet, "101")
    row.locator("input").click()
    _type_and_enter(tablet, "77")
    expect(row.locator(".state")).to_have_text("保存中…")
    row.locator("input").click()
    tablet.keyboard.press("Control+A")
    tablet.keyboard.press("Delete")
    tablet.keyboard.press("Enter")  # cleared before the reply came
    expect(row.locator("input")).to_have_value(re.compile(r"^77(\.00)?$"))
    expect(row.locator(".state")).to_have_text("已保存", timeout=10_000)
    expect(row.locator("input")).to_have_value("77.00")
    assert _stored(world) == {first: "77.00"}


def test_each_input_names_its_contestant_and_component_and_its_message(
    app, client, live_server, tablet
):
    _contest(app, client)
    _open_sheet(tablet, live_server)
    field = tablet.get_by_label("101 号的理论知识分数")
    expect(field).to_be_visible()
    field.click()
    _type_and_enter(tablet, "120")
    described = field.get_attribute("aria-describedby")
    assert described
    expect(tablet.locator(f"#{described}")).to_have_text("理论知识的分数应在 0 到 100 之间")
    expect(field).to_have_attribute("aria-invalid", "true")
    outline = field.evaluate("(el) => getComputedStyle(el).outlineWidth")
    assert outline == "3px"
