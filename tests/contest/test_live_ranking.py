"""Rankings moved on mark by mark (`services/live_ranking.py`) are never wrong.

A worker keeps its last ranking of a round and, when only marks changed since, reads again
the marks of the contestants that changed (named by the change rows the triggers of `marks`
write, migration 0015). These tests hold it to the ranking worked out afresh by
another app on the same database with no cache at all, after random sequences of changes of
every kind (marks set, changed and deleted, one or several per transaction; absences, rulings,
names, weights, which must all be worked out afresh), on SQLite and on PostgreSQL; with two
apps as two workers; and with transactions that roll back or commit out of order.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select, update

from competition.contest.services import contests, live_ranking
from competition.contest.services import results as result_service
from competition.contest.services.contests import ComponentSpec
from competition.core import jobs, users
from competition.extensions import db
from competition.models import (
    Absence,
    Component,
    Contestant,
    Event,
    Mark,
    ResultChange,
    ResultStamp,
    TieResolution,
)
from tests.conftest import make_app
from tests.support.factories import build_world, judge, mark

COMPONENTS = (
    ComponentSpec("theory", "理论知识", Decimal("0.30"), Decimal("100")),
    ComponentSpec("practical", "技能操作", Decimal("0.70"), Decimal("100")),
    ComponentSpec("time_used", "操作用时", Decimal("0"), Decimal("600"), False, "分钟"),
)
KEYS = [spec.key for spec in COMPONENTS]
PEOPLE = 6  # two units of three
JUDGES = 2
VALUES = [Decimal(v) for v in ("70", "80", "80.50", "90")]  # few values: ties are common
_events = itertools.count(1)


@pytest.fixture
def fresh(database_url: str) -> Iterator[Flask]:
    """Another app on the same database with no cache: every ranking worked out afresh."""
    other = make_app(database_url, RESULTS_CACHE_ENTRIES=0)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def people(app: Flask) -> dict[str, int]:
    with app.app_context():
        made = {"org": users.create_user("org", "organiser-pass", "organiser").id}
        for index in range(JUDGES):
            made[f"judge{index}"] = users.create_user(f"judge{index}", "judge-pass", "judge").id
        db.session.commit()
        return made


def make_event(app: Flask) -> dict[str, Any]:
    """A contest of two units of three, nobody marked yet."""
    with app.app_context():
        contest = contests.create_contest(f"竞赛{next(_events)}", "总工会")
        event = contests.create_event(
            contest, "数控铣工", components=COMPONENTS, tie_breaks=("practical", "time_used")
        )
        units = [contests.create_unit(contest, f"单位{i}") for i in range(2)]
        people = []
        for index in range(PEOPLE):
            person = Contestant(
                event_id=event.id,
                unit_id=units[index % 2].id,
                number=f"{index + 1:03d}",
                name=f"选手{index}",
            )
            db.session.add(person)
            people.append(person)
        db.session.commit()
        return {
            "event": event.id,
            "round": event.round("preliminary").id,
            "units": [u.id for u in units],
            "people": [p.id for p in people],
            "components": {c.key: c.id for c in event.components},
        }


def plain(app: Flask, world: dict[str, Any], unit_id: int | None) -> tuple[Any, ...]:
    """The round's results as the API shows them, decimals as text."""
    with app.app_context():
        event = db.session.get(Event, world["event"])
        results = result_service.round_results(event, event.round("preliminary"), unit_id)
        ranking = results.ranking
        shown = (
            [
                (
                    r.rank,
                    r.contestant_id,
                    r.number,
                    results.contestants[r.contestant_id].name,
                    sorted((k, str(v)) for k, v in r.scores.items()),
                    str(r.total),
                    r.decided_by,
                )
                for r in ranking.ranked
            ],
            [(i.contestant_id, i.missing) for i in ranking.incomplete],
            ranking.unresolved_ties,
            [(a.contestant_id, a.status, a.reason) for a in results.absent],
            [r.order for r in results.resolutions],
        )
        db.session.remove()
        return shown


def kept_state(app: Flask, world: dict[str, Any]) -> live_ranking.LiveState | None:
    store = app.extensions.get("live_rankings")
    return None if store is None else store.get((world["event"], world["round"], None))


# --- changes ------------------------------------------------------------------------------------


def set_mark(world: dict[str, Any], people: dict[str, int], op: tuple[Any, ...]) -> bool:
    _, person, key, judge, value = op
    where = (
        Mark.round_id == world["round"],
        Mark.contestant_id == world["people"][person],
        Mark.component_id == world["components"][key],
        Mark.judge_id == people[f"judge{judge}"],
    )
    found = db.session.scalar(select(Mark).where(*where))
    if found is None:
        db.session.add(
            Mark(
                round_id=world["round"],
                contestant_id=world["people"][person],
                component_id=world["components"][key],
                judge_id=people[f"judge{judge}"],
                value=value,
            )
        )
    elif found.value == value:
        return False  # the ORM writes nothing: no change
    else:
        found.value = value
    db.session.flush()
    return True


def apply(world: dict[str, Any], people: dict[str, int], op: tuple[Any, ...]) -> str | None:
    """Make one change (committed by the caller): "marks" if only marks changed, "other" if
    anything else did, None if nothing did."""
    kind = op[0]
    if kind == "mark":
        return "marks" if set_mark(world, people, op) else None
    if kind == "marks":  # two marks in one transaction
        first = set_mark(world, people, op[1])
        return "marks" if set_mark(world, people, op[2]) or first else None
    if kind == "unmark":
        _, person, key, judge = op
        gone = db.session.execute(
            delete(Mark).where(
                Mark.round_id == world["round"],
                Mark.contestant_id == world["people"][person],
                Mark.component_id == world["components"][key],
                Mark.judge_id == people[f"judge{judge}"],
            )
        )
        return "marks" if gone.rowcount else None
    if kind == "absent":
        cid = world["people"][op[1]]
        absence = db.session.scalar(
            select(Absence).where(Absence.round_id == world["round"], Absence.contestant_id == cid)
        )
        if absence is None:
            db.session.add(
                Absence(
                    round_id=world["round"],
                    contestant_id=cid,
                    status="absent",
                    reason="病假",
                    recorded_by_id=people["org"],
                )
            )
        else:
            db.session.delete(absence)
        return "other"
    if kind == "rule":
        event = db.session.get(Event, world["event"])
        round_ = event.round("preliminary")
        groups = result_service.round_results(event, round_).ranking.unresolved_ties
        if not groups:
            return None
        db.session.add(
            TieResolution(
                round_id=world["round"],
                unit_id=None,
                order=list(reversed(groups[0])),
                reason="抽签",
                created_by_id=people["org"],
            )
        )
        return "other"
    if kind == "rename":
        db.session.execute(
            update(Contestant)
            .where(Contestant.id == world["people"][op[1]])
            .values(name=f"改名{op[2]}")
        )
        return "other"
    if kind == "weight":
        theory = db.session.scalar(
            select(Component).where(Component.id == world["components"]["theory"])
        )
        practical = db.session.get(Component, world["components"]["practical"])
        theory.weight, practical.weight = (
            (Decimal("0.4"), Decimal("0.6"))
            if theory.weight == Decimal("0.3")
            else (Decimal("0.3"), Decimal("0.7"))
        )
        return "other"
    raise AssertionError(op)


person_ids = st.integers(0, PEOPLE - 1)
mark_ops = st.tuples(
    st.just("mark"),
    person_ids,
    st.sampled_from(KEYS),
    st.integers(0, JUDGES - 1),
    st.sampled_from(VALUES),
)
operations = st.one_of(
    mark_ops,
    mark_ops,
    mark_ops,
    st.tuples(st.just("marks"), mark_ops, mark_ops),
    st.tuples(st.just("unmark"), person_ids, st.sampled_from(KEYS), st.integers(0, JUDGES - 1)),
    st.tuples(st.just("absent"), person_ids),
    st.tuples(st.just("rule")),
    st.tuples(st.just("rename"), person_ids, st.integers(0, 9)),
    st.tuples(st.just("weight")),
)
#: Everyone marked by both judges on every component, from a few values: the start of most
#: examples is a complete ranking with ties.
full_marking = st.lists(
    st.sampled_from(VALUES), min_size=PEOPLE * 3 * JUDGES, max_size=PEOPLE * 3 * JUDGES
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.one_of(st.none(), full_marking), st.lists(operations, min_size=1, max_size=12))
def test_moved_on_rankings_equal_rankings_worked_out_afresh(
    app: Flask, fresh: Flask, people: dict[str, int], start: list[Decimal] | None, ops: list
) -> None:
    world = make_event(app)
    if start is not None:
        with app.app_context():
            values = iter(start)
            for person, key, judge in itertools.product(range(PEOPLE), KEYS, range(JUDGES)):
                set_mark(world, people, ("mark", person, key, judge, next(values)))
            db.session.commit()
    scopes = [None, *world["units"]]
    for unit_id in scopes:
        assert plain(app, world, unit_id) == plain(fresh, world, unit_id)
    for op in ops:
        before = kept_state(app, world)
        with app.app_context():
            changed = apply(world, people, op)
            db.session.commit()
        for unit_id in scopes:
            assert plain(app, world, unit_id) == plain(fresh, world, unit_id), op
        after = kept_state(app, world)
        assert before is not None and after is not None
        if changed == "marks":  # moved on: the kept contestants are the same object
            assert after.contestants is before.contestants, op
            assert after.head.stamp != before.head.stamp
        elif changed == "other":  # worked out afresh
            assert after.contestants is not before.contestants, op


# --- two workers --------------------------------------------------------------------------------


@pytest.fixture
def second(database_url: str) -> Iterator[Flask]:
    """A second worker: another app on the same database, with its own kept rankings."""
    other = make_app(database_url)
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def test_a_mark_changed_by_one_worker_is_in_the_others_next_ranking(
    app: Flask, second: Flask, fresh: Flask, people: dict[str, int]
) -> None:
    world = make_event(app)
    with app.app_context():
        for person, key, judge in itertools.product(range(PEOPLE), KEYS, range(JUDGES)):
            set_mark(world, people, ("mark", person, key, judge, Decimal("80")))
        db.session.commit()
    first = plain(app, world, None)
    assert first == plain(second, world, None)
    assert first[2] == (tuple(sorted(world["people"])),)  # everyone tied
    kept = kept_state(app, world)

    # The second worker changes one judge's mark of the last contestant.
    with second.app_context():
        set_mark(world, people, ("mark", PEOPLE - 1, "practical", 0, Decimal("90")))
        db.session.commit()
    moved = plain(app, world, None)
    assert moved == plain(fresh, world, None)
    assert moved[0][0][1] == world["people"][PEOPLE - 1]  # now first
    assert moved[0][0][5] == "83.50"  # 0.3 × 80 + 0.7 × (80 + 90) / 2
    assert kept_state(app, world).contestants is kept.contestants  # moved on, not afresh

    # Then a rename and a mark in one transaction: worked out afresh, both shown.
    with second.app_context():
        set_mark(world, people, ("mark", 0, "theory", 1, Decimal("90")))
        apply(world, people, ("rename", 0, 1))
        db.session.commit()
    both = plain(app, world, None)
    assert both == plain(fresh, world, None)
    assert [r[3] for r in both[0] if r[1] == world["people"][0]] == ["改名1"]
    assert kept_state(app, world).contestants is not kept.contestants


def test_a_ranking_seen_inside_a_transaction_that_rolls_back_is_never_served(
    app: Flask, fresh: Flask, people: dict[str, int]
) -> None:
    """Inside a transaction a ranking is worked out with that transaction's own marks (and
    kept under its stamp); once it rolls back, that stamp never comes, and no walk starts from
    it."""
    world = make_event(app)
    with app.app_context():
        for person, key, judge in itertools.product(range(PEOPLE), KEYS, range(JUDGES)):
            set_mark(world, people, ("mark", person, key, judge, Decimal("80")))
        db.session.commit()
    before = plain(app, world, None)
    with app.app_context():
        set_mark(world, people, ("mark", 0, "practical", 0, Decimal("90")))
        event = db.session.get(Event, world["event"])
        inside = result_service.round_results(event, event.round("preliminary")).ranking
        assert inside.ranked[0].contestant_id == world["people"][0]
        db.session.rollback()
    assert plain(app, world, None) == before == plain(fresh, world, None)
    # and a later committed mark is still moved on correctly
    with app.app_context():
        set_mark(world, people, ("mark", 1, "practical", 0, Decimal("90")))
        db.session.commit()
    after = plain(app, world, None)
    assert after == plain(fresh, world, None)
    assert after[0][0][1] == world["people"][1]


def _walk(app: Flask, event_id: int) -> list[tuple[int | None, int]]:
    with app.app_context():
        rows = db.session.execute(
            select(ResultChange.previous, ResultChange.stamp)
            .where(ResultChange.event_id == event_id)
            .order_by(ResultChange.id)
        ).all()
        stamp = db.session.scalar(select(ResultStamp.stamp).where(ResultStamp.event_id == event_id))
        db.session.remove()
    return [tuple(row) for row in rows], stamp


def test_concurrent_marks_chain_their_stamps_in_commit_order(
    app: Flask, second: Flask, fresh: Flask, people: dict[str, int]
) -> None:
    """Two workers' transactions change marks of one event at once: the second waits for the
    first's stamp (PostgreSQL locks the stamp row; SQLite writes one at a time), so each change
    row names the stamp it really followed, and the rows chain from the first stamp to the
    last whichever transaction began first."""
    world = make_event(app)
    with app.app_context():
        for person, key, judge in itertools.product(range(PEOPLE), KEYS, range(JUDGES)):
            set_mark(world, people, ("mark", person, key, judge, Decimal("80")))
        db.session.commit()
    plain(app, world, None)  # kept by the first worker
    rows_before, _ = _walk(app, world["event"])

    started = threading.Event()
    done = threading.Event()
    errors: list[BaseException] = []

    def later() -> None:
        try:
            with second.app_context():
                started.wait(10)
                set_mark(world, people, ("mark", 2, "theory", 0, Decimal("90")))  # waits
                db.session.commit()
        except BaseException as error:
            errors.append(error)
        finally:
            done.set()

    thread = threading.Thread(target=later)
    with app.app_context():
        set_mark(world, people, ("mark", 1, "theory", 0, Decimal("70")))  # holds the stamp
        thread.start()
        started.set()
        done.wait(0.5)  # the other transaction is now waiting (or, on SQLite, retrying)
        db.session.commit()
    thread.join(30)
    assert not errors, errors
    rows, stamp = _walk(app, world["event"])
    new = rows[len(rows_before) :]
    assert len(new) == 2
    assert new[0][0] == rows_before[-1][1]  # the first follows the stamp before both
    assert new[1][0] == new[0][1]  # the second follows the first
    assert new[1][1] == stamp
    assert plain(app, world, None) == plain(fresh, world, None)
    assert kept_state(app, world).head.stamp == stamp


def test_other_changes_write_no_change_row_and_break_the_walk(
    app: Flask, people: dict[str, int]
) -> None:
    world = make_event(app)
    with app.app_context():
        set_mark(world, people, ("mark", 0, "theory", 0, Decimal("80")))
        db.session.commit()
    rows, stamp = _walk(app, world["event"])
    since = live_ranking.Head(stamp=stamp, position=0)
    with app.app_context():
        apply(world, people, ("rename", 1, 1))
        db.session.commit()
        now = live_ranking.head(world["event"])
        assert now.stamp != stamp
        assert now.position == len(rows)  # no row for the rename
        assert live_ranking.changed_since(world["event"], world["round"], since, now) is None
        set_mark(world, people, ("mark", 3, "theory", 0, Decimal("80")))
        db.session.commit()
        later = live_ranking.head(world["event"])
        assert live_ranking.changed_since(world["event"], world["round"], now, later) == {
            world["people"][3]
        }
        # rows read from too late a position do not reach: afresh, not wrong
        gone = live_ranking.Head(stamp=now.stamp, position=later.position)
        assert live_ranking.changed_since(world["event"], world["round"], gone, later) is None


def test_pruning_keeps_each_events_latest_changes_and_rankings_stay_right(
    app: Flask, fresh: Flask, people: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    busy, quiet = make_event(app), make_event(app)
    assert plain(app, busy, None) == plain(fresh, busy, None)  # a state kept at no marks
    with app.app_context():
        for step, value in enumerate(VALUES * 2):
            set_mark(busy, people, ("mark", step % PEOPLE, "theory", 0, value))
            db.session.commit()
        set_mark(quiet, people, ("mark", 0, "theory", 0, Decimal("80")))
        db.session.commit()
    before = {event: len(_walk(app, event)[0]) for event in (busy["event"], quiet["event"])}
    assert before == {busy["event"]: 8, quiet["event"]: 1}
    # The workers' sweeper prunes: each event keeps its latest rows only.
    monkeypatch.setattr(live_ranking, "MAX_CHANGES", 3)
    with app.app_context():
        jobs.run_housekeeping(app)
    rows = {event: _walk(app, event)[0] for event in (busy["event"], quiet["event"])}
    assert {event: len(kept) for event, kept in rows.items()} == {
        busy["event"]: 3,
        quiet["event"]: 1,
    }
    # The state kept before the first mark cannot walk through pruned rows: worked out afresh,
    # equal to a ranking nobody kept.
    assert plain(app, busy, None) == plain(fresh, busy, None)
    with app.app_context():
        set_mark(busy, people, ("mark", 5, "practical", 1, Decimal("90")))
        db.session.commit()
    assert plain(app, busy, None) == plain(fresh, busy, None)


# --- the results JSON ---------------------------------------------------------------------------

EVENT = {
    "components": [
        {"key": "theory", "name": "理论知识", "weight": "0.30", "max_score": "100"},
        {"key": "practical", "name": "技能操作", "weight": "0.70", "max_score": "100"},
    ],
    "tie_breaks": ["practical"],
}


def test_the_results_json_is_the_bytes_jsonify_gives_moved_on_or_afresh(
    app: Flask, client: Any, fresh: Flask
) -> None:
    """The kept rows spliced into the body (`api/results_json.py`) are byte for byte what
    the app with no cache sends, which builds and `jsonify`s the whole body every time: after
    marks (moved on), a rename (afresh, a name in the rows changes), for everyone and for a
    judge who sees no names, for the whole round and for a unit."""
    world = build_world(app, client, per_unit=(3, 3), event=EVENT)
    _, marker = judge(app, client, world.org, world.event_id, "marker")
    other = fresh.test_client()
    paths = [
        f"/api/v1/events/{world.event_id}/rounds/preliminary/results",
        f"/api/v1/events/{world.event_id}/rounds/preliminary/results?unit_id={world.units[1]}",
    ]

    def same() -> None:
        for api in (world.org, marker):
            headers = {"Authorization": f"Bearer {api.token}"}
            for path in paths:
                kept = client.get(path, headers=headers)
                afresh = other.get(path, headers=headers)
                assert kept.status_code == afresh.status_code == 200
                assert kept.get_data() == afresh.get_data()
                assert kept.mimetype == afresh.mimetype == "application/json"

    people = world.all_contestants()
    for step, cid in enumerate(people):
        mark(marker, world.event_id, "preliminary", cid, "theory", 90 - step)
        mark(marker, world.event_id, "preliminary", cid, "practical", 85)
        same()
    mark(marker, world.event_id, "preliminary", people[-1], "practical", "99.5")
    same()
    with app.app_context():
        apply({"people": people}, {}, ("rename", 0, 3))
        db.session.commit()
    same()
    body = client.get(paths[0], headers={"Authorization": f"Bearer {world.org.token}"}).get_json()
    assert body["ranking"][0]["contestant_id"] == people[-1]
    assert [r["name"] for r in body["ranking"] if r["contestant_id"] == people[0]] == ["改名3"]
