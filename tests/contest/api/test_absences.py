"""Absence and withdrawal (缺考, 弃权) through the API (api-v1 "Absences"): recorded with a
reason, shown in `absent` and nowhere else, never blocking publication, undone until then."""

from __future__ import annotations

from tests.support.factories import build_world, judge, mark

TIME_EVENT = {
    "components": [
        {"key": "theory", "name": "理论知识", "weight": "0.30", "max_score": "100"},
        {"key": "practical", "name": "技能操作", "weight": "0.70", "max_score": "100"},
        {
            "key": "time_used",
            "name": "操作用时(分钟)",
            "weight": "0",
            "max_score": "600",
            "higher_is_better": False,
        },
    ],
    "tie_breaks": ["practical", "time_used"],
}


def _path(event_id: int, contestant_id: int, round_: str = "preliminary") -> str:
    return f"/events/{event_id}/rounds/{round_}/absences/{contestant_id}"


def test_an_absent_contestant_is_listed_apart_and_does_not_block_publication(app, client):
    world = build_world(app, client, per_unit=(4,), event=TIME_EVENT)
    org, event_id = world.org, world.event_id
    first, second, third, missing = world.contestants[world.units[0]]
    _, committee = judge(app, client, org, event_id, "committee")
    # The one who sat nothing but a "0" time would have won the time tie-break.
    for cid, scores in ((first, ("80", "80", "200")), (second, ("80", "80", "190"))):
        for key, value in zip(("theory", "practical", "time_used"), scores, strict=True):
            mark(committee, event_id, "preliminary", cid, key, value)
    for key, value in (("theory", "0"), ("practical", "80"), ("time_used", "0")):
        mark(committee, event_id, "preliminary", third, key, value)

    results = org.get(f"/events/{event_id}/rounds/preliminary/results")
    assert [r["contestant_id"] for r in results["ranking"]] == [second, first, third]
    assert [i["contestant_id"] for i in results["incomplete"]] == [missing]
    org.post(f"/events/{event_id}/rounds/preliminary/publish", status=409)

    body = org.put(_path(event_id, missing), {"status": "absent", "reason": "理论考试未到场"})
    assert body == {"contestant_id": missing, "status": "absent", "reason": "理论考试未到场"}
    org.put(_path(event_id, third), {"status": "withdrawn", "reason": "  本人书面申请退赛 "})

    results = org.get(f"/events/{event_id}/rounds/preliminary/results")
    assert [r["contestant_id"] for r in results["ranking"]] == [second, first]
    assert [r["rank"] for r in results["ranking"]] == [1, 2]
    assert results["incomplete"] == []
    assert results["absent"] == [
        {"contestant_id": c, "status": s, "reason": r}
        for c, s, r in sorted(
            [(missing, "absent", "理论考试未到场"), (third, "withdrawn", "本人书面申请退赛")]
        )
    ]
    unit = org.get(f"/events/{event_id}/rounds/preliminary/results?unit_id={world.units[0]}")
    assert [r["contestant_id"] for r in unit["ranking"]] == [second, first]
    assert len(unit["absent"]) == 2

    org.post(f"/events/{event_id}/rounds/preliminary/publish", status=200)
    org.put(_path(event_id, first), {"status": "absent", "reason": "迟到"}, status=409)
    org.call("DELETE", "/api/v1" + _path(event_id, third), status=409)
    # Published: the absence is public as such, never as a score.
    public = client.get(f"/api/v1/events/{event_id}/rounds/preliminary/results").get_json()
    assert {a["contestant_id"] for a in public["absent"]} == {missing, third}
    assert third not in [r["contestant_id"] for r in public["ranking"]]

    trail = org.get(f"/events/{event_id}/audit")
    actions = [e["action"] for e in trail["entries"]]
    assert actions.count("absence.record") == 2


def test_an_absence_is_undone_and_the_marks_count_again(app, client):
    world = build_world(app, client, per_unit=(3,))
    org, event_id = world.org, world.event_id
    cid = world.contestants[world.units[0]][0]
    _, committee = judge(app, client, org, event_id, "committee")
    for key in ("theory", "practical"):
        mark(committee, event_id, "preliminary", cid, key, "70")
    org.put(_path(event_id, cid), {"status": "absent", "reason": "误登记"})
    assert org.get(f"/events/{event_id}/rounds/preliminary/results")["ranking"] == []
    response = org.call("DELETE", "/api/v1" + _path(event_id, cid), status=204)
    assert response.get_data() == b""
    results = org.get(f"/events/{event_id}/rounds/preliminary/results")
    assert [r["contestant_id"] for r in results["ranking"]] == [cid]
    assert results["absent"] == []
    org.call("DELETE", "/api/v1" + _path(event_id, cid), status=404)


def test_absence_refusals_follow_the_contract(app, client):
    world = build_world(app, client, per_unit=(3,))
    org, event_id = world.org, world.event_id
    cid = world.contestants[world.units[0]][0]
    _, committee = judge(app, client, org, event_id, "committee")
    assert org.put(_path(event_id, cid), {"status": "sick", "reason": "x"}, status=422)["error"][
        "fields"
    ]["status"]
    assert org.put(_path(event_id, cid), {"status": "absent", "reason": "  "}, status=422)["error"][
        "fields"
    ]["reason"]
    org.put(_path(event_id, cid), {"status": "absent"}, status=422)
    org.put(_path(event_id, 999999), {"status": "absent", "reason": "x"}, status=404)
    # Not a finalist: not in the final round.
    org.put(_path(event_id, cid, "final"), {"status": "absent", "reason": "x"}, status=404)
    committee.put(_path(event_id, cid), {"status": "absent", "reason": "x"}, status=403)
    assert (
        client.put(
            "/api/v1" + _path(event_id, cid), json={"status": "absent", "reason": "x"}
        ).status_code
        == 401
    )


def test_names_numbers_and_units_are_stored_normalised(app, client):
    world = build_world(app, client, per_unit=(0,))
    org, event_id, contest_id = world.org, world.event_id, world.contest_id
    unit = org.post(f"/contests/{contest_id}/units", {"name": "中国石化（北京）有限公司"})
    org.post(f"/contests/{contest_id}/units", {"name": "中国石化(北京)有限公司"}, status=409)
    padded = org.post(
        f"/events/{event_id}/contestants",
        {
            "name": "王  伟",
            "unit_id": unit["id"],
            "id_number": "１１０１０１１９９００３０７１２３３",
        },
    )
    assert padded["name"] == "王伟"
    assert padded["id_number"] == "110***********1233"
    ideographic = org.post(
        f"/events/{event_id}/contestants", {"name": "孙　丽", "unit_id": unit["id"]}
    )
    assert ideographic["name"] == "孙丽"
    dotted = org.post(
        f"/events/{event_id}/contestants", {"name": "买买提・艾力", "unit_id": unit["id"]}
    )
    assert dotted["name"] == "买买提·艾力"
    latin = org.post(
        f"/events/{event_id}/contestants", {"name": "  John   Smith ", "unit_id": unit["id"]}
    )
    assert latin["name"] == "John Smith"
    numbered = org.post(
        f"/events/{event_id}/contestants",
        {"name": "李雷", "unit_id": unit["id"], "number": "Ａ０７"},
    )
    assert numbered["number"] == "A07"
    # The same identity number typed in ASCII is the same person.
    org.post(
        f"/events/{event_id}/contestants",
        {"name": "王伟", "unit_id": unit["id"], "id_number": "110101199003071233"},
        status=409,
    )
    _, committee = judge(app, client, org, event_id, "committee")
    body = mark(committee, event_id, "preliminary", padded["id"], "theory", "８６．５")
    assert body["value"] == "86.50"


def test_chief_judges_record_absences_through_the_api_as_on_the_pages(app, client):
    """A program can do what a chief judge does on the absences page (issue #19): the event's
    chief for everyone, a unit committee's chief for their own unit's preliminary only; an
    ordinary judge and the chief of another event for nobody."""
    world = build_world(app, client, per_unit=(3, 3))
    org, event_id = world.org, world.event_id
    own, other = world.units
    first, second = world.contestants[own][0], world.contestants[other][0]
    _, chief = judge(app, client, org, event_id, "chief", chief=True)
    _, unit_chief = judge(app, client, org, event_id, "unitchief", unit_id=own, chief=True)
    _, plain = judge(app, client, org, event_id, "plain")
    elsewhere = org.post(f"/contests/{world.contest_id}/events", {"name": "车工"})
    _, stranger = judge(app, client, org, elsewhere["id"], "stranger", chief=True)

    body = chief.put(_path(event_id, second), {"status": "absent", "reason": "未到场"})
    assert body == {"contestant_id": second, "status": "absent", "reason": "未到场"}
    unit_chief.put(_path(event_id, first), {"status": "withdrawn", "reason": "书面申请"})
    refused = unit_chief.put(_path(event_id, second), {"status": "absent", "reason": "x"}, 403)
    assert refused["error"]["message"] == "只能登记本单位选手的缺考、弃权"
    for outsider in (plain, stranger):
        refused = outsider.put(_path(event_id, first), {"status": "absent", "reason": "x"}, 403)
        assert refused["error"]["message"] == "只有裁判长或组委会可以登记缺考、弃权"
        outsider.call("DELETE", _path(event_id, second), status=403)

    results = org.get(f"/events/{event_id}/rounds/preliminary/results")
    assert [(a["contestant_id"], a["status"]) for a in results["absent"]] == sorted(
        [(first, "withdrawn"), (second, "absent")]
    )
    unit_chief.call("DELETE", _path(event_id, first), status=204)
    chief.call("DELETE", _path(event_id, second), status=204)
    assert org.get(f"/events/{event_id}/rounds/preliminary/results")["absent"] == []
