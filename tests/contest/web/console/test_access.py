"""Every console page asks the same question the API asks (core.roles.require_organiser), and
the public pages open a round exactly when the API's results do."""

from __future__ import annotations

import pytest

from tests.support.factories import build_world, make_user
from tests.support.pages import Pages, sign_in

CONSOLE_PAGES = [
    "/console",
    "/console/contests/{contest}",
    "/console/contests/{contest}/events/new",
    "/console/events/{event}",
    "/console/events/{event}/edit",
    "/console/events/{event}/contestants",
    "/console/events/{event}/contestants/import",
    "/console/events/{event}/contestants/template.xlsx",
    "/console/events/{event}/slips",
    "/console/events/{event}/judges",
    "/console/events/{event}/rounds/preliminary",
    "/console/events/{event}/rounds/final",
    "/console/events/{event}/rounds/final/results.xlsx",
    "/console/events/{event}/finalists",
]


def test_console_pages_need_an_organiser(app, client):
    world = build_world(app, client, per_unit=(1,))
    urls = [u.format(contest=world.contest_id, event=world.event_id) for u in CONSOLE_PAGES]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/login?next=" in response.headers["Location"], url
    make_user(app, "judge1", "judge")
    judge = sign_in(client, "judge1")
    for url in urls:
        judge.get(url, status=403)
    client.post("/logout", data={"csrf_token": judge.token()})
    make_user(app, "boss", "organiser")
    boss = sign_in(client, "boss")
    for url in urls:
        boss.get(url)


def test_console_forms_refuse_a_judge_without_changing_anything(app, client):
    world = build_world(app, client, per_unit=(1,))
    make_user(app, "judge1", "judge")
    judge = sign_in(client, "judge1")
    judge.post("/console", {"name": "x", "host": "y", "notice_working_days": "5"}, status=403)
    judge.post(
        f"/console/events/{world.event_id}/rounds/preliminary/publish",
        {"confirm": "yes"},
        status=403,
    )
    contests = world.org.get("/contests")["contests"]
    assert len(contests) == 1


def test_posting_a_console_form_without_the_csrf_token_is_refused(app, client):
    make_user(app, "boss", "organiser")
    sign_in(client, "boss")
    response = client.post("/console", data={"name": "x", "host": "y", "notice_working_days": "5"})
    assert response.status_code == 400
    assert "页面已过期" in response.get_data(as_text=True)
    assert client.get("/api/v1/contests").get_json()["contests"] == []


@pytest.mark.parametrize("kind", ["preliminary", "final"])
def test_an_unpublished_round_is_not_public(app, client, kind):
    world = build_world(app, client, per_unit=(1,))
    Pages(client).get(f"/results/events/{world.event_id}/{kind}", status=404)
    # the same answer as the API gives a caller without a token
    assert client.get(f"/api/v1/events/{world.event_id}/rounds/{kind}/results").status_code == 404


def test_unknown_things_are_404_pages(app, client):
    make_user(app, "boss", "organiser")
    boss = sign_in(client, "boss")
    boss.get("/console/contests/999", status=404)
    boss.get("/console/events/999", status=404)
    world = build_world(app, client, per_unit=(1,))
    boss.get(f"/console/events/{world.event_id}/rounds/semifinal", status=404)
    boss.get(f"/console/events/{world.event_id}/rounds/preliminary?unit_id=999", status=422)
    Pages(client).get("/results/events/999/final", status=404)
