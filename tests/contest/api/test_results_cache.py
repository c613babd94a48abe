"""Rankings are kept per worker under the event's result stamp; no change may be missed.

The stamp is renewed by database triggers, so these tests change things the ways code and
people do: through the API, through the ORM, and with plain SQL behind the app's back. After
each change the results must show it, although the ranking before it was cached.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from competition.contest.services import results as result_service
from competition.extensions import db
from competition.models import Event, ResultStamp
from tests.support.factories import build_world, judge, mark

EVENT = {
    "components": [
        {"key": "theory", "name": "理论知识", "weight": "0.30", "max_score": "100"},
        {"key": "practical", "name": "技能操作", "weight": "0.70", "max_score": "100"},
    ],
    "tie_breaks": ["practical"],
}


@pytest.fixture
def marked(app, client):
    """Two units of three, everyone marked in the preliminary by their unit's committee."""
    world = build_world(app, client, per_unit=(3, 3), event=EVENT)
    for index, unit in enumerate(world.units):
        _, committee = judge(
            app, client, world.org, world.event_id, f"committee{index}", unit_id=unit
        )
        for place, cid in enumerate(world.contestants[unit]):
            mark(committee, world.event_id, "preliminary", cid, "theory", 90 - place)
            mark(committee, world.event_id, "preliminary", cid, "practical", 80 - place)
    return world


def _results(world):
    return world.org.get(f"/events/{world.event_id}/rounds/preliminary/results")


def _stamp(app, event_id):
    with app.app_context():
        return db.session.scalar(select(ResultStamp.stamp).where(ResultStamp.event_id == event_id))


def _sql(app, statement, **params):
    """A change made behind the app's back, as another process or a person at psql would."""
    with app.app_context():
        db.session.execute(text(statement), params)
        db.session.commit()


def test_a_ranking_is_computed_once_per_stamp(app, marked):
    first = _results(marked)
    with app.app_context():
        cache = app.extensions["results_cache"]
        assert len(cache._items) == 1
    assert _results(marked) == first
    with app.app_context():
        assert len(app.extensions["results_cache"]._items) == 1  # served from the cache


@pytest.mark.parametrize(
    ("statement", "check"),
    [
        (
            "UPDATE marks SET value = '10.00' WHERE contestant_id = :first",
            lambda body, w: body["ranking"][-1]["contestant_id"] == w.contestants[w.units[0]][0],
        ),
        (
            "UPDATE contestants SET name = '改过的名字' WHERE id = :first",
            lambda body, w: body["ranking"][0]["name"] == "改过的名字",
        ),
        (
            "UPDATE units SET name = '改名单位' WHERE id = :unit",
            lambda body, w: body["ranking"][0]["unit"] == "改名单位",
        ),
        (
            "DELETE FROM marks WHERE contestant_id = :first AND component_id = "
            "(SELECT min(id) FROM components)",
            lambda body, w: body["incomplete"][0]["contestant_id"] == w.contestants[w.units[0]][0],
        ),
        (
            "UPDATE components SET weight = '0' WHERE key = 'practical'",
            lambda body, w: body["ranking"][0]["total"] == "27.00",  # 0.30 × 90, practical gone
        ),
        (
            "UPDATE rounds SET published_at = '2026-11-20 08:00:00' WHERE kind = 'preliminary'",
            lambda body, w: body["published"] is True,
        ),
    ],
    ids=["mark", "contestant", "unit", "mark-deleted", "component", "round"],
)
def test_every_change_behind_the_apps_back_shows_at_once(app, marked, statement, check):
    before = _results(marked)
    assert before["ranking"][0]["contestant_id"] == marked.contestants[marked.units[0]][0]
    stamp = _stamp(app, marked.event_id)
    _sql(app, statement, first=before["ranking"][0]["contestant_id"], unit=marked.units[0])
    assert _stamp(app, marked.event_id) != stamp
    assert check(_results(marked), marked)


def test_a_ruling_and_finalists_renew_the_stamp(app, client, marked):
    stamp = _stamp(app, marked.event_id)
    marked.org.post(
        f"/events/{marked.event_id}/finalists", {"unit_id": marked.units[0], "count": 3}
    )
    assert _stamp(app, marked.event_id) != stamp
    stamp = _stamp(app, marked.event_id)
    _sql(
        app,
        'INSERT INTO tie_resolutions (round_id, unit_id, "order", reason, created_by_id, '
        "created_at) SELECT id, NULL, '[1, 2]', 'x', 1, '2026-11-20 08:00:00' FROM rounds "
        "WHERE kind = 'final'",
    )
    assert _stamp(app, marked.event_id) != stamp


def test_locking_a_round_does_not_renew_the_stamp(app, marked):
    """Every mark write locks its round (on SQLite a no-op UPDATE): that changes nothing."""
    stamp = _stamp(app, marked.event_id)
    _sql(app, "UPDATE rounds SET id = id")
    assert _stamp(app, marked.event_id) == stamp


def test_other_events_keep_their_stamp(app, client, marked):
    other = marked.org.post(f"/contests/{marked.contest_id}/events", {"name": "焊工", **EVENT})
    theirs = _stamp(app, other["id"])
    _sql(app, "UPDATE contestants SET name = '另一个名字' WHERE event_id = :event", event=1)
    assert _stamp(app, other["id"]) == theirs


def test_a_rolled_back_change_never_leaves_its_ranking_behind(app, marked):
    """Results computed inside a transaction that then rolls back are cached under a stamp
    that is never committed, so nobody is ever served them."""
    before = _results(marked)
    with app.test_request_context():
        event = db.session.get(Event, marked.event_id)
        round_ = event.round("preliminary")
        db.session.execute(text("UPDATE contestants SET name = '未提交的名字'"))
        inside = result_service.round_results(event, round_)
        assert {c.name for c in inside.contestants.values()} == {"未提交的名字"}
        db.session.rollback()
    assert _results(marked) == before
    # A committed change afterwards gets a stamp of its own, not the rolled-back one.
    _sql(app, "UPDATE contestants SET name = '提交的名字' WHERE id = :first", first=1)
    assert _results(marked)["ranking"][0]["name"] == "提交的名字"


def test_without_a_cache_the_same_results(app, marked):
    cached = _results(marked)
    app.config["RESULTS_CACHE_ENTRIES"] = 0
    app.extensions.pop("results_cache", None)
    assert _results(marked) == cached
    assert "results_cache" not in app.extensions
