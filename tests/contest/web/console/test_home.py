"""Each role's home after sign-in and the header: the organiser's home lists what needs doing
with a link to where it is done; the judge's list puts open sheets first; the header offers
each role its own pages and nothing it cannot open."""

from __future__ import annotations

import re

from sqlalchemy import update

from competition.extensions import db
from competition.models import User
from tests.support.homes import build_home_world
from tests.support.pages import Session, text_of


def _hrefs(page: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', page)


def _section(page: str, anchor: str) -> str:
    found = re.search(rf'id="{anchor}"(.*?)</div>\s*(?=<div class="card todo"|</div>)', page, re.S)
    assert found, f"no {anchor} on the page"
    return found.group(1)


def test_the_organisers_home_links_each_thing_to_do(app):
    world = build_home_world(app)
    page = Session(app, "org").get("/console")
    milling, lathe, ids = world.ids["milling"], world.ids["lathe"], world.ids
    appeals = _section(page, "todo-appeals")
    assert f'href="/console/appeals/{ids["appeal"]}"' in appeals
    assert "理论知识成绩漏计一题" in text_of(appeals)
    ties = _section(page, "todo-ties")
    assert f'href="/console/events/{milling}/rounds/final#ties"' in ties
    assert "001 选手a1、003 选手b1" in text_of(ties)
    sheets = _section(page, "todo-sign")
    judge1 = world.users["judge1"]
    assert f'href="/judging/events/{milling}/final/theory/sheets/{judge1}"' in sheets
    assert "待二次录入" in text_of(sheets) and "待签字" in text_of(sheets)
    notices = _section(page, "todo-notices")
    assert f'href="/console/events/{lathe}/rounds/final"' in notices
    assert "还有 5 个工作日" in text_of(notices)
    reprints = _section(page, "todo-reprints")
    assert f'href="/console/events/{lathe}/certificates#reprint"' in reprints
    assert "1 张证书须重新打印" in text_of(reprints)
    text = text_of(page)
    # an appeal, a tie, four sheets, three notice periods, one event's certificates
    assert "待办事项（10）" in text.replace(" ", "")
    assert "数控铣工（职工组）" in text and "已评 16 / 16" in text and "已评 8 / 8" in text
    # the contests and the form to create one stay
    assert f'href="/console/contests/{ids["contest"]}"' in page
    assert 'name="name"' in page and "创建竞赛" in text


def test_the_organisers_home_says_when_nothing_waits(app):
    from tests.support.factories import make_user

    make_user(app, "org", "organiser")
    text = text_of(Session(app, "org").get("/console"))
    assert "目前没有待办事项。" in text and "还没有竞赛" in text


def test_the_judges_list_puts_open_sheets_first(app):
    world = build_home_world(app)
    page = Session(app, "chief1").get("/judging")
    milling, lathe = world.ids["milling"], world.ids["lathe"]
    # 数控铣工's final is being marked: that event first, and in it the final before the
    # published preliminary; 车工, all published, comes last.
    assert page.index(f'id="event-{milling}"') < page.index(f'id="event-{lathe}"')
    section = page[page.index(f'id="event-{milling}"') : page.index(f'id="event-{lathe}"')]
    sheets = [
        h for h in _hrefs(section) if re.fullmatch(r"/judging/events/\d+/\w+/(theory|practical)", h)
    ]
    assert [h.split("/")[4] for h in sheets][:2] == ["final", "final"]
    assert [h.split("/")[4] for h in sheets][2:] == ["preliminary", "preliminary"]
    # and the sheets the chief judge signs: the final's, still open, before the preliminary's
    to_sign = [h.split("/")[4] for h in _hrefs(section) if "/sheets/" in h]
    assert to_sign.index("final") < to_sign.index("preliminary")


def test_the_header_offers_each_role_its_own_pages(app):
    build_home_world(app)
    expected = {
        "org": {"/console", "/console/progress", "/console/appeals", "/console/cohorts"},
        "chief1": {"/judging"},
        "lead1": {"/review"},
        "trainee1": {"/my/review"},
    }
    everyone = {"/results", "/lookup"}
    all_own = set().union(*expected.values())
    for username, own in expected.items():
        header = Session(app, username).get("/results").split("</header>")[0]
        links = set(_hrefs(header))
        assert own | everyone <= links, username
        assert not (all_own - own) & links, f"{username} is offered another role's pages"
        assert ("/api/docs" in links) == (username == "org"), username
    anonymous = app.test_client().get("/").get_data(as_text=True)
    assert "/api/docs" not in anonymous and "API 文档" not in anonymous
    assert "/console" not in _hrefs(anonymous.split("</header>")[0])


def test_the_header_names_the_login_beside_a_display_name(app):
    build_home_world(app)
    with app.app_context():
        db.session.execute(update(User).where(User.username == "org").values(display_name="组委会"))
        db.session.commit()
    header = text_of(Session(app, "org").get("/console").split("</header>")[0])
    assert "组委会（org）" in header.replace(" ", "")
    assert header.count("组委会") == 1  # the nav says 工作台, not the role's name again
