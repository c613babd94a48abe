"""The imports' pages: reached from the console pages they belong to, in English too, and an
upload over the size limit answered on the import page itself."""

from __future__ import annotations

import io

import pytest

from tests.contest.web.console.test_english import HAN, ZH, _english_world
from tests.support.factories import build_world, make_user
from tests.support.pages import organiser_pages, sign_in, text_of

PAGES = (
    "/console/events/{event}/marks/import",
    "/console/events/{event}/judges/import",
    "/console/events/{event}/finalists/import",
    "/console/events/{event}/contestants/import",
)


@pytest.mark.parametrize("path", PAGES)
def test_the_import_pages_have_no_chinese_of_their_own_in_english(app, client, path):
    _contest_id, event_id = _english_world(app, client)
    make_user(app, "boss", "organiser")
    sign_in(client, "boss")
    client.get("/lang/en")
    response = client.get(path.format(event=event_id))
    assert response.status_code == 200
    text = text_of(ZH.sub(" ", response.get_data(as_text=True)))
    for data in ("第五届职工职业技能竞赛", "总工会", "数控铣工", "职工组", "单位1"):
        text = text.replace(data, "")
    found = HAN.findall(text)
    assert not found, f"{path}: {''.join(found)!r} in {text[:800]}"


@pytest.mark.parametrize(
    ("page", "link"),
    [
        ("judges", "judges/import"),
        ("rounds/preliminary", "marks/import"),
        ("finalists", "finalists/import"),
        ("contestants", "contestants/import"),
    ],
)
def test_each_import_is_linked_from_its_console_page(app, client, page, link):
    world = build_world(app, client, per_unit=(1,))
    boss = organiser_pages(app, client)
    html = boss.get(f"/console/events/{world.event_id}/{page}")
    assert f"/console/events/{world.event_id}/{link}" in html


@pytest.mark.parametrize("kind", ["marks", "judges", "finalists"])
def test_a_file_over_the_limit_is_answered_on_the_import_page(app, client, kind):
    world = build_world(app, client, per_unit=(0,))
    boss = organiser_pages(app, client)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = boss.post(
        f"/console/events/{world.event_id}/{kind}/import",
        {"file": (io.BytesIO(b"x" * (64 * 1024 + 1)), "big.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    text = text_of(response.get_data(as_text=True))
    assert "文件过大" in text and "从 Excel 或 CSV 导入" in text
