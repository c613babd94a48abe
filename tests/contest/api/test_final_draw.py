"""The final's contest numbers drawn by lot (抽签): the service's rules and the API.

A draw is a random permutation of the finalists onto J01..Jn, audited; it may be drawn again
until the first final mark (a plain mark or an item mark); a change of the finalists voids it.
From the draw on the final's results, marks and sheets show the drawn numbers; the preliminary
and the personal look-up keep the registration numbers.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from competition.contest.services import draw as draw_service
from competition.contest.services import lookup as lookup_service
from competition.core.errors import Conflict
from competition.extensions import db
from competition.models import (
    AuditEntry,
    Contestant,
    Event,
    Finalist,
    ItemMark,
    Mark,
    MarkingScheme,
    SchemeItem,
)
from competition.models.types import utcnow
from tests.support.errors import assert_error
from tests.support.factories import Api, judge, login, make_user, mark
from tests.support.finals import Finalists, finalists_world, the_organiser

NUMBER = re.compile(r"^J\d{2}$")


def _event(world: Finalists) -> Event:
    event = db.session.get(Event, world.event_id)
    assert event is not None
    return event


def _finalist_ids(world: Finalists) -> set[int]:
    return set(world.world.all_contestants())


def _audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        entries = list(
            db.session.scalars(
                select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
            )
        )
        db.session.expunge_all()
        return entries


# ---------------------------------------------------------------- the service
def test_numbers_are_formatted_with_at_least_two_digits_of_one_width():
    assert draw_service.format_number(1, 6) == "J01"
    assert draw_service.format_number(30, 30) == "J30"
    assert draw_service.format_number(7, 120) == "J007"
    assert draw_service.format_number(120, 120) == "J120"


def test_a_draw_numbers_every_finalist_once_and_nobody_else(app, client):
    world = finalists_world(app, client, per_unit=(4, 3, 3))
    with app.app_context():
        draw = draw_service.draw_numbers(_event(world), the_organiser())
        db.session.commit()
        mapping = draw.by_contestant()
        stored = dict(
            db.session.execute(select(Finalist.contestant_id, Finalist.final_number)).all()
        )
    assert set(mapping) == _finalist_ids(world)  # onto the finalists
    assert sorted(mapping.values()) == [f"J{n:02d}" for n in range(1, 11)]  # J01..J10, once each
    assert stored == mapping
    assert [line.number for line in draw.numbers] == sorted(mapping.values())


def test_the_permutation_is_the_system_randoms_shuffle(app, client, monkeypatch):
    """The order comes from `secrets.SystemRandom().shuffle` of the finalists, nothing else:
    a shuffle that reverses them numbers the last-chosen finalist J01."""
    world = finalists_world(app, client, per_unit=(3, 3))
    shuffled: list[int] = []

    class Reversing:
        def shuffle(self, items: list) -> None:
            items.reverse()
            shuffled.append(len(items))

    monkeypatch.setattr(draw_service.secrets, "SystemRandom", Reversing)
    with app.app_context():
        order = list(db.session.scalars(select(Finalist.contestant_id).order_by(Finalist.id)))
        draw = draw_service.draw_numbers(_event(world), the_organiser())
        db.session.rollback()
    assert shuffled == [6]
    assert [line.contestant_id for line in draw.numbers] == order[::-1]


def test_draws_differ_from_one_another(app, client):
    """Six finalists have 720 orders: ten draws all alike would be a broken shuffle (the
    chance of it by luck is 720 ** -9)."""
    world = finalists_world(app, client, per_unit=(3, 3))
    seen = set()
    with app.app_context():
        for _ in range(10):
            draw = draw_service.draw_numbers(_event(world), the_organiser())
            seen.add(tuple(line.contestant_id for line in draw.numbers))
        db.session.rollback()
    assert len(seen) > 1


def test_a_redraw_before_the_first_mark_replaces_every_number_and_is_audited(app, client):
    world = finalists_world(app, client)
    first = world.draw()
    second = world.draw()
    assert set(second) == set(first) == _finalist_ids(world)
    assert sorted(second.values()) == sorted(first.values())
    entries = _audit(app, "final.draw")
    assert len(entries) == 2
    old, new = entries
    assert old.details["replaced"] is None
    assert new.details["replaced"] == {number: cid for cid, number in first.items()}
    assert new.details["numbers"] == {number: cid for cid, number in second.items()}


def test_the_audit_entry_keeps_who_when_and_the_whole_mapping(app, client):
    world = finalists_world(app, client)
    numbers = world.draw()
    [entry] = _audit(app, "final.draw")
    with app.app_context():
        event = _event(world)
        final = event.round("final")
        organiser = the_organiser()
        assert entry.actor_id == organiser.id == final.drawn_by_id
        assert entry.event_id == event.id and entry.round_id == final.id
        assert final.drawn_at is not None
        assert entry.details["drawn_at"] == final.drawn_at.isoformat()
    assert entry.details["drawn_by_id"] == entry.actor_id
    assert entry.details["numbers"] == {number: cid for cid, number in numbers.items()}


def test_no_draw_after_a_final_mark(app, client):
    world = finalists_world(app, client)
    first = world.draw()
    someone = next(iter(first))
    mark(world.chief, world.event_id, "final", someone, "theory", "88")
    error = assert_error(world.org.call("POST", f"/events/{world.event_id}/rounds/final/draw"), 409)
    assert error["message"] == draw_service.MARKED
    drawn = world.org.get(f"/events/{world.event_id}/rounds/final/draw")
    assert {int(k): v for k, v in drawn["numbers"].items()} == first  # unchanged


def test_no_draw_after_an_item_mark(app, client):
    """A marking scheme's item mark is a final mark too, before the component's mark exists."""
    world = finalists_world(app, client)
    world.draw()
    with app.app_context():
        event = _event(world)
        component = event.component("practical")
        assert component is not None
        scheme = MarkingScheme(component_id=component.id, max_judgement_spread=None)
        db.session.add(scheme)
        db.session.flush()
        item = SchemeItem(
            scheme_id=scheme.id,
            position=0,
            code="J1",
            kind="judgement",
            name="表面质量",
            points=Decimal(100),
        )
        db.session.add(item)
        db.session.flush()
        someone = next(iter(_finalist_ids(world)))
        db.session.add(
            ItemMark(
                round_id=event.round("final").id,
                contestant_id=someone,
                item_id=item.id,
                judge_id=world.chief_id,
                value=Decimal(2),
            )
        )
        db.session.commit()
        final_id = event.round("final").id
        assert db.session.scalar(select(func.count()).where(Mark.round_id == final_id)) == 0
        with pytest.raises(Conflict) as refused:
            draw_service.draw_numbers(_event(world), the_organiser())
        assert refused.value.message == draw_service.MARKED
        db.session.rollback()
    assert_error(world.org.call("POST", f"/events/{world.event_id}/rounds/final/draw"), 409)


def test_no_draw_without_finalists_nor_once_the_final_is_published(app, client):
    world = finalists_world(app, client, per_unit=(3,))
    other = world.org.post(
        f"/contests/{world.world.contest_id}/events", {"name": "车工", "group": "职工组"}
    )
    error = assert_error(world.org.call("POST", f"/events/{other['id']}/rounds/final/draw"), 409)
    assert error["message"] == draw_service.NO_FINALISTS
    with app.app_context():
        event = _event(world)
        event.round("final").published_at = utcnow()
        db.session.commit()
        with pytest.raises(Conflict) as refused:
            draw_service.draw_numbers(_event(world), the_organiser())
        assert refused.value.message == draw_service.PUBLISHED


def _drawn_state(app, world: Finalists) -> tuple[dict[int, str | None], object]:
    with app.app_context():
        numbers = dict(
            db.session.execute(select(Finalist.contestant_id, Finalist.final_number)).all()
        )
        return numbers, _event(world).round("final").drawn_at


def test_changing_the_finalists_voids_the_draw_and_the_same_list_keeps_it(app, client):
    world = finalists_world(app, client, per_unit=(4, 3))
    unit1, unit2 = world.world.units
    path = f"/events/{world.event_id}/finalists"
    world.org.post(path, {"unit_id": unit1, "count": 3})  # the 4th of unit 1 drops out
    numbers = world.draw()
    assert len(numbers) == 6

    world.org.post(path, {"unit_id": unit2, "count": 3})  # the same people again
    kept, drawn_at = _drawn_state(app, world)
    assert kept == numbers and drawn_at is not None
    assert _audit(app, "final.draw_void") == []

    world.org.post(path, {"unit_id": unit1, "count": 4})  # one more: the draw is void
    cleared, drawn_at = _drawn_state(app, world)
    assert len(cleared) == 7 and set(cleared.values()) == {None} and drawn_at is None
    [void] = _audit(app, "final.draw_void")
    assert void.details == {
        "unit_id": unit1,
        "numbers": {number: cid for cid, number in numbers.items()},
    }
    assert void.reason
    assert_error(world.org.call("GET", f"/events/{world.event_id}/rounds/final/draw"), 404)
    # The final shows registration numbers again until the organiser draws anew.
    registered = world.registration_numbers(app)
    ranking = world.org.get(f"/events/{world.event_id}/rounds/final/results")
    assert {i["contestant_id"]: i["number"] for i in ranking["incomplete"]} == {
        cid: registered[cid] for cid in cleared
    }
    again = world.draw()
    assert set(again) == set(cleared)


def _workbook(header: list[str], rows: list[list[str]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(api: Api, path: str, data: bytes):
    return api.call(
        "POST",
        path,
        data={"file": (io.BytesIO(data), "名单.xlsx")},
        content_type="multipart/form-data",
    )


def test_the_finalists_import_voids_the_draw_too(app, client):
    world = finalists_world(app, client, per_unit=(4,))
    path = f"/events/{world.event_id}/finalists"
    world.org.post(path, {"unit_id": world.world.units[0], "count": 3})
    world.draw()
    with app.app_context():
        people = list(
            db.session.execute(
                select(Contestant.number, Contestant.name).order_by(Contestant.number)
            )
        )
    rows = [["单位1", number, name] for number, name in people]
    response = _upload(
        world.org, f"{path}/import", _workbook(["所属单位", "参赛编号", "姓名"], rows)
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    cleared, drawn_at = _drawn_state(app, world)
    assert len(cleared) == 4 and set(cleared.values()) == {None} and drawn_at is None
    assert len(_audit(app, "final.draw_void")) == 1


# ---------------------------------------------------------------- the API
def test_the_draw_api_answers_the_organiser_only_in_the_contracts_order(app, client):
    world = finalists_world(app, client)
    path = f"/events/{world.event_id}/rounds/final/draw"
    assert_error(Api(client).call("POST", path), 401)
    assert_error(world.org.call("POST", "/events/999999/rounds/final/draw"), 404)
    assert_error(world.chief.call("POST", "/events/999999/rounds/final/draw"), 404)
    assert_error(world.chief.call("POST", path), 403)
    assert_error(world.chief.call("GET", path), 403)
    make_user(app, "clerk", "organiser")
    assert_error(login(client, "clerk").call("GET", path), 404)  # not drawn yet

    body = world.org.post(path)
    assert set(body) == {"numbers"}
    numbers = {int(k): v for k, v in body["numbers"].items()}
    assert set(numbers) == _finalist_ids(world)
    assert all(NUMBER.match(n) for n in numbers.values())
    assert len(set(numbers.values())) == len(numbers)

    shown = login(client, "clerk").get(path)
    assert set(shown) == {"drawn_at", "drawn_by", "drawn_by_id", "numbers"}
    assert {int(k): v for k, v in shown["numbers"].items()} == numbers
    assert shown["drawn_by"] == "org"
    assert shown["drawn_at"].startswith("20")


def test_the_finals_results_marks_and_sheets_use_the_drawn_numbers(app, client):
    world = finalists_world(app, client)
    event_id = world.event_id
    registered = world.registration_numbers(app)
    before = world.org.get(f"/events/{event_id}/rounds/final/results")  # kept in the cache
    assert {i["contestant_id"]: i["number"] for i in before["incomplete"]} == registered
    numbers = world.draw()
    people = sorted(numbers, key=numbers.get)
    for place, cid in enumerate(people):
        for key in ("theory", "practical"):
            mark(world.chief, event_id, "final", cid, key, str(90 - place))

    final = world.org.get(f"/events/{event_id}/rounds/final/results")
    assert [(e["contestant_id"], e["number"]) for e in final["ranking"]] == [
        (cid, numbers[cid]) for cid in people
    ]
    preliminary = world.org.get(f"/events/{event_id}/rounds/preliminary/results")
    assert {e["contestant_id"]: e["number"] for e in preliminary["ranking"]} == registered

    marks = world.chief.get(f"/events/{event_id}/rounds/final/marks")["marks"]
    assert {m["contestant_id"]: m["number"] for m in marks} == numbers
    marks = world.chief.get(f"/events/{event_id}/rounds/preliminary/marks")["marks"]
    assert {m["contestant_id"]: m["number"] for m in marks} == registered

    sheet = world.chief.get(f"/events/{event_id}/rounds/final/sheets/theory/{world.chief_id}")
    assert [r["number"] for r in sheet["rows"]] == sorted(numbers.values())  # by drawn number
    assert [r["contestant_id"] for r in sheet["rows"]] == people
    sheet = world.chief.get(f"/events/{event_id}/rounds/preliminary/sheets/theory/{world.chief_id}")
    assert {r["contestant_id"]: r["number"] for r in sheet["rows"]} == registered


def test_a_judge_of_the_final_before_publication_sees_drawn_numbers_only(app, client):
    world = finalists_world(app, client)
    _, panel = judge(app, client, world.org, world.event_id, "panel")
    numbers = world.draw()
    results = panel.get(f"/events/{world.event_id}/rounds/final/results")
    assert {i["contestant_id"]: i["number"] for i in results["incomplete"]} == numbers
    assert all(e["name"] is None for e in results["ranking"])


def test_the_personal_look_up_still_finds_a_finalist_by_registration_number(app, client):
    world = finalists_world(app, client)
    numbers = world.draw()
    someone = next(iter(numbers))
    with app.app_context():
        contestant = db.session.get(Contestant, someone)
        assert contestant is not None
        found = lookup_service.find_contestant(contestant.number, contestant.access_code)
        assert found is not None and found.id == someone
        assert lookup_service.find_contestant(numbers[someone], contestant.access_code) is None


def test_a_finals_results_sheet_is_read_by_drawn_or_registration_number(app, client):
    """The final's paper sheets carry the drawn numbers, an exam system the registration
    numbers: an imported sheet of the final finds the finalist by either."""
    world = finalists_world(app, client)
    registered = world.registration_numbers(app)
    numbers = world.draw()
    by_drawn, by_registration = sorted(numbers)[:2]
    data = _workbook(
        ["准考证号", "姓 名", "理论考试成绩"],
        [[numbers[by_drawn], "", "81"], [registered[by_registration], "", "82"]],
    )
    path = f"/events/{world.event_id}/rounds/final/sheets/theory/{world.chief_id}/import"
    preview = _upload(world.org, path + "?dry_run=1", data).get_json()
    assert preview["valid"] is True, preview
    assert [(r["contestant_id"], r["value"]) for r in preview["rows"]] == [
        (by_drawn, "81.00"),
        (by_registration, "82.00"),
    ]
