"""A base-level union nominates a station in a real browser: it signs in and lands on its own
page, fills in the station, uploads a photo for one criterion (a program renamed as a photo
is refused on the page first), writes the evidence of the others, and submits."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.awards.helpers import EXE, JPEG, setup_programme
from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.parametrize("database", ["sqlite"], indirect=True)


def test_a_union_fills_a_station_uploads_a_photo_and_submits(
    app, client, live_server, page: Page, tmp_path
) -> None:
    p = setup_programme(app, client)
    photo, program = tmp_path / "门面.jpg", tmp_path / "照片.jpg"
    photo.write_bytes(JPEG)
    program.write_bytes(EXE)

    sign_in(page, live_server, "u1_union", "union-password-1")
    expect(page.locator("h1")).to_have_text("我的推荐")
    page.get_by_role("link", name="推荐新站点").click()
    page.fill("#station-name", "建国门环卫驿站")
    page.fill("#station-address", "建国门内大街 18 号")
    page.fill("#station-district", "东城区")
    page.fill("#station-contact_name", "李红")
    page.fill("#station-contact_phone", "13800000000")
    page.fill("#station-opening_hours", "24小时")
    page.select_option("#station-level", "national")
    page.get_by_role("button", name="保存站点").click()
    expect(page.locator("#missing")).to_contain_text("有场地")

    place = page.locator("#c-place")
    place.locator("input[type=file]").set_input_files(str(program))
    place.get_by_role("button", name="上传文件").click()
    expect(page.locator("#c-place .problems")).to_contain_text("照片.jpg")
    place = page.locator("#c-place")
    place.locator("input[type=file]").set_input_files(str(photo))
    place.get_by_role("button", name="上传文件").click()
    expect(page.locator("#c-place")).to_contain_text("门面.jpg")
    expect(page.locator("#c-place")).to_contain_text("已有材料")

    for key in p.criteria[1:]:
        block = page.locator(f"#c-{key}")
        block.locator("textarea").fill(f"{key}：情况属实，附台账。")
        block.get_by_role("button", name="保存文字材料").click()
        expect(page.locator(f"#c-{key}")).to_contain_text("已有材料")
    expect(page.locator(".ok-box")).to_contain_text("可以提交")
    screenshot(page, "station-nomination")
    page.get_by_role("button", name="提交推荐").click()
    expect(page.locator("h1")).to_contain_text("已提交")
    expect(page.locator("#submit-station")).to_have_count(0)
    page.get_by_role("link", name="我的推荐").first.click()
    expect(page.locator("table")).to_contain_text("建国门环卫驿站")
