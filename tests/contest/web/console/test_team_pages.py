"""Team results (团体成绩) on the pages: the final's ranking page, the organisers' team page
where units are ticked for the 优秀组织奖, the public results of a published final, and the team
size on the event's settings page."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry, Event, OrganisationAward
from tests.support.factories import make_user
from tests.support.pages import Pages, organiser_pages, sign_in, text_of
from tests.support.teams import team_final

REASON = "决赛排名的选手 2 名，少于团体成绩计入的 3 名"


def _teams_section(page: str) -> str:
    found = re.search(r'<section id="teams">(.*?)</section>', page, re.S)
    assert found, "no team results on the page"
    return text_of(found.group(1))


def _form_fields(page: str, field: str = "team_size") -> list[tuple[str, str]]:
    """What a browser sends for the page's form that has `field`: text, number and hidden
    inputs, ticked boxes and the chosen options (not the CSRF token: `Pages.post` adds its
    own)."""
    forms = re.findall(r'<form[^>]*method="post"[^>]*>(.*?)</form>', page, re.S)
    found = [f for f in forms if f'name="{field}"' in f]
    assert len(found) == 1, f"no single form with {field}"
    body = found[0]
    fields: list[tuple[str, str]] = []
    for tag in re.findall(r"<input\b[^>]*>", body):
        name = re.search(r'\bname="([^"]*)"', tag)
        if not name or name.group(1) == "csrf_token" or re.search(r"\sdisabled\b", tag):
            continue
        kind = re.search(r'\btype="([^"]*)"', tag)
        if kind and kind.group(1) in ("checkbox", "radio") and " checked" not in tag:
            continue
        value = re.search(r'\bvalue="([^"]*)"', tag)
        fields.append((name.group(1), html.unescape(value.group(1) if value else "")))
    for tag, options in re.findall(r"(<select\b[^>]*>)(.*?)</select>", body, re.S):
        if re.search(r"\sdisabled\b", tag):
            continue  # a browser sends no disabled field
        name = re.search(r'\bname="([^"]*)"', tag)
        assert name
        tags = re.findall(r"<option\b[^>]*>", options)
        picked = next((t for t in tags if re.search(r"\sselected\b", t)), tags[0] if tags else "")
        value = re.search(r'\bvalue="([^"]*)"', picked)
        fields.append((name.group(1), html.unescape(value.group(1)) if value else ""))
    return fields


def test_the_finals_ranking_page_shows_the_team_results(app, client):
    final = team_final(app, client)
    boss = organiser_pages(app, client)
    page = boss.get(f"/console/events/{final.event_id}/rounds/final")
    teams = _teams_section(page)
    # 单位2 first: equal total, better best place; the members with their individual places.
    first = r"1 单位2 243\.32 \d+ 选手2-1（1）、\d+ 选手2-2（7）、\d+ 选手2-3（8）"
    second = r"2 单位1 243\.32 \d+ 选手1-1（4）、\d+ 选手1-2（5）、\d+ 选手1-3（6）"
    assert re.search(first + " " + second, teams), teams
    assert "选手1-4" not in teams  # the fourth of 单位1 does not count
    assert f"单位3：{REASON}" in teams and f"单位4：{REASON}" in teams
    assert f'href="/console/events/{final.event_id}/teams"' in page
    # The preliminary's page has no team results.
    prelim = boss.get(f"/console/events/{final.event_id}/rounds/preliminary")
    assert '<section id="teams">' not in prelim


def test_organisers_tick_units_for_the_organisation_award(app, client):
    final = team_final(app, client)
    boss = organiser_pages(app, client)
    url = f"/console/events/{final.event_id}/teams"
    page = boss.get(url)
    u1, u2, u3, _u4 = final.units
    text = text_of(page)
    assert "团体成绩与优秀组织奖" in text and "未发布" in text
    for unit in final.units:
        assert f'name="unit_id" value="{unit}"' in page
    assert 'name="csrf_token"' in page and " checked" not in page

    saved = boss.post(url, [("unit_id", str(u1)), ("unit_id", str(u3))], status=200)
    assert "优秀组织奖名单已保存" in text_of(saved.get_data(as_text=True))
    page = boss.get(url)
    assert f'value="{u1}" checked' in page and f'value="{u3}" checked' in page
    assert f'value="{u2}" checked' not in page
    assert "优秀组织奖：单位1、单位3" in text_of(page).replace(" ", "")

    boss.post(url, [("unit_id", str(u3))], status=200)  # 单位1 unticked
    with app.app_context():
        assert db.session.scalars(select(OrganisationAward.unit_id)).all() == [u3]
        actions = [
            (e.action, e.details["unit_id"])
            for e in db.session.scalars(
                select(AuditEntry)
                .where(AuditEntry.action.like("organisation_award.%"))
                .order_by(AuditEntry.id)
            )
        ]
    assert actions == [
        ("organisation_award.mark", u1),
        ("organisation_award.mark", u3),
        ("organisation_award.unmark", u1),
    ]
    unchanged = boss.post(url, [("unit_id", str(u3))], status=200)
    assert "没有变化" in text_of(unchanged.get_data(as_text=True))

    # A unit of another contest, or no number at all: refused on the page, nothing changed.
    other = final.org.post("/contests", {"name": "另一个竞赛", "host": "总工会"})
    stranger = final.org.post(f"/contests/{other['id']}/units", {"name": "外单位"})["id"]
    refused = boss.post(url, [("unit_id", str(stranger))], status=404)
    assert "本竞赛没有这个单位" in text_of(refused.get_data(as_text=True))
    boss.post(url, [("unit_id", "x")], status=422)
    with app.app_context():
        assert db.session.scalars(select(OrganisationAward.unit_id)).all() == [u3]


def test_the_award_form_needs_its_csrf_token_and_an_organiser(app, client):
    final = team_final(app, client)
    url = f"/console/events/{final.event_id}/teams"
    boss = organiser_pages(app, client)
    boss.get(url)
    response = client.post(url, data={"unit_id": str(final.units[0])})
    assert response.status_code == 400
    make_user(app, "judge2", "judge")
    other = app.test_client()
    judge = sign_in(other, "judge2")
    judge.post(url, [("unit_id", str(final.units[0]))], status=403)
    with app.app_context():
        assert db.session.scalars(select(OrganisationAward)).all() == []


def test_the_public_results_of_a_published_final_show_the_teams_and_the_award(app, client):
    final = team_final(app, client)
    url = f"/results/events/{final.event_id}/final"
    Pages(app.test_client()).get(url, status=404)  # before publication: nothing
    final.org.put(f"/events/{final.event_id}/organisation-awards/{final.units[2]}")
    final.org.post(f"/events/{final.event_id}/rounds/final/publish", status=200)
    page = Pages(app.test_client()).get(url)
    teams = _teams_section(page)
    assert teams.index("单位2") < teams.index("单位1") < teams.index("单位3")
    assert teams.count("243.32") == 2
    assert f"单位3：{REASON}" in teams
    assert "优秀组织奖" in teams and "单位3" in teams.split("优秀组织奖")[-1]
    # The preliminary's public page has none.
    assert '<section id="teams">' not in Pages(app.test_client()).get(
        f"/results/events/{final.event_id}/preliminary"
    )


def test_the_team_size_is_set_on_the_events_settings_page(app, client):
    final = team_final(app, client)
    boss = organiser_pages(app, client)
    edit = f"/console/events/{final.event_id}/edit"
    event_page = text_of(boss.get(f"/console/events/{final.event_id}"))
    assert "团体成绩计入人数：3" in event_page
    page = boss.get(edit)
    assert re.search(r'name="team_size"[^>]*value="3"', page)

    fields = [(k, "2" if k == "team_size" else v) for k, v in _form_fields(page)]
    boss.post(edit, fields, status=200)
    with app.app_context():
        assert db.session.get(Event, final.event_id).team_size == 2
    teams = _teams_section(boss.get(f"/console/events/{final.event_id}/rounds/final"))
    assert "167.00" in teams and "单位4" in teams.split("不计团体名次")[0]

    bad = [(k, "21" if k == "team_size" else v) for k, v in _form_fields(boss.get(edit))]
    refused = boss.post(edit, bad, status=422)
    assert "应在 1 到 20 之间" in text_of(refused.get_data(as_text=True))

    # Once the final is published the size is shown, not offered; a forged one is refused.
    final.org.post(f"/events/{final.event_id}/rounds/final/publish", status=200)
    page = boss.get(edit)
    assert "决赛成绩已发布，团体成绩计入人数不能再修改" in text_of(page)
    assert not re.search(r'<input[^>]*type="number"[^>]*name="team_size"', page)
    forged = [(k, "3" if k == "team_size" else v) for k, v in _form_fields(page)]
    refused = boss.post(edit, forged, status=409)
    assert "团体成绩计入人数不能再修改" in text_of(refused.get_data(as_text=True))
    with app.app_context():
        assert db.session.get(Event, final.event_id).team_size == 2


def test_a_new_event_gets_its_team_size_from_the_form(app, client):
    final = team_final(app, client)
    boss = organiser_pages(app, client)
    new = f"/console/contests/{final.contest_id}/events/new"
    page = boss.get(new)
    fields = [(k, {"team_size": "5", "name": "焊工"}.get(k, v)) for k, v in _form_fields(page)]
    boss.post(new, fields, status=200)
    with app.app_context():
        made = db.session.scalars(select(Event).where(Event.name == "焊工")).one()
        assert made.team_size == 5


def test_the_team_pages_read_in_english(app, client):
    final = team_final(app, client)
    final.org.put(f"/events/{final.event_id}/organisation-awards/{final.units[3]}")
    boss = organiser_pages(app, client)
    client.get("/lang/en")
    page = text_of(boss.get(f"/console/events/{final.event_id}/teams"))
    assert "Team results and the Outstanding Organisation Award" in page
    assert "the sum of the totals of its best 3 finalists" in page
    assert "单位3: 2 ranked in the final, fewer than the 3 a team total counts" in page
    assert "Save the award list" in page and "Team place" in page
    for words in ("团体", "优秀组织奖", "决赛排名的选手", "不计"):
        assert words not in page
    ranking = text_of(boss.get(f"/console/events/{final.event_id}/rounds/final"))
    assert "Team total" in ranking and "Outstanding Organisation Award" in ranking
    assert "团体" not in ranking
