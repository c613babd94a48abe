"""The English pages: no Chinese left in what the pages themselves say.

The data is written in English here, so any Chinese character on the page can only come from
the page's own text that the catalog does not translate.
"""

from __future__ import annotations

import re

import pytest

from tests.support.factories import build_world, make_user
from tests.support.pages import Pages, sign_in, text_of

ZH = re.compile(r'<(\w+)[^>]*\blang="zh"[^>]*>.*?</\1>', re.S)
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ffff]")


def _english_world(app, client):
    org_world = build_world(app, client, per_unit=(0,))
    org = org_world.org
    contest = org.post("/contests", {"name": "Skills Contest", "host": "Union"})
    unit = org.post(f"/contests/{contest['id']}/units", {"name": "Acme Works"})
    event = org.post(
        f"/contests/{contest['id']}/events",
        {
            "name": "Milling",
            "group": "Workers",
            "components": [
                {"key": "theory", "name": "Theory", "weight": "0.3", "max_score": "100"},
                {"key": "practical", "name": "Practical", "weight": "0.7", "max_score": "100"},
            ],
        },
    )
    for name in ("Ann", "Bob", "Cy"):
        org.post(f"/events/{event['id']}/contestants", {"name": name, "unit_id": unit["id"]})
    return contest["id"], event["id"]


@pytest.mark.parametrize(
    "path",
    [
        "/results",
        "/lookup",
        "/login",
        "/console",
        "/console/contests/{contest}",
        "/console/contests/{contest}/events/new",
        "/console/events/{event}",
        "/console/events/{event}/contestants",
        "/console/events/{event}/contestants/import",
        "/console/events/{event}/judges",
        "/console/events/{event}/rounds/preliminary",
        "/console/events/{event}/finalists",
        "/console/events/{event}/slips",
        "/console/events/999",
    ],
)
def test_english_pages_have_no_chinese_of_their_own(app, client, path):
    contest_id, event_id = _english_world(app, client)
    make_user(app, "boss", "organiser")
    pages = sign_in(client, "boss")
    client.get("/lang/en")
    url = path.format(contest=contest_id, event=event_id)
    response = client.get(url)
    assert response.status_code in (200, 404)
    # Marked as Chinese on purpose: the switch back to 中文, the column headings a file must have.
    page = ZH.sub(" ", response.get_data(as_text=True))
    text = text_of(page)
    # The first contest of the world is Chinese data; drop its names, keep the page's words.
    for data in ("第五届职工职业技能竞赛", "总工会", "数控铣工", "职工组", "单位1"):
        text = text.replace(data, "")
    found = HAN.findall(text)
    assert not found, f"{url}: {''.join(found)!r} in {text[:800]}"
    assert pages


def test_a_refusal_page_reads_in_english_too(app, client):
    make_user(app, "judge1", "judge")
    sign_in(client, "judge1")
    client.get("/lang/en")
    text = text_of(Pages(client).get("/console", status=403))
    assert "Only the organising committee can do this" in text
