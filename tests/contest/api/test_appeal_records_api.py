"""The appeals log and an appeal's record through the API (issue #19): what the console's
appeals pages show an organiser — every appeal of the event, and one with its ruling, the
marks it is about and the marks it changed."""

from __future__ import annotations

from tests.contest.documents.helpers import published_final
from tests.support.errors import assert_error
from tests.support.factories import Api


def test_the_log_and_an_appeals_record_show_the_ruling_and_what_it_changed(app, client):
    final = published_final(app, client)
    org, event_id = final.org, final.event_id
    assert org.get(f"/events/{event_id}/appeals") == {"appeals": []}
    first, second = (final.ranked[i]["contestant_id"] for i in (0, 1))
    older = org.post(
        f"/events/{event_id}/rounds/final/appeals",
        {"contestant_id": first, "filed_by": "吕𠮷祥", "subject": "复核理论成绩"},
    )
    newer = org.post(
        f"/events/{event_id}/rounds/final/appeals",
        {"contestant_id": second, "filed_by": "王堃", "subject": "技能操作漏计"},
    )
    listed = org.get(f"/events/{event_id}/appeals")["appeals"]
    assert [a["id"] for a in listed] == [newer["id"], older["id"]]  # the latest first
    assert listed[1] == older

    record = org.get(f"/appeals/{newer['id']}")
    assert record["status"] == "open" and record["reason"] is None
    assert record["decided_at"] is None and record["changes"] == []
    assert {(m["judge_id"], m["component"]) for m in record["marks"]} == {
        (final.judge_id, "theory"),
        (final.judge_id, "practical"),
    }

    change = {"judge_id": final.judge_id, "component": "practical", "value": "99"}
    org.post(
        f"/appeals/{newer['id']}/decision",
        {"outcome": "upheld", "reason": "复核评分表，漏计一项", "changes": [change]},
        status=200,
    )
    record = org.get(f"/appeals/{newer['id']}")
    assert record["status"] == "upheld" and record["reason"] == "复核评分表，漏计一项"
    assert record["decided_at"] is not None
    practical = next(m for m in record["marks"] if m["component"] == "practical")
    assert practical["value"] == "99.00"
    assert [(c["action"], c["new_value"]) for c in record["changes"]] == [("mark.set", "99.00")]
    assert org.get(f"/appeals/{older['id']}")["changes"] == []


def test_only_organisers_read_appeals(app, client):
    final = published_final(app, client)
    org, event_id = final.org, final.event_id
    appeal = org.post(
        f"/events/{event_id}/rounds/final/appeals",
        {"contestant_id": final.ranked[0]["contestant_id"], "filed_by": "甲", "subject": "复核"},
    )
    for path in (f"/events/{event_id}/appeals", f"/appeals/{appeal['id']}"):
        assert_error(Api(client).call("GET", path), 401)
        assert_error(final.judge.call("GET", path), 403)
    assert_error(org.call("GET", "/events/999999/appeals"), 404)
    assert_error(org.call("GET", "/appeals/999999"), 404)
