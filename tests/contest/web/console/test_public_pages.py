"""The public results and the personal look-up by contest number and access code."""

from __future__ import annotations

import re

from sqlalchemy import select

from competition.extensions import db
from competition.models import Contestant, access_codes
from tests.contest.web.console.support import contestant_row, scored_preliminary
from tests.support.pages import Pages, organiser_pages, text_of

GOOD_ID = "11010519491231002X"


def _codes(app) -> dict[str, tuple[int, str, str]]:
    with app.app_context():
        return {
            c.name: (c.id, c.number, c.access_code) for c in db.session.scalars(select(Contestant))
        }


def _look_up(client, number: str, code: str, status: int) -> str:
    response = Pages(client).post("/lookup", {"number": number, "code": code}, status=status)
    assert response.headers["Cache-Control"] == "no-store"
    return text_of(response.get_data(as_text=True))


def test_the_look_up_shows_own_scores_once_published(app, client):
    world, _panel = scored_preliminary(app, client, {0: [(90, 90), (70, 80), (77, 77)]})
    world.org.post(
        f"/events/{world.event_id}/contestants",
        {"name": "<b>粗体</b>", "unit_id": world.units[0], "id_number": GOOD_ID},
    )
    codes = _codes(app)
    _cid, number, code = codes["选手1-3"]

    wrong_code = _look_up(client, number, "AAAA-AAAA", 404)
    wrong_number = _look_up(client, "999", code, 404)
    message = "参赛号或查询码不正确，请核对准考证上的信息。"
    assert message in wrong_code and message in wrong_number
    assert "选手1-3" not in wrong_code
    assert "请输入查询码" in _look_up(client, number, "", 422)

    before = _look_up(client, number, code, 200)
    assert "选手1-3" in before and "成绩尚未公布" in before
    assert "77.00" not in before

    # the new contestant has no marks; mark them so the round can be published
    from tests.support.factories import mark

    new_id = codes["<b>粗体</b>"][0]
    mark(_panel, world.event_id, "preliminary", new_id, "theory", "10")
    mark(_panel, world.event_id, "preliminary", new_id, "practical", "10")
    world.org.post(f"/events/{world.event_id}/rounds/preliminary/publish", status=200)

    typed = access_codes.display(code).lower()  # as printed, typed in lower case
    after = _look_up(client, f" {number} ", typed, 200)
    assert "理论知识 ×0.3 77.00" in after
    assert "总成绩 77.00" in after
    assert "单位内名次 第 3 名 （共 4 人）" in after
    assert "名次依据 与第2名总分相同，技能操作成绩较低" in after
    assert "公示期至" in after
    assert "未参加本轮" in after  # not a finalist
    assert "证书" not in after  # no certificate yet, so no link

    other = _look_up(client, codes["<b>粗体</b>"][1], codes["<b>粗体</b>"][2], 200)
    assert "<b>粗体</b>" in other  # shown as text
    assert GOOD_ID not in other and "110***" not in other


def test_the_look_up_reads_a_number_as_people_type_it(app, client):
    """ "27" for 027, full-width "２７" from an input method: one normalisation, and leading
    zeros may be left out when the number then is unambiguous; an exact number wins."""
    world, _panel = scored_preliminary(app, client, {0: [(90, 90), (70, 80)]})
    for number in ("027", "27"):
        world.org.post(
            f"/events/{world.event_id}/contestants",
            {"name": f"号{number}", "unit_id": world.units[0], "number": number},
        )
    codes = _codes(app)
    _cid, padded, padded_code = codes["号027"]
    _cid, bare, bare_code = codes["号27"]
    assert (padded, bare) == ("027", "27")

    # An exact "27" is the one meant: 027's code does not open it by "27".
    assert "号27" in _look_up(client, "27", bare_code, 200)
    assert "号027" not in _look_up(client, "27", padded_code, 404)
    assert "号027" in _look_up(client, "０２７", padded_code, 200)

    _cid, first, first_code = codes["选手1-1"]
    significant = first.lstrip("0")
    assert significant != first  # the world numbers with leading zeros
    wide = significant.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for typed in (significant, wide):
        assert "选手1-1" in _look_up(client, typed, first_code, 200)


def test_admission_slips_carry_the_code_and_never_the_identity_number(app, client):
    world, _panel = scored_preliminary(app, client, {0: [(90, 90)]})
    world.org.post(
        f"/events/{world.event_id}/contestants",
        {"name": "张三", "unit_id": world.units[0], "id_number": GOOD_ID},
    )
    boss = organiser_pages(app, client)
    page = boss.get(f"/console/events/{world.event_id}/slips")
    for _cid, number, code in _codes(app).values():
        assert access_codes.display(code) in page
        assert f">{number}<" in page
    assert GOOD_ID not in page and "110***" not in page
    assert "http://localhost/lookup" in page


def test_public_results_list_only_published_rounds(app, client):
    marks = {0: [(90, 90), (70, 80), (77, 77)], 1: [(80, 80), (60, 60), (50, 50)]}
    world, _panel = scored_preliminary(app, client, marks)
    visitor = Pages(client)
    assert "还没有公布的成绩" in text_of(visitor.get("/results"))
    world.org.post(f"/events/{world.event_id}/rounds/preliminary/publish", status=200)
    world.org.post(f"/events/{world.event_id}/finalists", {"unit_id": world.units[0], "count": 3})
    listing = text_of(visitor.get("/results"))
    assert "数控铣工（职工组） · 初赛" in listing and "决赛" not in listing.split("初赛")[1]

    page = visitor.get(f"/results/events/{world.event_id}/preliminary")
    text = text_of(page)
    assert "单位1" in text and "单位2" in text
    assert text.count("进入决赛") >= 3
    assert "与第3名总分相同，技能操作成绩较高" in text
    svg = re.search(r"<svg[^>]*>.*?</svg>", page, re.S).group(0)
    assert "<script" not in svg and svg.count('class="bar"') >= 5
    visitor.get(f"/results/events/{world.event_id}/final", status=404)


def test_a_long_ranking_is_paged_and_searchable(app, client, monkeypatch):
    """Each page holds PAGE_SIZE rows in rank order; a unit cut by a page break says so; a
    search finds a number exactly and a name or unit by a part of it, with real places."""
    from competition.contest.web import public

    monkeypatch.setattr(public, "PAGE_SIZE", 2)
    marks = {0: [(90, 90), (70, 80), (77, 77)], 1: [(80, 80), (60, 60), (50, 50)]}
    world, _panel = scored_preliminary(app, client, marks)
    world.org.post(f"/events/{world.event_id}/rounds/preliminary/publish", status=200)
    visitor = Pages(client)
    url = f"/results/events/{world.event_id}/preliminary"

    def names(page: str) -> list[str]:
        return re.findall(r'<td class="name"><span class="number-inline">\S+</span> (\S+)', page)

    first = visitor.get(url)
    assert names(first) == ["选手1-1", "选手1-2"] and "第 1 / 3 页" in text_of(first)
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = visitor.get(url + "?page=2")
    assert names(second) == ["选手1-3", "选手2-1"]
    assert "单位1 （续）" in text_of(second) and "单位2 （续）" not in text_of(second)
    last = visitor.get(url + "?page=3")
    assert names(last) == ["选手2-2", "选手2-3"] and 'rel="next"' not in last
    # a page beyond the end (or not a number) shows the nearest real page
    assert names(visitor.get(url + "?page=99")) == names(last)
    assert names(visitor.get(url + "?page=x")) == names(first)

    found = visitor.get(url + "?q=选手2-3")
    assert names(found) == ["选手2-3"] and "找到 1 人" in text_of(found)
    assert re.search(r'<td class="num rank">3</td>', found)  # their place in their unit
    number = contestant_row(app, world.contestants[world.units[1]][0]).number
    assert names(visitor.get(url + f"?q={number}")) == ["选手2-1"]
    assert names(visitor.get(url + "?q=单位2&page=2")) == ["选手2-3"]
    nobody = text_of(visitor.get(url + "?q=<script>"))
    assert "找到 0 人" in nobody and "<script>" in nobody  # shown as text, never as markup


def test_a_refusal_message_is_shown_as_text(app):
    from competition.core.errors import error_page

    with app.test_request_context("/console"):
        body, status = error_page(409, "<script>alert(1)</script>", {"name": ["<b>x</b>"]})
    assert status == 409
    assert "<script>alert(1)</script>" not in body and "&lt;script&gt;" in body
    assert "<b>x</b>" not in body
