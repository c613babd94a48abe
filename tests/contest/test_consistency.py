"""Judge consistency of a round (`services.consistency`): the figures of a panel worked by hand
(tests/support/consistency.py), the panel's scores as the results compute them, exact marks of
a marking scheme, the chief judge's notes on flagged marks, and the sign-off they unblock."""

from __future__ import annotations

from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import select

from competition.contest.services import consistency as consistency_service
from competition.contest.services import judging as judging_service
from competition.contest.services import marks as mark_service
from competition.contest.services import results as result_service
from competition.contest.web.console_consistency import MESSAGES
from competition.core.errors import Conflict, Forbidden, Invalid, NotFound
from competition.extensions import db
from competition.models import AuditEntry, Contestant, Event, Finalist, FlagNote, Mark, User
from tests.support.consistency import OUTLIER, Panel, build_panel
from tests.support.factories import judge


def _event(panel: Panel) -> Event:
    event = db.session.get(Event, panel.event_id)
    assert event is not None
    return event


def _user(panel: Panel, name: str) -> User:
    user = db.session.get(User, panel.users[name])
    assert user is not None
    return user


def _contestant(contestant_id: int) -> Contestant:
    contestant = db.session.get(Contestant, contestant_id)
    assert contestant is not None
    return contestant


@contextmanager
def _counted() -> Any:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    engine = db.engine
    sa_event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa_event.remove(engine, "before_cursor_execute", count)


def _lines(panel: Panel) -> dict[tuple[str, str], consistency_service.JudgeLine]:
    event = _event(panel)
    lines = consistency_service.judge_lines(event, event.round("preliminary"))
    names = {user_id: name for name, user_id in panel.users.items()}
    return {(line.component.key, names[line.judge_id]): line for line in lines}


def test_the_figures_of_a_panel_are_those_worked_by_hand(app, client):
    panel = build_panel(app, client)
    with app.app_context():
        lines = _lines(panel)
        # theory only (nobody marked the practical), by judge id: chief, p2, p3, p4
        assert list(lines) == [("theory", n) for n in ("chief", "p2", "p3", "p4")]
        p4 = lines["theory", "p4"]
        assert p4.marks == 6
        assert p4.mean_difference == Decimal("4.38")
        assert p4.rank_correlation == Decimal("0.83")
        assert p4.flagged == (panel.outlier,)
        flag = p4.flags[0]
        assert (flag.number, flag.mark, flag.others_median) == ("003", OUTLIER, 70)
        assert flag.note is None and p4.notes == {}
        chief = lines["theory", "chief"]
        # the chief sits 0.5 below five panel scores and 6.25 below 76.25: -(2.5 + 6.25) / 6
        assert chief.mean_difference == Decimal("-1.46")
        assert chief.flagged == () and chief.rank_correlation == Decimal("0.94")


def test_the_panels_score_is_the_published_component_score(app, client):
    panel = build_panel(app, client)
    with app.app_context():
        event = _event(panel)
        preliminary = event.round("preliminary")
        scores = result_service.component_scores(preliminary)
        p4 = _lines(panel)["theory", "p4"]
        marks = {
            m.contestant_id: Fraction(m.value)
            for m in db.session.scalars(select(Mark).where(Mark.judge_id == panel.users["p4"]))
        }
        # mean of (p4's mark − the published score), rounded half-up
        differences = [marks[c] - Fraction(scores[c]["theory"]) for c in panel.people]
        expected = Fraction(sum(differences), len(differences))
        assert expected == Fraction(4375, 1000)
        assert p4.mean_difference == Decimal("4.38")


def test_a_round_is_read_in_a_few_queries_however_many_marks(app, client):
    panel = build_panel(app, client)
    with app.app_context():
        event = _event(panel)
        preliminary = event.round("preliminary")
        assert len(event.components) == 2  # loaded with the event, as the pages have it
        with _counted() as few:
            consistency_service.round_consistency(event, preliminary)
        # marks, notes, judges, numbers
        assert len(few) <= 4, few
        for contestant in panel.people:  # every mark of the practical too, one by one
            for name in ("chief", "p2", "p3", "p4"):
                mark_service.set_mark(
                    event,
                    preliminary,
                    _contestant(contestant),
                    "practical",
                    Decimal(50),
                    _user(panel, name),
                )
        db.session.commit()
        event = _event(panel)
        preliminary = event.round("preliminary")
        assert event.outlier_percent and len(event.components) == 2  # read again after commit
        with _counted() as more:
            consistency_service.round_consistency(event, preliminary)
        assert len(more) == len(few)


def test_a_scheme_mark_counts_exactly_not_as_its_rounding(app, client):
    """65 + 1/300 is shown as 65.00, exactly 15 from the others' 50; but it is beyond."""
    panel = build_panel(app, client)
    with app.app_context():
        event = _event(panel)
        preliminary = event.round("preliminary")
        practical = event.component("practical")
        assert practical is not None
        contestant = panel.people[0]
        for name, units in (("chief", 15000), ("p2", 15000), ("p3", 19501)):
            db.session.add(
                Mark(
                    round_id=preliminary.id,
                    contestant_id=contestant,
                    component_id=practical.id,
                    judge_id=panel.users[name],
                    value=(Decimal(units) / 300).quantize(Decimal("0.01")),
                    exact_units=units,
                )
            )
        db.session.commit()
        p3 = _lines(panel)["practical", "p3"]
        assert p3.flagged == (contestant,)
        assert p3.flags[0].mark == Fraction(19501, 300)
        assert p3.flags[0].mark_shown == Decimal("65.00")
        # the panel's score (50 + 50 + 65.0033…) / 3 = 55.00, as the results have it
        score = result_service.component_scores(preliminary)[contestant]["practical"]
        assert score == Decimal("55.00")
        assert p3.mean_difference == Decimal("10.00")


def test_the_distance_is_the_events_own(app, client):
    panel = build_panel(app, client)
    with app.app_context():
        event = _event(panel)
        event.outlier_percent = 25  # 95 is exactly 25 from 70: not beyond
        db.session.commit()
        assert _lines(panel)["theory", "p4"].flagged == ()
        event.outlier_percent = 24
        db.session.commit()
        assert _lines(panel)["theory", "p4"].flagged == (panel.outlier,)


def test_the_chief_notes_a_flagged_mark_and_the_sheet_can_then_be_signed(app, client):
    panel = build_panel(app, client)
    with app.app_context():
        event = _event(panel)
        preliminary = event.round("preliminary")
        chief = _user(panel, "chief")
        ref = judging_service.sheet_ref(event, preliminary, "theory", panel.users["p4"])
        with pytest.raises(Conflict) as refused:
            judging_service.sign_sheet(ref, chief)
        assert "003" in refused.value.message and refused.value.fields == {"flagged": ["003"]}
        db.session.rollback()
        # the other judges' sheets are not held up by p4's mark
        for name in ("chief", "p2", "p3"):
            other = judging_service.sheet_ref(event, preliminary, "theory", panel.users[name])
            judging_service.sign_sheet(other, chief)
        db.session.commit()

        outlier = _contestant(panel.outlier)
        noted = consistency_service.acknowledge(
            event, preliminary, outlier, "theory", panel.users["p4"], "  复核无误  ", chief
        )
        db.session.commit()
        assert (noted.note, noted.mark, noted.others_median) == (
            "复核无误",
            Decimal("95.00"),
            Decimal("70.00"),
        )
        assert _lines(panel)["theory", "p4"].notes == {panel.outlier: "复核无误"}
        judging_service.sign_sheet(ref, chief)
        db.session.commit()
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "flag_note.set")
        ).one()
        assert (entry.actor_id, entry.contestant_id, entry.judge_id, entry.reason) == (
            chief.id,
            panel.outlier,
            panel.users["p4"],
            "复核无误",
        )
        assert entry.details == {
            "mark": "95.00",
            "others_median": "70.00",
            "previous_note": None,
        }


def test_noting_again_replaces_the_note_and_keeps_both_in_the_audit_trail(app, client):
    panel = build_panel(app, client)
    with app.app_context():
        event = _event(panel)
        preliminary = event.round("preliminary")
        outlier = _contestant(panel.outlier)
        for author, text in (("chief", "工件确有缺陷"), ("chief", "复核：工件确有缺陷，评分成立")):
            consistency_service.acknowledge(
                event, preliminary, outlier, "theory", panel.users["p4"], text, _user(panel, author)
            )
            db.session.commit()
        notes = db.session.scalars(select(FlagNote)).all()
        assert [n.note for n in notes] == ["复核：工件确有缺陷，评分成立"]
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "flag_note.set").order_by(AuditEntry.id)
        ).all()
        assert [e.reason for e in entries] == ["工件确有缺陷", "复核：工件确有缺陷，评分成立"]
        assert entries[1].details["previous_note"] == "工件确有缺陷"


def test_a_note_no_longer_covers_a_mark_the_judge_changed(app, client):
    panel = build_panel(app, client)
    with app.app_context():
        event = _event(panel)
        preliminary = event.round("preliminary")
        outlier = _contestant(panel.outlier)
        p4 = _user(panel, "p4")
        consistency_service.acknowledge(
            event, preliminary, outlier, "theory", p4.id, "工件确有缺陷", _user(panel, "chief")
        )
        db.session.commit()
        assert (
            consistency_service.unacknowledged(event, preliminary, event.component("theory"), p4.id)
            == []
        )
        mark_service.set_mark(event, preliminary, outlier, "theory", Decimal(40), p4)
        db.session.commit()
        left = consistency_service.unacknowledged(
            event, preliminary, event.component("theory"), p4.id
        )
        assert [(f.number, f.mark) for f in left] == [("003", 40)]
        assert _lines(panel)["theory", "p4"].notes == {}  # the old note is not this mark's


def test_who_may_note_and_what_is_refused(app, client):
    panel = build_panel(app, client)
    with app.app_context():
        event = _event(panel)
        preliminary = event.round("preliminary")
        outlier = _contestant(panel.outlier)
        p4 = panel.users["p4"]

        def note(
            who: str,
            text: str = "复核无误",
            contestant: Contestant = outlier,
            component_key: str = "theory",
            judge_id: int = p4,
        ) -> consistency_service.Acknowledgement:
            author = _organiser() if who == "org" else _user(panel, who)
            return consistency_service.acknowledge(
                event, preliminary, contestant, component_key, judge_id, text, author
            )

        with pytest.raises(Forbidden):
            note("p2")
        with pytest.raises(Forbidden):
            note("p4")  # not even one's own mark
        with pytest.raises(Invalid):
            note("chief", "   ")
        with pytest.raises(Invalid):
            note("chief", "长" * 2001)
        with pytest.raises(NotFound):
            note("chief", component_key="nothing")
        with pytest.raises(NotFound):
            note("chief", judge_id=panel.users["p4"] + 100)
        with pytest.raises(Conflict) as not_flagged:
            note("chief", contestant=_contestant(panel.people[0]))
        assert not_flagged.value.message == consistency_service.NOT_FLAGGED
        db.session.rollback()
        assert note("org").note == "复核无误"  # an organiser may, too
        assert consistency_service.may_read(_user(panel, "chief"), event)
        assert not consistency_service.may_read(_user(panel, "p2"), event)


def _organiser() -> User:
    user = db.session.scalar(select(User).where(User.username == "org"))
    assert user is not None
    return user


def test_a_unit_committees_chief_notes_their_committees_marks_only(app, client):
    panel = build_panel(app, client)
    org = panel.org
    unit = panel.world.units[0]
    committee_chief, _ = judge(app, client, org, panel.event_id, "unitchief", unit, chief=True)
    with app.app_context():
        event = _event(panel)
        preliminary = event.round("preliminary")
        user = db.session.get(User, committee_chief)
        assert user is not None
        # p4 is an event judge, not the committee's: the committee's chief may not clear him
        with pytest.raises(Forbidden):
            consistency_service.acknowledge(
                event,
                preliminary,
                _contestant(panel.outlier),
                "theory",
                panel.users["p4"],
                "复核无误",
                user,
            )
        assert not consistency_service.may_read(user, event)
        parts = consistency_service.visible(
            user,
            event,
            preliminary,
            consistency_service.round_consistency(event, preliminary),
        )
        assert [line.judge_id for part in parts for line in part.lines] == []


def test_the_final_shows_the_drawn_numbers(app, client):
    panel = build_panel(app, client)
    with app.app_context():
        event = _event(panel)
        final = event.round("final")
        theory = event.component("theory")
        assert theory is not None
        for n, contestant_id in enumerate(panel.people[:3]):
            person = _contestant(contestant_id)
            db.session.add(
                Finalist(
                    event_id=event.id,
                    unit_id=person.unit_id,
                    contestant_id=contestant_id,
                    final_number=f"F{n + 1:02d}",
                )
            )
            for name, value in (("chief", 70), ("p2", 70), ("p3", 70 + 30 * (n == 1))):
                db.session.add(
                    Mark(
                        round_id=final.id,
                        contestant_id=contestant_id,
                        component_id=theory.id,
                        judge_id=panel.users[name],
                        value=Decimal(value),
                    )
                )
        db.session.commit()
        lines = consistency_service.judge_lines(event, final)
        flags = [(f.number, f.contestant_id) for line in lines for f in line.flags]
        assert flags == [("F02", panel.people[1])]


def test_the_refusals_are_marked_for_the_catalog() -> None:
    """The pages translate the service's refusals through `console_consistency.MESSAGES`."""
    assert set(MESSAGES) == {
        consistency_service.NOTE_REQUIRED,
        consistency_service.NOTE_TOO_LONG,
        consistency_service.NOT_FLAGGED,
        consistency_service.MAY_NOT_NOTE,
        consistency_service.MAY_NOT_READ,
    }
