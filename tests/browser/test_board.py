"""The venue board in a real browser: the organiser steps the reveal on the console, and a
second screen showing the board (as a projector would) follows within 2 s, without a reload."""

from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_in
from tests.conftest import BACKENDS
from tests.contest.documents.helpers import published_final
from tests.support.factories import PASSWORD

NAMES = (("吕𠮷祥", "王堃", "赵喆", "钱燚"), ("张伟东", "刘晓燕", "陈静"))
AWARDS = {
    "mode": "count",
    "tiers": [{"name": "一等奖", "count": 1}, {"name": "二等奖", "count": 2}],
}


@pytest.fixture(autouse=True)
def _first_database_only(database):
    if database[0] != BACKENDS[0]:
        pytest.skip(f"browser tests run on {BACKENDS[0]} only")


def test_the_board_follows_marks_and_the_organisers_steps_within_2_s(
    app, client, live_server, page, browser
):
    final = published_final(app, client, names=NAMES, publish=False)
    event_id = final.event_id
    final.org.put(f"/events/{event_id}/award-rules", AWARDS)
    screen = browser.new_context(locale="zh-CN", viewport={"width": 1920, "height": 1080})
    board = screen.new_page()
    try:
        board.goto(f"{live_server}/board/events/{event_id}/final")
        theory = board.locator("section.component[data-key=theory]")
        expect(theory.locator(".signed")).to_have_text("0")
        expect(board.locator("#board-main")).not_to_contain_text(NAMES[0][0])
        screenshot(board, "board-marking")

        # A signature while the board is open: seen without a reload, within 2 s.
        final.judge.post(
            f"/events/{event_id}/rounds/final/sheets/theory/{final.judge_id}/sign", status=200
        )
        started = time.monotonic()
        expect(theory.locator(".signed")).to_have_text("1", timeout=2_000)
        assert time.monotonic() - started <= 2.0
        final.org.post(f"/events/{event_id}/rounds/final/publish", status=200)
        expect(board.locator("#board-main")).to_contain_text("成绩即将揭晓", timeout=2_000)

        sign_in(page, live_server, "org", PASSWORD)
        page.goto(f"{live_server}/console/events/{event_id}/rounds/final")
        page.click("text=赛场大屏")
        expect(page.locator("h1")).to_contain_text("赛场大屏")
        for place, name, tier in (
            (3, NAMES[0][2], "二等奖"),
            (2, NAMES[0][1], "二等奖"),
            (1, NAMES[0][0], "一等奖"),
        ):
            page.click("button[value=next]")
            expect(page.locator(".flash.success")).to_contain_text(f"第 {4 - place} 步")
            started = time.monotonic()
            latest = board.locator("section.latest")
            expect(latest.locator(".name")).to_have_text(name, timeout=2_000)
            assert time.monotonic() - started <= 2.0
            expect(latest.locator(".place")).to_have_text(f"第 {place} 名")
            expect(latest.locator(".tier")).to_have_text(tier)
        expect(board.locator("ol.revealed li")).to_have_count(2)
        screenshot(board, "board-reveal")
        page.click("button[value=restart]")
        expect(board.locator("#board-main")).to_contain_text("成绩即将揭晓", timeout=2_000)
    finally:
        screen.close()
