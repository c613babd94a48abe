"""Second entry: another person re-enters a sheet blind; differences are shown side by side and
settled before the sheet can be signed or its round published."""

from __future__ import annotations

from sqlalchemy import select

from competition.extensions import db
from competition.models import AuditEntry


def _second_url(judging, judge: str, contestant_id: int | None = None) -> str:
    url = judging.review_url(judge) + "/second-entry"
    return url if contestant_id is None else f"{url}/{contestant_id}"


def test_second_entry_is_blind_and_by_someone_else(judging):
    ids = judging.world.contestants[judging.world.units[0]]
    judging.fill("unit1", {ids[0]: "81.50", ids[1]: 82})
    org = judging.session("org")
    chief = judging.session("chief")
    chief.get(_second_url(judging, "unit1"), status=409)  # not asked for yet
    chief.post(judging.review_url("unit1") + "/second-entry/required", {"value": "1"}, 403)
    org.post(judging.review_url("unit1") + "/second-entry/required", {"value": "1"})

    judging.session("unit1").get(_second_url(judging, "unit1"), status=403)  # not one's own
    refused = judging.session("unit1").put_json(
        _second_url(judging, "unit1", ids[0]), {"value": 81}, status=403
    )
    assert refused["error"]["message"] == "二次录入须由评分裁判以外的人完成"

    page = chief.get(_second_url(judging, "unit1"))
    assert "81.50" not in page and "82.00" not in page  # the judge's marks stay hidden
    assert chief.get("/judging").count("second-entry") == 1  # on the chief's to-do list
    answer = chief.put_json(_second_url(judging, "unit1", ids[0]), {"value": 18.5})
    assert answer == {"contestant_id": ids[0], "component": "theory", "value": "18.50"}
    assert "mismatch" not in str(answer)  # the typist is not told whether it matched
    assert chief.put_json(_second_url(judging, "unit1", ids[1]), {"value": 101}, 422)["error"][
        "fields"
    ] == {"value": ["理论知识的分数应在 0 到 100 之间"]}
    assert 'value="18.50"' in chief.get(_second_url(judging, "unit1"))


def test_a_mismatch_is_shown_side_by_side_and_settled(judging, app):
    ids = judging.world.contestants[judging.world.units[0]]
    judging.fill("unit1", {ids[0]: 81, ids[1]: 82, ids[2]: 83})
    org = judging.session("org")
    org.post(judging.review_url("unit1") + "/second-entry/required", {"value": "1"})
    panel2 = judging.session("panel2")
    for contestant_id, value in zip(ids, (81, 28, 83), strict=True):
        panel2.put_json(_second_url(judging, "unit1", contestant_id), {"value": value})

    chief = judging.session("chief")
    page = chief.get(judging.review_url("unit1"))
    assert "1 行不一致，待核定" in page
    assert "以裁判录入 82.00 为准" in page and "以二次录入 28.00 为准" in page
    assert "二次录入有 1 行不一致，须先核定" in page  # why the sign button is off
    chief.post(judging.review_url("unit1") + "/sign")
    page = chief.get(judging.review_url("unit1"))
    assert "未签字" in page and "已签字确认" not in page

    panel2.post(judging.review_url("unit1") + f"/settle/{ids[1]}", {"value": "first"}, 403)
    chief.post(judging.review_url("unit1") + f"/settle/{ids[1]}", {"value": "second"})
    page = chief.get(judging.review_url("unit1"))
    assert "已核定为 28.00" in page and "全部一致或已核定" in page
    marks = judging.org.get(f"/events/{judging.event_id}/rounds/preliminary/marks")["marks"]
    assert {m["contestant_id"]: m["value"] for m in marks}[ids[1]] == "28.00"
    with app.app_context():
        change = db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.action == "mark.set", AuditEntry.contestant_id == ids[1])
            .order_by(AuditEntry.id.desc())
        ).first()
        assert (change.old_value, change.new_value) == (82, 28)
        assert change.actor_id == judging.users["chief"]
        assert change.judge_id == judging.users["unit1"]
        assert change.reason == "二次录入核定：以第二次录入为准"
    chief.post(judging.review_url("unit1") + f"/settle/{ids[1]}", {"value": "second"})
    assert "这一行没有待核定的不一致" in chief.get(judging.review_url("unit1"))

    # a later change of the judge's mark reopens the question
    judging.fill("unit1", {ids[2]: 38})
    assert "1 行不一致，待核定" in chief.get(judging.review_url("unit1"))
    chief.post(judging.review_url("unit1") + f"/settle/{ids[2]}", {"value": "first"})
    page = chief.get(judging.review_url("unit1"))
    assert "已核定为 38.00" in page and "全部一致或已核定" in page
    chief.post(judging.review_url("unit1") + "/sign")
    assert "已签字确认" in chief.get(judging.review_url("unit1"))


def test_publication_waits_for_second_entry(judging):
    judging.complete_preliminary()
    org = judging.session("org")
    org.post(
        judging.review_url("unit2", component="practical") + "/second-entry/required",
        {"value": "1"},
    )
    publish = f"/events/{judging.event_id}/rounds/preliminary/publish"
    refused = judging.org.post(publish, status=409)
    assert refused["error"]["message"] == "还有评分表未签字或二次录入未核对完毕，不能发布"
    assert refused["error"]["fields"] == {
        "second_entry": ["二次录入未核对完毕：技能操作 · unit2（0/2）"]
    }
    org.post(
        judging.review_url("unit2", component="practical") + "/second-entry/required",
        {"value": "0"},
    )
    judging.org.post(publish, status=200)


def test_a_ruling_made_on_values_that_changed_since_is_refused(judging, app):
    ids = judging.world.contestants[judging.world.units[0]]
    judging.fill("unit1", {ids[0]: 81})
    judging.session("org").post(
        judging.review_url("unit1") + "/second-entry/required", {"value": "1"}
    )
    judging.session("panel2").put_json(_second_url(judging, "unit1", ids[0]), {"value": 18})
    chief = judging.session("chief")
    page = chief.get(judging.review_url("unit1"))
    assert 'name="first" value="81.00"' in page and 'name="second" value="18.00"' in page

    # The judge corrects the mark while the chief judge looks at the page showing 81 and 18.
    judging.fill("unit1", {ids[0]: 80})
    shown = {"value": "first", "first": "81.00", "second": "18.00"}
    chief.post(judging.review_url("unit1") + f"/settle/{ids[0]}", shown)
    page = chief.get(judging.review_url("unit1"))
    assert "这一行在核定前已被修改（现为裁判录入 80.00、二次录入 18.00）" in page
    assert "1 行不一致，待核定" in page  # nothing was settled
    with app.app_context():
        assert not db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "second_entry.settle")
        ).all()

    for bad in ("x", "sNaN"):
        chief.post(
            judging.review_url("unit1") + f"/settle/{ids[0]}",
            {"value": "first", "first": bad, "second": "18"},
        )
        assert "表单无效" in chief.get(judging.review_url("unit1"))
    # On the values as they are now, the ruling goes through.
    chief.post(
        judging.review_url("unit1") + f"/settle/{ids[0]}",
        {"value": "first", "first": "80", "second": "18"},
    )
    assert "已核定为 80.00" in chief.get(judging.review_url("unit1"))
