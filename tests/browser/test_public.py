"""Contestants and the public on a phone: the published ranking and the personal look-up."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from competition.extensions import db
from competition.models import Contestant, access_codes
from tests.browser.conftest import screenshot
from tests.conftest import BACKENDS
from tests.support.factories import build_world, judge, mark

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _first_database_only(database):
    if database[0] != BACKENDS[0]:
        pytest.skip(f"browser tests run on {BACKENDS[0]} only")


def _published_final(app, client):
    """Two units of four; the final (two from each unit) marked and published."""
    world = build_world(app, client, per_unit=(4, 4), event={"min_finalists_per_unit": 2})
    org = world.org
    unit1 = world.contestants[world.units[0]]
    hostile = org.post(
        f"/events/{world.event_id}/contestants", {"name": HOSTILE, "unit_id": world.units[0]}
    )["id"]
    everyone = {
        world.units[0]: [*unit1, hostile],
        world.units[1]: world.contestants[world.units[1]],
    }
    _uid, panel = judge(app, client, org, world.event_id, "panel1")
    preliminary = {
        world.units[0]: [(95, 92), (88, 90), (70, 72), (60, 65), (91, 93)],
        world.units[1]: [(94, 91), (87, 89), (71, 73), (61, 66)],
    }
    for unit_id, ids in everyone.items():
        for cid, (theory, practical) in zip(ids, preliminary[unit_id], strict=True):
            mark(panel, world.event_id, "preliminary", cid, "theory", theory)
            mark(panel, world.event_id, "preliminary", cid, "practical", practical)
    org.post(f"/events/{world.event_id}/rounds/preliminary/publish", status=200)
    finalists = []
    for unit_id in world.units:
        finalists += org.post(
            f"/events/{world.event_id}/finalists", {"unit_id": unit_id, "count": 2}
        )["finalists"]
    final = [(90, 96), (85, 88), (93, 80), (75, 79)]
    for cid, (theory, practical) in zip(finalists, final, strict=True):
        mark(panel, world.event_id, "final", cid, "theory", theory)
        mark(panel, world.event_id, "final", cid, "practical", practical)
    org.post(f"/events/{world.event_id}/rounds/final/publish", status=200)
    return world, finalists


def test_the_public_reads_the_ranking_and_a_contestant_their_own_scores_on_a_phone(
    app, client, live_server, phone
):
    world, finalists = _published_final(app, client)
    dialogs: list[str] = []
    phone.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    phone.goto(f"{live_server}/results")
    expect(phone.locator("main")).to_contain_text("公示期至")
    screenshot(phone, "public-results")
    phone.click("text=数控铣工（职工组） · 决赛")
    expect(phone.locator("h1")).to_contain_text("决赛成绩")
    rows = phone.locator("table.ranking tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.first.locator("td.rank")).to_have_text("1")
    # readable on a phone: nothing wider than the screen, the histogram drawn
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    expect(phone.locator("figure.histogram svg rect.bar").first).to_be_visible()
    screenshot(phone, "public-ranking")

    phone.goto(f"{live_server}/results/events/{world.event_id}/preliminary")
    expect(phone.locator("main")).to_contain_text(HOSTILE)  # the name, as text
    expect(phone.locator("main")).to_contain_text("进入决赛")
    screenshot(phone, "public-preliminary")

    with app.app_context():
        first = db.session.get(Contestant, finalists[0])
        number, code = first.number, first.access_code
        name = first.name
        assert db.session.scalars(select(Contestant.id)).all()
    phone.goto(f"{live_server}/lookup")
    phone.fill("input[name=number]", number)
    phone.fill("input[name=code]", "WRONG-CODE")
    phone.click("button:has-text('查询')")
    expect(phone.locator(".problems")).to_contain_text("参赛号或查询码不正确")
    phone.fill("input[name=code]", access_codes.display(code).lower())
    phone.click("button:has-text('查询')")
    expect(phone.locator(".personal")).to_contain_text(name)
    final = phone.locator(".personal-round").nth(1)
    expect(final).to_contain_text("总成绩")
    expect(final).to_contain_text("第 1 名")
    screenshot(phone, "public-lookup")
    assert dialogs == []
