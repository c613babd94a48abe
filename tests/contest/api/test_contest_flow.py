"""The whole contract flow through HTTP: contest → units → event → contestants → judges →
preliminary marks → per-unit rankings → finalists → final marks by several judges → ranking with
tie-breaks → tie resolution → publish → locked."""

from __future__ import annotations

from tests.support.factories import Api, build_world, judge, mark

TIME_USED = {
    "key": "time_used",
    "name": "操作用时(分钟)",
    "weight": "0",
    "max_score": "600",
    "higher_is_better": False,
}
EVENT = {
    "components": [
        {"key": "theory", "name": "理论知识", "weight": "0.30", "max_score": "100"},
        {"key": "practical", "name": "技能操作", "weight": 0.70, "max_score": 100},
        TIME_USED,
    ],
    "tie_breaks": ["practical", "time_used"],
}

# Final scores per finalist slot: (theory, practical, time_used), every judge marking the same.
FINAL_SCORES = {
    "top": ("80", "85", "190"),  # 83.50
    "practical_hi": ("76", "86", "230"),  # 83.00, better practical
    "practical_lo": ("90", "80", "150"),  # 83.00
    "fast": ("70", "70", "180"),  # 70.00, same practical, less time
    "slow": ("70", "70", "200"),  # 70.00
    "tie_a": ("60", "60", "200"),  # tied on everything
}


def _marks_for(
    api: Api, event_id: int, round_: str, cid: int, scores: tuple[str, str, str]
) -> None:
    for key, value in zip(("theory", "practical", "time_used"), scores, strict=True):
        mark(api, event_id, round_, cid, key, value)


def test_whole_contest_through_http(app, client):
    world = build_world(app, client, per_unit=(4, 4), event=EVENT)
    org, event_id = world.org, world.event_id
    unit_a, unit_b = world.units

    # Each unit's committee runs its own preliminary.
    _, committee_a = judge(app, client, org, event_id, "committee_a", unit_id=unit_a)
    _, committee_b = judge(app, client, org, event_id, "committee_b", unit_id=unit_b)
    for api, unit in ((committee_a, unit_a), (committee_b, unit_b)):
        for place, cid in enumerate(world.contestants[unit]):
            _marks_for(api, event_id, "preliminary", cid, (str(90 - place), str(90 - place), "200"))

    # The committee of unit A may not mark unit B's people.
    mark(
        committee_a, event_id, "preliminary", world.contestants[unit_b][0], "theory", 50, status=403
    )

    prelim_a = org.get(f"/events/{event_id}/rounds/preliminary/results?unit_id={unit_a}")
    assert [r["contestant_id"] for r in prelim_a["ranking"]] == world.contestants[unit_a]
    assert prelim_a["incomplete"] == [] and prelim_a["unresolved_ties"] == []
    overview = org.get(f"/events/{event_id}/rounds/preliminary/results")
    assert len(overview["ranking"]) == 8
    assert [r["rank"] for r in overview["ranking"]] == list(range(1, 9))

    # Finalists: the minimum of 3 per unit is enforced.
    org.post(f"/events/{event_id}/finalists", {"unit_id": unit_a, "count": 2}, status=422)
    chosen = {}
    for unit, count in zip(world.units, (3, 4), strict=True):
        body = org.post(f"/events/{event_id}/finalists", {"unit_id": unit, "count": count})
        assert body == {"unit_id": unit, "finalists": world.contestants[unit][:count]}
        chosen[unit] = body["finalists"]
    listed = org.get(f"/events/{event_id}/finalists")["finalists"]
    assert sorted(f["contestant_id"] for f in listed) == sorted(
        cid for ids in chosen.values() for cid in ids
    )

    # The final: a panel of 5 judges; the not-recommended fourth of unit A cannot be marked.
    panel = [judge(app, client, org, event_id, f"final{n}", chief=n == 1)[1] for n in range(1, 6)]
    mark(panel[0], event_id, "final", world.contestants[unit_a][3], "theory", 50, status=422)
    # A committee judge of one unit does not mark the final.
    mark(committee_a, event_id, "final", world.contestants[unit_a][0], "theory", 50, status=403)

    finalists = chosen[unit_a] + chosen[unit_b]
    assert len(finalists) == len(FINAL_SCORES) + 1
    slots = dict(zip(FINAL_SCORES, finalists, strict=False))
    tie_b = finalists[-1]
    for api in panel:
        for slot, cid in slots.items():
            _marks_for(api, event_id, "final", cid, FINAL_SCORES[slot])
        _marks_for(api, event_id, "final", tie_b, FINAL_SCORES["tie_a"])
    # One judge's outlier on "top" is trimmed away with the highest mark (5 judges).
    mark(panel[4], event_id, "final", slots["top"], "practical", "0")
    mark(panel[3], event_id, "final", slots["top"], "practical", "100")

    # Finalists are frozen once final marks exist.
    org.post(f"/events/{event_id}/finalists", {"unit_id": unit_a, "count": 4}, status=409)

    results = org.get(f"/events/{event_id}/rounds/final/results")
    ranking = results["ranking"]
    order = [r["contestant_id"] for r in ranking]
    tie_group = sorted([slots["tie_a"], tie_b])
    assert order[:5] == [slots[s] for s in ("top", "practical_hi", "practical_lo", "fast", "slow")]
    assert results["unresolved_ties"] == [tie_group]
    assert [r["rank"] for r in ranking] == [1, 2, 3, 4, 5, 6, 7]
    assert ranking[0]["total"] == "83.50" and ranking[0]["scores"]["practical"] == "85.00"
    assert [r["decided_by"] for r in ranking[:5]] == [None, None, "practical", None, "time_used"]
    assert ranking[1]["total"] == ranking[2]["total"] == "83.00"
    assert ranking[0]["name"] and ranking[0]["unit"] == "单位1"

    # A tie blocks publication; a ruling settles it and is shown with the results.
    refused = org.call("POST", f"/events/{event_id}/rounds/final/publish", status=409).get_json()
    assert "unresolved_ties" in refused["error"]["fields"]
    org.post(
        f"/events/{event_id}/rounds/final/tie-resolutions",
        {"order": [tie_group[0]], "reason": "抽签"},
        status=422,
    )
    ruling = org.post(
        f"/events/{event_id}/rounds/final/tie-resolutions",
        {"order": [tie_group[1], tie_group[0]], "reason": "经裁判长裁定"},
    )
    assert ruling["order"] == [tie_group[1], tie_group[0]]
    results = org.get(f"/events/{event_id}/rounds/final/results")
    assert results["unresolved_ties"] == []
    assert [r["contestant_id"] for r in results["ranking"][5:]] == [tie_group[1], tie_group[0]]
    assert results["ranking"][6]["decided_by"] == "resolution"
    assert results["resolutions"][0]["reason"] == "经裁判长裁定"

    # Nobody sees the final before publication; then everyone does, and it is locked.
    anonymous = Api(client)
    anonymous.get(f"/events/{event_id}/rounds/final/results", status=404)
    published = org.post(f"/events/{event_id}/rounds/final/publish", status=200)
    assert published["published"] is True
    public = anonymous.get(f"/events/{event_id}/rounds/final/results")
    assert public["published"] is True
    assert [r["contestant_id"] for r in public["ranking"]] == [
        r["contestant_id"] for r in results["ranking"]
    ]
    mark(panel[0], event_id, "final", slots["top"], "theory", "99", status=409)
    org.post(f"/events/{event_id}/rounds/final/publish", status=409)

    # Every change of a mark is in the audit trail: who, old, new.
    trail = org.get(f"/events/{event_id}/audit?contestant_id={slots['top']}")["entries"]
    changes = [e for e in trail if e["action"] == "mark.set" and e["old_value"] is not None]
    assert {(e["old_value"], e["new_value"]) for e in changes} == {
        ("85.00", "0.00"),
        ("85.00", "100.00"),
    }


def test_preliminary_unit_tie_blocks_cut_until_ruled(app, client):
    world = build_world(app, client, per_unit=(4,))
    org, event_id, unit = world.org, world.event_id, world.units[0]
    _, committee = judge(app, client, org, event_id, "committee", unit_id=unit)
    scores = [("90", "90"), ("85", "85"), ("80", "80"), ("80", "80")]
    for cid, (theory, practical) in zip(world.contestants[unit], scores, strict=True):
        mark(committee, event_id, "preliminary", cid, "theory", theory)
        mark(committee, event_id, "preliminary", cid, "practical", practical)
    tied = world.contestants[unit][2:]
    body = org.get(f"/events/{event_id}/rounds/preliminary/results?unit_id={unit}")
    assert body["unresolved_ties"] == [sorted(tied)]
    # The cut at 3 falls inside the tie (places 3 and 4); at 4 it does not.
    org.post(f"/events/{event_id}/finalists", {"unit_id": unit, "count": 3}, status=409)
    org.post(f"/events/{event_id}/finalists", {"unit_id": unit, "count": 4}, status=201)
    org.post(
        f"/events/{event_id}/rounds/preliminary/tie-resolutions",
        {"order": [tied[1], tied[0]], "reason": "初赛组委会依据实操用时裁定"},
    )
    # A contradicting ruling is refused.
    org.post(
        f"/events/{event_id}/rounds/preliminary/tie-resolutions",
        {"order": [tied[0], tied[1]], "reason": "再议"},
        status=422,
    )
    body = org.post(f"/events/{event_id}/finalists", {"unit_id": unit, "count": 3})
    assert body["finalists"] == [*world.contestants[unit][:2], tied[1]]
    org.post(f"/events/{event_id}/rounds/preliminary/publish", status=200)
    org.post(f"/events/{event_id}/contestants", {"name": "迟到", "unit_id": unit}, status=409)


def test_a_judge_sees_only_their_own_marks(app, client):
    world = build_world(app, client, per_unit=(3,))
    event_id, cid = world.event_id, world.contestants[world.units[0]][0]
    _, first = judge(app, client, world.org, event_id, "first")
    _, second = judge(app, client, world.org, event_id, "second")
    mark(first, event_id, "preliminary", cid, "theory", "81.5")
    mark(second, event_id, "preliminary", cid, "theory", 79)
    own = first.get(f"/events/{event_id}/rounds/preliminary/marks")["marks"]
    assert [(m["contestant_id"], m["component"], m["value"]) for m in own] == [
        (cid, "theory", "81.50")
    ]
    everyone = world.org.get(f"/events/{event_id}/rounds/preliminary/marks")["marks"]
    assert sorted(m["value"] for m in everyone) == ["79.00", "81.50"]


def test_the_results_document_matches_its_published_schema(app, client):
    """The results are built by hand for speed; their documented schema must still hold."""
    from competition.contest.schemas import ResultsOut

    world = build_world(app, client, per_unit=(3,))
    _, api = judge(app, client, world.org, world.event_id, "schema-judge")
    for cid in world.all_contestants()[:2]:
        mark(api, world.event_id, "preliminary", cid, "theory", "88.5")
        mark(api, world.event_id, "preliminary", cid, "practical", 77)
    body = world.org.get(f"/events/{world.event_id}/rounds/preliminary/results")
    assert ResultsOut().validate(body) == {}
    assert body["ranking"][0]["scores"] == {"theory": "88.50", "practical": "77.00"}
