"""Corrections through the API: a contestant's name, unit, identity number and contest number,
a contestant registered by mistake, a unit's name, two units that are one, an empty unit.
Every one needs a reason and is audited; none may change a published result."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from competition.extensions import db
from competition.models import AuditEntry, Certificate, Contestant, Unit
from tests.support.factories import Api, World, build_world, judge, mark

ID_NUMBER = "110105199003071239"
FULL_WIDTH_ID_NUMBER = "１１０１０５１９９００３０７１２３９"
OTHER_ID_NUMBER = "110105198511204566"


def _contestant(world: World, cid: int) -> str:
    return f"/events/{world.event_id}/contestants/{cid}"


def _unit(world: World, unit_id: int) -> str:
    return f"/contests/{world.contest_id}/units/{unit_id}"


def _patch(api: Api, path: str, body: Any, status: int = 200) -> Any:
    return api.call("PATCH", path, body, status=status).get_json()


def _delete(api: Api, path: str, body: Any = None, status: int = 204, **kw: Any) -> Any:
    return api.call("DELETE", path, body, status=status, **kw)


def _trail(world: World, action: str) -> list[dict[str, Any]]:
    entries = world.org.get(f"/events/{world.event_id}/audit")["entries"]
    return [e for e in entries if e["action"] == action]


def _score_everyone(app: Any, client: Any, world: World, username: str = "panel") -> Api:
    """Distinct totals for everyone, so each unit's ranking has no tie and may be published."""
    _judge_id, panel = judge(app, client, world.org, world.event_id, username)
    for n, cid in enumerate(world.all_contestants()):
        mark(panel, world.event_id, "preliminary", cid, "theory", 90 - n)
        mark(panel, world.event_id, "preliminary", cid, "practical", 80 - n)
    return panel


def _publish_preliminary(world: World) -> None:
    world.org.post(f"/events/{world.event_id}/rounds/preliminary/publish", status=200)


# ---------------------------------------------------------------- a contestant's name
def test_a_name_typed_with_spaces_and_full_width_is_stored_normalised_and_audited(app, client):
    world = build_world(app, client, per_unit=(2,))
    cid = world.contestants[world.units[0]][0]
    body = _patch(world.org, _contestant(world, cid), {"name": " 王　 伟 ", "reason": "报名表笔误"})
    assert body["name"] == "王伟"
    assert body["reissue_needed"] == []
    body = _patch(
        world.org, _contestant(world, cid), {"name": "Ｊｏｈｎ　 Ｓｍｉｔｈ", "reason": "英文名"}
    )
    assert body["name"] == "John Smith"

    entries = _trail(world, "contestant.correct")
    assert len(entries) == 2
    first = entries[0]
    assert first["contestant_id"] == cid
    assert first["reason"] == "报名表笔误"
    assert first["details"]["changes"] == {"name": {"old": "选手1-1", "new": "王伟"}}
    listed = world.org.get(f"/events/{world.event_id}/contestants")["contestants"]
    assert {c["name"] for c in listed if c["id"] == cid} == {"John Smith"}


def test_the_same_name_again_changes_nothing_and_is_not_audited(app, client):
    world = build_world(app, client, per_unit=(1,))
    cid = world.contestants[world.units[0]][0]
    _patch(world.org, _contestant(world, cid), {"name": "选手1-1 ", "reason": "核对"})
    assert _trail(world, "contestant.correct") == []


def test_a_correction_needs_a_reason_and_something_to_correct(app, client):
    world = build_world(app, client, per_unit=(1,))
    path = _contestant(world, world.contestants[world.units[0]][0])
    refused = _patch(world.org, path, {"name": "王伟"}, status=422)
    assert "reason" in refused["error"]["fields"]
    refused = _patch(world.org, path, {"name": "王伟", "reason": "  "}, status=422)
    assert "reason" in refused["error"]["fields"]
    _patch(world.org, path, {"reason": "没有内容"}, status=422)
    refused = _patch(world.org, path, {"name": "　 ", "reason": "清空"}, status=422)
    assert "name" in refused["error"]["fields"]
    _patch(world.org, path, {"name": "王伟", "reason": "x", "age": 3}, status=422)
    assert _trail(world, "contestant.correct") == []


def test_the_contract_order_of_refusals(app, client):
    world = build_world(app, client, per_unit=(1,))
    cid = world.contestants[world.units[0]][0]
    path = _contestant(world, cid)
    anonymous = Api(client)
    anonymous.call("PATCH", path, {"name": "王伟", "reason": "x"}, status=401)
    _patch(world.org, f"/events/{world.event_id}/contestants/999999", {"reason": "x"}, status=404)
    _patch(world.org, f"/events/999999/contestants/{cid}", {"reason": "x"}, status=404)
    _judge_id, panel = judge(app, client, world.org, world.event_id, "panel")
    _patch(panel, path, {"name": "王伟", "reason": "x"}, status=403)
    world.org.call("PATCH", "/api/v1" + path, raw="{not json", status=400)
    _delete(panel, path, {"reason": "x"}, status=403)
    _delete(world.org, path, raw="{not json", status=400)
    _delete(world.org, path, status=422)


def test_a_name_can_be_corrected_after_publication_and_printed_certificates_are_pointed_out(
    app, client
):
    world = build_world(app, client, per_unit=(3,))
    _score_everyone(app, client, world)
    _publish_preliminary(world)
    cid = world.contestants[world.units[0]][0]
    with app.app_context():
        db.session.add(
            Certificate(
                serial="ABCD-EFGH-JKMN-PQRS",
                event_id=world.event_id,
                contestant_id=cid,
                name="选手1-1",
                unit="单位1",
                place=1,
            )
        )
        db.session.commit()
    body = _patch(world.org, _contestant(world, cid), {"name": "王 伟", "reason": "身份证姓名"})
    assert body["name"] == "王伟"
    assert body["reissue_needed"] == ["ABCD-EFGH-JKMN-PQRS"]
    public = client.get(f"/api/v1/events/{world.event_id}/rounds/preliminary/results").get_json()
    assert [r["name"] for r in public["ranking"] if r["contestant_id"] == cid] == ["王伟"]
    assert public["ranking"][0]["contestant_id"] == cid  # the place has not moved


# ---------------------------------------------------------------- identity number
def test_an_identity_number_in_full_width_digits_is_stored_as_ascii_and_shown_masked(app, client):
    world = build_world(app, client, per_unit=(2,))
    first, second = world.contestants[world.units[0]]
    body = _patch(
        world.org, _contestant(world, first), {"id_number": FULL_WIDTH_ID_NUMBER, "reason": "补录"}
    )
    assert body["id_number"] == "110***********1239"
    with app.app_context():
        stored = db.session.get(Contestant, first)
        assert stored is not None and stored.id_number == ID_NUMBER
    entry = _trail(world, "contestant.correct")[0]
    assert entry["details"]["changes"]["id_number"] == {"old": None, "new": "110***********1239"}
    assert ID_NUMBER not in str(entry)

    # Checked, and unique in the event.
    wrong_check = ID_NUMBER[:-1] + "0"
    refused = _patch(
        world.org, _contestant(world, second), {"id_number": wrong_check, "reason": "x"}, 422
    )
    assert "id_number" in refused["error"]["fields"]
    refused = _patch(
        world.org, _contestant(world, second), {"id_number": ID_NUMBER, "reason": "x"}, 409
    )
    assert "id_number" in refused["error"]["fields"]
    # Removed with null.
    body = _patch(world.org, _contestant(world, first), {"id_number": None, "reason": "登记错人"})
    assert body["id_number"] is None


def test_an_identity_number_can_be_corrected_after_publication(app, client):
    world = build_world(app, client, per_unit=(3,))
    _score_everyone(app, client, world)
    _publish_preliminary(world)
    cid = world.contestants[world.units[0]][1]
    body = _patch(
        world.org, _contestant(world, cid), {"id_number": OTHER_ID_NUMBER, "reason": "核对"}
    )
    assert body["id_number"] == "110***********4566"


# ---------------------------------------------------------------- unit
def test_a_contestant_moves_to_another_unit_before_publication_and_not_after(app, client):
    world = build_world(app, client, per_unit=(3, 3))
    first_unit, second_unit = world.units
    mover = world.contestants[first_unit][0]
    body = _patch(
        world.org, _contestant(world, mover), {"unit_id": second_unit, "reason": "报错单位"}
    )
    assert body["unit_id"] == second_unit
    entry = _trail(world, "contestant.correct")[0]
    assert entry["details"]["changes"]["unit"] == {
        "old": {"id": first_unit, "name": "单位1"},
        "new": {"id": second_unit, "name": "单位2"},
    }
    _score_everyone(app, client, world)
    own = world.org.get(
        f"/events/{world.event_id}/rounds/preliminary/results?unit_id={second_unit}"
    )
    assert mover in [r["contestant_id"] for r in own["ranking"]]

    _publish_preliminary(world)
    refused = _patch(
        world.org, _contestant(world, mover), {"unit_id": first_unit, "reason": "又改回"}, 409
    )
    assert "unit_id" in refused["error"]["fields"]
    assert "已公布" in refused["error"]["message"]
    with app.app_context():
        stored = db.session.get(Contestant, mover)
        assert stored is not None and stored.unit_id == second_unit
    # The same request with the unit unchanged and a new name is a spelling fix: allowed.
    _patch(
        world.org,
        _contestant(world, mover),
        {"unit_id": second_unit, "name": "王伟", "reason": "笔误"},
    )


def test_a_finalist_or_a_move_into_a_unit_that_recommended_is_refused(app, client):
    world = build_world(app, client, per_unit=(3, 3), event={"min_finalists_per_unit": 1})
    first_unit, second_unit = world.units
    _score_everyone(app, client, world)
    world.org.post(f"/events/{world.event_id}/finalists", {"unit_id": first_unit, "count": 1})
    finalist = world.contestants[first_unit][0]
    refused = _patch(
        world.org, _contestant(world, finalist), {"unit_id": second_unit, "reason": "x"}, 409
    )
    assert "决赛" in refused["error"]["message"]
    # Into the unit that has recommended: its ranking and choice would change.
    incomer = world.contestants[second_unit][0]
    refused = _patch(
        world.org, _contestant(world, incomer), {"unit_id": first_unit, "reason": "x"}, 409
    )
    assert "推荐" in refused["error"]["message"]


def test_a_move_is_refused_once_the_own_units_committee_has_marked(app, client):
    world = build_world(app, client, per_unit=(2, 2))
    first_unit, second_unit = world.units
    cid = world.contestants[first_unit][0]
    _judge_id, committee = judge(app, client, world.org, world.event_id, "c1", unit_id=first_unit)
    mark(committee, world.event_id, "preliminary", cid, "theory", 70)
    refused = _patch(
        world.org, _contestant(world, cid), {"unit_id": second_unit, "reason": "x"}, 409
    )
    assert "组委会" in refused["error"]["message"]


def test_an_unknown_unit_is_422(app, client):
    world = build_world(app, client, per_unit=(1,))
    cid = world.contestants[world.units[0]][0]
    refused = _patch(world.org, _contestant(world, cid), {"unit_id": 999999, "reason": "x"}, 422)
    assert "unit_id" in refused["error"]["fields"]


# ---------------------------------------------------------------- contest number
def test_a_contest_number_is_corrected_until_a_mark_exists(app, client):
    world = build_world(app, client, per_unit=(2,))
    first, second = world.contestants[world.units[0]]
    body = _patch(world.org, _contestant(world, first), {"number": " ａ０１ ", "reason": "抽签号"})
    assert body["number"] == "A01"
    refused = _patch(world.org, _contestant(world, second), {"number": "A01", "reason": "x"}, 409)
    assert "number" in refused["error"]["fields"]
    _patch(world.org, _contestant(world, second), {"number": "A 0/2", "reason": "x"}, 422)
    _judge_id, panel = judge(app, client, world.org, world.event_id, "panel")
    mark(panel, world.event_id, "preliminary", first, "theory", 70)
    refused = _patch(world.org, _contestant(world, first), {"number": "A09", "reason": "x"}, 409)
    assert "参赛号" in refused["error"]["message"]


# ---------------------------------------------------------------- removal
def test_a_contestant_registered_by_mistake_is_removed_and_the_trail_stays(app, client):
    world = build_world(app, client, per_unit=(3,))
    keep, mistake, also = world.contestants[world.units[0]]
    _patch(world.org, _contestant(world, mistake), {"name": "重复 报名", "reason": "先改名"})
    _delete(world.org, _contestant(world, mistake), {"reason": "重复报名"})
    listed = world.org.get(f"/events/{world.event_id}/contestants")["contestants"]
    assert [c["id"] for c in listed] == [keep, also]
    entries = world.org.get(f"/events/{world.event_id}/audit?contestant_id={mistake}")["entries"]
    assert [e["action"] for e in entries] == ["contestant.correct", "contestant.remove"]
    removal = entries[-1]
    assert removal["reason"] == "重复报名"
    assert removal["details"]["name"] == "重复报名"
    assert removal["details"]["unit"]["name"] == "单位1"
    _delete(world.org, _contestant(world, mistake), {"reason": "再删"}, status=404)
    # ?reason= for a client that sends no body with a DELETE.
    _delete(world.org, _contestant(world, also), query_string={"reason": "登记错误"})

    _judge_id, panel = judge(app, client, world.org, world.event_id, "panel")
    mark(panel, world.event_id, "preliminary", keep, "theory", 70)
    mark(panel, world.event_id, "preliminary", keep, "practical", 70)
    mark(panel, world.event_id, "preliminary", mistake, "theory", 70, status=404)
    results = world.org.get(f"/events/{world.event_id}/rounds/preliminary/results")
    assert [r["contestant_id"] for r in results["ranking"]] == [keep]
    assert results["incomplete"] == []


def test_a_contestant_with_marks_or_records_is_not_removed(app, client):
    world = build_world(app, client, per_unit=(3,))
    marked, absent, clean = world.contestants[world.units[0]]
    _judge_id, panel = judge(app, client, world.org, world.event_id, "panel")
    mark(panel, world.event_id, "preliminary", marked, "theory", 70)
    refused = _delete(world.org, _contestant(world, marked), {"reason": "x"}, status=409)
    assert set(refused.get_json()["error"]["fields"]) == {"marks"}
    with app.app_context():
        from competition.contest.services import absences
        from competition.models import Absence, Event, User

        event = db.session.get(Event, world.event_id)
        person = db.session.get(Contestant, absent)
        organiser = db.session.scalar(db.select(User).where(User.username == "org"))
        assert event is not None and person is not None
        absences.record_absence(
            event, event.round("preliminary"), person, "absent", "未到", organiser
        )
        db.session.commit()
        assert db.session.scalar(db.select(Absence.id)) is not None
    refused = _delete(world.org, _contestant(world, absent), {"reason": "x"}, status=409)
    assert set(refused.get_json()["error"]["fields"]) == {"absences"}
    _delete(world.org, _contestant(world, clean), {"reason": ""}, status=422)
    assert _trail(world, "contestant.remove") == []


# ---------------------------------------------------------------- units
def _legacy_unit(app: Any, contest_id: int, name: str) -> int:
    """A unit as registered before names were normalised: written straight to the table."""
    with app.app_context():
        unit = Unit(contest_id=contest_id, name=name)
        db.session.add(unit)
        db.session.commit()
        return unit.id


def test_a_unit_is_renamed_normalised_and_audited(app, client):
    world = build_world(app, client, per_unit=(1, 1))
    body = _patch(
        world.org,
        _unit(world, world.units[0]),
        {"name": " 北京精雕 ( 北京 ) 公司", "reason": "全称"},
    )
    assert body == {"id": world.units[0], "name": "北京精雕（北京）公司", "reissue_needed": []}
    entry = _trail(world, "unit.rename")[0]
    assert entry["details"] == {
        "unit_id": world.units[0],
        "old": "单位1",
        "new": "北京精雕（北京）公司",
    }
    assert entry["reason"] == "全称"


def test_renaming_into_another_units_name_points_to_merging(app, client):
    world = build_world(app, client, per_unit=(1, 1))
    legacy = _legacy_unit(app, world.contest_id, "精雕(北京)")
    refused = _patch(
        world.org, _unit(world, world.units[0]), {"name": "精雕（北京）", "reason": "x"}, 409
    )
    assert "合并" in refused["error"]["message"]
    assert refused["error"]["fields"]["into_unit_id"] == [str(legacy)]
    # The legacy unit itself may take the normalised spelling of its own name.
    body = _patch(world.org, _unit(world, legacy), {"name": "精雕(北京)", "reason": "统一括号"})
    assert body["name"] == "精雕（北京）"


def test_two_spellings_of_one_unit_are_merged(app, client):
    world = build_world(app, client, per_unit=(2,))
    proper = world.org.post(f"/contests/{world.contest_id}/units", {"name": "精雕（北京）"})["id"]
    legacy = _legacy_unit(app, world.contest_id, "精雕(北京)")
    world.org.post(f"/events/{world.event_id}/contestants", {"name": "甲", "unit_id": proper})
    moved = world.org.post(
        f"/events/{world.event_id}/contestants", {"name": "乙", "unit_id": legacy}
    )
    judge(app, client, world.org, world.event_id, "c1", unit_id=legacy)

    body = world.org.post(
        _unit(world, legacy) + "/merge", {"into_unit_id": proper, "reason": "同一单位"}, status=200
    )
    assert body["id"] == proper and body["merged_unit_id"] == legacy
    assert body["contestants"] == [moved["id"]]
    units = world.org.get(f"/contests/{world.contest_id}/units")["units"]
    assert legacy not in [u["id"] for u in units]
    listed = world.org.get(f"/events/{world.event_id}/contestants")["contestants"]
    assert {c["unit_id"] for c in listed if c["id"] == moved["id"]} == {proper}
    judges = world.org.get(f"/events/{world.event_id}/judges")["judges"]
    assert {j["unit_id"] for j in judges} == {proper}
    entry = _trail(world, "unit.merge")[0]
    assert entry["details"]["from"] == {"id": legacy, "name": "精雕(北京)"}
    assert entry["details"]["contestants"] == [moved["id"]]
    # Into itself, into another contest's unit, or gone: 422 / 404.
    world.org.post(
        _unit(world, proper) + "/merge", {"into_unit_id": proper, "reason": "x"}, status=422
    )
    world.org.post(
        _unit(world, legacy) + "/merge", {"into_unit_id": proper, "reason": "x"}, status=404
    )
    world.org.post(
        _unit(world, proper) + "/merge", {"into_unit_id": 999999, "reason": "x"}, status=422
    )


def test_units_are_not_merged_once_a_round_with_both_is_published(app, client):
    world = build_world(app, client, per_unit=(3, 3))
    _score_everyone(app, client, world)
    _publish_preliminary(world)
    first_unit, second_unit = world.units
    refused = world.org.post(
        _unit(world, first_unit) + "/merge",
        {"into_unit_id": second_unit, "reason": "x"},
        status=409,
    )
    assert "published" in refused["error"]["fields"]
    # A rename moves nobody: allowed after publication, and the published results say it.
    _patch(world.org, _unit(world, first_unit), {"name": "精雕科技", "reason": "全称"})
    public = client.get(f"/api/v1/events/{world.event_id}/rounds/preliminary/results").get_json()
    assert "精雕科技" in {r["unit"] for r in public["ranking"]}
    # A unit with nobody in the published round may be merged in: no ranking changes.
    spare = world.org.post(f"/contests/{world.contest_id}/units", {"name": "单位一"})["id"]
    world.org.post(
        _unit(world, spare) + "/merge", {"into_unit_id": first_unit, "reason": "同一单位"}, 200
    )


def test_units_are_not_merged_once_finalists_are_recommended(app, client):
    world = build_world(app, client, per_unit=(3, 3), event={"min_finalists_per_unit": 1})
    _score_everyone(app, client, world)
    first_unit, second_unit = world.units
    world.org.post(f"/events/{world.event_id}/finalists", {"unit_id": first_unit, "count": 1})
    refused = world.org.post(
        _unit(world, second_unit) + "/merge",
        {"into_unit_id": first_unit, "reason": "x"},
        status=409,
    )
    assert "finalists" in refused["error"]["fields"]


def test_only_an_empty_unit_is_removed(app, client):
    world = build_world(app, client, per_unit=(1, 0))
    peopled, empty = world.units
    refused = _delete(world.org, _unit(world, peopled), {"reason": "x"}, status=409)
    assert "contestants" in refused.get_json()["error"]["fields"]
    assigned = world.org.post(f"/contests/{world.contest_id}/units", {"name": "单位3"})["id"]
    judge(app, client, world.org, world.event_id, "c3", unit_id=assigned)
    refused = _delete(world.org, _unit(world, assigned), {"reason": "x"}, status=409)
    assert "judges" in refused.get_json()["error"]["fields"]
    _delete(world.org, _unit(world, empty), {"reason": "x", "extra": 1}, status=422)
    _delete(world.org, _unit(world, empty), {"reason": "登记错误"})
    units = world.org.get(f"/contests/{world.contest_id}/units")["units"]
    assert [u["id"] for u in units] == [peopled, assigned]
    entry = _trail(world, "unit.remove")[0]
    assert entry["details"] == {"unit": {"id": empty, "name": "单位2"}}
    _delete(world.org, _unit(world, empty), {"reason": "x"}, status=404)


def test_the_corrections_are_in_the_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    assert "patch" in paths["/events/{event_id}/contestants/{contestant_id}"]
    assert "delete" in paths["/events/{event_id}/contestants/{contestant_id}"]
    assert {"patch", "delete"} <= set(paths["/contests/{contest_id}/units/{unit_id}"])
    assert "post" in paths["/contests/{contest_id}/units/{unit_id}/merge"]


def test_the_audit_entry_of_a_removed_contestant_outlives_it(app, client):
    world = build_world(app, client, per_unit=(2,))
    mistake = world.contestants[world.units[0]][1]
    _delete(world.org, _contestant(world, mistake), {"reason": "误登记"})
    with app.app_context():
        assert db.session.get(Contestant, mistake) is None
        kept = db.session.scalars(
            db.select(AuditEntry).where(AuditEntry.contestant_id == mistake)
        ).all()
        assert [e.action for e in kept] == ["contestant.remove"]


def test_units_are_not_merged_where_a_final_judge_would_have_marked_his_own_people(app, client):
    """Written straight to the table: the marking rules keep a unit's judges out of the final
    today, and the merge must not undo avoidance (回避) if that ever changes."""
    world = build_world(app, client, per_unit=(1, 1))
    first_unit, second_unit = world.units
    judge_id, _panel = judge(app, client, world.org, world.event_id, "c1", unit_id=first_unit)
    with app.app_context():
        from competition.models import Event, Mark

        event = db.session.get(Event, world.event_id)
        assert event is not None
        db.session.add(
            Mark(
                round_id=event.round("final").id,
                contestant_id=world.contestants[second_unit][0],
                component_id=event.components[0].id,
                judge_id=judge_id,
                value=Decimal(80),
            )
        )
        db.session.commit()
    refused = world.org.post(
        _unit(world, second_unit) + "/merge",
        {"into_unit_id": first_unit, "reason": "同一单位"},
        status=409,
    )
    assert set(refused["error"]["fields"]) == {"avoidance"}
