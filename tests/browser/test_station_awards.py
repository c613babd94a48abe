"""The service stations' programme in a real browser, from a union's nomination to the public
list on a phone: the union nominates a station with its evidence and submits it; an expert of
another unit reviews it on the form (an expert of the same unit is refused); the panel lead
signs; the organiser publishes and, after the notice, confirms; a delivery rider finds the
station by district on a 375 px wide phone, with its address and opening hours.

SQLite only (the `database` fixture is narrowed below): the rules and access checks run on both
databases in tests/awards; what this adds is the pages, forms and layout.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Browser, Page, expect

from competition.extensions import db
from competition.models import AwardUnit
from tests.awards.factories import add_station, judge, judge_by_all, make_programme
from tests.browser.conftest import screenshot, sign_in
from tests.support.factories import PASSWORD, make_user

pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def _union_of_unit_0(app, world) -> None:
    user_id = make_user(app, "union1", "union")
    with app.app_context():
        unit = db.session.get(AwardUnit, world.units[0])
        assert unit is not None
        unit.user_id = user_id
        db.session.commit()


def _as(page: Page, base: str, username: str) -> None:
    """Sign in afresh (the previous person's session dropped)."""
    page.context.clear_cookies()
    sign_in(page, base, username, PASSWORD)


def _nominate(page: Page, base: str, programme_id: int) -> None:
    _as(page, base, "union1")
    page.goto(f"{base}/awards/programmes/{programme_id}/stations/new")
    page.fill("#station-name", "望京骑手之家")
    page.select_option("#station-level", "national")
    page.fill("#station-address", "望京街 9 号")
    page.fill("#station-district", "朝阳区")
    page.fill("#station-opening_hours", "全天24小时")
    page.click("text=保存站点")
    for key, text in (
        ("place", "临街一层"),
        ("facilities", "饮水、充电、微波炉"),
        ("rules", "制度上墙"),
    ):
        form = page.locator(f"form[action$='/evidence/{key}']")
        form.locator("textarea").fill(text)
        form.locator("button[type=submit]").click()
    page.click("#submit-station")
    expect(page.locator("body")).to_contain_text("已提交")


def test_from_nomination_to_the_public_list_on_a_phone(
    app, client, live_server, page: Page, browser: Browser, monkeypatch
) -> None:
    world = make_programme(app, client)
    _union_of_unit_0(app, world)
    pid = world.programme_id
    rival = add_station(app, world, "中关村暖心驿站", unit=1, district="海淀区")
    judge_by_all(world, rival, 1, 15, 20)

    _nominate(page, live_server, pid)
    station = int(page.url.rstrip("/").split("/")[-1])

    # expert_c sits for unit 0: not on their list, and the form is refused
    _as(page, live_server, "expert_c")
    page.goto(f"{live_server}/awards/review/{pid}")
    expect(page.locator("ol.worklist")).not_to_contain_text("望京骑手之家")
    response = page.goto(f"{live_server}/awards/review/{pid}/stations/{station}")
    assert response is not None and response.status == 403

    # expert_b reviews on the form: a value over the maximum is refused, then saved
    _as(page, live_server, "expert_b")
    page.goto(f"{live_server}/awards/review/{pid}")
    page.click("text=望京骑手之家")
    expect(page.locator("fieldset[data-criterion=place]")).to_contain_text("临街一层")
    page.fill("input[name=points-place]", "２５")  # full width, and over 20
    page.fill("input[name=points-facilities]", "28")
    page.select_option("select[name=passed-rules]", "yes")
    page.fill("textarea[name=comment-place]", "临街，位置醒目")
    page.click("form.award-review button[type=submit]")
    expect(page.locator("fieldset[data-criterion=place]")).to_contain_text("0 到 20")
    page.fill("input[name=points-place]", "１９．５")
    page.click("form.award-review button[type=submit]")
    expect(page.locator(".flash.success")).to_be_visible()
    expect(page.locator("input[name=points-place]")).to_have_value("19.50")
    judge(world, "expert_a", station, 19, 28)

    # the lead signs
    _as(page, live_server, "expert_a")
    page.goto(f"{live_server}/awards/review/{pid}/sign-off")
    expect(page.locator("section.level").first).to_contain_text("望京骑手之家")
    page.check("input[name=confirm]")
    page.click("form.card button[type=submit]")
    expect(page.locator(".flash.success")).to_be_visible()

    # the organiser publishes, and after the notice confirms
    _as(page, live_server, "org")
    page.goto(f"{live_server}/console/awards/{pid}/selection")
    page.click("text=公示评选名单")
    expect(page.locator(".flash.success")).to_be_visible()
    expect(page.locator("table.published")).to_contain_text("望京骑手之家")
    later = datetime.now(UTC) + timedelta(days=30)
    monkeypatch.setattr("competition.awards.selection.utcnow", lambda: later)
    page.click("text=确认评选名单")
    expect(page.locator(".flash.success")).to_be_visible()

    # a delivery rider on a 375 px phone finds it by district
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True
    )
    phone = context.new_page()
    phone.set_default_timeout(10_000)
    try:
        phone.goto(f"{live_server}/service-stations")
        phone.click(f"a[href='/service-stations/{pid}']")
        phone.select_option("select[name=district]", "朝阳区")
        phone.click("form.station-search button[type=submit]")
        cards = phone.locator("li.station")
        expect(cards).to_have_count(1)
        expect(cards.first).to_contain_text("望京骑手之家")
        expect(cards.first).to_contain_text("望京街 9 号")
        expect(cards.first).to_contain_text("全天24小时")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the list scrolls sideways on a phone: {width}px"
        screenshot(phone, "station-awards-public-list-375")
    finally:
        context.close()
