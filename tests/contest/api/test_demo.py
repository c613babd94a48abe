"""`flask demo load`: the reference CNC-milling contest, loaded through the services."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import func, select

from competition.contest.demo import (
    JUDGE_PASSWORD,
    OPEN_EVENT_NAME,
    database_is_empty,
    load_demo_contest,
)
from competition.contest.services import judging as judging_service
from competition.contest.services.results import finalists, round_results, unit_rankings
from competition.core.demo_logins import ORGANISER_PASSWORD, DemoLogin
from competition.core.id_numbers import check_id_number
from competition.extensions import db
from competition.models import Contest, Contestant, Event, Mark, TieResolution
from competition.models.contests import FINAL, PRELIMINARY
from tests.support.pages import Session


def _printed_logins(output: str) -> dict[str, DemoLogin]:
    """The login lines the CLI prints: '  username  password  role'."""
    logins = {}
    for line in output.splitlines():
        parts = line.split()
        if line.startswith("  ") and len(parts) == 3:
            logins[parts[0]] = DemoLogin(*parts)
    return logins


def test_demo_load_builds_a_published_tie_free_contest(app, runner):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    logins = _printed_logins(result.output)
    assert logins["organiser"] == DemoLogin("organiser", ORGANISER_PASSWORD, "organiser")
    for username in ("judge1", "judge5", "unit1_judge", "unit7_judge"):
        assert logins[username] == DemoLogin(username, JUDGE_PASSWORD, "judge")
    # The contest, the craftsman class, then the station programme's unions and panel.
    assert len(logins) == 1 + 5 + 7 + 5 + 3 + 6 + 5
    assert logins["union1"].role == "union"

    with app.app_context():
        contest = db.session.scalars(select(Contest)).one()
        assert contest.host == "北京经济技术开发区总工会"
        assert contest.edition == "第五届"
        event = db.session.scalars(select(Event).where(Event.name == "数控铣工")).one()
        assert (event.name, event.group_name, event.min_finalists_per_unit) == (
            "数控铣工",
            "职工组",
            3,
        )
        assert [c.key for c in event.tie_breaks] == ["practical", "time_used"]
        assert 6 <= len(contest.units) <= 8

        contestants = list(
            db.session.scalars(select(Contestant).where(Contestant.event_id == event.id))
        )
        assert 40 <= len(contestants) <= 50
        per_unit = Counter(c.unit_id for c in contestants)
        assert all(5 <= n <= 8 for n in per_unit.values())
        assert any("堃" in c.name or "𠮷" in c.name for c in contestants)
        for contestant in contestants:
            assert check_id_number(contestant.id_number) is None
            assert contestant.id_number.startswith("11")
            born = date(
                int(contestant.id_number[6:10]),
                int(contestant.id_number[10:12]),
                int(contestant.id_number[12:14]),
            )
            assert date(1975, 1, 1) <= born <= date(2000, 12, 31)

        preliminary = event.round(PRELIMINARY)
        assert preliminary.published
        prelim = round_results(event, preliminary).ranking
        assert len(prelim.ranked) == len(contestants)
        assert not prelim.incomplete and not prelim.unresolved_ties
        assert all(not r.unresolved_ties for r in unit_rankings(event, preliminary).values())

        chosen = Counter(f.unit_id for f in finalists(event))
        assert set(chosen) == set(per_unit)
        assert all(n >= 3 for n in chosen.values())

        final = event.round(FINAL)
        assert final.published
        results = round_results(event, final)
        ranking = results.ranking
        assert not ranking.incomplete and not ranking.unresolved_ties
        assert len(ranking.ranked) == sum(chosen.values())
        assert [e.rank for e in ranking.ranked] == list(range(1, len(ranking.ranked) + 1))
        decided_by = [e.decided_by for e in ranking.ranked]
        for reason in ("practical", "time_used", "resolution"):
            assert reason in decided_by
        rulings = [r.reason for r in results.resolutions]
        assert rulings == ["经裁判长裁定，依据现场操作规范性评定"]

        # Every finalist has five judges' marks for every component: the trimmed mean is used.
        per_cell = db.session.execute(
            select(func.count(Mark.id))
            .where(Mark.round_id == final.id)
            .group_by(Mark.contestant_id, Mark.component_id)
        ).scalars()
        assert set(per_cell) == {5}
        # One unit's preliminary had a tie exactly at its cut, settled by a ruling.
        assert db.session.scalar(
            select(func.count(TieResolution.id)).where(TieResolution.round_id == preliminary.id)
        )


def test_demo_load_if_empty_loads_only_once(app, runner):
    first = runner.invoke(args=["demo", "load", "--if-empty"])
    assert first.exit_code == 0, first.output
    assert "Demo contest loaded" in first.output

    second = runner.invoke(args=["demo", "load", "--if-empty"])
    assert second.exit_code == 0, second.output
    assert "demo not loaded" in second.output
    assert "organiser" not in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count(Contest.id))) == 1
        assert not database_is_empty()


def test_loader_flushes_but_does_not_commit(app):
    with app.app_context():
        assert database_is_empty()
        logins = load_demo_contest()
        assert logins[0] == DemoLogin("organiser", ORGANISER_PASSWORD, "organiser")
        assert not database_is_empty()
        db.session.rollback()
        assert database_is_empty()


def test_printed_logins_work(app, runner, client):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    logins = _printed_logins(result.output)
    for username in ("organiser", "judge1", "unit3_judge"):
        login = logins[username]
        response = client.post(
            "/api/v1/tokens", json={"username": login.username, "password": login.password}
        )
        assert response.status_code == 201, response.get_json()
        body = response.get_json()
        assert body["token"]
        assert body["user"]["username"] == username
        assert body["user"]["role"] == login.role
    wrong = client.post("/api/v1/tokens", json={"username": "organiser", "password": "wrong-one"})
    assert wrong.status_code == 401


def test_the_demo_leaves_an_event_open_for_marking(app, runner, client):
    """A newcomer can enter a mark at once: the second event's preliminary is open, and the
    committee judge README names marks its own unit's people on the page."""
    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.name == OPEN_EVENT_NAME)).one()
        preliminary = event.round(PRELIMINARY)
        assert not preliminary.published and not event.round(FINAL).published
        assert not db.session.scalar(
            select(func.count(Mark.id)).where(Mark.round_id == preliminary.id)
        )
        lines = judging_service.progress(event, [preliminary])
        assert lines and not any(line.counts.signed for line in lines)
        people = db.session.scalars(
            select(Contestant).where(Contestant.event_id == event.id).order_by(Contestant.id)
        ).all()
        unit1 = [c for c in people if c.unit_id == people[0].unit_id]
        assert len(people) == 6 and len(unit1) == 3
        event_id, contestant_id = event.id, unit1[0].id

    judge = Session(app, "unit1_judge", JUDGE_PASSWORD)
    sheet = judge.get("/judging")
    assert OPEN_EVENT_NAME in sheet
    page = judge.get(f"/judging/events/{event_id}/preliminary/theory")
    assert "data-editable" in page and "disabled" not in page
    judge.put_json(
        f"/judging/events/{event_id}/preliminary/theory/marks/{contestant_id}", {"value": "86.5"}
    )
    # The practical is marked item by item from the demo's marking scheme.
    items = judge.get(f"/judging/events/{event_id}/preliminary/practical")
    assert "按评分细则逐项评分（9 个评分点）" in items and "外圆 Φ40" in items
    with app.app_context():
        assert db.session.scalar(select(Mark.value).where(Mark.contestant_id == contestant_id))
