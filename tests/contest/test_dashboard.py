"""The organiser's home (`services.dashboard`): each thing to do is listed while its condition
holds and leaves the list once it is dealt with; the gathering costs the same queries for any
number of events.

The world is tests/support/homes.py's: 数控铣工 with its preliminary in its notice period, an
appeal on file and a final being marked with a tie; 车工 published with certificates to print
again; 钳工 being set up.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import event as sa_event
from sqlalchemy import select

from competition.contest.services import appeals as appeal_service
from competition.contest.services import certificates as certificate_service
from competition.contest.services import contests as contest_service
from competition.contest.services import judging as judging_service
from competition.contest.services import marks as mark_service
from competition.contest.services import publication
from competition.contest.services import results as result_service
from competition.contest.services.dashboard import dashboard
from competition.core.workdays import notice_ends_on
from competition.extensions import db
from competition.models import Appeal, Contest, Contestant, Event, User
from tests.support.homes import PARTS, HomeWorld, build_home_world


def _published_on(world: HomeWorld):
    event = db.session.get(Event, world.ids["milling"])
    return publication.notice_status(event, event.round("preliminary")).published_on


def _board(world: HomeWorld, days_later: int = 0):
    db.session.expire_all()
    return dashboard(_published_on(world) + timedelta(days=days_later))


def _user(world: HomeWorld, name: str) -> User:
    user = db.session.get(User, world.users[name])
    assert user is not None
    return user


def test_every_event_is_listed_with_its_marking_progress(app):
    world = build_home_world(app)
    with app.app_context():
        board = _board(world)
        progress = {item.event.name: item.rounds for item in board.events}
        assert list(progress) == ["数控铣工", "车工", "钳工"]
        preliminary, final = progress["数控铣工"]
        # two judges, two parts, four contestants: 16 marks of 16; the final: two finalists
        assert (preliminary.entered, preliminary.expected, preliminary.sheets) == (16, 16, 4)
        assert preliminary.notice.published and not final.notice.published
        assert (final.entered, final.expected, final.signed) == (8, 8, 0)
        fitting = progress["钳工"]
        assert [(r.entered, r.started) for r in fitting] == [(0, False), (0, False)]


def test_sheets_awaiting_sign_off_leave_the_list_once_signed(app):
    world = build_home_world(app)
    with app.app_context():
        waiting = {
            (s.line.judge.username, s.line.component.key): s.ready for s in _board(world).to_sign
        }
        # the final's four complete sheets; judge1's theory waits for its second entry first
        assert waiting == {
            ("chief1", "theory"): True,
            ("chief1", "practical"): True,
            ("judge1", "theory"): False,
            ("judge1", "practical"): True,
        }
        event = db.session.get(Event, world.ids["milling"])
        final = event.round("final")
        chief = _user(world, "chief1")
        for judge, part in (("chief1", "theory"), ("chief1", "practical"), ("judge1", "practical")):
            ref = judging_service.sheet_ref(event, final, part, world.users[judge])
            judging_service.sign_sheet(ref, chief)
        db.session.commit()
        assert [(s.line.judge.username, s.ready) for s in _board(world).to_sign] == [
            ("judge1", False)
        ]

        ref = judging_service.sheet_ref(event, final, "theory", world.users["judge1"])
        judging_service.require_second_entry(ref, False, _user(world, "org"))
        db.session.commit()
        assert [s.ready for s in _board(world).to_sign] == [True]
        judging_service.sign_sheet(ref, chief)
        db.session.commit()
        assert _board(world).to_sign == []


def test_a_tie_is_listed_until_a_ruling_settles_it(app):
    world = build_home_world(app)
    with app.app_context():
        [tie] = _board(world).ties
        assert (tie.event.name, tie.round.kind, tie.unit_name) == ("数控铣工", "final", None)
        assert tie.people == ["001 选手a1", "003 选手b1"]
        event = db.session.get(Event, world.ids["milling"])
        result_service.resolve_tie(
            event,
            event.round("final"),
            [world.ids["b1"], world.ids["a1"]],
            "裁判长抽签决定",
            _user(world, "org"),
        )
        db.session.commit()
        assert _board(world).ties == []


def test_a_units_own_tie_in_the_preliminary_is_listed_with_the_unit(app):
    world = build_home_world(app)
    with app.app_context():
        event = db.session.get(Event, world.ids["fitting"])
        judge = _user(world, "chief1")
        contest_service.assign_judge(event, judge.id, _user(world, "org"), chief=True)
        contest_service.register_contestant(event, "钳工3", world.ids["u1"])
        unit1 = db.session.scalars(
            select(Contestant).where(
                Contestant.event_id == event.id, Contestant.unit_id == world.ids["u1"]
            )
        ).all()
        for person in unit1:  # equal marks for unit 1's two people; unit 2's one unmarked
            for part in PARTS:
                mark_service.set_mark(
                    event, event.round("preliminary"), person, part.key, Decimal(77), judge
                )
        db.session.commit()
        ties = [t for t in _board(world).ties if t.event.id == event.id]
        assert [(t.round.kind, t.unit_name, len(t.members)) for t in ties] == [
            ("preliminary", "单位1", 2)
        ]


def test_an_appeal_is_listed_until_it_is_decided(app):
    world = build_home_world(app)
    with app.app_context():
        assert [(a.event.name, a.appeal.id) for a in _board(world).appeals] == [
            ("数控铣工", world.ids["appeal"])
        ]
        appeal = db.session.get(Appeal, world.ids["appeal"])
        assert appeal is not None
        appeal_service.decide_appeal(
            appeal, "rejected", "复核答题卡，评分无误", [], _user(world, "org")
        )
        db.session.commit()
        assert _board(world).appeals == []


def test_a_notice_period_is_listed_with_the_working_days_left_until_it_ends(app):
    world = build_home_world(app)
    with app.app_context():
        published_on = _published_on(world)
        ends_on = notice_ends_on(published_on, 5, publication.calendar())
        notices = _board(world).notices
        assert [(n.event.name, n.round.kind) for n in notices] == [
            ("数控铣工", "preliminary"),
            ("车工", "preliminary"),
            ("车工", "final"),
        ]
        assert {(n.ends_on, n.working_days_left) for n in notices} == {(ends_on, 5)}
        last_day = _board(world, (ends_on - published_on).days).notices
        assert {(n.working_days_left, n.last_day) for n in last_day} == {(0, True)}
        assert _board(world, (ends_on - published_on).days + 1).notices == []


def test_certificates_to_print_again_are_listed_until_printed(app):
    world = build_home_world(app)
    with app.app_context():
        [reprint] = _board(world).reprints
        assert (reprint.event.name, reprint.count) == ("车工", 1)
        event = db.session.get(Event, world.ids["lathe"])
        certificate_service.replacements_to_print(event, _user(world, "org"))
        db.session.commit()
        assert _board(world).reprints == []


def test_nothing_to_do_is_nothing_listed(app):
    with app.app_context():
        contest = contest_service.create_contest("职工职业技能竞赛", "总工会")
        contest_service.create_event(contest, "数控铣工", "职工组", 1, PARTS, [])
        db.session.commit()
        board = dashboard()
        assert board.to_do == 0 and len(board.events) == 1


@contextmanager
def _counted(app):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


def test_the_home_needs_the_same_queries_for_any_number_of_events(app):
    world = build_home_world(app)
    with app.app_context():
        _board(world)  # the rankings it needs are worked out once and kept
        with _counted(app) as before:
            _board(world)
        contest = db.session.get(Contest, world.ids["contest"])
        org = _user(world, "org")
        for n in range(5):
            event = contest_service.create_event(contest, f"赛项{n}", "职工组", 1, PARTS, [])
            contest_service.assign_judge(event, world.users["judge1"], org)
            for unit in (world.ids["u1"], world.ids["u2"]):
                contest_service.register_contestant(event, f"新选手{n}-{unit}", unit)
        db.session.commit()
        with _counted(app) as after:
            board = _board(world)
        assert len(board.events) == 8
        assert len(after) == len(before)
